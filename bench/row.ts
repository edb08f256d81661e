// A result row of the benchmark and the helpers that fill one in (shared by child.ts and memory.ts).
import type { PartialEpoch } from './projection.js';

export type Status = 'ok' | 'skipped' | 'timeout' | 'error';

export interface Row {
  workload: string;
  engine: string;
  status: Status;
  /** What one timed unit is: an epoch, a whole fit, one predict call, one matmul, one training batch (memory). */
  unit: 'epoch' | 'fit' | 'call' | 'matmul' | 'batch';
  /** Median seconds per unit over the timed units (warm-up excluded). */
  medianSec: number | null;
  timesSec: number[];
  samplesPerUnit: number | null;
  samplesPerSec: number | null;
  /** GEMM FLOPs of one unit (see workloads.ts for the count) and the rate achieved. */
  flopsPerUnit: number | null;
  gflops: number | null;
  /** Process CPU seconds per wall second over the timed units (≈1 single-threaded and unloaded; less when the machine is shared). */
  cpuShare: number | null;
  warmupSec: number | null;
  /** Max resident set size of the child process (MiB). */
  peakRssMB: number | null;
  notes: string[];
  message?: string;
  extra?: Record<string, unknown>;
  /** Set when the epochs were timed on their first k of n batches and the times scaled by n/k (projection.ts). */
  projected?: PartialEpoch & { measuredSec: number; measuredTimesSec: number[]; perBatchSec: number };
}

export const median = (a: number[]): number => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export function emptyRow(w: string, engine: string, unit: Row['unit']): Row {
  return {
    workload: w, engine, status: 'ok', unit, medianSec: null, timesSec: [], samplesPerUnit: null, samplesPerSec: null,
    flopsPerUnit: null, gflops: null, cpuShare: null, warmupSec: null, peakRssMB: null, notes: [],
  };
}

/** `wall`: the seconds measured, when the times are projected ones (CPU share is of what was measured). */
export function finishRow(row: Row, times: number[], cpu: number, samples: number | null, flops: number | null, wall = times.reduce((a, b) => a + b, 0)): Row {
  row.timesSec = times;
  row.medianSec = times.length ? median(times) : null;
  row.cpuShare = wall > 0 ? cpu / wall : null;
  row.samplesPerUnit = samples;
  if (row.medianSec) {
    row.samplesPerSec = samples === null ? null : samples / row.medianSec;
    row.flopsPerUnit = flops;
    row.gflops = flops === null ? null : flops / row.medianSec / 1e9;
  }
  return row;
}
