// Charts for training runs: line charts (loss / accuracy curves, gradient norms per timestep) and
// heatmaps (hidden-state activations over time), built as Vega-Lite specs and rendered without a
// browser: Vega-Lite → Vega → SVG (vega's headless View, renderer 'none') → PNG (@resvg/resvg-js).
//
// writeChart(chart, base) writes base.svg, base.png and base.json (the numbers behind the chart),
// each atomically (temp file + rename), so a reader never sees a half-written file.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** One line of a line chart. */
export interface Series {
  /** Legend label (unique within a chart). */
  name: string;
  /** The values; non-finite ones (and, on a log axis, values ≤ 0) are left out as gaps. */
  y: ArrayLike<number>;
  /** x of each value (default xStart, xStart+1, ...). */
  x?: ArrayLike<number>;
  /** Colour key: series sharing a group share a colour (default: the series' own name). */
  group?: string;
  /** Line style key, e.g. 'train' / 'validation': the first style seen is solid, the next dashed, ... */
  style?: string;
}

export interface LineChartOptions {
  title?: string;
  /** Axis titles (default 'epoch' and 'value'). */
  xTitle?: string;
  yTitle?: string;
  /** Logarithmic y axis (for losses over orders of magnitude, gradient norms). */
  logY?: boolean;
  /** x of the first value when a series has no x (default 1: epochs count from 1, as Keras prints them). */
  xStart?: number;
  /** Plot area size in pixels (axes and legend come on top). Defaults 560 × 320. */
  width?: number;
  height?: number;
  /** Draw a dot at every value (default: when the longest series has at most 30 values). */
  points?: boolean;
}

export interface LineChartData {
  kind: 'line';
  title: string | null;
  xTitle: string;
  yTitle: string;
  logY: boolean;
  /** Each series' values; null where a value could not be drawn (NaN, ±Infinity, ≤ 0 on a log axis). */
  series: { name: string; group: string; style: string | null; x: number[]; y: (number | null)[] }[];
}

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

export interface HeatmapData {
  kind: 'heatmap';
  title: string | null;
  rowTitle: string;
  colTitle: string;
  rows: number;
  cols: number;
  /** values[r][c]; null where a value was not finite. */
  values: (number | null)[][];
}

export type ChartData = LineChartData | HeatmapData;

/** A chart ready to render: the Vega-Lite spec and the data it was built from. */
export interface Chart {
  spec: TopLevelSpec;
  data: ChartData;
}

const FONT = 'DejaVu Sans';
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
// Dash patterns handed out to line styles in order of appearance.
const DASHES = [[1, 0], [6, 4], [2, 2], [8, 3, 2, 3]];
// Legend entries as short line segments (so dashes show), not the point symbols.
const LINE_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 200, symbolFillColor: null };

function baseConfig() {
  return {
    font: FONT,
    view: { stroke: '#ddd' },
    axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
    title: { fontSize: 14 },
  };
}

/** Whole-number ticks from min to max, 1, 2 or 5 × 10^k apart, at most about 12 of them. */
function integerTicks(xs: number[]): number[] {
  let lo = Infinity, hi = -Infinity;
  for (const v of xs) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  let step = 1;
  for (let k = 1; (hi - lo) / step > 12; k++) step = [1, 2, 5][k % 3] * 10 ** Math.floor(k / 3);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(v);
  if (out.length === 0 || out[0] - lo >= step / 2) out.unshift(lo);
  return out;
}

/** Named arrays ({loss: [...], val_loss: [...]}) or Series, as a Series list. */
function toSeriesList(input: Series[] | Record<string, ArrayLike<number>>): Series[] {
  if (Array.isArray(input)) return input;
  return Object.entries(input).map(([name, y]) => ({ name, y }));
}

