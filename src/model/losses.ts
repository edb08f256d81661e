// Losses with Keras 3's formulas and reduction, each with its hand-written gradient dLoss/dyPred.
//
// Layout: predictions (…, C) flat, C = last axis. An "entry" is one C-vector: a sample of a 2-D
// output, a (sample, step) of a 3-D one; E = size / C entries. Each loss is first reduced over C
// (mean for mse / mae / binary crossentropy, sum for the categorical ones), giving l_e, then
// Keras's SUM_OVER_BATCH_SIZE reduction (keras/src/losses/loss.py, reduce_weighted_values):
//
//     loss = Σ_e w_e·l_e / E          (w_e = 1 when no weights)
//
// The divisor is E whatever the weights: sample weights scale entries but do not renormalize.
// A padding mask (Keras 3 apply_mask) enters as w_e ← w_e·mask_e·E/Σmask (0 when Σmask = 0), so
// a masked loss is Σ w·mask·l / Σmask. compute() takes either weights that already include this
// (model/batches.ts folds the mask in) or the raw mask as its last argument.
//
// Crossentropies on probabilities clip to [ε, 1−ε], ε = 1e-7 (float32, as Keras and tfjs), and the
// gradient is zero where the clip is active (tfjs's clipByValue gradient, bounds inclusive).
// fromLogits variants use log-sum-exp / softplus forms: stable for any logit.
// Values and gradients are computed in float64 from the float32 inputs.
import { ValueError } from '../errors.js';
import { sizeOf } from '../tensor.js';

export interface Loss {
  /** Keras name written into logs and model.json: 'mean_squared_error' etc. */
  readonly name: string;
  readonly fromLogits: boolean;
  /**
   * Validates targets against the prediction shape: shapes, finiteness, binary targets in [0, 1],
   * sparse labels integral and in [0, C). Throws a ValueError naming the bad value and its index.
   */
  check(yTrue: Float32Array, yTrueShape: number[], predShape: number[]): void;
  /**
   * Mean loss over the batch, Σ_e w_e·l_e / E (Keras's sum_over_batch_size, see the file comment).
   * If grad is non-null, writes dLoss/dyPred into it (same layout as yPred).
   * weights: null, one per sample (length B), or one per entry (length B·T for 3-D outputs); they
   * may already carry a mask folded in as mask·E/Σmask. mask (optional): per-entry 0/1 validity,
   * applied as Keras 3 does (w·mask·E/Σmask).
   */
  compute(
    yTrue: Float32Array, yPred: Float32Array, predShape: number[], grad: Float32Array | null,
    weights: Float32Array | null, mask?: Uint8Array | null,
  ): number;
}

/** Keras's backend epsilon, as float32 (1e-7 is not exact in float32), and 1 − ε rounded to float32. */
export const EPSILON = Math.fround(1e-7);
const ONE_MINUS_EPSILON = Math.fround(1 - EPSILON);

/** The multi-index of flat position i in shape, for messages: [3, 1]. */
export function indexString(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  let rem = i;
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a] || 1;
    idx.unshift(rem % d);
    rem = Math.floor(rem / d);
  }
  return `[${idx.join(', ')}]`;
}

/** A float32 value in its shortest round-tripping decimal form (-0.1, not -0.10000000149011612). */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === Math.fround(v)) return String(s);
  }
  return String(v);
}

