// RepeatVector: (batch, features) → (batch, n, features), the same vector at every step
// (the bridge from an encoder's last state to a decoder RNN).
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { Layer, LayerArgs, Mask, Shape, shapeToString, workspace } from './layer.js';

export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat. */
  n: number;
}

export class RepeatVector extends Layer {
  readonly className = 'RepeatVector';
  readonly n: number;
  private y: Float32Array | null = null;
  private dx: Float32Array | null = null;
  private lastB = 0;
  private lastF = 0;

  constructor(args: RepeatVectorArgs) {
    super(args, 'repeat_vector');
    if (!Number.isInteger(args.n) || args.n <= 0) throw new ValueError(`${this.name}: n must be a positive integer, got ${args.n}`);
    this.n = args.n;
  }

  private checkRank(shape: readonly (number | null)[]): void {
    if (shape.length !== 2) {
      throw new ValueError(
        `${this.name}: expected input of rank 2 [batch, features], got rank ${shape.length} (shape [${shape.map((d) => d ?? 'null')}])`,
      );
    }
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    return [inputShape[0], this.n, inputShape[1]];
  }

  override forward(x: Tensor, _training: boolean, _mask: Mask): Tensor {
    this.checkRank(x.shape);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    const F0 = this.builtInputShape![1];
    if (F0 !== null && F0 !== x.shape[1]) {
      throw new ValueError(`${this.name}: expected input of shape ${shapeToString(this.builtInputShape!)}, got [${x.shape.join(', ')}]`);
    }
    const [B, F] = x.shape;
    const N = this.n;
    const y = (this.y = workspace(this.y, B * N * F));
    for (let b = 0; b < B; b++) {
      const src = x.data.subarray(b * F, (b + 1) * F);
      for (let t = 0; t < N; t++) y.set(src, (b * N + t) * F);
    }
    this.lastB = B;
    this.lastF = F;
    return new Tensor(y.subarray(0, B * N * F), [B, N, F]);
  }

  override backward(dy: Tensor): Tensor {
    const B = this.lastB, F = this.lastF, N = this.n;
    if (dy.size !== B * N * F) throw new ValueError(`${this.name}: dy has shape [${dy.shape}], expected [${B}, ${N}, ${F}]`);
    const dx = (this.dx = workspace(this.dx, B * F));
    dx.fill(0, 0, B * F);
    // the gradient of a repeated vector is the sum over its copies
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < N; t++) {
        const o = (b * N + t) * F;
        for (let f = 0; f < F; f++) dx[b * F + f] += dy.data[o + f];
      }
    }
    return new Tensor(dx.subarray(0, B * F), [B, F]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}

/** tf.layers.repeatVector({n}). */
export function repeatVector(args: RepeatVectorArgs): RepeatVector {
  return new RepeatVector(args);
}
