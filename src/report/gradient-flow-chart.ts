// Charts of gradient flow through time (model/gradient-flow.ts's records):
//   gradientFlowChart        ‖∂L/∂h_t‖ against t on a log axis, one line per probed epoch (one run)
//   gradientFlowCompareChart the same, one colour per run (cell type), at chosen epochs (first, last)
//   probeHiddenHeatmap       the hidden states a probe kept for one sequence, units × timesteps
// Each is a Chart for write-chart.ts's writeChart (.svg, .png and .json with the numbers behind it).
import { ValueError } from '../errors.js';
import type { GradientFlowJSON, GradientFlowRecord } from '../model/gradient-flow.js';
import { Tensor } from '../tensor.js';
import { Chart } from './chart.js';
import { HeatmapOptions, hiddenStateHeatmap } from './heatmap-chart.js';
import { lineChart, LineChartOptions, Series } from './line-chart.js';

/** The records, from a GradientFlow callback, its toJSON(), or a plain list. */
export type GradientFlowSource = { records: GradientFlowRecord[] } | GradientFlowRecord[] | GradientFlowJSON;

function recordsOf(src: GradientFlowSource): GradientFlowRecord[] {
  const recs = Array.isArray(src) ? src : src.records;
  if (!recs || recs.length === 0) throw new ValueError('gradient-flow chart: no records (did the gradientFlow callback run during fit?)');
  return recs;
}

/** The records of one layer (default: the first recorded layer), in epoch order. */
function layerRecords(recs: GradientFlowRecord[], layer: string | undefined): GradientFlowRecord[] {
  const name = layer ?? recs[0].layer;
  const out = recs.filter((r) => r.layer === name).sort((a, b) => a.epoch - b.epoch);
  if (out.length === 0) {
    throw new ValueError(`gradient-flow chart: no records for layer '${name}' (recorded: ${[...new Set(recs.map((r) => r.layer))].join(', ')})`);
  }
  return out;
}

/** At most n values of a sorted list, evenly spread, always keeping the first and the last. */
export function spreadPick<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list.slice();
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(list[Math.round((i * (list.length - 1)) / (n - 1))]);
  return [...new Set(out)];
}

function epochLabel(epoch: number): string {
  return epoch === 0 ? 'before training' : `after epoch ${epoch}`;
}

export interface GradientFlowChartOptions extends LineChartOptions {
  /** The recurrent layer to draw (default: the first one recorded). */
  layer?: string;
  /** The epochs to draw (default: up to maxLines of them, evenly spread, first and last included). */
  epochs?: number[];
  /** Lines at most when epochs is not given (default 6). */
  maxLines?: number;
}

/** One run: ‖∂L/∂h_t‖ against the timestep t, one line per probed epoch, log y axis. */
export function gradientFlowChart(src: GradientFlowSource, options: GradientFlowChartOptions = {}): Chart {
  const recs = layerRecords(recordsOf(src), options.layer);
  const available = recs.map((r) => r.epoch);
  let epochs = options.epochs;
  if (epochs) {
    for (const e of epochs) {
      if (!available.includes(e)) throw new ValueError(`gradientFlowChart: no record at epoch ${e} (recorded: ${available.join(', ')})`);
    }
  } else epochs = spreadPick(available, options.maxLines ?? 6);
  const series: Series[] = epochs.map((e) => {
    const r = recs.find((x) => x.epoch === e)!;
    return { name: epochLabel(e), y: r.norms, x: r.norms.map((_, t) => t) };
  });
  const first = recs[0];
  return lineChart(series, {
    title: `‖∂L/∂h_t‖ over time: ${first.cell} layer '${first.layer}'`,
    xTitle: 'timestep t',
    yTitle: '‖∂L/∂h_t‖ (mean over probe sequences)',
    logY: true,
    ...options,
  });
}

/** One run to compare: a name (the legend's colour key) and its records. */
export interface GradientFlowRun {
  name: string;
  records: GradientFlowSource;
  /** The layer to draw (default: the run's first recorded layer). */
  layer?: string;
}

export interface GradientFlowCompareOptions extends LineChartOptions {
  /** Which epochs of each run: 'first' and/or 'last' probe, or epoch numbers (default ['first', 'last']). */
  epochs?: ('first' | 'last' | number)[];
}

/**
 * Several runs (e.g. SimpleRNN, LSTM, GRU) on one chart: one colour per run, one line style per
 * chosen epoch (solid = the first chosen, dashed = the next), log y axis.
 */
export function gradientFlowCompareChart(runs: GradientFlowRun[], options: GradientFlowCompareOptions = {}): Chart {
  if (runs.length === 0) throw new ValueError('gradientFlowCompareChart: no runs given');
  const which = options.epochs ?? ['first', 'last'];
  // the record of each run for each chosen epoch
  const picks = runs.map((run) => {
    const recs = layerRecords(recordsOf(run.records), run.layer);
    return which.map((w) => {
      const r = w === 'first' ? recs[0] : w === 'last' ? recs[recs.length - 1] : recs.find((x) => x.epoch === w);
      if (!r) throw new ValueError(`gradientFlowCompareChart: run '${run.name}' has no record at epoch ${w} (recorded: ${recs.map((x) => x.epoch).join(', ')})`);
      return r;
    });
  });
  // line style per chosen epoch: named by the epoch when every run has the same one there
  const styles = which.map((w, i) => {
    const es = new Set(picks.map((p) => p[i].epoch));
    if (es.size === 1) return epochLabel([...es][0]);
    return w === 'first' ? 'first probe' : w === 'last' ? 'last probe' : `epoch ${w}`;
  });
  const series: Series[] = [];
  runs.forEach((run, k) => {
    const seen = new Set<GradientFlowRecord>();
    picks[k].forEach((r, i) => {
      if (seen.has(r)) return;
      seen.add(r);
      series.push({ name: `${run.name}, ${epochLabel(r.epoch)}`, y: r.norms, x: r.norms.map((_, t) => t), group: run.name, style: styles[i] });
    });
  });
  return lineChart(series, {
    title: '‖∂L/∂h_t‖ over time, by cell',
    xTitle: 'timestep t',
    yTitle: '‖∂L/∂h_t‖ (mean over probe sequences)',
    logY: true,
    ...options,
  });
}

/** The hidden states a probe record kept (one sequence) as a heatmap: rows = units, columns = timesteps. */
export function probeHiddenHeatmap(record: GradientFlowRecord, options: HeatmapOptions = {}): Chart {
  if (!record.hidden) throw new ValueError(`probeHiddenHeatmap: the record of layer '${record.layer}' kept no hidden states (sample: null)`);
  const T = record.hidden.length, U = T ? record.hidden[0].length : 0;
  const flat = new Float32Array(T * U);
  record.hidden.forEach((h, t) => flat.set(h, t * U));
  return hiddenStateHeatmap(new Tensor(flat, [T, U]), 0, {
    title: `${record.cell} layer '${record.layer}' hidden state, ${epochLabel(record.epoch)}`,
    ...options,
  });
}
