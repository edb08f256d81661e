// One (workload, engine) measurement in its own process, so its peak RSS is its own and one engine's
// heap (or JIT state) cannot slow another. Started by run.ts as
//   node --import tsx bench/child.ts '<ChildConfig as JSON>'
// and writes a ChildResult as JSON to config.resultPath.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { makeEngine, Engine, ModelLike } from './engines.js';
import { runMemory } from './memory.js';
import type { BenchOptions, WorkloadId } from './options.js';
import { perBatchSec, planPartialEpoch } from './projection.js';
import { cpuNow, emptyRow, finishRow, median, Row } from './row.js';
import { Arrays, rowsOf, sizes, TrainData, Workload, workloads } from './workloads.js';

export interface ChildConfig {
  workload: WorkloadId;
  engine: string;
  options: BenchOptions;
  resultPath: string;
}

export type { Row, Status } from './row.js';

export interface ChildResult {
  workload: string;
  engine: string;
  info: Record<string, unknown>;
  notes: string[];
  data?: string;
  rows: Row[];
  wallSec: number;
  cpuSec: number;
  loadavg: number[];
}

const log = (msg: string) => process.stderr.write(`[${cfgEngine}/${cfgWorkload}] ${msg}\n`);
let cfgEngine = '', cfgWorkload = '';

async function runMatmul(engine: Engine, w: Workload, o: BenchOptions): Promise<Row[]> {
  const n = sizes(o).matmulN;
  const row = emptyRow(w.id, engine.name, 'matmul');
  const c0 = cpuNow();
  const times = engine.matmulTimes(n, o.quick ? 3 : 7, Math.min(o.budget, 20));
  finishRow(row, times, cpuNow() - c0, null, w.flops!(null as unknown as TrainData));
  row.extra = { n };
  return [row];
}

/**
 * What a child has done so far, in <resultPath>.partial, so that a child killed by the timeout still says
 * how far it got (run.ts turns it into a projected time per epoch).
 */
export interface Partial {
  phase: 'warm-up' | 'timed';
  unit: Row['unit'];
  /** Timed units finished, and their times. */
  timesSec: number[];
  /** Training batches of the unit in progress, done and in all (tfjs engines only: see fitOnce). */
  batchesDone: number;
  batchesPerUnit: number;
  /** Seconds since the unit in progress started. */
  unitSec: number;
  /** Whole epoch / the partial one being timed (1 for whole epochs). */
  scale?: number;
}
let partialPath = '';
let partial: Partial | null = null;
let partialWritten = 0;
function savePartial(force: boolean): void {
  if (!partial || !partialPath) return;
  const t = performance.now();
  if (!force && t - partialWritten < 2000) return;
  partialWritten = t;
  writeFileSync(partialPath, JSON.stringify(partial));
}

async function fitOnce(engine: Engine, model: ModelLike, a: Arrays, w: Workload, epochs: number, val?: Arrays) {
  const x = engine.tensor({ data: a.x, shape: a.xShape }), y = engine.tensor({ data: a.y, shape: a.yShape });
  const v = val ? [engine.tensor({ data: val.x, shape: val.xShape }), engine.tensor({ data: val.y, shape: val.yShape })] : null;
  const t0 = performance.now();
  if (partial) {
    partial.batchesDone = 0;
    partial.batchesPerUnit = epochs * Math.ceil(a.xShape[0] / w.batchSize!);
    partial.unitSec = 0;
  }
  // Batch progress for the partial file, and batch end times, on tfjs only: its fit runs its callback
  // machinery on every batch anyway, while a tsrnn fit without batch hooks skips it (and tsrnn never comes
  // near a timeout or a projected epoch).
  const batchEnds: number[] = [];
  const callbacks = engine.name.startsWith('tfjs') ? {
    onBatchEnd: () => {
      batchEnds.push((performance.now() - t0) / 1000);
      if (!partial) return;
      partial.batchesDone++;
      partial.unitSec = batchEnds[batchEnds.length - 1];
      savePartial(false);
    },
  } : undefined;
  const h = await model.fit(x, y, { epochs, batchSize: w.batchSize, verbose: 0, ...(v ? { validationData: v } : {}), ...(callbacks ? { callbacks } : {}) });
  const sec = (performance.now() - t0) / 1000;
  for (const t of [x, y, ...(v ?? [])]) engine.dispose(t);
  return { sec, history: h.history, batchEnds };
}

