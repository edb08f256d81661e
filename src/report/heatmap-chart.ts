// Heatmaps as Vega-Lite specs: a rows × cols matrix as coloured cells (diverging scale around 0 by
// default); hiddenStateHeatmap draws one sequence's hidden states, units × timesteps.
import type { TopLevelSpec } from 'vega-lite';
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { baseConfig, SCHEMA, type Chart, type HeatmapData } from './chart.js';

export interface HeatmapOptions {
  title?: string;
  /** Axis titles (default 'unit' for rows and 'timestep' for columns). */
  rowTitle?: string;
  colTitle?: string;
  /** Colour scale limits (default symmetric around 0: [−m, m] with m = max |value|, or [min, max] when all values ≥ 0). */
  domain?: [number, number];
  /** A Vega colour scheme (default 'redblue', reversed so that positive is red). */
  scheme?: string;
  /** Label of the colour legend (default 'value'). */
  valueTitle?: string;
  /** Index of the first column / row shown on the axes (default 0). */
  colStart?: number;
  rowStart?: number;
}

/** A heatmap of a rows × cols matrix (values[r][c], or flat row-major with its size). */
export function heatmapChart(
  matrix: ArrayLike<number>[] | { values: ArrayLike<number>; rows: number; cols: number },
  options: HeatmapOptions = {},
): Chart {
  let rowsN: number, colsN: number, at: (r: number, c: number) => number;
  if (Array.isArray(matrix)) {
    rowsN = matrix.length;
    colsN = rowsN ? matrix[0].length : 0;
    matrix.forEach((row, r) => {
      if (row.length !== colsN) throw new ValueError(`heatmapChart: row ${r} has ${row.length} values, row 0 has ${colsN}`);
    });
    at = (r, c) => matrix[r][c];
  } else {
    const m = matrix as { values: ArrayLike<number>; rows: number; cols: number };
    rowsN = m.rows;
    colsN = m.cols;
    if (m.values.length !== rowsN * colsN) {
      throw new ValueError(`heatmapChart: ${m.values.length} values do not fill ${rowsN} rows × ${colsN} columns`);
    }
    at = (r, c) => m.values[r * colsN + c];
  }
  if (rowsN === 0 || colsN === 0) throw new ValueError(`heatmapChart: the matrix is empty (${rowsN} × ${colsN})`);
  const rowStart = options.rowStart ?? 0, colStart = options.colStart ?? 0;
  const data: HeatmapData = {
    kind: 'heatmap',
    title: options.title ?? null,
    rowTitle: options.rowTitle ?? 'unit',
    colTitle: options.colTitle ?? 'timestep',
    rows: rowsN,
    cols: colsN,
    values: [],
  };
  const cells: { row: number; col: number; value: number }[] = [];
  let lo = Infinity, hi = -Infinity;
  for (let r = 0; r < rowsN; r++) {
    const row: (number | null)[] = [];
    for (let c = 0; c < colsN; c++) {
      const v = Number(at(r, c));
      if (Number.isFinite(v)) {
        row.push(v);
        cells.push({ row: rowStart + r, col: colStart + c, value: v });
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      } else row.push(null);
    }
    data.values.push(row);
  }
  if (cells.length === 0) throw new ValueError('heatmapChart: no finite value to draw');
  let domain = options.domain;
  if (!domain) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    domain = lo >= 0 ? [lo, hi > lo ? hi : lo + 1] : [-m, m];
  }
  const tickEvery = (n: number) => {
    const raw = n / 10;
    for (const s of [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000]) if (s >= raw) return s;
    return Math.ceil(raw);
  };
  const ticks = (start: number, n: number) => {
    const step = tickEvery(n);
    const out: number[] = [];
    for (let i = start; i < start + n; i++) if (i % step === 0) out.push(i);
    return out;
  };
  const spec = {
    $schema: SCHEMA,
    ...(data.title ? { title: data.title } : {}),
    width: Math.min(900, Math.max(240, colsN * 8)),
    height: Math.min(600, Math.max(80, rowsN * 12)),
    background: 'white',
    padding: 8,
    data: { values: cells },
    // aria off: 3000 cells with labels would triple the SVG
    mark: { type: 'rect', aria: false },
    encoding: {
      x: { field: 'col', type: 'ordinal', title: data.colTitle, axis: { values: ticks(colStart, colsN), labelAngle: 0 } },
      y: { field: 'row', type: 'ordinal', title: data.rowTitle, axis: { values: ticks(rowStart, rowsN) } },
      color: {
        field: 'value',
        type: 'quantitative',
        title: options.valueTitle ?? 'value',
        scale: { scheme: options.scheme ?? 'redblue', reverse: options.scheme === undefined, domain, clamp: true },
      },
    },
    config: { ...baseConfig(), view: { stroke: null }, axis: { ...baseConfig().axis, grid: false } },
  } as unknown as TopLevelSpec;
  return { spec, data };
}

/**
 * Hidden-state activations of one sequence as a heatmap: rows = units, columns = timesteps.
 * h is a returnSequences output (B, T, U) (sample picks the sequence) or one sequence (T, U).
 */
export function hiddenStateHeatmap(h: Tensor, sample = 0, options: HeatmapOptions = {}): Chart {
  let T: number, U: number, offset: number;
  if (h.rank === 3) {
    const B = h.shape[0];
    [T, U] = [h.shape[1], h.shape[2]];
    if (!Number.isInteger(sample) || sample < 0 || sample >= B) {
      throw new ValueError(`hiddenStateHeatmap: sample ${sample} is out of range for a batch of ${B}`);
    }
    offset = sample * T * U;
  } else if (h.rank === 2) {
    [T, U] = h.shape;
    offset = 0;
  } else {
    throw new ValueError(`hiddenStateHeatmap: expected hidden states of shape (B, T, U) or (T, U), got [${h.shape.join(', ')}]`);
  }
  const values = new Float32Array(U * T);
  for (let t = 0; t < T; t++) for (let u = 0; u < U; u++) values[u * T + t] = h.data[offset + t * U + u];
  return heatmapChart({ values, rows: U, cols: T }, { valueTitle: 'activation', ...options });
}
