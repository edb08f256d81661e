// Keras's LSTM layer on the fused whole-sequence kernels of kernels/lstm.ts.
// Weights in Keras order and layout: kernel (I,4U), recurrent_kernel (U,4U), bias (4U), gate blocks i, f, c, o.
// States: [h, c]; returnState gives [output, h, c].
//
// Where Keras and tfjs differ this follows Keras: recurrentActivation defaults to 'sigmoid'
// (tfjs: 'hardSigmoid'), and unitForgetBias defaults to true (tfjs: unset, i.e. false).
import { NotImplementedError } from '../errors.js';
import { Initializer } from '../initializers.js';
import { ActivationName, activationConfigName, activationNeedsInput, resolveActivation } from '../kernels/activations.js';
import { LstmBackwardBuffers, lstmBackward, LstmForwardBuffers, lstmForward, LstmParams } from '../kernels/lstm.js';
import { LayerVariable, Shape, workspace } from './layer.js';
import { RecurrentArgs, RecurrentLayer } from './recurrent.js';

export interface LSTMArgs extends RecurrentArgs {
  /** Activation of the i, f, o gates (default 'sigmoid', as Keras; tfjs defaults to 'hardSigmoid'). */
  recurrentActivation?: string;
  /** Initialise the forget gate's bias to 1 (Jozefowicz et al. 2015), as Keras does by default. */
  unitForgetBias?: boolean;
  /** Accepted for compatibility (Keras 1 or 2); both compute the same function, the fused kernel always runs. */
  implementation?: number;
}

const EMPTY = new Float32Array(0);

/** Keras's bias initializer under unitForgetBias: init(U) for i, ones(U) for f, init(2U) for c and o. */
function unitForgetBiasInitializer(init: Initializer, U: number): Initializer {
  return {
    className: init.className,
    getConfig: () => init.getConfig(),
    apply: () => {
      const b = new Float32Array(4 * U);
      b.set(init.apply([U]), 0);
      b.fill(1, U, 2 * U);
      b.set(init.apply([2 * U]), 2 * U);
      return b;
    },
  };
}

export class LSTM extends RecurrentLayer {
  readonly className = 'LSTM';
  readonly stateCount = 2;
  readonly recurrentActivation: ActivationName;
  readonly unitForgetBias: boolean;
  private kernel: LayerVariable | null = null;
  private recurrentKernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;
  // workspaces, sized once per (B, T)
  private fwd: LstmForwardBuffers = { gates: EMPTY, hPrev: null, cPrev: null, actC: null, step: EMPTY, hStep: EMPTY };
  private bwd: LstmBackwardBuffers = { dGates: EMPTY, dh: EMPTY, dc: EMPTY, step: EMPTY, hStep: EMPTY };
  /** Whether the last forward kept the caches backward needs. */
  private cached = false;

  constructor(args: LSTMArgs) {
    super(args, 'lstm');
    this.recurrentActivation = resolveActivation(args.recurrentActivation ?? 'sigmoid');
    this.unitForgetBias = args.unitForgetBias ?? true;
    for (const a of [this.activation, this.recurrentActivation]) {
      if (activationNeedsInput(a)) throw new NotImplementedError(`${this.name}: activation '${a}' is not supported inside an LSTM cell`);
    }
  }

  override build(inputShape: Shape): void {
    this.checkInputShape(inputShape);
    const I = inputShape[2] as number, U = this.units;
    this.kernel = this.addWeight('kernel', [I, 4 * U], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [U, 4 * U], this.recurrentInitializer);
    if (this.useBias) {
      const init = this.unitForgetBias ? unitForgetBiasInitializer(this.biasInitializer, U) : this.biasInitializer;
      this.bias = this.addWeight('bias', [4 * U], init);
    }
    super.build(inputShape);
  }

  private params(B: number, T: number, mask: Uint8Array | null): LstmParams {
    return {
      B, T, I: this.inputDim, U: this.units,
      kernel: this.kernel!.value, recurrentKernel: this.recurrentKernel!.value, bias: this.bias ? this.bias.value : null,
      activation: this.activation, recurrentActivation: this.recurrentActivation,
      mask, recDrop: this.recurrentDropMask,
    };
  }

  protected override cellForward(
    x: Float32Array, hSeq: Float32Array, states: Float32Array[], B: number, T: number, mask: Uint8Array | null, training: boolean,
  ): void {
    const U = this.units, n = B * T * U, f = this.fwd;
    f.gates = workspace(f.gates, n * 4);
    f.step = workspace(f.step, B * 4 * U);
    f.hStep = workspace(f.hStep, B * U);
    if (training) {
      f.hPrev = workspace(f.hPrev, n);
      f.cPrev = workspace(f.cPrev, n);
      f.actC = workspace(f.actC, n);
    }
    const caches = training ? f : { ...f, hPrev: null, cPrev: null, actC: null };
    lstmForward(this.params(B, T, mask), x, hSeq, states[0], states[1], caches);
    this.cached = training;
  }

  protected override cellBackward(dhSeq: Float32Array, dx: Float32Array, B: number, T: number, mask: Uint8Array | null): void {
    if (!this.cached) throw new Error(`${this.name}: backward needs a forward with training=true first`);
    const U = this.units, w = this.bwd;
    w.dGates = workspace(w.dGates, B * T * 4 * U);
    w.dh = workspace(w.dh, B * U);
    w.dc = workspace(w.dc, B * U);
    w.step = workspace(w.step, B * 4 * U);
    w.hStep = workspace(w.hStep, B * U);
    const grads = { kernel: this.kernel!.grad, recurrentKernel: this.recurrentKernel!.grad, bias: this.bias ? this.bias.grad : null };
    const hg = this.recordHiddenGrads ? this.hiddenGrads : null;
    lstmBackward(this.params(B, T, mask), this.xProc!, dhSeq, dx, grads, this.fwd, w, hg);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: activationConfigName(this.recurrentActivation),
      unitForgetBias: this.unitForgetBias,
      implementation: 2,
    };
  }
}

/** tsrnn.layers.lstm({units, ...}): a Keras LSTM layer. */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(args);
}
