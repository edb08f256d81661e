// Metrics as Keras 3 computes them (keras/src/metrics: accuracy_metrics.py, reduction_metrics.py).
//
// Each metric gives a value v_e per entry (a sample of a 2-D output, a (sample, step) of a 3-D one),
// and a batch contributes, as Keras's Mean / MeanMetricWrapper does,
//     sum   = Σ_e w_e·v_e / T,   count = Σ_e w_e / T     (T = entries per sample; w_e = 1 without weights)
// so with no weights count is the number of samples, and the epoch value Σ sum / Σ count is the
// (weighted) mean over all entries seen. Unlike the loss, a weighted metric is a weighted MEAN
// (divided by Σw), and a mask enters unscaled (Keras applies it with reduction="sum").
//
// What Keras feeds metrics (keras/src/trainers/compile_utils.py, CompileMetrics.update_state):
// `metrics` get NO sample weights (only `weighted_metrics` do), but the output's padding mask always
// applies. So a fit loop calls batch(yTrue, yPred, shape, null, mask) for plain metrics.
import { ValueError } from '../errors.js';
import { BaseLoss } from './base-loss.js';
import { BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy } from './crossentropy-losses.js';
import { entryLayout, entryWeights } from './entry-weights.js';
import { Loss } from './losses.js';
import { MeanAbsoluteError, MeanSquaredError } from './regression-losses.js';

export interface Metric {
  /** The History key: the name asked for ('accuracy', 'acc', 'mse', 'binary_accuracy', ...), as Keras 3 names it. */
  readonly name: string;
  /**
   * Sum of the per-entry metric and the count of entries in this batch (see the file comment), so
   * the fit loop averages over an epoch as Keras does: Σ sum / Σ count.
   * weights: null, one per sample (length B) or one per entry (B·T); mask: per-entry 0/1, or omitted.
   */
  batch(
    yTrue: Float32Array, yPred: Float32Array, predShape: number[], weights: Float32Array | null, mask?: Uint8Array | null,
  ): { sum: number; count: number };
}

/** A metric from a per-entry value function; the weighting and units are Keras's Mean. */
export abstract class MeanMetric implements Metric {
  constructor(readonly name: string) {}
  /** True when targets are one class id per entry. */
  protected readonly sparseTargets: boolean = false;
  /** The metric's value for one entry (C predictions at yPred[off..], targets at yTrue[yOff..]). */
  protected abstract value(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number): number;

  batch(
    yTrue: Float32Array, yPred: Float32Array, predShape: number[], weights: Float32Array | null, mask: Uint8Array | null = null,
  ): { sum: number; count: number } {
    const { C, E, B } = entryLayout(this.name, predShape, yPred.length);
    const yStride = this.sparseTargets ? 1 : C;
    if (yTrue.length !== E * yStride) {
      throw new ValueError(`${this.name}: ${yTrue.length} target values for predictions of shape [${predShape.join(', ')}] (expected ${E * yStride})`);
    }
    const w = entryWeights(this.name, weights, mask, E, B, false);
    const T = B > 0 ? E / B : 1;
    let sum = 0, count = 0;
    if (weights === null && mask === null) {
      for (let e = 0; e < E; e++) sum += this.value(yTrue, e * yStride, yPred, e * C, C);
      return { sum: sum / T, count: E / T };
    }
    for (let e = 0; e < E; e++) {
      const we = w(e);
      count += we;
      if (we !== 0) sum += we * this.value(yTrue, e * yStride, yPred, e * C, C);
    }
    return { sum: sum / T, count: count / T };
  }
}

/** First index of the largest value (argmax ties go to the first, as numpy / TF / tfjs). */
function argmax(a: Float32Array, off: number, C: number): number {
  let best = 0;
  let bv = a[off];
  for (let c = 1; c < C; c++) {
    if (a[off + c] > bv) {
      bv = a[off + c];
      best = c;
    }
  }
  return best;
}

/** Mean over the last axis of [y == (p > threshold)]; y is compared exactly, as Keras's equal(y_true, cast(y_pred > t)). */
export class BinaryAccuracy extends MeanMetric {
  constructor(name = 'binary_accuracy', readonly threshold = 0.5) {
    super(name);
    if (!(threshold > 0 && threshold < 1)) throw new ValueError(`binary accuracy threshold must be in (0, 1), got ${threshold}`);
  }
  protected value(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number): number {
    let hits = 0;
    for (let c = 0; c < C; c++) if (yTrue[yOff + c] === (yPred[off + c] > this.threshold ? 1 : 0)) hits++;
    return hits / C;
  }
}

/** argmax(y) == argmax(p) (one-hot targets). */
export class CategoricalAccuracy extends MeanMetric {
  constructor(name = 'categorical_accuracy') {
    super(name);
  }
  protected value(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number): number {
    return argmax(yTrue, yOff, C) === argmax(yPred, off, C) ? 1 : 0;
  }
}

