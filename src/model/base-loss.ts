// The shared bookkeeping of every loss: check() validates targets against the prediction shape
// (naming the bad value and its index), compute() applies the reduction Σ_e w_e·l_e / E over the
// entries (losses.ts's file comment), and each loss writes only entry(): one C-vector's loss and
// its gradient. Values and gradients are computed in float64 from the float32 inputs.
import { ValueError } from '../errors.js';
import { sizeOf } from '../tensor.js';
import { entryLayout, entryWeights, shapeString } from './entry-weights.js';
import type { Loss } from './losses.js';

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