function shapeString(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Shared bookkeeping: the per-entry loss lives in entry(), the reduction here. */
export abstract class BaseLoss implements Loss {
  abstract readonly name: string;
  /** Keras class name ('MeanSquaredError'), for configs. */
  abstract readonly className: string;
  readonly fromLogits: boolean;
  /** True when targets are one class id per entry instead of one value per prediction. */
  readonly sparseTargets: boolean = false;

  constructor(fromLogits = false) {
    this.fromLogits = fromLogits;
  }

  /**
   * Loss of one entry: the C predictions at yPred[off..off+C) against targets at yTrue[yOff..]
   * (C values, or one class id for sparse losses). When grad is non-null, WRITES scale·∂l/∂p into
   * grad[off..off+C).
   */
  abstract entry(
    yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number,
    grad: Float32Array | null, scale: number,
  ): number;

  /** Checks one target value (binary range, label range); returns an error message or null. */
  protected checkValue(_v: number, _C: number): string | null {
    return null;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, fromLogits: this.fromLogits };
  }

  check(yTrue: Float32Array, yTrueShape: number[], predShape: number[]): void {
    if (predShape.length < 1) throw new ValueError(`${this.name}: predictions must have at least one axis, got shape []`);
    const C = predShape[predShape.length - 1];
    const lead = predShape.slice(0, -1);
    if (this.sparseTargets) {
      const ok = sameShape(yTrueShape, lead) || sameShape(yTrueShape, [...lead, 1]);
      if (!ok) {
        const hint = sameShape(yTrueShape, predShape) && C > 1 ? '; for one-hot targets use categorical_crossentropy' : '';
        throw new ValueError(
          `${this.name}: targets must be integer class ids of shape ${shapeString(lead)} or ${shapeString([...lead, 1])} ` +
            `for predictions of shape ${shapeString(predShape)}, got ${shapeString(yTrueShape)}${hint}`,
        );
      }
    } else {
      const ok =
        sameShape(yTrueShape, predShape) ||
        (C === 1 && sameShape(yTrueShape, lead)) ||
        (yTrueShape[yTrueShape.length - 1] === 1 && sameShape(yTrueShape.slice(0, -1), predShape));
      if (!ok) {
        const looksSparse =
          this.name === 'categorical_crossentropy' && C > 1 &&
          (sameShape(yTrueShape, lead) || sameShape(yTrueShape, [...lead, 1]));
        const hint = looksSparse ? '; the targets look like class ids: use sparse_categorical_crossentropy' : '';
        throw new ValueError(
          `${this.name}: targets of shape ${shapeString(yTrueShape)} do not match predictions of shape ${shapeString(predShape)}${hint}`,
        );
      }
    }
    if (yTrue.length !== sizeOf(yTrueShape)) {
      throw new ValueError(`${this.name}: targets have ${yTrue.length} values but shape ${shapeString(yTrueShape)} needs ${sizeOf(yTrueShape)}`);
    }
    for (let i = 0; i < yTrue.length; i++) {
      const v = yTrue[i];
      const msg = Number.isFinite(v) ? this.checkValue(v, C) : 'is not a finite number';
      if (msg !== null) throw new ValueError(`${this.name}: target ${formatFloat32(v)} at index ${indexString(i, yTrueShape)} ${msg}`);
    }
  }

  compute(
    yTrue: Float32Array, yPred: Float32Array, predShape: number[], grad: Float32Array | null,
    weights: Float32Array | null, mask: Uint8Array | null = null,
  ): number {
    const { C, E, B } = entryLayout(this.name, predShape, yPred.length);
    const yStride = this.sparseTargets ? 1 : C;
    if (yTrue.length !== E * yStride) {
      throw new ValueError(
        `${this.name}: ${yTrue.length} target values for predictions of shape ${shapeString(predShape)} (expected ${E * yStride})`,
      );
    }
    if (grad !== null && grad.length < E * C) throw new ValueError(`${this.name}: grad has ${grad.length} values, needs ${E * C}`);
    const weightOf = entryWeights(this.name, weights, mask, E, B);
    let total = 0;
    for (let e = 0; e < E; e++) {
      const w = weightOf(e);
      const l = this.entry(yTrue, e * yStride, yPred, e * C, C, grad, w / E);
      total += w * l;
    }
    return total / E;
  }
}

/** C (classes / features), E (entries) and B (batch) of a prediction shape. */
export function entryLayout(what: string, predShape: readonly number[], size: number): { C: number; E: number; B: number } {
  if (predShape.length < 1) throw new ValueError(`${what}: predictions must have at least one axis`);
  const n = sizeOf(predShape);
  if (n !== size) throw new ValueError(`${what}: predictions have ${size} values but shape ${shapeString(predShape)} needs ${n}`);
  const C = predShape[predShape.length - 1];
  const E = C > 0 ? n / C : 0;
  const B = predShape.length >= 2 ? predShape[0] : 1;
  return { C, E, B };
}