/**
 * Training workloads: a warm-up fit on a few batches (excluded), then timed epochs until --epochs or
 * --budget; an epoch that the warm-up says would exceed --max-epoch-sec is timed on its first batches
 * and projected (projection.ts).
 */
async function runTraining(engine: Engine, w: Workload, d: TrainData, o: BenchOptions): Promise<Row[]> {
  const s = sizes(o);
  const row = emptyRow(w.id, engine.name, w.kind === 'fit' ? 'fit' : 'epoch');
  const model = engine.build(w.model!, o.seed);
  model.compile({ optimizer: 'adam', loss: w.loss! });
  const bs = w.batchSize!;
  const epochsPerCall = w.kind === 'fit' ? w.fitEpochs! : 1;
  // warm-up: the whole-fit workload warms up with one whole fit; epoch workloads with a few batches
  const warmN = w.kind === 'fit' ? d.xShape[0] : Math.min(d.xShape[0], s.warmBatches * bs);
  partial = { phase: 'warm-up', unit: row.unit, timesSec: [], batchesDone: 0, batchesPerUnit: 0, unitSec: 0 };
  const warmVal = d.val ? Math.min(bs, d.val.xShape[0]) : 0;
  const warm = await fitOnce(engine, model, rowsOf(d, warmN), w, epochsPerCall, d.val ? rowsOf(d.val, warmVal) : undefined);
  row.warmupSec = warm.sec;
  log(`warm-up ${warm.sec.toFixed(2)} s`);

  // A long epoch is timed on its first k batches (and the same share of the validation set), projected × n/k.
  const perBatch = perBatchSec(warm.sec, warm.batchEnds, warmN, warmVal, bs);
  const plan = w.kind === 'epochs'
    ? planPartialEpoch({ perBatchSec: perBatch, trainSamples: d.xShape[0], valSamples: d.val?.xShape[0] ?? 0, batchSize: bs, maxEpochSec: o.maxEpochSec })
    : null;
  const train = plan ? rowsOf(d, plan.trainSamples) : d;
  const val = plan && d.val ? rowsOf(d.val, plan.valSamples) : d.val;
  const scale = plan?.scale ?? 1;
  log(`after warm-up: ${perBatch.toFixed(3)} s/batch`);
  if (plan) {
    log(`epoch ≈ ${plan.estimatedEpochSec.toFixed(0)} s (${perBatch.toFixed(2)} s/batch) > --max-epoch-sec ${o.maxEpochSec}: ` +
      `timing ${plan.fromBatches} of ${plan.ofBatches} batches (+ ${plan.valSamples} validation samples), × ${scale.toFixed(3)}`);
  }

  const times: number[] = [];
  const measured: number[] = [];
  const losses: Record<string, number[]> = {};
  const c0 = cpuNow();
  let spent = 0;
  partial.phase = 'timed';
  partial.timesSec = times;
  partial.scale = scale;
  while (times.length < o.epochs) {
    const r = await fitOnce(engine, model, train, w, epochsPerCall, val);
    measured.push(r.sec);
    times.push(r.sec * scale);
    savePartial(true);
    spent += r.sec;
    for (const [k, v] of Object.entries(r.history)) (losses[k] ??= []).push(v[v.length - 1]);
    log(`${row.unit} ${times.length}: ${r.sec.toFixed(2)} s${plan ? ` (${plan.fromBatches}/${plan.ofBatches} batches: ${(r.sec * scale).toFixed(1)} s projected)` : ''}, ` +
      `loss ${losses.loss?.at(-1)?.toFixed(5)}`);
    // another epoch only if it should end within the budget (judged by the last one)
    if (spent + r.sec > o.budget) break;
  }
  // samples/s and GFLOP/s are of the whole epoch over its projected time: the same rate as measured
  finishRow(row, times, cpuNow() - c0, w.samples!(d), w.flops!(d), spent);
  row.extra = { logs: losses, batchSize: bs, trainSamples: d.xShape[0], valSamples: d.val?.xShape[0] ?? 0, warmPerBatchSec: perBatch };
  if (plan) row.projected = { ...plan, measuredSec: median(measured), measuredTimesSec: measured, perBatchSec: perBatch };
  return [row];
}

