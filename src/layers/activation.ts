// Activation: applies a named activation element-wise (softmax over the last axis).
import { ValueError } from '../errors.js';
import { ActivationName, activationBackward, activationConfigName, activationForward, activationNeedsInput, resolveActivation } from '../kernels/activations.js';
import { sizeOf, Tensor } from '../tensor.js';
import { Layer, LayerArgs, Mask, Shape, workspace } from './layer.js';

export interface ActivationArgs extends LayerArgs {
  /** 'relu', 'tanh', 'softmax', ... (Keras snake_case names are accepted too). */
  activation: string;
}

export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: ActivationName;
  override supportsMasking = true;

  private y: Float32Array | null = null;
  private x: Float32Array | null = null; // the input, kept only when the derivative needs it (swish)
  private dx: Float32Array | null = null;
  private lastShape: number[] | null = null;

  constructor(args: ActivationArgs) {
    super(args, 'activation');
    if (args.activation === undefined || args.activation === null) {
      throw new ValueError(`${this.name}: the activation name is required`);
    }
    this.activation = resolveActivation(args.activation);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape.slice();
  }

  override forward(x: Tensor, training: boolean, _mask: Mask): Tensor {
    if (x.rank < 1) throw new ValueError(`${this.name}: expected input of rank >= 1, got a scalar`);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    const n = x.size;
    const last = x.shape[x.rank - 1];
    const y = (this.y = workspace(this.y, n));
    activationForward(this.activation, x.data, y, 0, n, last);
    if (training && activationNeedsInput(this.activation)) {
      const xc = (this.x = workspace(this.x, n));
      xc.set(x.data.subarray(0, n));
    }
    this.lastShape = x.shape.slice();
    return new Tensor(y.subarray(0, n), x.shape);
  }

  override backward(dy: Tensor): Tensor {
    if (!this.lastShape) throw new ValueError(`${this.name}: backward called before forward`);
    const n = sizeOf(this.lastShape);
    if (dy.size !== n) throw new ValueError(`${this.name}: dy has shape [${dy.shape}], expected [${this.lastShape}]`);
    const dx = (this.dx = workspace(this.dx, n));
    const last = this.lastShape[this.lastShape.length - 1];
    activationBackward(this.activation, this.y!, dy.data, dx, 0, n, last, this.x ?? undefined);
    return new Tensor(dx.subarray(0, n), this.lastShape.slice());
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: activationConfigName(this.activation) };
  }
}

/** tf.layers.activation({activation}). */
export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}
