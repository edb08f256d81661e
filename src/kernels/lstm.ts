// LSTM over a whole sequence (B,T,*) in processing order: forward, and backward by BPTT.
// Keras's cell, gate blocks i, f, c (candidate, written g here), o along the 4U columns of
// kernel (I,4U), recurrent_kernel (U,4U) and bias (4U):
//   [i f g o] = [ra ra act ra](x_t·W + (h_{t-1}⊙m)·Wh + b)     m: recurrent dropout multipliers (or 1)
//   c_t = f⊙c_{t-1} + i⊙g,   h_t = o⊙act(c_t)                   ra = recurrentActivation
// The input projections of all T steps are one GEMM (B*T,I)·(I,4U) up front; each step then adds
// one (B,U)·(U,4U) product. Backward mirrors it: per step only the (B,4U)·(4U,U) product that carries
// dL/dh back and the dWh update; dW, db and dx are one GEMM each over all steps at the end.
//
// Masked (padded) steps, mask (B,T) = 0: h and c carry over unchanged, and the output repeats the
// previous output (zeros before a sample's first real step), as Keras 3's backend rnn does. tfjs (and
// Keras 2.0) output the carried state there instead; the two differ only at padded steps before the
// first real one when the initial state is not zero (stateful layers).
import { ActivationName, activationBackward, activationForward } from './activations.js';
import { addBiasRows, matmulNN, matmulNT, matmulTN, sumRowsInto } from './gemm.js';
import { useWasm } from './backend.js';
import { lstmBackwardWasm, lstmForwardWasm, lstmWasmSupports } from './lstm-wasm.js';

export interface LstmParams {
  B: number;
  T: number;
  I: number;
  U: number;
  kernel: Float32Array; // (I,4U)
  recurrentKernel: Float32Array; // (U,4U)
  bias: Float32Array | null; // (4U)
  activation: ActivationName;
  recurrentActivation: ActivationName;
  mask: Uint8Array | null; // (B,T), 1 = real step
  /** (B,U) multipliers on h_{t-1} in the recurrent product (Keras 3 recurrent dropout), or null. */
  recDrop: Float32Array | null;
}

/** Forward's working memory and what it keeps for backward. Caches are null for inference. */
export interface LstmForwardBuffers {
  gates: Float32Array; // (B,T,4U): input projections, then the activated gates i, f, g, o
  hPrev: Float32Array | null; // (T,B,U) h entering each step; time-major so one step is one contiguous (B,U) block
  cPrev: Float32Array | null; // (T,B,U) c entering each step
  actC: Float32Array | null; // (B,T,U) act(c_t)
  step: Float32Array; // (B,4U) one step's recurrent product
  hStep: Float32Array; // (B,U) h_{t-1}⊙m for one step
  /** Which kernels filled the caches ('wasm': hPrev holds h_{t-1}⊙m and cPrev c_{t-1}, batch-major (B,T,U)); backward follows it. */
  layout?: 'js' | 'wasm';
}

export interface LstmBackwardBuffers {
  dGates: Float32Array; // (B,T,4U) dL/d(gate pre-activations)
  dh: Float32Array; // (B,U) dL/dh_t arriving through the recurrence
  dc: Float32Array; // (B,U) dL/dc_t arriving through the recurrence
  step: Float32Array; // (B,4U) one step's gate gradients, contiguous for the recurrent GEMMs
  hStep: Float32Array; // (B,U) h_{t-1}⊙m, then dL/d(h_{t-1}⊙m)
}

export interface LstmGrads {
  kernel: Float32Array; // (I,4U), added to
  recurrentKernel: Float32Array; // (U,4U), added to
  bias: Float32Array | null; // (4U), added to
}

function copy(dst: Float32Array, dOff: number, src: Float32Array, sOff: number, n: number): void {
  for (let k = 0; k < n; k++) dst[dOff + k] = src[sOff + k];
}

