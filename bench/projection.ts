// Projected epochs: when an engine's epoch would run longer than --max-epoch-sec, the child times one
// epoch on the first k of the n training batches (with the same share of the validation set) and reports
// that time × n/k. After the warm-up the per-batch time is constant (same shapes, same kernels; the
// shuffle only reorders rows), so the projection is the whole epoch's time without its minutes.

/** Fewest batches a partial epoch times, whatever the limit (so one slow batch cannot dominate). */
export const MIN_PARTIAL_BATCHES = 4;
/** A validation sample costs about a third of a training sample (forward only, no gradient or update). */
export const VAL_COST = 1 / 3;

export interface PartialEpoch {
  /** k: training batches timed, and n: batches of the whole epoch. */
  fromBatches: number;
  ofBatches: number;
  /** Rows of the training and validation sets that the partial epoch uses (the first ones). */
  trainSamples: number;
  valSamples: number;
  /** Whole epoch / partial epoch: trainSamples of the full set / trainSamples here (= n/k). */
  scale: number;
  /** The estimate that triggered it (seconds per whole epoch). */
  estimatedEpochSec: number;
}

/**
 * The estimated time of a whole epoch from the seconds of one training batch after warm-up (validation
 * samples at VAL_COST of a training sample), and the partial epoch to time instead when that exceeds
 * maxEpochSec; null for a whole epoch (maxEpochSec 0, a short epoch, or k would reach n).
 */
export function planPartialEpoch(a: {
  perBatchSec: number; trainSamples: number; valSamples: number; batchSize: number; maxEpochSec: number;
}): PartialEpoch | null {
  const n = Math.ceil(a.trainSamples / a.batchSize);
  const estimatedEpochSec = (a.perBatchSec / a.batchSize) * (a.trainSamples + VAL_COST * a.valSamples);
  if (!(a.maxEpochSec > 0) || !(estimatedEpochSec > a.maxEpochSec)) return null;
  const k = Math.max(MIN_PARTIAL_BATCHES, Math.round((n * a.maxEpochSec) / estimatedEpochSec));
  if (k >= n) return null;
  const trainSamples = k * a.batchSize; // < the full set: k ≤ n − 1 whole batches
  const valSamples = a.valSamples > 0 ? Math.max(1, Math.round((a.valSamples * trainSamples) / a.trainSamples)) : 0;
  return { fromBatches: k, ofBatches: n, trainSamples, valSamples, scale: a.trainSamples / trainSamples, estimatedEpochSec };
}

/**
 * Seconds of one training batch from the warm-up fit: the gap between its last two batch ends when the
 * engine reported them (the first batch carries one-time costs: kernel compilation, allocation), else
 * the whole warm-up spread over its batches (an overestimate, which only makes a projection likelier).
 */
export function perBatchSec(warmSec: number, batchEnds: number[], warmTrainSamples: number, warmValSamples: number, batchSize: number): number {
  if (batchEnds.length >= 2) return batchEnds[batchEnds.length - 1] - batchEnds[batchEnds.length - 2];
  return (warmSec * batchSize) / (warmTrainSamples + VAL_COST * warmValSamples);
}
