// Masking: marks as padding every step whose features ALL equal maskValue, for inputs that are
// already vectors (no Embedding to take maskZero). As Keras: the output is the input with masked
// steps zeroed, and the mask it emits replaces any incoming one.
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { Layer, LayerArgs, Mask, Shape, workspace } from './layer.js';

export interface MaskingArgs extends LayerArgs {
  /** A step is padding when every feature equals this value. Default 0. */
  maskValue?: number;
}

export class Masking extends Layer {
  readonly className = 'Masking';
  readonly maskValue: number;
  override supportsMasking = true;

  private keep: Uint8Array | null = null; // (B,T) 1 = real step, of the last forward (backward reads it)
  private maskBuf: Uint8Array | null = null; // (B,T) the emitted mask
  private y: Float32Array | null = null; // (B,T,F)
  private dx: Float32Array | null = null; // (B,T,F)
  private lastShape: number[] | null = null;

  constructor(args: MaskingArgs = {}) {
    super(args, 'masking');
    this.maskValue = args.maskValue ?? 0;
    if (typeof this.maskValue !== 'number' || Number.isNaN(this.maskValue)) {
      throw new ValueError(`${this.name}: maskValue must be a number, got ${args.maskValue}`);
    }
  }

  private checkRank(s: readonly (number | null)[]): void {
    if (s.length !== 3) {
      throw new ValueError(
        `${this.name}: expected input of rank 3 [batch, timesteps, features], got rank ${s.length} (shape [${s.map((d) => d ?? 'null')}])`,
      );
    }
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    return inputShape.slice();
  }

  /** keep (B·T) = any feature of the step ≠ maskValue, in buf (reused when large enough). */
  private stepMask(x: Tensor, buf: Uint8Array | null): Uint8Array {
    const [B, T, F] = x.shape;
    const n = B * T;
    const keep = buf && buf.length >= n ? buf : new Uint8Array(n);
    const d = x.data, mv = this.maskValue;
    for (let s = 0; s < n; s++) {
      let k = 0;
      for (let f = s * F, end = f + F; f < end; f++) {
        if (d[f] !== mv) {
          k = 1;
          break;
        }
      }
      keep[s] = k;
    }
    return keep;
  }

  override forward(x: Tensor, _training: boolean, _mask: Mask): Tensor {
    this.checkRank(x.shape);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    const [B, T, F] = x.shape;
    const keep = (this.keep = this.stepMask(x, this.keep));
    const y = (this.y = workspace(this.y, B * T * F));
    for (let s = 0; s < B * T; s++) {
      const o = s * F;
      if (keep[s]) for (let f = 0; f < F; f++) y[o + f] = x.data[o + f];
      else y.fill(0, o, o + F);
    }
    this.lastShape = x.shape.slice();
    return new Tensor(y.subarray(0, B * T * F), x.shape);
  }

  /** dx = dy on real steps, 0 on masked ones (their output is the constant 0). */
  override backward(dy: Tensor): Tensor {
    if (!this.lastShape) throw new ValueError(`${this.name}: backward called before forward`);
    const [B, T, F] = this.lastShape;
    if (dy.size !== B * T * F) throw new ValueError(`${this.name}: dy has shape [${dy.shape}], expected [${this.lastShape}]`);
    const keep = this.keep!;
    const dx = (this.dx = workspace(this.dx, B * T * F));
    for (let s = 0; s < B * T; s++) {
      const o = s * F;
      if (keep[s]) for (let f = 0; f < F; f++) dx[o + f] = dy.data[o + f];
      else dx.fill(0, o, o + F);
    }
    return new Tensor(dx.subarray(0, B * T * F), this.lastShape.slice());
  }

  /** The step mask of x (a view of a workspace, valid until the next computeMask). */
  override computeMask(x: Tensor, _inputMask: Mask): Mask {
    this.checkRank(x.shape);
    this.maskBuf = this.stepMask(x, this.maskBuf);
    return this.maskBuf.subarray(0, x.shape[0] * x.shape[1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}

/** tf.layers.masking({maskValue}). */
export function masking(args: MaskingArgs = {}): Masking {
  return new Masking(args);
}
