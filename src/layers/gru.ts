// Keras's GRU layer on the fused whole-sequence kernels of kernels/gru.ts.
// Weights in Keras order and layout: kernel (I,3U), recurrent_kernel (U,3U), gate blocks z, r, h, and
// bias (2,3U) [input row; recurrent row] when resetAfter, (3U) otherwise. State: [h].
//
// Where Keras and tfjs differ this follows Keras: resetAfter defaults to true (the Keras 2+ / CuDNN form;
// tfjs only has resetAfter=false), and recurrentActivation defaults to 'sigmoid' (tfjs: 'hardSigmoid').
// Pass {resetAfter: false, recurrentActivation: 'hardSigmoid'} for what a tfjs GRU computes.
import { NotImplementedError, ValueError } from '../errors.js';
import { ActivationName, activationConfigName, activationNeedsInput, resolveActivation } from '../kernels/activations.js';
import { GruBackwardBuffers, gruBackward, GruForwardBuffers, gruForward, GruParams } from '../kernels/gru.js';
import { TensorLike, toTensor } from '../tensor.js';
import { LayerVariable, Shape, workspace } from './layer.js';
import { RecurrentArgs, RecurrentLayer } from './recurrent.js';

export interface GRUArgs extends RecurrentArgs {
  /** Activation of the z and r gates (default 'sigmoid', as Keras; tfjs defaults to 'hardSigmoid'). */
  recurrentActivation?: string;
  /** Apply the reset gate after the recurrent product (default true, as Keras 2+; false is tfjs's form). */
  resetAfter?: boolean;
  /** Accepted for compatibility (Keras 1 or 2); both compute the same function, the fused kernel always runs. */
  implementation?: number;
}

const EMPTY = new Float32Array(0);

export class GRU extends RecurrentLayer {
  readonly className = 'GRU';
  readonly stateCount = 1;
  readonly recurrentActivation: ActivationName;
  readonly resetAfter: boolean;
  private kernel: LayerVariable | null = null;
  private recurrentKernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;
  // workspaces, sized once per (B, T)
  private fwd: GruForwardBuffers = { gates: EMPTY, hPrev: null, recH: null, step: EMPTY, hStep: EMPTY, rh: EMPTY, rkSplit: EMPTY };
  private bwd: GruBackwardBuffers = { dGates: EMPTY, dh: EMPTY, step: EMPTY, hStep: EMPTY, s1: EMPTY, s2: EMPTY, dRkSplit: EMPTY };
  /** Whether the last forward kept the caches backward needs. */
  private cached = false;

  constructor(args: GRUArgs) {
    super(args, 'gru');
    this.recurrentActivation = resolveActivation(args.recurrentActivation ?? 'sigmoid');
    this.resetAfter = args.resetAfter ?? true;
    for (const a of [this.activation, this.recurrentActivation]) {
      if (activationNeedsInput(a)) throw new NotImplementedError(`${this.name}: activation '${a}' is not supported inside a GRU cell`);
    }
  }

  override build(inputShape: Shape): void {
    this.checkInputShape(inputShape);
    const I = inputShape[2] as number, U = this.units;
    this.kernel = this.addWeight('kernel', [I, 3 * U], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [U, 3 * U], this.recurrentInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', this.resetAfter ? [2, 3 * U] : [3 * U], this.biasInitializer);
    super.build(inputShape);
  }

  /** As Layer.setWeights, with a message that names the GRU form when the bias layout is the other one's. */
  override setWeights(values: TensorLike[]): void {
    if (this.bias && values.length === 3) {
      const got = toTensor(values[2], `${this.name}.bias`).shape;
      const U = this.units;
      const other = this.resetAfter ? [3 * U] : [2, 3 * U];
      if (got.length === other.length && got.every((d, i) => d === other[i])) {
        throw new ValueError(
          `${this.name}: bias of shape [${got}] is the resetAfter=${!this.resetAfter} layout; this GRU has resetAfter=${this.resetAfter} ` +
            `and expects bias of shape [${this.bias.shape}]`,
        );
      }
    }
    super.setWeights(values);
  }

  private params(B: number, T: number, mask: Uint8Array | null): GruParams {
    return {
      B, T, I: this.inputDim, U: this.units,
      kernel: this.kernel!.value, recurrentKernel: this.recurrentKernel!.value, bias: this.bias ? this.bias.value : null,
      resetAfter: this.resetAfter, activation: this.activation, recurrentActivation: this.recurrentActivation,
      mask, recDrop: this.recurrentDropMask,
    };
  }

  protected override cellForward(
    x: Float32Array, hSeq: Float32Array, states: Float32Array[], B: number, T: number, mask: Uint8Array | null, training: boolean,
  ): void {
    const U = this.units, n = B * T * U, f = this.fwd;
    f.gates = workspace(f.gates, n * 3);
    f.step = workspace(f.step, B * 3 * U);
    f.hStep = workspace(f.hStep, B * U);
    if (!this.resetAfter) {
      f.rh = workspace(f.rh, B * U);
      f.rkSplit = workspace(f.rkSplit, 3 * U * U);
    }
    if (training) {
      f.hPrev = workspace(f.hPrev, n);
      if (this.resetAfter) f.recH = workspace(f.recH, n);
    }
    const caches = training ? f : { ...f, hPrev: null, recH: null };
    gruForward(this.params(B, T, mask), x, hSeq, states[0], caches);
    this.cached = training;
  }

  protected override cellBackward(dhSeq: Float32Array, dx: Float32Array, B: number, T: number, mask: Uint8Array | null): void {
    if (!this.cached) throw new Error(`${this.name}: backward needs a forward with training=true first`);
    const U = this.units, w = this.bwd;
    w.dGates = workspace(w.dGates, B * T * 3 * U);
    w.dh = workspace(w.dh, B * U);
    w.step = workspace(w.step, B * 3 * U);
    w.hStep = workspace(w.hStep, B * U);
    w.s2 = workspace(w.s2, B * U);
    if (!this.resetAfter) {
      w.s1 = workspace(w.s1, B * U);
      w.dRkSplit = workspace(w.dRkSplit, 3 * U * U);
    }
    const grads = { kernel: this.kernel!.grad, recurrentKernel: this.recurrentKernel!.grad, bias: this.bias ? this.bias.grad : null };
    const hg = this.recordHiddenGrads ? this.hiddenGrads : null;
    gruBackward(this.params(B, T, mask), this.xProc!, dhSeq, dx, grads, this.fwd, w, hg);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: activationConfigName(this.recurrentActivation),
      resetAfter: this.resetAfter,
      implementation: 2,
    };
  }
}

/** tsrnn.layers.gru({units, ...}): a Keras GRU layer (resetAfter=true by default, as Keras 2+). */
export function gru(args: GRUArgs): GRU {
  return new GRU(args);
}
