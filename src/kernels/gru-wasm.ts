// gruForward / gruBackward on the wasm kernels (assembly/gru.ts), split over the batch on the threads.
// Same arguments and results as the JS kernels in gru.ts, with batch-major caches: buf.hPrev holds h_{t-1}
// and buf.recH the recurrent candidate term (resetAfter), both (B,T,U); buf.rkSplit and buf.rh are unused.
import type { GruBackwardBuffers, GruForwardBuffers, GruGrads, GruParams } from './gru.js';
import { abandon, activationCode, args, chunksFor, finish, inp, io, out, run, runReduced, scratch, transposed } from './wasm.js';
import { getNumThreads } from './threads.js';

/** Whether the wasm kernels cover these options (every activation but softmax and swish). */
export function gruWasmSupports(p: GruParams): boolean {
  return activationCode(p.activation) >= 0 && activationCode(p.recurrentActivation) >= 0;
}

function chunks(p: GruParams, backward: boolean): number {
  const { B, T, I, U } = p;
  return chunksFor(B, B * T * 3 * U * (U + I) * (backward ? 2 : 1), getNumThreads());
}

export function gruForwardWasm(p: GruParams, x: Float32Array, outSeq: Float32Array, h: Float32Array, buf: GruForwardBuffers): void {
  const { B, T, I, U, resetAfter } = p;
  const G = 3 * U, n = B * T * U;
  const a = args();
  try {
    a[0] = B; a[1] = T; a[2] = I; a[3] = U;
    a[4] = inp(x, B * T * I, 'x');
    a[5] = out(outSeq, n, 'out');
    a[6] = io(h, B * U, 'h');
    a[7] = out(buf.gates, B * T * G, 'gates');
    a[8] = out(buf.hPrev, n, 'hPrev');
    a[9] = resetAfter ? out(buf.recH, n, 'recH') : 0;
    a[10] = inp(p.kernel, I * G, 'kernel');
    a[11] = inp(p.recurrentKernel, U * G, 'recurrentKernel');
    a[12] = inp(p.bias, resetAfter ? 2 * G : G, 'bias');
    a[13] = resetAfter ? 1 : 0;
    a[14] = activationCode(p.activation);
    a[15] = activationCode(p.recurrentActivation);
    a[16] = inp(p.mask, B * T, 'mask');
    a[17] = inp(p.recDrop, B * U, 'recDrop');
    a[18] = scratch('rowsU', B * U);
    a[19] = scratch('rowsU2', B * U);
    a[20] = scratch('rowsG', B * G);
    run('gruForward', chunks(p, false));
    finish();
  } catch (e) {
    abandon();
    throw e;
  }
}

export function gruBackwardWasm(
  p: GruParams, x: Float32Array, dOut: Float32Array, dx: Float32Array, grads: GruGrads,
  buf: GruForwardBuffers, bw: GruBackwardBuffers, hiddenGrads: Float32Array | null,
): void {
  const { B, T, I, U, resetAfter } = p;
  const G = 3 * U, n = B * T * U;
  if (!buf.hPrev || (resetAfter && !buf.recH)) throw new Error('gruBackward needs the caches of a training forward');
  const nc = chunks(p, true);
  const biasLen = resetAfter ? 2 * G : G;
  const a = args();
  try {
    const W = inp(p.kernel, I * G, 'kernel'), Wh = inp(p.recurrentKernel, U * G, 'recurrentKernel');
    a[0] = B; a[1] = T; a[2] = I; a[3] = U;
    a[4] = inp(x, B * T * I, 'x');
    a[5] = io(dOut, n, 'dOut');
    a[6] = out(dx, B * T * I, 'dx');
    a[7] = inp(buf.gates, B * T * G, 'gates');
    a[8] = inp(buf.hPrev, n, 'hPrev');
    a[9] = resetAfter ? inp(buf.recH, n, 'recH') : 0;
    a[10] = transposed('wT', W, I, G);
    a[11] = transposed('whT', Wh, U, G);
    const dW = (a[12] = io(grads.kernel, I * G, 'grads.kernel'));
    const dWh = (a[13] = io(grads.recurrentKernel, U * G, 'grads.recurrentKernel'));
    const db = (a[14] = io(grads.bias, biasLen, 'grads.bias'));
    a[15] = out(bw.dGates, B * T * G, 'dGates');
    a[16] = resetAfter ? scratch('seqG', B * T * G) : 0; // dRec
    a[17] = p.recDrop ? scratch('seqU', n) : 0; // hIn = hPrev⊙m
    a[18] = resetAfter ? 0 : scratch('seqU2', n); // r⊙hIn
    a[19] = out(bw.dh, B * U, 'dh');
    a[20] = scratch('rowsU', B * U);
    a[21] = scratch('rowsU2', B * U);
    a[22] = resetAfter ? 1 : 0;
    a[23] = activationCode(p.activation);
    a[24] = activationCode(p.recurrentActivation);
    a[25] = inp(p.mask, B * T, 'mask');
    a[26] = inp(p.recDrop, B * U, 'recDrop');
    a[27] = out(hiddenGrads, n, 'hiddenGrads');
    a[30] = db ? 1 : 0;
    runReduced('gruBackward', nc, a, 28, [[dW, I * G], [dWh, U * G], [db, biasLen]]);
    finish();
  } catch (e) {
    abandon();
    throw e;
  }
}