/** A multi-series line chart. */
export function lineChart(input: Series[] | Record<string, ArrayLike<number>>, options: LineChartOptions = {}): Chart {
  const list = toSeriesList(input);
  if (list.length === 0) throw new ValueError('lineChart: no series given');
  const names = new Set<string>();
  for (const s of list) {
    if (names.has(s.name)) throw new ValueError(`lineChart: two series are named '${s.name}'; series names must be unique`);
    names.add(s.name);
    if (s.x && s.x.length !== s.y.length) {
      throw new ValueError(`lineChart: series '${s.name}' has ${s.y.length} y values but ${s.x.length} x values`);
    }
  }
  const logY = options.logY ?? false;
  const xStart = options.xStart ?? 1;
  const data: LineChartData = {
    kind: 'line',
    title: options.title ?? null,
    xTitle: options.xTitle ?? 'epoch',
    yTitle: options.yTitle ?? 'value',
    logY,
    series: list.map((s) => ({
      name: s.name,
      group: s.group ?? s.name,
      style: s.style ?? null,
      x: Array.from({ length: s.y.length }, (_, i) => (s.x ? Number(s.x[i]) : xStart + i)),
      y: Array.from(s.y, (v) => (Number.isFinite(v) && (!logY || v > 0) ? Number(v) : null)),
    })),
  };
  const rows: { series: string; group: string; style: string; x: number; y: number }[] = [];
  for (const s of data.series) {
    s.y.forEach((y, i) => {
      if (y !== null) rows.push({ series: s.name, group: s.group, style: s.style ?? '', x: s.x[i], y });
    });
  }
  const groups = [...new Set(data.series.map((s) => s.group))];
  const styles = [...new Set(data.series.map((s) => s.style ?? ''))];
  const longest = Math.max(...list.map((s) => s.y.length));
  const points = options.points ?? longest <= 30;
  const xs = data.series.flatMap((s) => s.x);
  const integerX = xs.length > 0 && xs.every((v) => Number.isInteger(v));
  const encoding: Record<string, unknown> = {
    x: {
      field: 'x',
      type: 'quantitative',
      title: data.xTitle,
      scale: { zero: false, nice: false },
      // epochs and timesteps are whole numbers: no ticks at 1.5
      axis: integerX ? { values: integerTicks(xs), format: 'd' } : {},
    },
    y: {
      field: 'y',
      type: 'quantitative',
      title: data.yTitle,
      scale: logY ? { type: 'log' } : { zero: false },
      axis: logY ? { format: '.1e' } : {},
    },
    color: { field: 'group', type: 'nominal', title: null, scale: { domain: groups }, legend: groups.length > 1 ? LINE_LEGEND : null },
    detail: { field: 'series', type: 'nominal' },
    tooltip: [{ field: 'series' }, { field: 'x' }, { field: 'y', format: '.4g' }],
  };
  if (styles.length > 1) {
    encoding.strokeDash = {
      field: 'style',
      type: 'nominal',
      title: null,
      scale: { domain: styles, range: styles.map((_, i) => DASHES[i % DASHES.length]) },
      legend: { ...LINE_LEGEND, symbolStrokeColor: '#555' },
    };
  }
  const spec = {
    $schema: SCHEMA,
    ...(data.title ? { title: data.title } : {}),
    width: options.width ?? 560,
    height: options.height ?? 320,
    background: 'white',
    padding: 8,
    data: { values: rows },
    encoding,
    // points as their own layer without strokeDash, so the line-style legend keeps its dashes
    layer: [
      { mark: { type: 'line', strokeWidth: 1.8, clip: true } },
      ...(points ? [{ mark: { type: 'point', size: 18, filled: true, clip: true, opacity: 1 }, encoding: { strokeDash: null } }] : []),
    ],
    config: baseConfig(),
  } as unknown as TopLevelSpec;
  return { spec, data };
}

/** Anything that holds per-epoch logs: a History ({history: {...}}) or the logs object itself. */
export type HistoryLike = { history: Record<string, ArrayLike<number>> } | Record<string, ArrayLike<number>>;

export interface HistoryChartOptions extends LineChartOptions {
  /** The metrics to draw, e.g. ['loss'] draws loss and val_loss (default: every key of the history). */
  metrics?: string[];
  /** Prefix added to every series name and group (e.g. 'lstm ' for a comparison chart). */
  prefix?: string;
}

/**
 * Training curves from a History: each metric and its val_ twin share a colour, validation dashed.
 * historyChart(h, { metrics: ['loss'] }) gives loss and val_loss; ['accuracy'] gives accuracy and val_accuracy.
 */
