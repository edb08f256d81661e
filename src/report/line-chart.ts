// Line charts as Vega-Lite specs: several series (loss and val_loss, one line per run or epoch),
// colour by group and dash by style, optionally on a log axis; historyChart draws a History's
// training curves. Non-finite values (and values ≤ 0 on a log axis) are left out as gaps.
import type { TopLevelSpec } from 'vega-lite';
import { ValueError } from '../errors.js';
import { baseConfig, SCHEMA, type Chart, type LineChartData } from './chart.js';

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

// Dash patterns handed out to line styles in order of appearance.
const DASHES = [[1, 0], [6, 4], [2, 2], [8, 3, 2, 3]];
// Legend entries as short line segments (so dashes show), not the point symbols.
const LINE_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 200, symbolFillColor: null };

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