/**
 * x (B,T,I) → out (B,T,U). h, c (B,U): initial states on entry, final states on exit.
 * Fills buf.hPrev / cPrev / actC when they are given (training). Runs on the active backend (backend.ts).
 */
export function lstmForward(p: LstmParams, x: Float32Array, out: Float32Array, h: Float32Array, c: Float32Array, buf: LstmForwardBuffers): void {
  if (useWasm() && lstmWasmSupports(p)) {
    lstmForwardWasm(p, x, out, h, c, buf);
    buf.layout = 'wasm';
  } else {
    lstmForwardJs(p, x, out, h, c, buf);
    buf.layout = 'js';
  }
}

/**
 * BPTT over the last training forward (buf must be the buffers it filled, with its caches), on the kernels
 * that ran that forward. dOut (B,T,U): dL/d(output at each step); overwritten. Writes dx (B,T,I), adds into
 * grads. hiddenGrads (B,T,U) or null: receives the total dL/dh_t (from above and through the recurrence).
 */
export function lstmBackward(
  p: LstmParams, x: Float32Array, dOut: Float32Array, dx: Float32Array, grads: LstmGrads,
  buf: LstmForwardBuffers, bw: LstmBackwardBuffers, hiddenGrads: Float32Array | null,
): void {
  if (buf.layout === 'wasm') lstmBackwardWasm(p, x, dOut, dx, grads, buf, bw, hiddenGrads);
  else lstmBackwardJs(p, x, dOut, dx, grads, buf, bw, hiddenGrads);
}

/** The reference forward in TypeScript (time-major caches). */
export function lstmForwardJs(p: LstmParams, x: Float32Array, out: Float32Array, h: Float32Array, c: Float32Array, buf: LstmForwardBuffers): void {
  const { B, T, I, U, mask, recDrop, activation: act, recurrentActivation: ra } = p;
  const G = 4 * U, BU = B * U;
  const { gates, hPrev, cPrev, actC, step, hStep } = buf;
  matmulNN(gates, 0, x, 0, p.kernel, 0, B * T, I, G, false);
  if (p.bias) addBiasRows(gates, 0, p.bias, B * T, G);

  for (let t = 0; t < T; t++) {
    if (hPrev) copy(hPrev, t * BU, h, 0, BU);
    if (cPrev) copy(cPrev, t * BU, c, 0, BU);
    let hIn = h;
    if (recDrop) {
      for (let k = 0; k < BU; k++) hStep[k] = h[k] * recDrop[k];
      hIn = hStep;
    }
    matmulNN(step, 0, hIn, 0, p.recurrentKernel, 0, B, U, G, false);

    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      const o = row * U;
      if (mask && mask[row] === 0) {
        if (t === 0) out.fill(0, o, o + U);
        else copy(out, o, out, o - U, U);
        continue;
      }
      const g0 = row * G, s0 = b * G, hb = b * U;
      for (let j = 0; j < G; j++) gates[g0 + j] += step[s0 + j];
      activationForward(ra, gates, gates, g0, 2 * U, U); // i, f
      activationForward(act, gates, gates, g0 + 2 * U, U, U); // g
      activationForward(ra, gates, gates, g0 + 3 * U, U, U); // o
      for (let u = 0; u < U; u++) {
        const cn = gates[g0 + U + u] * c[hb + u] + gates[g0 + u] * gates[g0 + 2 * U + u];
        c[hb + u] = cn;
        out[o + u] = cn;
      }
      // out row holds c_t; act(c_t) goes to actC (kept for backward) or in place
      const ac = actC ?? out;
      activationForward(act, out, ac, o, U, U);
      for (let u = 0; u < U; u++) {
        const hn = gates[g0 + 3 * U + u] * ac[o + u];
        out[o + u] = hn;
        h[hb + u] = hn;
      }
    }
  }
}

