// SimpleRNN: the fully connected (Elman) recurrent layer, h_t = act(x_t·W + h_{t-1}·Wh + b).
// The options (returnSequences, goBackwards, stateful, masks, dropout) live in RecurrentLayer;
// this file builds the weights and runs the fused whole-sequence kernels of kernels/simple-rnn.ts.
import { activationNeedsInput } from '../kernels/activations.js';
import { simpleRnnBackward, simpleRnnForward } from '../kernels/simple-rnn.js';
import { LayerVariable, Shape, workspace } from './layer.js';
import { RecurrentArgs, RecurrentLayer } from './recurrent.js';

export type SimpleRNNArgs = RecurrentArgs;

/**
 * Keras's SimpleRNN. Weights, in Keras's order and layout: kernel [inputDim, units] (glorotUniform),
 * recurrent_kernel [units, units] (orthogonal), bias [units] (zeros; only when useBias).
 */
export class SimpleRNN extends RecurrentLayer {
  readonly className: string = 'SimpleRNN';
  readonly stateCount = 1;
  kernel: LayerVariable | null = null;
  recurrentKernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;

  // Caches of the last forward and scratch, sized once per shape.
  private h0: Float32Array | null = null; // (B,U) initial state of the last forward
  private zSeq: Float32Array | null = null; // (B,T,U) pre-activations, only for swish
  private scratch: Float32Array | null = null; // (U) dropped h_{t-1}
  private dhCarry: Float32Array | null = null; // (B,U)

  constructor(args: SimpleRNNArgs) {
    super(args, 'simple_rnn');
  }

  override build(inputShape: Shape): void {
    this.checkInputShape(inputShape);
    const I = inputShape[2] as number;
    const U = this.units;
    this.weights = [];
    this.kernel = this.addWeight('kernel', [I, U], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [U, U], this.recurrentInitializer);
    this.bias = this.useBias ? this.addWeight('bias', [U], this.biasInitializer) : null;
    super.build(inputShape);
  }

  protected cellForward(
    x: Float32Array, hSeq: Float32Array, states: Float32Array[], B: number, T: number, mask: Uint8Array | null, _training: boolean,
  ): void {
    const U = this.units;
    const h0 = (this.h0 = workspace(this.h0, B * U));
    h0.set(states[0].subarray(0, B * U));
    const needZ = activationNeedsInput(this.activation);
    if (needZ) this.zSeq = workspace(this.zSeq, B * T * U);
    if (this.recurrentDropMask) this.scratch = workspace(this.scratch, U);
    simpleRnnForward({
      x, kernel: this.kernel!.value, recurrentKernel: this.recurrentKernel!.value, bias: this.bias ? this.bias.value : null,
      h0, hSeq, hT: states[0], B, T, I: this.inputDim, U, activation: this.activation, mask,
      recurrentDropMask: this.recurrentDropMask, zSeq: needZ ? this.zSeq : null, scratch: this.scratch,
    });
  }

  protected cellBackward(dhSeq: Float32Array, dx: Float32Array, B: number, T: number, mask: Uint8Array | null): void {
    const U = this.units;
    const carry = (this.dhCarry = workspace(this.dhCarry, B * U));
    simpleRnnBackward({
      x: this.xProc!, kernel: this.kernel!.value, recurrentKernel: this.recurrentKernel!.value, h0: this.h0!, hSeq: this.hSeq!,
      zSeq: activationNeedsInput(this.activation) ? this.zSeq : null,
      dhSeq, dx, dKernel: this.kernel!.grad, dRecurrentKernel: this.recurrentKernel!.grad, dBias: this.bias ? this.bias.grad : null,
      dhCarry: carry, B, T, I: this.inputDim, U, activation: this.activation, mask,
      recurrentDropMask: this.recurrentDropMask, hiddenGrads: this.recordHiddenGrads ? this.hiddenGrads : null,
    });
  }
}

/** tf.layers.simpleRNN({units, ...}). */
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN {
  return new SimpleRNN(args);
}
