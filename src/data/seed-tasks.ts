// The two generated tasks of the project's seed experiments, as tensors ready for model.fit.
//
// sequenceTask: the seed's first experiment, "predict the next number": four steps of a counting
// sequence scaled by 1/10 in, the fifth step out.
// multiplicationTask: the "multiplication problem" in the style of Hochreiter & Schmidhuber (1997,
// experiment 5): a long sequence of random values, two of them marked; the target is their product.
// The network must find the marks anywhere in 100 steps and keep both values until the end, which is
// what separates gated cells (LSTM, GRU) from a SimpleRNN.
import { ValueError } from '../errors.js';
import { getRandom } from '../random.js';
import { Tensor } from '../tensor.js';

export interface TaskData {
  /** Inputs, (samples, timesteps, features). */
  x: Tensor;
  /** Targets, (samples, 1). */
  y: Tensor;
}

/**
 * X[i] = [i, i+1, i+2, i+3] / 10 for i = 0..5, shape (6, 4, 1); Y[i] = (i + 4) / 10, shape (6, 1).
 * Each value is the float32 nearest to the decimal (e.g. 0.3 → 0.30000001192…).
 */
export function sequenceTask(): TaskData {
  const n = 6, T = 4;
  const x = new Float32Array(n * T);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) x[i * T + t] = (i + t) / 10;
    y[i] = (i + T) / 10;
  }
  return { x: new Tensor(x, [n, T, 1]), y: new Tensor(y, [n, 1]) };
}

export interface MultiplicationTaskOptions {
  /** Number of sequences (default 3000). */
  n?: number;
  /** Steps per sequence (default 100; at least 2, for two distinct marks). */
  timesteps?: number;
  /** Seed for a private generator; without one the global stream (tsrnn.setSeed) is used. */
  seed?: number;
}

export interface MultiplicationTaskData extends TaskData {
  /** (n, 2) the two marked steps of each sequence, first < second. */
  positions: Int32Array;
}

/**
 * x (n, timesteps, 2): channel 0 uniform in [0, 1); channel 1 is 0 except 1 at two distinct steps
 * chosen uniformly at random. y (n, 1): the product of the two marked channel-0 values, computed
 * from the float32 values stored in x (then rounded to float32).
 *
 * Predicting the mean (1/4) has an expected MSE of Var(UV) = 1/9 − 1/16 = 7/144 ≈ 0.0486:
 * the baseline a model must beat (see MULTIPLICATION_BASELINE_MSE).
 *
 * Draw order per sequence: the `timesteps` values, then the first mark, then the second
 * (so the same seed gives the same data whatever n is, for the first sequences).
 */
export function multiplicationTask(options: MultiplicationTaskOptions = {}): MultiplicationTaskData {
  const n = options.n ?? 3000;
  const T = options.timesteps ?? 100;
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(`multiplicationTask: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(T) || T < 2) {
    throw new ValueError(`multiplicationTask: timesteps must be an integer ≥ 2 (two distinct marks), got ${T}`);
  }
  const rng = getRandom(options.seed);
  const x = new Float32Array(n * T * 2);
  const y = new Float32Array(n);
  const positions = new Int32Array(n * 2);
  for (let s = 0; s < n; s++) {
    const base = s * T * 2;
    for (let t = 0; t < T; t++) x[base + t * 2] = rng.uniform();
    // two distinct steps: the second is drawn from the T-1 steps left
    const a = rng.int(T);
    let b = rng.int(T - 1);
    if (b >= a) b++;
    const p = Math.min(a, b), q = Math.max(a, b);
    x[base + p * 2 + 1] = 1;
    x[base + q * 2 + 1] = 1;
    positions[s * 2] = p;
    positions[s * 2 + 1] = q;
    y[s] = x[base + p * 2] * x[base + q * 2];
  }
  return { x: new Tensor(x, [n, T, 2]), y: new Tensor(y, [n, 1]), positions };
}

/** Var(UV) for U, V independent uniform on [0, 1): the MSE of always predicting E[UV] = 1/4. */
export const MULTIPLICATION_BASELINE_MSE = 7 / 144;
