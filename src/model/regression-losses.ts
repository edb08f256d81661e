// Regression losses, mean over the last axis (Keras 3 MeanSquaredError, MeanAbsoluteError), each
// with its hand-written gradient, and their tfjs-style factories.
import { BaseLoss } from './base-loss.js';

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

export function meanSquaredError(): MeanSquaredError {
  return new MeanSquaredError();
}
export function meanAbsoluteError(): MeanAbsoluteError {
  return new MeanAbsoluteError();
}
