// simpleRnnForward / simpleRnnBackward on the wasm kernels (assembly/simple_rnn.ts), split over the batch
// on the threads. Same arguments, caches and results as the JS kernels in simple-rnn.ts (only swish, which
// needs the pre-activations, and softmax stay on JS).
import type { SimpleRnnBackwardArgs, SimpleRnnForwardArgs } from './simple-rnn.js';
import { abandon, activationCode, args, chunksFor, finish, inp, io, out, run, runReduced, scratch, transposed } from './wasm.js';
import { getNumThreads } from './threads.js';

export function simpleRnnWasmSupports(activation: SimpleRnnForwardArgs['activation']): boolean {
  return activationCode(activation) >= 0;
}

function chunks(B: number, T: number, I: number, U: number, backward: boolean): number {
  return chunksFor(B, B * T * U * (U + I) * (backward ? 2 : 1), getNumThreads());
}

export function simpleRnnForwardWasm(p: SimpleRnnForwardArgs): void {
  const { B, T, I, U } = p;
  const n = B * T * U;
  const a = args();
  try {
    a[0] = B; a[1] = T; a[2] = I; a[3] = U;
    a[4] = inp(p.x, B * T * I, 'x');
    a[5] = out(p.hSeq, n, 'hSeq');
    a[6] = inp(p.h0, B * U, 'h0');
    a[7] = inp(p.kernel, I * U, 'kernel');
    a[8] = inp(p.recurrentKernel, U * U, 'recurrentKernel');
    a[9] = inp(p.bias, U, 'bias');
    a[10] = activationCode(p.activation);
    a[11] = inp(p.mask, B * T, 'mask');
    a[12] = inp(p.recurrentDropMask, B * U, 'recurrentDropMask');
    a[13] = scratch('rowsU', B * U);
    run('simpleRnnForward', chunks(B, T, I, U, false));
    finish();
  } catch (e) {
    abandon();
    throw e;
  }
  // the final state: the last output of each sequence
  for (let b = 0; b < B; b++) p.hT.set(p.hSeq.subarray((b * T + T - 1) * U, (b * T + T) * U), b * U);
}

export function simpleRnnBackwardWasm(p: SimpleRnnBackwardArgs): void {
  const { B, T, I, U } = p;
  const n = B * T * U;
  const nc = chunks(B, T, I, U, true);
  const a = args();
  try {
    const W = inp(p.kernel, I * U, 'kernel'), Wh = inp(p.recurrentKernel, U * U, 'recurrentKernel');
    a[0] = B; a[1] = T; a[2] = I; a[3] = U;
    a[4] = inp(p.x, B * T * I, 'x');
    a[5] = inp(p.hSeq, n, 'hSeq');
    a[6] = inp(p.h0, B * U, 'h0');
    a[7] = io(p.dhSeq, n, 'dhSeq');
    a[8] = out(p.dx, B * T * I, 'dx');
    a[9] = transposed('wT', W, I, U);
    a[10] = transposed('whT', Wh, U, U);
    const dW = (a[11] = io(p.dKernel, I * U, 'dKernel'));
    const dWh = (a[12] = io(p.dRecurrentKernel, U * U, 'dRecurrentKernel'));
    const db = (a[13] = io(p.dBias, U, 'dBias'));
    a[14] = out(p.dhCarry, B * U, 'dhCarry');
    a[15] = scratch('rowsU', B * U);
    a[16] = scratch('seqU', n);
    a[17] = activationCode(p.activation);
    a[18] = inp(p.mask, B * T, 'mask');
    a[19] = inp(p.recurrentDropMask, B * U, 'recurrentDropMask');
    a[20] = out(p.hiddenGrads, n, 'hiddenGrads');
    a[23] = db ? 1 : 0;
    runReduced('simpleRnnBackward', nc, a, 21, [[dW, I * U], [dWh, U * U], [db, U]]);
    finish();
  } catch (e) {
    abandon();
    throw e;
  }
}
