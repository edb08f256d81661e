// Dense: y = act(x·W + b) on the last axis. On inputs of rank > 2 (e.g. (B,T,F) after an RNN with
// returnSequences) it applies the same W to every position, as Keras does: kernel [inputDim, units].
import { ValueError } from '../errors.js';
import { getInitializer, Initializer, InitializerSpec, serializeInitializer } from '../initializers.js';
import { ActivationName, activationConfigName, activationNeedsInput, resolveActivation } from '../kernels/activations.js';
import { denseBackward, denseForward } from '../kernels/dense.js';
import { Tensor } from '../tensor.js';
import { Layer, LayerArgs, LayerVariable, Mask, Shape, shapeToString, workspace } from './layer.js';

export interface DenseArgs extends LayerArgs {
  units: number;
  /** Default 'linear' (Keras's None). */
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** tfjs shorthand for inputShape: [inputDim]. */
  inputDim?: number;
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  override supportsMasking = true;
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;

  // Workspaces, sized once per batch shape.
  private xCache: Float32Array | null = null; // (M,K) the last training input
  private y: Float32Array | null = null; // (M,N)
  private z: Float32Array | null = null; // (M,N) pre-activation, swish only
  private dz: Float32Array | null = null; // (M,N)
  private dx: Float32Array | null = null; // (M,K)
  private lastInShape: number[] | null = null;

  constructor(args: DenseArgs) {
    const withDim = args.inputShape == null && args.batchInputShape == null && args.inputDim != null
      ? { ...args, inputShape: [args.inputDim] }
      : args;
    super(withDim, 'dense');
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new ValueError(`${this.name}: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    this.activation = resolveActivation(args.activation ?? 'linear');
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer, 'zeros');
  }

  private checkRank(inputShape: readonly (number | null)[]): void {
    if (inputShape.length < 2) {
      throw new ValueError(
        `${this.name}: expected input of rank >= 2 [batch, ..., features], got rank ${inputShape.length} (shape [${inputShape.map((d) => d ?? 'null')}])`,
      );
    }
  }

  override build(inputShape: Shape): void {
    this.checkRank(inputShape);
    const K = inputShape[inputShape.length - 1];
    if (K === null) throw new ValueError(`${this.name}: the last axis of the input must be known, got ${shapeToString(inputShape)}`);
    this.weights = [];
    this.kernel = this.addWeight('kernel', [K, this.units], this.kernelInitializer);
    this.bias = this.useBias ? this.addWeight('bias', [this.units], this.biasInitializer) : null;
    super.build(inputShape);
  }

  get inputDim(): number {
    return this.kernel!.shape[0];
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    const K = inputShape[inputShape.length - 1];
    if (this.built && K !== null && K !== this.inputDim) {
      throw new ValueError(`${this.name}: expected input with last axis ${this.inputDim}, got ${shapeToString(inputShape)}`);
    }
    return [...inputShape.slice(0, -1), this.units];
  }

  override forward(x: Tensor, training: boolean, _mask: Mask): Tensor {
    this.checkRank(x.shape);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    const K = this.inputDim, N = this.units;
    if (x.shape[x.shape.length - 1] !== K) {
      const expected: Shape = [null, ...this.builtInputShape!.slice(1, -1).map(() => null), K];
      throw new ValueError(
        `${this.name}: expected input of shape ${shapeToString(expected)} (last axis ${K}), got [${x.shape.join(', ')}]`,
      );
    }
    const M = x.size / K;
    const y = (this.y = workspace(this.y, M * N));
    const needZ = activationNeedsInput(this.activation);
    if (needZ) this.z = workspace(this.z, M * N);
    denseForward(x.data, this.kernel!.value, this.bias ? this.bias.value : null, y, needZ ? this.z : null, M, K, N, this.activation);
    if (training) {
      // keep x: the caller's buffer may be another layer's workspace, rewritten before our backward
      const xc = (this.xCache = workspace(this.xCache, M * K));
      xc.set(x.data.subarray(0, M * K));
      this.lastInShape = x.shape.slice();
    }
    return new Tensor(y.subarray(0, M * N), [...x.shape.slice(0, -1), N]);
  }

  override backward(dy: Tensor): Tensor {
    if (!this.lastInShape) throw new ValueError(`${this.name}: backward called before a training forward`);
    const K = this.inputDim, N = this.units;
    const M = this.lastInShape.slice(0, -1).reduce((a, b) => a * b, 1);
    if (dy.size !== M * N) {
      throw new ValueError(`${this.name}: dy has shape [${dy.shape}], expected [${[...this.lastInShape.slice(0, -1), N]}]`);
    }
    const dz = (this.dz = workspace(this.dz, M * N));
    const dx = (this.dx = workspace(this.dx, M * K));
    denseBackward(
      this.xCache!, this.kernel!.value, this.y!, activationNeedsInput(this.activation) ? this.z : null, dy.data,
      dz, dx, this.kernel!.grad, this.bias ? this.bias.grad : null, M, K, N, this.activation,
    );
    return new Tensor(dx.subarray(0, M * K), this.lastInShape.slice());
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activationConfigName(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: null,
      biasRegularizer: null,
      activityRegularizer: null,
      kernelConstraint: null,
      biasConstraint: null,
    };
  }
}

/** tf.layers.dense({units, activation, ...}). */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}
