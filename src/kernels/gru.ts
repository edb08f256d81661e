// GRU over a whole sequence (B,T,*) in processing order: forward, and backward by BPTT.
// Keras's cell, gate blocks z (update), r (reset), h (candidate) along the 3U columns of
// kernel (I,3U) and recurrent_kernel (U,3U). With hIn = h_{t-1}⊙m (m: recurrent dropout multipliers, or 1):
//   resetAfter=true (Keras 2+ default, CuDNN's form), bias (2,3U) = [input row; recurrent row]:
//     [xz xr xh] = x_t·W + b_x,  [hz hr hh] = hIn·Wh + b_h
//     z = ra(xz + hz), r = ra(xr + hr), h̃ = act(xh + r⊙hh)
//   resetAfter=false (Keras 1 / tfjs form), bias (3U):
//     z = ra(xz + hIn·Wh_z), r = ra(xr + hIn·Wh_r), h̃ = act(xh + (r⊙hIn)·Wh_h)
//   h_t = z⊙h_{t-1} + (1−z)⊙h̃
// The dropout mask enters only the recurrent products; the carry z⊙h_{t-1} uses h_{t-1} itself.
// The input projections of all T steps are one GEMM up front; backward forms dW, db and dx in one GEMM
// each at the end. Masked steps carry h over and repeat the previous output, as in lstm.ts.
import { ActivationName, activationBackward, activationForward } from './activations.js';
import { addBiasRows, matmulNN, matmulNT, matmulTN, sumRowsInto } from './gemm.js';
import { useWasm } from './backend.js';
import { gruBackwardWasm, gruForwardWasm, gruWasmSupports } from './gru-wasm.js';

export interface GruParams {
  B: number;
  T: number;
  I: number;
  U: number;
  kernel: Float32Array; // (I,3U)
  recurrentKernel: Float32Array; // (U,3U)
  bias: Float32Array | null; // (2,3U) when resetAfter, else (3U)
  resetAfter: boolean;
  activation: ActivationName;
  recurrentActivation: ActivationName;
  mask: Uint8Array | null; // (B,T), 1 = real step
  /** (B,U) multipliers on h_{t-1} in the recurrent products (Keras 3 recurrent dropout), or null. */
  recDrop: Float32Array | null;
}

/** Forward's working memory and what it keeps for backward. Caches are null for inference. */
export interface GruForwardBuffers {
  gates: Float32Array; // (B,T,3U): input projections, then the activated z, r, h̃
  hPrev: Float32Array | null; // (T,B,U) h entering each step; time-major so one step is one contiguous (B,U) block
  recH: Float32Array | null; // (B,T,U) resetAfter only: hIn·Wh_h + b_hh, the term r multiplies
  step: Float32Array; // (B,3U) one step's recurrent product (reset-before: (B,2U) block, then (B,U) block)
  hStep: Float32Array; // (B,U) hIn for one step
  rh: Float32Array; // (B,U) reset-before: r⊙hIn
  rkSplit: Float32Array; // (3U²) reset-before: Wh_zr (U,2U) then Wh_h (U,U), each contiguous for the GEMMs
  /** Which kernels filled the caches ('wasm': hPrev and recH batch-major (B,T,U)); backward follows it. */
  layout?: 'js' | 'wasm';
}

export interface GruBackwardBuffers {
  dGates: Float32Array; // (B,T,3U) dL/d(pre-activations) on the input side
  dh: Float32Array; // (B,U) dL/dh_t arriving through the recurrence
  step: Float32Array; // (B,3U) one step's recurrent-side gradients, contiguous for the GEMMs
  hStep: Float32Array; // (B,U) hIn for one step
  s1: Float32Array; // (B,U) reset-before: r⊙hIn, then its gradient
  s2: Float32Array; // (B,U) dL/dhIn
  dRkSplit: Float32Array; // (3U²) reset-before: gradients of Wh_zr and Wh_h before they join grads.recurrentKernel
}

