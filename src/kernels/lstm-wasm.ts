// lstmForward / lstmBackward on the wasm kernels (assembly/lstm.ts), split over the batch on the threads.
// Same arguments and results as the JS kernels in lstm.ts, with one difference in the caches: buf.hPrev
// holds h_{t-1}⊙m and buf.cPrev c_{t-1}, batch-major (B,T,U) (lstm.ts keeps them time-major), so a
// backward must run on the backend its forward ran on (lstm.ts sees to it through buf.layout).
import type { LstmBackwardBuffers, LstmForwardBuffers, LstmGrads, LstmParams } from './lstm.js';
import { activationCode, args, chunksFor, finish, abandon, inp, io, out, run, runReduced, scratch, transposed } from './wasm.js';
import { getNumThreads } from './threads.js';

/** Whether the wasm kernels cover these options (every activation but softmax and swish). */
export function lstmWasmSupports(p: LstmParams): boolean {
  return activationCode(p.activation) >= 0 && activationCode(p.recurrentActivation) >= 0;
}

function chunks(p: LstmParams, backward: boolean): number {
  const { B, T, I, U } = p;
  return chunksFor(B, B * T * 4 * U * (U + I) * (backward ? 2 : 1), getNumThreads());
}

export function lstmForwardWasm(
  p: LstmParams, x: Float32Array, outSeq: Float32Array, h: Float32Array, c: Float32Array, buf: LstmForwardBuffers,
): void {
  const { B, T, I, U } = p;
  const G = 4 * U, n = B * T * U;
  const a = args();
  try {
    a[0] = B; a[1] = T; a[2] = I; a[3] = U;
    a[4] = inp(x, B * T * I, 'x');
    a[5] = out(outSeq, n, 'out');
    a[6] = io(h, B * U, 'h');
    a[7] = io(c, B * U, 'c');
    a[8] = out(buf.gates, B * T * G, 'gates');
    a[9] = out(buf.hPrev, n, 'hPrev');
    a[10] = out(buf.cPrev, n, 'cPrev');
    a[11] = out(buf.actC, n, 'actC');
    a[12] = inp(p.kernel, I * G, 'kernel');
    a[13] = inp(p.recurrentKernel, U * G, 'recurrentKernel');
    a[14] = inp(p.bias, G, 'bias');
    a[15] = activationCode(p.activation);
    a[16] = activationCode(p.recurrentActivation);
    a[17] = inp(p.mask, B * T, 'mask');
    a[18] = inp(p.recDrop, B * U, 'recDrop');
    a[19] = scratch('rowsU', B * U);
    run('lstmForward', chunks(p, false));
    finish();
  } catch (e) {
    abandon();
    throw e;
  }
}

export function lstmBackwardWasm(
  p: LstmParams, x: Float32Array, dOut: Float32Array, dx: Float32Array, grads: LstmGrads,
  buf: LstmForwardBuffers, bw: LstmBackwardBuffers, hiddenGrads: Float32Array | null,
): void {
  const { B, T, I, U } = p;
  const G = 4 * U, n = B * T * U;
  if (!buf.hPrev || !buf.cPrev || !buf.actC) throw new Error('lstmBackward needs the caches of a training forward');
  const nc = chunks(p, true);
  const a = args();
  try {
    const W = inp(p.kernel, I * G, 'kernel'), Wh = inp(p.recurrentKernel, U * G, 'recurrentKernel');
    a[0] = B; a[1] = T; a[2] = I; a[3] = U;
    a[4] = inp(x, B * T * I, 'x');
    a[5] = io(dOut, n, 'dOut');
    a[6] = out(dx, B * T * I, 'dx');
    a[7] = inp(buf.gates, B * T * G, 'gates');
    a[8] = inp(buf.hPrev, n, 'hPrev');
    a[9] = inp(buf.cPrev, n, 'cPrev');
    a[10] = inp(buf.actC, n, 'actC');
    a[11] = transposed('wT', W, I, G);
    a[12] = transposed('whT', Wh, U, G);
    const dW = (a[13] = io(grads.kernel, I * G, 'grads.kernel'));
    const dWh = (a[14] = io(grads.recurrentKernel, U * G, 'grads.recurrentKernel'));
    const db = (a[15] = io(grads.bias, G, 'grads.bias'));
    a[16] = out(bw.dGates, B * T * G, 'dGates');
    a[17] = out(bw.dh, B * U, 'dh');
    a[18] = out(bw.dc, B * U, 'dc');
    a[19] = scratch('rowsU', B * U);
    a[20] = activationCode(p.activation);
    a[21] = activationCode(p.recurrentActivation);
    a[22] = inp(p.mask, B * T, 'mask');
    a[23] = inp(p.recDrop, B * U, 'recDrop');
    a[24] = out(hiddenGrads, n, 'hiddenGrads');
    a[27] = db ? 1 : 0;
    runReduced('lstmBackward', nc, a, 25, [[dW, I * G], [dWh, U * G], [db, G]]);
    finish();
  } catch (e) {
    abandon();
    throw e;
  }
}
