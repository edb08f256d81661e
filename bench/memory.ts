// The `memory` workload: one long fit of a small model (LSTM(32) on 20×2 → Dense(1), batch 32, adam/mse),
// sampling the process's memory and the engine's own accounting at the end of every epoch (an epoch is
// `every` batches, so the samples fall every `every` batches without a per-batch hook). After the warm-up
// (the first tenth of the batches) every figure should stay flat: a leak shows as steady growth.
//
// Samples are taken after global.gc() when the child runs with --expose-gc (run.ts passes it for this
// workload), so the heap figures are live data rather than garbage awaiting collection.
import type { Engine } from './engines.js';
import { BenchOptions, isTsrnn } from './options.js';
import { cpuNow, emptyRow, finishRow, Row } from './row.js';
import { rowsOf, sizes, TrainData, Workload } from './workloads.js';

const MiB = 2 ** 20;

/** One sample: batches trained so far, training seconds so far, then MiB figures (…MiB) and counts. */
export type MemorySample = Record<string, number> & { batch: number; sec: number };

export interface Growth {
  /** At the first sample after the warm-up, and at the last. */
  from: number;
  to: number;
  delta: number;
  /** Over the second half (the middle sample to the last), per 1,000 batches: a leak grows there too. */
  latePerThousand: number;
  /** 'grows' / 'falls' when the second half moved by more than the noise (see growth()). */
  trend: 'flat' | 'grows' | 'falls';
}

/**
 * Batches, sampling interval and warm-up (about the first tenth, whole intervals): tsrnn trains
 * memoryBatches (10,000); a tfjs engine, 50-200× slower per batch on this model, a tenth of that, sampled
 * 5× as often (only with --memory-peers).
 */
export function memoryPlan(o: BenchOptions, engine: string): { batches: number; every: number; warm: number } {
  const s = sizes(o);
  const [batches, every] = isTsrnn(engine) ? [s.memoryBatches, s.memoryEvery] : [s.memoryBatches / 10, s.memoryEvery / 5];
  return { batches, every, warm: Math.max(every, Math.round(batches / 10 / every) * every) };
}

/**
 * Each figure from the first sample after the warm-up to the last, and its trend over the second half:
 * rss steps up once or twice early on (V8 committing pages, code tiering) and then stays, which a
 * first-vs-last comparison would call growth; a leak keeps growing in the second half too. Noise: a MiB
 * figure within max(0.5 MiB, 1%), a count unchanged.
 */
export function growth(samples: MemorySample[], warm: number): Record<string, Growth> {
  const ia = samples.findIndex((x) => x.batch >= warm);
  const a = samples[ia];
  const b = samples[samples.length - 1];
  const out: Record<string, Growth> = {};
  if (!a || b.batch <= a.batch) return out;
  const m = samples[Math.floor((ia + samples.length - 1) / 2)];
  for (const k of Object.keys(b)) {
    if (k === 'batch' || k === 'sec' || !(k in a) || !(k in m)) continue;
    const late = b[k] - m[k];
    const noise = k.endsWith('MiB') ? Math.max(0.5, 0.01 * Math.abs(m[k])) : 0;
    out[k] = {
      from: a[k], to: b[k], delta: b[k] - a[k], latePerThousand: b.batch > m.batch ? (late * 1000) / (b.batch - m.batch) : 0,
      trend: late > noise ? 'grows' : late < -noise ? 'falls' : 'flat',
    };
  }
  return out;
}