export interface GruGrads {
  kernel: Float32Array; // (I,3U), added to
  recurrentKernel: Float32Array; // (U,3U), added to
  bias: Float32Array | null; // like GruParams.bias, added to
}

function copy(dst: Float32Array, dOff: number, src: Float32Array, sOff: number, n: number): void {
  for (let k = 0; k < n; k++) dst[dOff + k] = src[sOff + k];
}

// rk (U,3U) → dst: Wh_zr (U,2U) at 0, Wh_h (U,U) at 2U².
function splitRecurrentKernel(rk: Float32Array, U: number, dst: Float32Array): void {
  const G = 3 * U, zr = 2 * U * U;
  for (let u = 0; u < U; u++) {
    copy(dst, u * 2 * U, rk, u * G, 2 * U);
    copy(dst, zr + u * U, rk, u * G + 2 * U, U);
  }
}

/**
 * x (B,T,I) → out (B,T,U). h (B,U): initial state on entry, final state on exit.
 * Fills buf.hPrev / recH when they are given (training). Runs on the active backend (backend.ts).
 */
export function gruForward(p: GruParams, x: Float32Array, out: Float32Array, h: Float32Array, buf: GruForwardBuffers): void {
  if (useWasm() && gruWasmSupports(p)) {
    gruForwardWasm(p, x, out, h, buf);
    buf.layout = 'wasm';
  } else {
    gruForwardJs(p, x, out, h, buf);
    buf.layout = 'js';
  }
}

/**
 * BPTT over the last training forward (buf must be the buffers it filled, with its caches), on the kernels
 * that ran that forward. dOut (B,T,U): dL/d(output at each step); overwritten. Writes dx (B,T,I), adds into
 * grads. hiddenGrads (B,T,U) or null: receives the total dL/dh_t (from above and through the recurrence).
 */
export function gruBackward(
  p: GruParams, x: Float32Array, dOut: Float32Array, dx: Float32Array, grads: GruGrads,
  buf: GruForwardBuffers, bw: GruBackwardBuffers, hiddenGrads: Float32Array | null,
): void {
  if (buf.layout === 'wasm') gruBackwardWasm(p, x, dOut, dx, grads, buf, bw, hiddenGrads);
  else gruBackwardJs(p, x, dOut, dx, grads, buf, bw, hiddenGrads);
}

/** The reference forward in TypeScript (time-major caches). */
export function gruForwardJs(p: GruParams, x: Float32Array, out: Float32Array, h: Float32Array, buf: GruForwardBuffers): void {
  const { B, T, I, U, mask, recDrop, resetAfter, activation: act, recurrentActivation: ra } = p;
  const G = 3 * U, BU = B * U;
  const { gates, hPrev, recH, step, hStep, rh, rkSplit } = buf;
  matmulNN(gates, 0, x, 0, p.kernel, 0, B * T, I, G, false);
  if (p.bias) addBiasRows(gates, 0, p.bias, B * T, G); // the first 3U values are the input bias in both forms
  const bRec = resetAfter && p.bias ? p.bias.subarray(G, 2 * G) : null;
  if (!resetAfter) splitRecurrentKernel(p.recurrentKernel, U, rkSplit);
  const H = 2 * BU; // reset-before: offset of the (B,U) block in step

  for (let t = 0; t < T; t++) {
    if (hPrev) copy(hPrev, t * BU, h, 0, BU);
    let hIn = h;
    if (recDrop) {
      for (let k = 0; k < BU; k++) hStep[k] = h[k] * recDrop[k];
      hIn = hStep;
    }
    if (resetAfter) {
      matmulNN(step, 0, hIn, 0, p.recurrentKernel, 0, B, U, G, false);
      if (bRec) addBiasRows(step, 0, bRec, B, G);
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        if (mask && mask[row] === 0) continue;
        const g0 = row * G, s0 = b * G, o = row * U;
        for (let j = 0; j < 2 * U; j++) gates[g0 + j] += step[s0 + j];
        activationForward(ra, gates, gates, g0, 2 * U, U); // z, r
        for (let u = 0; u < U; u++) {
          const hh = step[s0 + 2 * U + u];
          if (recH) recH[o + u] = hh;
          gates[g0 + 2 * U + u] += gates[g0 + U + u] * hh;
        }
      }
    } else {
      matmulNN(step, 0, hIn, 0, rkSplit, 0, B, U, 2 * U, false);
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        if (mask && mask[row] === 0) continue;
        const g0 = row * G, s0 = b * 2 * U, hb = b * U;
        for (let j = 0; j < 2 * U; j++) gates[g0 + j] += step[s0 + j];
        activationForward(ra, gates, gates, g0, 2 * U, U); // z, r
        for (let u = 0; u < U; u++) rh[hb + u] = gates[g0 + U + u] * hIn[hb + u];
      }
      matmulNN(step, H, rh, 0, rkSplit, 2 * U * U, B, U, U, false);
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        if (mask && mask[row] === 0) continue;
        const g0 = row * G, hb = b * U;
        for (let u = 0; u < U; u++) gates[g0 + 2 * U + u] += step[H + hb + u];
      }
    }
    // candidate and new state
    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      const o = row * U;
      if (mask && mask[row] === 0) {
        if (t === 0) out.fill(0, o, o + U);
        else copy(out, o, out, o - U, U);
        continue;
      }
      const g0 = row * G, hb = b * U;
      activationForward(act, gates, gates, g0 + 2 * U, U, U);
      for (let u = 0; u < U; u++) {
        const z = gates[g0 + u];
        const hn = z * h[hb + u] + (1 - z) * gates[g0 + 2 * U + u];
        h[hb + u] = hn;
        out[o + u] = hn;
      }
    }
  }
}