/** Inference: predict on the whole set (repeated), then the latency of one sequence (median of many). */
async function runInference(engine: Engine, w: Workload, d: TrainData, o: BenchOptions): Promise<Row[]> {
  const model = engine.build(w.model!, o.seed);
  const x = engine.tensor({ data: d.x, shape: d.xShape });
  const predictAll = () => {
    const t0 = performance.now();
    const p = model.predict(x, { batchSize: 32 });
    const values = engine.read(p).slice();
    engine.dispose(p);
    return { sec: (performance.now() - t0) / 1000, values };
  };
  const bulk = emptyRow(w.id, engine.name, 'call');
  const first = predictAll();
  bulk.warmupSec = first.sec;
  const times: number[] = [];
  let c0 = cpuNow();
  while (times.length < Math.max(3, o.epochs)) {
    times.push(predictAll().sec);
    if (times.reduce((a, b) => a + b, 0) > o.budget / 2 && times.length >= 3) break;
  }
  finishRow(bulk, times, cpuNow() - c0, d.xShape[0], w.flops!(d));
  bulk.extra = { predictions: Array.from(first.values), batchSize: 32 };
  engine.dispose(x);

  const lat = emptyRow('infer-latency', engine.name, 'call');
  const d1 = rowsOf(d, 1);
  const one = engine.tensor({ data: d1.x, shape: d1.xShape });
  const predictOne = () => {
    const t0 = performance.now();
    const p = model.predict(one);
    engine.read(p);
    engine.dispose(p);
    return (performance.now() - t0) / 1000;
  };
  const w0 = performance.now();
  for (let i = 0; i < 10; i++) predictOne();
  lat.warmupSec = (performance.now() - w0) / 1000;
  const lt: number[] = [];
  c0 = cpuNow();
  const maxReps = o.quick ? 20 : 300;
  const start = performance.now();
  while (lt.length < maxReps) {
    lt.push(predictOne());
    if ((performance.now() - start) / 1000 > o.budget / 4 && lt.length >= 10) break;
  }
  finishRow(lat, lt, cpuNow() - c0, 1, w.flops!(d) / d.xShape[0]);
  lat.extra = { reps: lt.length, p90Sec: [...lt].sort((a, b) => a - b)[Math.floor(lt.length * 0.9)] };
  engine.dispose(one);
  return [bulk, lat];
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]) as ChildConfig;
  cfgEngine = cfg.engine;
  cfgWorkload = cfg.workload;
  partialPath = `${cfg.resultPath}.partial`;
  const o = cfg.options;
  const t0 = performance.now();
  const result: ChildResult = { workload: cfg.workload, engine: cfg.engine, info: {}, notes: [], rows: [], wallSec: 0, cpuSec: 0, loadavg: loadavg() };
  const w = workloads(o).find((x) => x.id === cfg.workload);
  if (!w) throw new Error(`unknown workload ${cfg.workload}`);
  try {
    let data: TrainData | null = null;
    if (w.data) {
      const d = w.data();
      if ('skip' in d) {
        const row = emptyRow(w.id, cfg.engine, w.kind === 'fit' ? 'fit' : w.kind === 'infer' ? 'call' : 'epoch');
        row.status = 'skipped';
        row.message = d.skip;
        result.rows = [row];
        return;
      }
      data = d;
      result.data = d.describe;
    }
    const engine = await makeEngine(cfg.engine);
    result.info = engine.info;
    result.notes = engine.notes;
    if (w.kind === 'matmul') result.rows = await runMatmul(engine, w, o);
    else if (w.kind === 'infer') result.rows = await runInference(engine, w, data!, o);
    else if (w.kind === 'memory') result.rows = await runMemory(engine, w, data!, o);
    else result.rows = await runTraining(engine, w, data!, o);
  } catch (e) {
    const err = e as Error;
    const row = emptyRow(w.id, cfg.engine, w.kind === 'matmul' ? 'matmul' : 'epoch');
    row.status = 'error';
    row.message = err.message;
    row.extra = { stack: err.stack };
    result.rows = [row];
    log(`error: ${err.stack}`);
  } finally {
    const rss = process.resourceUsage().maxRSS / 1024; // KiB → MiB
    for (const r of result.rows) r.peakRssMB = Math.round(rss * 10) / 10;
    result.wallSec = (performance.now() - t0) / 1000;
    result.cpuSec = cpuNow();
    writeFileSync(cfg.resultPath, JSON.stringify(result));
  }
}

await main();
// tfjs keeps no handles open, but a stray timer must not keep a finished child alive
process.exit(0);