export function historyChart(history: HistoryLike, options: HistoryChartOptions = {}): Chart {
  return lineChart(historySeries(history, options.metrics, options.prefix ?? ''), {
    yTitle: options.metrics?.length === 1 ? options.metrics[0] : undefined,
    ...options,
  });
}

/** The series historyChart draws: `metric` (style 'train') and `val_metric` (style 'validation'), grouped by metric. */
export function historySeries(history: HistoryLike, metrics?: string[], prefix = ''): Series[] {
  const h = (typeof (history as { history?: unknown }).history === 'object' ? (history as { history: Record<string, ArrayLike<number>> }).history : history) as Record<string, ArrayLike<number>>;
  const base = metrics ?? [...new Set(Object.keys(h).map((k) => k.replace(/^val_/, '')))];
  const out: Series[] = [];
  for (const m of base) {
    const found = [m, `val_${m}`].filter((k) => h[k] !== undefined);
    if (found.length === 0) {
      throw new ValueError(`historyChart: no '${m}' in the history (it has ${Object.keys(h).join(', ') || 'nothing'})`);
    }
    for (const k of found) {
      out.push({ name: prefix + k, y: h[k], group: prefix + m, style: k.startsWith('val_') ? 'validation' : 'train' });
    }
  }
  return out;
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

function isChart(x: unknown): x is Chart {
  return typeof x === 'object' && x !== null && 'spec' in x && 'data' in x && !Array.isArray(x);
}
function isVegaLiteSpec(x: unknown): x is TopLevelSpec {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  return '$schema' in o || 'mark' in o || 'layer' in o || 'concat' in o || 'hconcat' in o || 'vconcat' in o || 'facet' in o || 'repeat' in o;
}

/** What writeChart and renderSVG take: a Chart, a Vega-Lite spec, or line data (Series[] or {name: values}). */
export type ChartInput = Chart | TopLevelSpec | Series[] | Record<string, ArrayLike<number>>;

function toChart(input: ChartInput): Chart {
  if (isChart(input)) return input;
  if (isVegaLiteSpec(input)) {
    const d = (input as { data?: { values?: unknown } }).data;
    return { spec: input, data: (d?.values ?? null) as unknown as ChartData };
  }
  return lineChart(input as Series[] | Record<string, ArrayLike<number>>);
}

/** The chart as an SVG document (Vega's headless renderer; text is measured by estimate, no canvas). */
export async function renderSVG(input: ChartInput): Promise<string> {
  const chart = toChart(input);
  const vgSpec = compile(chart.spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG bytes, `scale` × its own size, with the system fonts (DejaVu Sans). */
export function svgToPNG(svg: string, scale = 1): Uint8Array {
  if (!(scale > 0 && scale <= 8)) throw new ValueError(`svgToPNG: scale must be in (0, 8], got ${scale}`);
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
    background: 'white',
  });
  return resvg.render().asPng();
}

/** JSON with one level of indent per object, arrays of numbers (a series, a matrix row) on one line. */
export function compactJSON(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value);
    const inner = indent + ' ';
    return `[\n${value.map((v) => inner + compactJSON(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const inner = indent + ' ';
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJSON(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Writes a file so that readers see the old file or the new one, never part of it. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

export interface WriteChartOptions {
  /** PNG size as a multiple of the SVG size (default 2, sharp on high-density screens). */
  scale?: number;
}

export interface WrittenChart {
  svg: string;
  png: string;
  json: string;
}

/**
 * Renders a chart and writes `${basePath}.svg`, `${basePath}.png` and `${basePath}.json` (the chart's
 * data: series or matrix, with titles). Folders are created as needed. Returns the three paths.
 */
export async function writeChart(input: ChartInput, basePath: string, options: WriteChartOptions = {}): Promise<WrittenChart> {
  const chart = toChart(input);
  const svg = await renderSVG(chart);
  const png = svgToPNG(svg, options.scale ?? 2);
  const paths = { svg: `${basePath}.svg`, png: `${basePath}.png`, json: `${basePath}.json` };
  await writeFileAtomic(paths.json, compactJSON(chart.data) + '\n');
  await writeFileAtomic(paths.svg, svg);
  await writeFileAtomic(paths.png, png);
  return paths;
}