/** label == argmax(p) (integer class-id targets, compared exactly). */
export class SparseCategoricalAccuracy extends MeanMetric {
  protected override readonly sparseTargets = true;
  constructor(name = 'sparse_categorical_accuracy') {
    super(name);
  }
  protected value(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number): number {
    return yTrue[yOff] === argmax(yPred, off, C) ? 1 : 0;
  }
}

/** A loss's per-entry value as a metric (Keras's MeanMetricWrapper around mean_squared_error etc.). */
export class LossMetric extends MeanMetric {
  protected override readonly sparseTargets: boolean;
  constructor(name: string, readonly loss: BaseLoss) {
    super(name);
    this.sparseTargets = loss.sparseTargets;
  }
  protected value(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number): number {
    return this.loss.entry(yTrue, yOff, yPred, off, C, null, 0);
  }
}

export function binaryAccuracy(): BinaryAccuracy {
  return new BinaryAccuracy();
}
export function categoricalAccuracy(): CategoricalAccuracy {
  return new CategoricalAccuracy();
}
export function sparseCategoricalAccuracy(): SparseCategoricalAccuracy {
  return new SparseCategoricalAccuracy();
}

// Keys: lower case without underscores ('binary_accuracy' = 'binaryAccuracy' = 'BinaryAccuracy').
const METRICS: Record<string, (name: string) => Metric> = {
  binaryaccuracy: (n) => new BinaryAccuracy(n),
  categoricalaccuracy: (n) => new CategoricalAccuracy(n),
  sparsecategoricalaccuracy: (n) => new SparseCategoricalAccuracy(n),
  mse: (n) => new LossMetric(n, new MeanSquaredError()),
  meansquarederror: (n) => new LossMetric(n, new MeanSquaredError()),
  mae: (n) => new LossMetric(n, new MeanAbsoluteError()),
  meanabsoluteerror: (n) => new LossMetric(n, new MeanAbsoluteError()),
  binarycrossentropy: (n) => new LossMetric(n, new BinaryCrossentropy()),
  categoricalcrossentropy: (n) => new LossMetric(n, new CategoricalCrossentropy()),
  sparsecategoricalcrossentropy: (n) => new LossMetric(n, new SparseCategoricalCrossentropy()),
};

export const KNOWN_METRICS = [
  'accuracy (acc)', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy', 'mse (mean_squared_error)',
  'mae (mean_absolute_error)', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy',
];

/** Which accuracy 'accuracy'/'acc' means for these shapes and this loss. */
export function accuracyKind(loss: Loss | null, predShape: readonly number[], yTrueShape: readonly number[]): 'binary' | 'sparse' | 'categorical' {
  const pLast = predShape[predShape.length - 1];
  const tLast = yTrueShape[yTrueShape.length - 1];
  // Keras: is_binary = y_pred.shape[-1] == 1. tfjs also picks binary accuracy whenever the loss is
  // binary crossentropy (multi-label outputs), where Keras would pick categorical accuracy.
  if (pLast === 1 || (loss !== null && loss.name === 'binary_crossentropy')) return 'binary';
  if (yTrueShape.length < predShape.length || (tLast === 1 && pLast > 1)) return 'sparse';
  return 'categorical';
}

/**
 * A Metric from a name, resolved as Keras 3's compile_utils.get_metric: 'accuracy' / 'acc' (any case)
 * picks binary, sparse categorical or categorical accuracy from the shapes (see accuracyKind).
 * The metric is named by the string given, as Keras names it ('acc' stays 'acc'; tfjs would say 'acc'
 * for 'accuracy' too). A Metric object is returned as is.
 */
export function resolveMetric(spec: string | Metric, loss: Loss, predShape: number[], yTrueShape: number[]): Metric {
  if (typeof spec !== 'string') {
    if (spec && typeof spec.batch === 'function' && typeof spec.name === 'string') return spec;
    throw new ValueError(`A metric must be a name or a Metric object, got ${JSON.stringify(spec)}`);
  }
  const lower = spec.toLowerCase();
  if (lower === 'accuracy' || lower === 'acc') {
    const kind = accuracyKind(loss, predShape, yTrueShape);
    if (kind === 'binary') return new BinaryAccuracy(spec);
    if (kind === 'sparse') return new SparseCategoricalAccuracy(spec);
    return new CategoricalAccuracy(spec);
  }
  const make = METRICS[lower.replace(/_/g, '')];
  if (!make) throw new ValueError(`Unknown metric '${spec}'. Known: ${KNOWN_METRICS.join(', ')}; camelCase (tfjs) spellings work too`);
  return make(spec);
}