/**
 * Per-entry weight lookup: sample weights (length B, spread over each sample's steps, or length E),
 * times the mask rescaled as Keras 3's apply_mask (mask·E/Σmask, zero when nothing is valid).
 */
export function entryWeights(
  what: string, weights: Float32Array | null, mask: Uint8Array | null, E: number, B: number, rescaleMask = true,
): (e: number) => number {
  let sw: (e: number) => number = () => 1;
  if (weights !== null) {
    if (weights.length === E) {
      sw = (e) => weights[e];
    } else if (B > 0 && weights.length === B && E % B === 0) {
      const per = E / B;
      sw = (e) => weights[Math.floor(e / per)];
    } else {
      throw new ValueError(`${what}: ${weights.length} weights for a batch of ${B} samples (${E} entries); expected ${B} or ${E}`);
    }
  }
  if (mask === null) return sw;
  if (mask.length !== E) throw new ValueError(`${what}: mask has ${mask.length} values, expected one per entry (${E})`);
  let valid = 0;
  for (let e = 0; e < E; e++) valid += mask[e] ? 1 : 0;
  const f = rescaleMask ? (valid > 0 ? E / valid : 0) : 1;
  return (e) => (mask[e] ? sw(e) * f : 0);
}

/** Mean squared error over the last axis: l = Σ (p − y)² / C. */
export class MeanSquaredError extends BaseLoss {
  readonly name = 'mean_squared_error';
  readonly className = 'MeanSquaredError';
  entry(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number, grad: Float32Array | null, scale: number): number {
    let s = 0;
    const k = (2 * scale) / C;
    for (let c = 0; c < C; c++) {
      const d = yPred[off + c] - yTrue[yOff + c];
      s += d * d;
      if (grad !== null) grad[off + c] = k * d;
    }
    return s / C;
  }
}

/**
 * Mean absolute error over the last axis: l = Σ |p − y| / C. The gradient at p = y is 0 (TensorFlow's
 * sign(0); tfjs's abs gradient gives −1 there).
 */
export class MeanAbsoluteError extends BaseLoss {
  readonly name = 'mean_absolute_error';
  readonly className = 'MeanAbsoluteError';
  entry(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number, grad: Float32Array | null, scale: number): number {
    let s = 0;
    const k = scale / C;
    for (let c = 0; c < C; c++) {
      const d = yPred[off + c] - yTrue[yOff + c];
      s += Math.abs(d);
      if (grad !== null) grad[off + c] = d > 0 ? k : d < 0 ? -k : 0;
    }
    return s / C;
  }
}

export interface CrossentropyArgs {
  /** Predictions are logits (no sigmoid/softmax applied). Default false. */
  fromLogits?: boolean;
}

/**
 * Binary crossentropy, mean over the last axis (Keras 3 BinaryCrossentropy, label smoothing 0):
 *   probabilities: c = clip(p, ε, 1−ε);  l = −[y·ln c + (1−y)·ln(1−c)]   (no ε inside the logs: Keras 3;
 *                  Keras 2 wrote ln(c + ε)); tfjs computes the same value through logits ln(c/(1−c)).
 *   logits x:      l = max(x, 0) − x·y + ln(1 + e^−|x|),  ∂l/∂x = σ(x) − y.
 * Targets must lie in [0, 1].
 */
export class BinaryCrossentropy extends BaseLoss {
  readonly name = 'binary_crossentropy';
  readonly className = 'BinaryCrossentropy';
  constructor(args: CrossentropyArgs = {}) {
    super(args.fromLogits ?? false);
  }
  protected override checkValue(v: number): string | null {
    return v >= 0 && v <= 1 ? null : 'is outside [0, 1] (binary crossentropy needs targets between 0 and 1)';
  }
  entry(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number, grad: Float32Array | null, scale: number): number {
    let s = 0;
    const k = scale / C;
    if (this.fromLogits) {
      for (let c = 0; c < C; c++) {
        const x = yPred[off + c], y = yTrue[yOff + c];
        s += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
        if (grad !== null) {
          const sig = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
          grad[off + c] = k * (sig - y);
        }
      }
      return s / C;
    }
    for (let c = 0; c < C; c++) {
      const p = yPred[off + c], y = yTrue[yOff + c];
      const q = p < EPSILON ? EPSILON : p > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : p;
      s -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
      if (grad !== null) grad[off + c] = p >= EPSILON && p <= ONE_MINUS_EPSILON ? k * (-y / q + (1 - y) / (1 - q)) : 0;
    }
    return s / C;
  }
}