export async function runMemory(engine: Engine, w: Workload, d: TrainData, o: BenchOptions): Promise<Row[]> {
  const { batches, every, warm } = memoryPlan(o, engine.name);
  const bs = w.batchSize!;
  const model = engine.build(w.model!, o.seed);
  model.compile({ optimizer: 'adam', loss: w.loss! });
  const a = rowsOf(d, every * bs);
  const x = engine.tensor({ data: a.x, shape: a.xShape }), y = engine.tensor({ data: a.y, shape: a.yShape });
  const gc = (globalThis as { gc?: () => void }).gc;
  const samples: MemorySample[] = [];
  const cpuAt: number[] = [];
  let trained = 0; // training seconds, sampling excluded
  let last = performance.now();
  const take = (batch: number) => {
    const t = performance.now();
    trained += (t - last) / 1000;
    cpuAt.push(cpuNow());
    gc?.();
    const m = process.memoryUsage();
    samples.push({
      batch, sec: trained, rssMiB: m.rss / MiB, heapUsedMiB: m.heapUsed / MiB, externalMiB: m.external / MiB,
      arrayBuffersMiB: m.arrayBuffers / MiB, ...engine.memory(),
    });
    last = performance.now();
  };
  take(0);
  await model.fit(x, y, {
    epochs: batches / every, batchSize: bs, verbose: 0,
    callbacks: { onEpochEnd: (epoch: number) => take((epoch + 1) * every) },
  });
  engine.dispose(x);
  engine.dispose(y);

  // timed unit: one batch, the mean of each sampling interval after the warm-up
  const row = emptyRow(w.id, engine.name, 'batch');
  const iw = samples.findIndex((s) => s.batch >= warm);
  const perBatch: number[] = [];
  for (let i = iw + 1; i < samples.length; i++) perBatch.push((samples[i].sec - samples[i - 1].sec) / (samples[i].batch - samples[i - 1].batch));
  finishRow(row, perBatch, cpuAt[cpuAt.length - 1] - cpuAt[iw], w.samples!(d), w.flops!(d), samples[samples.length - 1].sec - samples[iw].sec);
  row.warmupSec = samples[iw].sec;
  row.extra = { batches, every, warmBatches: warm, gc: gc !== undefined, samples, growth: growth(samples, warm) };
  return [row];
}

const LABELS: [string, string][] = [
  ['rssMiB', 'rss'], ['heapUsedMiB', 'heap'], ['externalMiB', 'external'], ['arenaInUseMiB', 'arena in use'],
  ['arenaMemoryMiB', 'wasm memory'], ['arenaBlocks', 'arena blocks'], ['numTensors', 'tfjs tensors'], ['tensorMiB', 'tfjs tensor bytes'],
];

const fmt = (k: string, v: number) => (k.endsWith('MiB') ? v.toFixed(v < 10 ? 2 : 1) : String(v));

/** The section under the table: one line per memory row. */
export function memoryLines(rows: Row[]): string[] {
  const lines: string[] = [];
  for (const r of rows) {
    if (r.workload !== 'memory' || r.status !== 'ok' || !r.extra) continue;
    const e = r.extra as { batches: number; every: number; warmBatches: number; gc: boolean; samples: MemorySample[]; growth: Record<string, Growth> };
    const parts = LABELS.filter(([k]) => e.growth[k]).map(([k, label]) => {
      const g = e.growth[k];
      const unit = k.endsWith('MiB') ? ' MiB' : '';
      const trend = g.trend === 'flat' ? 'flat' : `${g.trend}: ${g.latePerThousand > 0 ? '+' : ''}${Number(g.latePerThousand.toPrecision(2))}${unit} per 1,000 batches in the second half`;
      return `${label} ${fmt(k, g.from)}→${fmt(k, g.to)}${unit} (${trend})`;
    });
    const t = r.timesSec;
    const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;
    lines.push(`${r.engine}: ${e.batches.toLocaleString('en')} batches, from batch ${e.warmBatches.toLocaleString('en')} to the last` +
      `${e.gc ? ' (after gc)' : ''}: ${parts.join(', ')}; ` +
      (t.length ? `${ms(r.medianSec!)}/batch (first ${e.every} after warm-up ${ms(t[0])}, last ${ms(t[t.length - 1])})` : ''));
  }
  return lines;
}