/** The reference BPTT in TypeScript, over the caches of gruForwardJs. */
export function gruBackwardJs(
  p: GruParams, x: Float32Array, dOut: Float32Array, dx: Float32Array, grads: GruGrads,
  buf: GruForwardBuffers, bw: GruBackwardBuffers, hiddenGrads: Float32Array | null,
): void {
  const { B, T, I, U, mask, recDrop, resetAfter, activation: act, recurrentActivation: ra } = p;
  const G = 3 * U, BU = B * U, H = 2 * BU, UU = U * U;
  const { gates, hPrev, recH, rkSplit } = buf;
  if (!hPrev || (resetAfter && !recH)) throw new Error('gruBackward needs the caches of a training forward');
  const { dGates, dh, step, hStep, s1, s2, dRkSplit } = bw;
  dh.fill(0, 0, BU);
  if (!resetAfter) {
    splitRecurrentKernel(p.recurrentKernel, U, rkSplit);
    dRkSplit.fill(0, 0, 3 * UU);
  }
  const gBiasRec = resetAfter && grads.bias ? grads.bias.subarray(G, 2 * G) : null;

  for (let t = T - 1; t >= 0; t--) {
    let hIn = hPrev, hOff = t * BU;
    if (recDrop) {
      for (let k = 0; k < BU; k++) hStep[k] = hPrev[t * BU + k] * recDrop[k];
      hIn = hStep;
      hOff = 0;
    }
    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      const o = row * U, g0 = row * G, hb = b * U;
      if (mask && mask[row] === 0) {
        // h passed through unchanged: dh carries on; the repeated output's gradient goes to step t-1's output
        if (hiddenGrads) for (let u = 0; u < U; u++) hiddenGrads[o + u] = dOut[o + u] + dh[hb + u];
        if (t > 0) for (let u = 0; u < U; u++) dOut[o - U + u] += dOut[o + u];
        dGates.fill(0, g0, g0 + G);
        if (resetAfter) step.fill(0, b * G, b * G + G);
        else step.fill(0, H + hb, H + hb + U);
        continue;
      }
      const hp0 = t * BU + hb;
      for (let u = 0; u < U; u++) {
        const dt = dOut[o + u] + dh[hb + u]; // total dL/dh_t
        if (hiddenGrads) hiddenGrads[o + u] = dt;
        const z = gates[g0 + u];
        dGates[g0 + u] = dt * (hPrev[hp0 + u] - gates[g0 + 2 * U + u]); // z
        dGates[g0 + 2 * U + u] = dt * (1 - z); // h̃
        dh[hb + u] = dt * z; // the carry; the recurrent products add theirs below
      }
      activationBackward(act, gates, dGates, dGates, g0 + 2 * U, U, U);
      activationBackward(ra, gates, dGates, dGates, g0, U, U);
      if (resetAfter) {
        for (let u = 0; u < U; u++) dGates[g0 + U + u] = dGates[g0 + 2 * U + u] * recH![o + u];
        activationBackward(ra, gates, dGates, dGates, g0 + U, U, U);
        const s0 = b * G;
        copy(step, s0, dGates, g0, 2 * U);
        for (let u = 0; u < U; u++) step[s0 + 2 * U + u] = dGates[g0 + 2 * U + u] * gates[g0 + U + u];
      } else {
        copy(step, H + hb, dGates, g0 + 2 * U, U);
      }
    }

    if (resetAfter) {
      // [hz hr hh] = hIn·Wh + b_h; step holds their gradients
      matmulTN(grads.recurrentKernel, 0, hIn, hOff, step, 0, U, B, G, true);
      if (gBiasRec) sumRowsInto(gBiasRec, step, 0, B, G);
      matmulNT(s2, 0, step, 0, p.recurrentKernel, 0, B, G, U, false);
    } else {
      // h̃ branch: (r⊙hIn)·Wh_h
      for (let b = 0; b < B; b++) {
        const row = b * T + t, hb = b * U;
        if (mask && mask[row] === 0) {
          s1.fill(0, hb, hb + U);
          continue;
        }
        for (let u = 0; u < U; u++) s1[hb + u] = gates[row * G + U + u] * hIn[hOff + hb + u];
      }
      matmulTN(dRkSplit, 2 * UU, s1, 0, step, H, U, B, U, true);
      matmulNT(s1, 0, step, H, rkSplit, 2 * UU, B, U, U, false); // dL/d(r⊙hIn)
      for (let b = 0; b < B; b++) {
        const row = b * T + t, hb = b * U, g0 = row * G, s0 = b * 2 * U;
        if (mask && mask[row] === 0) {
          s2.fill(0, hb, hb + U);
          step.fill(0, s0, s0 + 2 * U);
          continue;
        }
        for (let u = 0; u < U; u++) {
          dGates[g0 + U + u] = s1[hb + u] * hIn[hOff + hb + u];
          s2[hb + u] = s1[hb + u] * gates[g0 + U + u];
        }
        activationBackward(ra, gates, dGates, dGates, g0 + U, U, U);
        copy(step, s0, dGates, g0, 2 * U);
      }
      // z, r branch: hIn·Wh_zr
      matmulTN(dRkSplit, 0, hIn, hOff, step, 0, U, B, 2 * U, true);
      matmulNT(s2, 0, step, 0, rkSplit, 0, B, 2 * U, U, true);
    }
    // masked rows of s2 are zero, so their dh is left as it was (the carried gradient)
    if (recDrop) for (let k = 0; k < BU; k++) dh[k] += s2[k] * recDrop[k];
    else for (let k = 0; k < BU; k++) dh[k] += s2[k];
  }

  if (!resetAfter) {
    const gRk = grads.recurrentKernel;
    for (let u = 0; u < U; u++) {
      for (let j = 0; j < 2 * U; j++) gRk[u * G + j] += dRkSplit[u * 2 * U + j];
      for (let j = 0; j < U; j++) gRk[u * G + 2 * U + j] += dRkSplit[2 * UU + u * U + j];
    }
  }
  // the input projections of all steps at once
  matmulNT(dx, 0, dGates, 0, p.kernel, 0, B * T, G, I, false);
  matmulTN(grads.kernel, 0, x, 0, dGates, 0, I, B * T, G, true);
  if (grads.bias) sumRowsInto(grads.bias, dGates, 0, B * T, G); // input-side bias: the first 3U values
}