/**
 * Categorical crossentropy over the last axis (sum, not mean; Keras 3 CategoricalCrossentropy):
 *   probabilities: q = p / Σp (Keras rescales each row to sum 1), c = clip(q, ε, 1−ε), l = −Σ y·ln c;
 *                  the gradient flows through the rescaling and is zero where the clip is active.
 *   logits x:      l = Σ_j y_j·(lse(x) − x_j),  ∂l/∂x = (Σy)·softmax(x) − y.
 * (tfjs's fromLogits applies softmax, then the clip: equal except where a softmax value is below ε.)
 */
export class CategoricalCrossentropy extends BaseLoss {
  readonly name = 'categorical_crossentropy';
  readonly className = 'CategoricalCrossentropy';
  constructor(args: CrossentropyArgs = {}) {
    super(args.fromLogits ?? false);
  }
  entry(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number, grad: Float32Array | null, scale: number): number {
    if (this.fromLogits) {
      let m = -Infinity;
      for (let c = 0; c < C; c++) if (yPred[off + c] > m) m = yPred[off + c];
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(yPred[off + c] - m);
      const lse = m + Math.log(z);
      let l = 0, sumY = 0;
      for (let c = 0; c < C; c++) {
        const y = yTrue[yOff + c];
        sumY += y;
        if (y !== 0) l += y * (lse - yPred[off + c]);
      }
      if (grad !== null) {
        for (let c = 0; c < C; c++) grad[off + c] = scale * ((sumY * Math.exp(yPred[off + c] - m)) / z - yTrue[yOff + c]);
      }
      return l;
    }
    let S = 0;
    for (let c = 0; c < C; c++) S += yPred[off + c];
    let l = 0;
    // g_j = ∂l/∂q_j = −y_j/c_j where unclipped; ∂l/∂p_i = (g_i − Σ_j g_j·q_j) / S
    let gq = 0;
    for (let c = 0; c < C; c++) {
      const q = yPred[off + c] / S;
      const cl = q < EPSILON ? EPSILON : q > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : q;
      const y = yTrue[yOff + c];
      if (y !== 0) l -= y * Math.log(cl);
      if (grad !== null) {
        const g = q >= EPSILON && q <= ONE_MINUS_EPSILON ? -y / cl : 0;
        grad[off + c] = g; // ∂l/∂q for now
        gq += g * q;
      }
    }
    if (grad !== null) for (let c = 0; c < C; c++) grad[off + c] = (scale * (grad[off + c] - gq)) / S;
    return l;
  }
}

/**
 * Sparse categorical crossentropy: one integer class id per entry (targets [B] or [B,1], [B,T] or
 * [B,T,1]). Same value and gradient as categorical crossentropy on the one-hot target, which is
 * Keras 3's definition (jax/numpy/torch backends: rescale, clip, log; TF's backend clips before the
 * rescale and tfjs clips both before and after: all equal unless a probability is below ε).
 * A label that is not an integer in [0, C) is an error (tfjs silently gives a zero loss).
 */