/** The reference BPTT in TypeScript, over the caches of lstmForwardJs. */
export function lstmBackwardJs(
  p: LstmParams, x: Float32Array, dOut: Float32Array, dx: Float32Array, grads: LstmGrads,
  buf: LstmForwardBuffers, bw: LstmBackwardBuffers, hiddenGrads: Float32Array | null,
): void {
  const { B, T, I, U, mask, recDrop, activation: act, recurrentActivation: ra } = p;
  const G = 4 * U, BU = B * U;
  const { gates, hPrev, cPrev, actC } = buf;
  if (!hPrev || !cPrev || !actC) throw new Error('lstmBackward needs the caches of a training forward');
  const { dGates, dh, dc, step, hStep } = bw;
  dh.fill(0, 0, BU);
  dc.fill(0, 0, BU);

  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      const o = row * U, g0 = row * G, s0 = b * G, hb = b * U;
      if (mask && mask[row] === 0) {
        // h and c passed through unchanged: dh, dc carry on; the repeated output's gradient goes to step t-1's output
        if (hiddenGrads) for (let u = 0; u < U; u++) hiddenGrads[o + u] = dOut[o + u] + dh[hb + u];
        if (t > 0) for (let u = 0; u < U; u++) dOut[o - U + u] += dOut[o + u];
        dGates.fill(0, g0, g0 + G);
        step.fill(0, s0, s0 + G);
        continue;
      }
      // total dL/dh_t: from the output above plus from step t+1
      for (let u = 0; u < U; u++) dOut[o + u] += dh[hb + u];
      if (hiddenGrads) copy(hiddenGrads, o, dOut, o, U);
      // o gate: dL/do = dh⊙act(c); then dOut row becomes dh⊙o, and through act' it is dL/dc_t from h_t
      for (let u = 0; u < U; u++) {
        dGates[g0 + 3 * U + u] = dOut[o + u] * actC[o + u];
        dOut[o + u] *= gates[g0 + 3 * U + u];
      }
      activationBackward(act, actC, dOut, dOut, o, U, U);
      const cp = t * BU + hb;
      for (let u = 0; u < U; u++) {
        const dct = dc[hb + u] + dOut[o + u];
        dGates[g0 + u] = dct * gates[g0 + 2 * U + u]; // i
        dGates[g0 + U + u] = dct * cPrev[cp + u]; // f
        dGates[g0 + 2 * U + u] = dct * gates[g0 + u]; // g
        dc[hb + u] = dct * gates[g0 + U + u];
        dh[hb + u] = 0; // h_{t-1} reaches h_t only through the recurrent product, added below
      }
      activationBackward(ra, gates, dGates, dGates, g0, 2 * U, U);
      activationBackward(act, gates, dGates, dGates, g0 + 2 * U, U, U);
      activationBackward(ra, gates, dGates, dGates, g0 + 3 * U, U, U);
      copy(step, s0, dGates, g0, G);
    }
    // recurrent product (h_{t-1}⊙m)·Wh: dWh += (h_{t-1}⊙m)ᵀ·dG_t, dL/dh_{t-1} += (dG_t·Whᵀ)⊙m
    let hIn = hPrev, hOff = t * BU;
    if (recDrop) {
      for (let k = 0; k < BU; k++) hStep[k] = hPrev[t * BU + k] * recDrop[k];
      hIn = hStep;
      hOff = 0;
    }
    matmulTN(grads.recurrentKernel, 0, hIn, hOff, step, 0, U, B, G, true);
    matmulNT(hStep, 0, step, 0, p.recurrentKernel, 0, B, G, U, false);
    // masked rows of step are zero, so their dh is left as it was (the carried gradient)
    if (recDrop) for (let k = 0; k < BU; k++) dh[k] += hStep[k] * recDrop[k];
    else for (let k = 0; k < BU; k++) dh[k] += hStep[k];
  }

  // the input projections of all steps at once
  matmulNT(dx, 0, dGates, 0, p.kernel, 0, B * T, G, I, false);
  matmulTN(grads.kernel, 0, x, 0, dGates, 0, I, B * T, G, true);
  if (grads.bias) sumRowsInto(grads.bias, dGates, 0, B * T, G);
}
