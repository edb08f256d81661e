// Reshape: (batch, ...in) → (batch, ...targetShape), the values in the same (row-major) order.
// As Keras, targetShape excludes the batch axis and may hold one -1, which takes whatever size is left.
// A view: forward and backward only relabel the shape (no copy). Masks are not passed through (Keras's
// Reshape does not support masking either).
import { ValueError } from '../errors.js';
import { sizeOf, Tensor } from '../tensor.js';
import { Layer, LayerArgs, Mask, Shape, shapeToString } from './layer.js';

export interface ReshapeArgs extends LayerArgs {
  /** The output shape without the batch axis, e.g. [3, 4]; one entry may be -1 (inferred). */
  targetShape: number[];
}

export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: number[];
  private lastShape: number[] | null = null;

  constructor(args: ReshapeArgs) {
    super(args, 'reshape');
    const t = args.targetShape as unknown;
    if (!Array.isArray(t) || t.length === 0) {
      throw new ValueError(`${this.name}: targetShape must be a non-empty list of sizes (without the batch axis), got ${JSON.stringify(t)}`);
    }
    const free = t.filter((d) => d === -1).length;
    if (free > 1 || t.some((d) => !(d === -1 || (Number.isInteger(d) && d > 0)))) {
      throw new ValueError(`${this.name}: targetShape sizes must be positive integers, with at most one -1 (inferred), got [${t.join(', ')}]`);
    }
    this.targetShape = (t as number[]).slice();
  }

  /** targetShape with its -1 resolved for `n` values per sample; null when n is unknown. */
  private resolve(n: number | null, inputShape: readonly (number | null)[]): (number | null)[] {
    const free = this.targetShape.indexOf(-1);
    const known = sizeOf(this.targetShape.filter((d) => d !== -1));
    if (n === null) return this.targetShape.map((d) => (d === -1 ? null : d));
    if (free < 0 ? known !== n : n % known !== 0) {
      throw new ValueError(
        `${this.name}: cannot reshape an input of shape ${shapeToString(inputShape as Shape)} (${n} values per sample) ` +
          `into targetShape [${this.targetShape.join(', ')}]${free < 0 ? ` (${known} values)` : ` (a multiple of ${known} values)`}`,
      );
    }
    return this.targetShape.map((d) => (d === -1 ? n / known : d));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length < 1) throw new ValueError(`${this.name}: expected input of rank >= 1 (batch first), got ${shapeToString(inputShape)}`);
    const rest = inputShape.slice(1);
    const n = rest.some((d) => d === null) ? null : sizeOf(rest as number[]);
    return [inputShape[0], ...this.resolve(n, inputShape)];
  }

  override forward(x: Tensor, _training: boolean, _mask: Mask): Tensor {
    if (x.rank < 1) throw new ValueError(`${this.name}: expected input of rank >= 1 (batch first), got a scalar`);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    const want = this.builtInputShape!;
    const sizesFit = want.every((d, i) => i === 0 || d === null || d === x.shape[i]);
    // a fixed size per sample is all Reshape needs; the declared shape is checked when it is fully known
    if (want.length === x.rank && !sizesFit) {
      throw new ValueError(`${this.name}: expected input of shape ${shapeToString(want)}, got [${x.shape.join(', ')}]`);
    }
    const B = x.shape[0];
    const n = sizeOf(x.shape.slice(1));
    this.lastShape = x.shape.slice();
    return x.reshape([B, ...(this.resolve(n, x.shape) as number[])]);
  }

  override backward(dy: Tensor): Tensor {
    if (!this.lastShape) throw new ValueError(`${this.name}: backward called before forward`);
    const n = sizeOf(this.lastShape);
    if (dy.size !== n) throw new ValueError(`${this.name}: dy has shape [${dy.shape.join(', ')}], expected ${n} values (input shape [${this.lastShape.join(', ')}])`);
    return dy.reshape(this.lastShape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape.slice() };
  }
}

/** tf.layers.reshape({targetShape}). */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}
