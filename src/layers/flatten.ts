// Flatten: (batch, d1, ..., dk) → (batch, d1·…·dk). A reshape: the values keep their order
// (channels_last). With dataFormat 'channels_first' the channel axis (axis 1) is moved last
// first, as Keras does, so the result matches a channels_last model's.
// Ranks: any input of rank >= 1 is accepted as tf.keras does ((batch, f) passes through unchanged,
// (batch,) becomes (batch, 1)); tfjs (and Keras 2.0) insist on rank >= 3.
import { ValueError } from '../errors.js';
import { sizeOf, Tensor } from '../tensor.js';
import { Layer, LayerArgs, Mask, Shape, shapeToString, workspace } from './layer.js';

export interface FlattenArgs extends LayerArgs {
  dataFormat?: 'channelsLast' | 'channelsFirst' | 'channels_last' | 'channels_first';
}

export class Flatten extends Layer {
  readonly className = 'Flatten';
  readonly dataFormat: 'channelsLast' | 'channelsFirst';
  private lastShape: number[] | null = null;
  private y: Float32Array | null = null;
  private dx: Float32Array | null = null;

  constructor(args: FlattenArgs = {}) {
    super(args, 'flatten');
    const f = args.dataFormat ?? 'channelsLast';
    if (f === 'channelsLast' || f === 'channels_last') this.dataFormat = 'channelsLast';
    else if (f === 'channelsFirst' || f === 'channels_first') this.dataFormat = 'channelsFirst';
    else throw new ValueError(`${this.name}: dataFormat must be 'channelsLast' or 'channelsFirst', got '${f}'`);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length < 1) throw new ValueError(`${this.name}: expected input of rank >= 1, got ${shapeToString(inputShape)}`);
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) {
      throw new ValueError(
        `${this.name}: the input shape ${shapeToString(inputShape)} is not fully defined; Flatten needs every size but the batch (give inputShape or pad to a fixed length)`,
      );
    }
    return [inputShape[0], sizeOf(rest as number[])];
  }

  private moveChannels(): boolean {
    return this.dataFormat === 'channelsFirst';
  }

  override forward(x: Tensor, _training: boolean, _mask: Mask): Tensor {
    if (x.rank < 1) throw new ValueError(`${this.name}: expected input of rank >= 1, got a scalar`);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    const want = this.builtInputShape!;
    if (want.length !== x.rank || want.some((d, i) => i > 0 && d !== null && d !== x.shape[i])) {
      throw new ValueError(`${this.name}: expected input of shape ${shapeToString(want)}, got [${x.shape.join(', ')}]`);
    }
    this.lastShape = x.shape.slice();
    const B = x.shape[0];
    const F = B === 0 ? 0 : x.size / B;
    if (!this.moveChannels() || x.rank < 3) return x.reshape([B, F]);
    // (B, C, S) → (B, S, C) where S is the product of the spatial axes
    const C = x.shape[1];
    const S = F / C;
    const y = (this.y = workspace(this.y, x.size));
    transposeCS(x.data, y, B, C, S);
    return new Tensor(y.subarray(0, x.size), [B, F]);
  }

  override backward(dy: Tensor): Tensor {
    if (!this.lastShape) throw new ValueError(`${this.name}: backward called before forward`);
    const n = sizeOf(this.lastShape);
    if (dy.size !== n) throw new ValueError(`${this.name}: dy has shape [${dy.shape}], expected ${n} values`);
    if (!this.moveChannels() || this.lastShape.length < 3) return dy.reshape(this.lastShape);
    const B = this.lastShape[0], C = this.lastShape[1];
    const S = n / B / C;
    const dx = (this.dx = workspace(this.dx, n));
    transposeCS(dy.data, dx, B, S, C);
    return new Tensor(dx.subarray(0, n), this.lastShape.slice());
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

// out (B, S, C) = in (B, C, S) with the last two axes swapped
function transposeCS(src: Float32Array, out: Float32Array, B: number, C: number, S: number): void {
  for (let b = 0; b < B; b++) {
    const o = b * C * S;
    for (let c = 0; c < C; c++) for (let s = 0; s < S; s++) out[o + s * C + c] = src[o + c * S + s];
  }
}

/** tf.layers.flatten(). */
export function flatten(args: FlattenArgs = {}): Flatten {
  return new Flatten(args);
}