export class SparseCategoricalCrossentropy extends BaseLoss {
  readonly name = 'sparse_categorical_crossentropy';
  readonly className = 'SparseCategoricalCrossentropy';
  override readonly sparseTargets = true;
  constructor(args: CrossentropyArgs = {}) {
    super(args.fromLogits ?? false);
  }
  protected override checkValue(v: number, C: number): string | null {
    if (!Number.isInteger(v)) return `is not an integer class id (${C} classes)`;
    if (v < 0 || v >= C) return `is out of range for ${C} classes (expected 0 to ${C - 1})`;
    return null;
  }
  entry(yTrue: Float32Array, yOff: number, yPred: Float32Array, off: number, C: number, grad: Float32Array | null, scale: number): number {
    const k = yTrue[yOff];
    if (!(Number.isInteger(k) && k >= 0 && k < C)) {
      throw new ValueError(`${this.name}: label ${formatFloat32(k)} at entry ${yOff} is not an integer class id in [0, ${C - 1}] (${C} classes)`);
    }
    if (this.fromLogits) {
      let m = -Infinity;
      for (let c = 0; c < C; c++) if (yPred[off + c] > m) m = yPred[off + c];
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(yPred[off + c] - m);
      const l = m + Math.log(z) - yPred[off + k];
      if (grad !== null) {
        for (let c = 0; c < C; c++) grad[off + c] = scale * (Math.exp(yPred[off + c] - m) / z - (c === k ? 1 : 0));
      }
      return l;
    }
    let S = 0;
    for (let c = 0; c < C; c++) S += yPred[off + c];
    const q = yPred[off + k] / S;
    const cl = q < EPSILON ? EPSILON : q > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : q;
    if (grad !== null) {
      // g = ∂l/∂q_k = −1/c_k where unclipped; ∂l/∂p_i = (δ_ik·g − g·q_k) / S
      const g = q >= EPSILON && q <= ONE_MINUS_EPSILON ? -1 / cl : 0;
      const base = (-scale * g * q) / S;
      for (let c = 0; c < C; c++) grad[off + c] = base;
      grad[off + k] += (scale * g) / S;
    }
    return -Math.log(cl);
  }
}

export function meanSquaredError(): MeanSquaredError {
  return new MeanSquaredError();
}
export function meanAbsoluteError(): MeanAbsoluteError {
  return new MeanAbsoluteError();
}
export function binaryCrossentropy(args: CrossentropyArgs = {}): BinaryCrossentropy {
  return new BinaryCrossentropy(args);
}
export function categoricalCrossentropy(args: CrossentropyArgs = {}): CategoricalCrossentropy {
  return new CategoricalCrossentropy(args);
}
export function sparseCategoricalCrossentropy(args: CrossentropyArgs = {}): SparseCategoricalCrossentropy {
  return new SparseCategoricalCrossentropy(args);
}

// Keys: lower case without underscores, so 'mean_squared_error', 'meanSquaredError',
// 'MeanSquaredError' and 'MSE' all land on the same entry.
const LOSSES: Record<string, () => BaseLoss> = {
  mse: meanSquaredError,
  meansquarederror: meanSquaredError,
  mae: meanAbsoluteError,
  meanabsoluteerror: meanAbsoluteError,
  binarycrossentropy: () => binaryCrossentropy(),
  categoricalcrossentropy: () => categoricalCrossentropy(),
  sparsecategoricalcrossentropy: () => sparseCategoricalCrossentropy(),
};

export const KNOWN_LOSSES = [
  'mean_squared_error (mse)', 'mean_absolute_error (mae)', 'binary_crossentropy', 'categorical_crossentropy',
  'sparse_categorical_crossentropy',
];

function lossKey(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/**
 * A loss from its Keras or tfjs name (any of 'mse', 'meanSquaredError', 'mean_squared_error',
 * 'MeanSquaredError'), or a Loss as is. Crossentropies from names take probabilities; for logits
 * use the factories: categoricalCrossentropy({ fromLogits: true }).
 */
export function getLoss(spec: string | Loss): Loss {
  if (typeof spec === 'string') {
    const make = LOSSES[lossKey(spec)];
    if (make) return make();
    const hint = spec.toLowerCase().includes('softmaxcrossentropy') ? ' (tfjs: use categoricalCrossentropy)' : '';
    throw new ValueError(`Unknown loss '${spec}'${hint}. Known: ${KNOWN_LOSSES.join(', ')}; camelCase (tfjs) spellings work too`);
  }
  if (spec && typeof (spec as Loss).compute === 'function' && typeof (spec as Loss).check === 'function') return spec;
  throw new ValueError(`A loss must be a name or a Loss object, got ${JSON.stringify(spec)}`);
}
