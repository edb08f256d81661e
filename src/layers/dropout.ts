// Dropout: during training, zeroes each value with probability `rate` and scales the kept ones by
// 1/(1-rate) (inverted dropout), so inference is the identity. noiseShape (Keras) shares one draw
// along the axes where it is 1, e.g. [batch, 1, features] drops the same features at every step.
import { ValueError } from '../errors.js';
import { getRandom, Random } from '../random.js';
import { sizeOf, Tensor } from '../tensor.js';
import { Layer, LayerArgs, Mask, Shape, workspace } from './layer.js';

export interface DropoutArgs extends LayerArgs {
  /** Fraction of the input units to drop, in [0, 1). */
  rate: number;
  /** Shape of the binary mask, broadcast over the input; null entries take the input's size. */
  noiseShape?: (number | null)[] | null;
  /** Seed for this layer's masks (else the global stream of setSeed). */
  seed?: number | null;
}

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  override supportsMasking = true;
  private readonly ownRng: Random | null;

  private keep: Float32Array | null = null; // multipliers (0 or 1/(1-rate)), one per value
  private small: Float32Array | null = null; // the noise-shaped draws before broadcasting
  private y: Float32Array | null = null;
  private dx: Float32Array | null = null;
  private lastShape: number[] | null = null;
  private lastDropped = false;

  constructor(args: DropoutArgs) {
    super(args, 'dropout');
    if (!(typeof args.rate === 'number' && args.rate >= 0 && args.rate < 1)) {
      throw new ValueError(`${this.name}: rate must be in [0, 1), got ${args.rate}`);
    }
    this.rate = args.rate;
    this.noiseShape = args.noiseShape ? args.noiseShape.slice() : null;
    this.seed = args.seed ?? null;
    // A seeded layer draws from its own stream; otherwise from the global one at draw time, so a
    // setSeed() after construction still governs it.
    this.ownRng = this.seed === null ? null : getRandom(this.seed);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape.slice();
  }

  /** The noise shape for a concrete input shape: nulls filled in, rank and sizes checked. */
  private resolveNoiseShape(shape: number[]): number[] {
    if (!this.noiseShape) return shape;
    if (this.noiseShape.length !== shape.length) {
      throw new ValueError(`${this.name}: noiseShape [${this.noiseShape.map((d) => d ?? 'null')}] has rank ${this.noiseShape.length}, the input [${shape}] has rank ${shape.length}`);
    }
    return this.noiseShape.map((d, i) => {
      const n = d ?? shape[i];
      if (n !== 1 && n !== shape[i]) {
        throw new ValueError(`${this.name}: noiseShape [${this.noiseShape!.map((v) => v ?? 'null')}] does not broadcast to the input shape [${shape}] (axis ${i})`);
      }
      return n;
    });
  }

  override forward(x: Tensor, training: boolean, _mask: Mask): Tensor {
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    this.lastShape = x.shape.slice();
    this.lastDropped = training && this.rate > 0;
    if (!this.lastDropped) return x;
    const n = x.size;
    const ns = this.resolveNoiseShape(x.shape);
    const rng = this.ownRng ?? getRandom();
    const keep = (this.keep = workspace(this.keep, n));
    const scale = 1 / (1 - this.rate);
    const draws = sizeOf(ns);
    if (draws === n) {
      for (let i = 0; i < n; i++) keep[i] = rng.uniform() < this.rate ? 0 : scale;
    } else {
      // draw the noise-shaped mask, then broadcast it over the input's shape
      const small = (this.small = workspace(this.small, draws));
      for (let i = 0; i < draws; i++) small[i] = rng.uniform() < this.rate ? 0 : scale;
      broadcastInto(small, ns, keep, x.shape);
    }
    const y = (this.y = workspace(this.y, n));
    for (let i = 0; i < n; i++) y[i] = x.data[i] * keep[i];
    return new Tensor(y.subarray(0, n), x.shape);
  }

  override backward(dy: Tensor): Tensor {
    if (!this.lastShape) throw new ValueError(`${this.name}: backward called before forward`);
    if (!this.lastDropped) return dy;
    const n = sizeOf(this.lastShape);
    if (dy.size !== n) throw new ValueError(`${this.name}: dy has shape [${dy.shape}], expected [${this.lastShape}]`);
    const dx = (this.dx = workspace(this.dx, n));
    const keep = this.keep!;
    for (let i = 0; i < n; i++) dx[i] = dy.data[i] * keep[i];
    return new Tensor(dx.subarray(0, n), this.lastShape.slice());
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
}

// out (shape) = small (ns) broadcast along the axes where ns is 1.
function broadcastInto(small: Float32Array, ns: number[], out: Float32Array, shape: number[]): void {
  const R = shape.length;
  const sStride = new Array<number>(R);
  let s = 1;
  for (let a = R - 1; a >= 0; a--) {
    sStride[a] = ns[a] === 1 ? 0 : s;
    s *= ns[a];
  }
  const idx = new Array<number>(R).fill(0);
  let src = 0;
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    out[i] = small[src];
    // odometer over the input's index, tracking the small array's offset
    for (let a = R - 1; a >= 0; a--) {
      idx[a]++;
      src += sStride[a];
      if (idx[a] < shape[a]) break;
      src -= sStride[a] * shape[a];
      idx[a] = 0;
    }
  }
}

/** tf.layers.dropout({rate, noiseShape?, seed?}). */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}
