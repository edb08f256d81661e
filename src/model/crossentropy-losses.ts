// Crossentropy losses (Keras 3 BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy),
// each with its hand-written gradient, and their tfjs-style factories.
//
// Crossentropies on probabilities clip to [ε, 1−ε], ε = 1e-7 (float32, as Keras and tfjs), and the
// gradient is zero where the clip is active (tfjs's clipByValue gradient, bounds inclusive).
// fromLogits variants use log-sum-exp / softplus forms: stable for any logit.
// Values and gradients are computed in float64 from the float32 inputs.
import { ValueError } from '../errors.js';
import { BaseLoss, formatFloat32 } from './base-loss.js';

/** Keras's backend epsilon, as float32 (1e-7 is not exact in float32), and 1 − ε rounded to float32. */
export const EPSILON = Math.fround(1e-7);
const ONE_MINUS_EPSILON = Math.fround(1 - EPSILON);

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

export function binaryCrossentropy(args: CrossentropyArgs = {}): BinaryCrossentropy {
  return new BinaryCrossentropy(args);
}
export function categoricalCrossentropy(args: CrossentropyArgs = {}): CategoricalCrossentropy {
  return new CategoricalCrossentropy(args);
}
export function sparseCategoricalCrossentropy(args: CrossentropyArgs = {}): SparseCategoricalCrossentropy {
  return new SparseCategoricalCrossentropy(args);
}
