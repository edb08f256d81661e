// The Elman cell (Keras SimpleRNN) over a whole sequence, forward and BPTT backward.
//   z_t = x_t·W + (h_{t-1} ⊙ r)·Wh + b        h_t = act(z_t)
// W (I,U) 'kernel', Wh (U,U) 'recurrent_kernel', b (U) 'bias' in Keras's layout; r (B,U) is the
// optional recurrent dropout mask, which (as in Keras's SimpleRNNCell) scales h_{t-1} in the
// recurrent product only: the state carried to the next step is the undropped h.
//
// Layout: every sequence buffer is batch-major (B,T,*) in processing order (the caller reverses
// time for goBackwards). The input projection of all steps is one (B*T,I)·(I,U) GEMM written
// straight into the output buffer; the recurrence then adds h_{t-1}·Wh and applies the
// activation row by row in place. Backward turns dL/dh into dL/dz in place, step by step from
// the last, and leaves the whole-sequence products (dx = dz·Wᵀ, dW += xᵀ·dz, dWh += hᵀ·dz) to
// GEMMs after the loop. Nothing is allocated: every scratch buffer comes from the caller.
//
// Masks (B,T), 1 = real step, 0 = padding: a masked step outputs the previous state and keeps
// it (Keras 2.0 and tfjs: `where(mask, output, states[0])`), so in backward the gradient of a
// masked step passes unchanged to the step before it and nothing reaches the weights or x_t.
// (Later tf.keras outputs zeros, not h0, for masked steps before the first real one; the two agree
// whenever the initial state is zero, i.e. for every non-stateful layer.)
import { ActivationName, activationBackward, activationForward, activationNeedsInput } from './activations.js';
import { matmulNN, matmulNT, matmulTN, addBiasRows, sumRowsInto } from './gemm.js';
import { useWasm } from './backend.js';
import { simpleRnnBackwardWasm, simpleRnnForwardWasm, simpleRnnWasmSupports } from './simple-rnn-wasm.js';

export interface SimpleRnnForwardArgs {
  x: Float32Array; // (B,T,I)
  kernel: Float32Array; // (I,U)
  recurrentKernel: Float32Array; // (U,U)
  bias: Float32Array | null; // (U) or null when useBias is false
  h0: Float32Array; // (B,U) initial state, read only
  hSeq: Float32Array; // (B,T,U) out: h_t for every step
  hT: Float32Array; // (B,U) out: the final state (may alias h0)
  B: number;
  T: number;
  I: number;
  U: number;
  activation: ActivationName;
  mask: Uint8Array | null; // (B,T)
  recurrentDropMask: Float32Array | null; // (B,U) multipliers of h_{t-1} in the recurrent product
  /** (B,T,U) out: the pre-activations z_t; needed (and then required) only when the activation's derivative needs its input (swish). */
  zSeq: Float32Array | null;
  /** (U) scratch, needed only with a recurrentDropMask. */
  scratch: Float32Array | null;
}

/** Runs on the active backend (backend.ts); swish and softmax always on the JS kernel. */
export function simpleRnnForward(a: SimpleRnnForwardArgs): void {
  if (useWasm() && simpleRnnWasmSupports(a.activation) && !a.zSeq) simpleRnnForwardWasm(a);
  else simpleRnnForwardJs(a);
}

/** Either backend can run it after either forward: both keep the same caches (hSeq, h0). */
export function simpleRnnBackward(a: SimpleRnnBackwardArgs): void {
  if (useWasm() && simpleRnnWasmSupports(a.activation) && !a.zSeq) simpleRnnBackwardWasm(a);
  else simpleRnnBackwardJs(a);
}

/** The reference forward in TypeScript. */
export function simpleRnnForwardJs(a: SimpleRnnForwardArgs): void {
  const { x, kernel, recurrentKernel: Wh, bias, h0, hSeq, hT, B, T, I, U, activation, mask, recurrentDropMask: r, zSeq } = a;
  if (activationNeedsInput(activation) && !zSeq) throw new Error(`simpleRnnForward: activation '${activation}' needs a zSeq buffer`);
  if (r && !a.scratch) throw new Error('simpleRnnForward: a recurrent dropout mask needs a scratch buffer of U values');
  // hSeq (B*T,U) = x (B*T,I) · W (I,U) + b: every step's input projection at once
  matmulNN(hSeq, 0, x, 0, kernel, 0, B * T, I, U, false);
  if (bias) addBiasRows(hSeq, 0, bias, B * T, U);
  const tmp = a.scratch;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const row = (b * T + t) * U;
      // h_{t-1}: the previous output row, or the initial state
      const prev = t === 0 ? h0 : hSeq;
      const pOff = t === 0 ? b * U : row - U;
      if (mask && mask[b * T + t] === 0) {
        for (let u = 0; u < U; u++) hSeq[row + u] = prev[pOff + u];
        continue;
      }
      if (r) {
        const rOff = b * U;
        for (let u = 0; u < U; u++) tmp![u] = prev[pOff + u] * r[rOff + u];
        matmulNN(hSeq, row, tmp!, 0, Wh, 0, 1, U, U, true);
      } else {
        matmulNN(hSeq, row, prev, pOff, Wh, 0, 1, U, U, true);
      }
      if (zSeq) for (let u = 0; u < U; u++) zSeq[row + u] = hSeq[row + u];
      activationForward(activation, hSeq, hSeq, row, U, U);
    }
  }
  for (let b = 0; b < B; b++) {
    const last = (b * T + T - 1) * U;
    for (let u = 0; u < U; u++) hT[b * U + u] = hSeq[last + u];
  }
}

export interface SimpleRnnBackwardArgs {
  x: Float32Array; // (B,T,I) the forward's input
  kernel: Float32Array; // (I,U)
  recurrentKernel: Float32Array; // (U,U)
  h0: Float32Array; // (B,U) the forward's initial state
  hSeq: Float32Array; // (B,T,U) the forward's outputs
  zSeq: Float32Array | null; // (B,T,U) the forward's pre-activations (swish only)
  /** (B,T,U) in: dL/dh_t from above (the layer's output). Overwritten with dL/dz_t (0 on masked steps). */
  dhSeq: Float32Array;
  dx: Float32Array; // (B,T,I) out: dL/dx (overwritten)
  dKernel: Float32Array; // (I,U) += dL/dW
  dRecurrentKernel: Float32Array; // (U,U) += dL/dWh
  dBias: Float32Array | null; // (U) += dL/db
  /** (B,U) scratch for the gradient flowing back through the recurrence; on exit it holds dL/dh0. */
  dhCarry: Float32Array;
  B: number;
  T: number;
  I: number;
  U: number;
  activation: ActivationName;
  mask: Uint8Array | null; // (B,T)
  recurrentDropMask: Float32Array | null; // (B,U)
  /** (B,T,U) out, optional: the TOTAL dL/dh_t (from above plus from step t+1), for gradient-flow diagnostics. */
  hiddenGrads: Float32Array | null;
}

/** The reference BPTT in TypeScript. */
export function simpleRnnBackwardJs(a: SimpleRnnBackwardArgs): void {
  const { x, kernel, recurrentKernel: Wh, h0, hSeq, zSeq, dhSeq: d, dx, dKernel, dRecurrentKernel: dWh, dBias, dhCarry: carry } = a;
  const { B, T, I, U, activation, mask, recurrentDropMask: r, hiddenGrads } = a;
  carry.fill(0, 0, B * U);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = (b * T + t) * U;
      const cOff = b * U;
      // total dL/dh_t = from the output above + from step t+1
      for (let u = 0; u < U; u++) d[row + u] += carry[cOff + u];
      if (hiddenGrads) for (let u = 0; u < U; u++) hiddenGrads[row + u] = d[row + u];
      if (mask && mask[b * T + t] === 0) {
        // h_t = h_{t-1}: the whole gradient moves to the previous step; none to z_t
        for (let u = 0; u < U; u++) {
          carry[cOff + u] = d[row + u];
          d[row + u] = 0;
        }
        continue;
      }
      // dL/dz_t in place, from the output h_t (and z_t for swish)
      activationBackward(activation, hSeq, d, d, row, U, U, zSeq ?? undefined);
      // dL/dh_{t-1} through the recurrence: (dz_t · Whᵀ) ⊙ r
      matmulNT(carry, cOff, d, row, Wh, 0, 1, U, U, false);
      if (r) for (let u = 0; u < U; u++) carry[cOff + u] *= r[cOff + u];
    }
  }
  // Whole-sequence products, d now holds dL/dz (B*T,U).
  matmulNT(dx, 0, d, 0, kernel, 0, B * T, U, I, false); // dx (B*T,I) = dz · Wᵀ
  matmulTN(dKernel, 0, x, 0, d, 0, I, B * T, U, true); // dW (I,U) += xᵀ · dz
  if (dBias) sumRowsInto(dBias, d, 0, B * T, U);
  // dWh (U,U) += Σ_t (h_{t-1} ⊙ r)ᵀ · dz_t, per sequence: rows t-1 and t of one sequence are contiguous
  for (let b = 0; b < B; b++) {
    const base = b * T * U;
    if (!r) {
      matmulTN(dWh, 0, h0, b * U, d, base, U, 1, U, true);
      if (T > 1) matmulTN(dWh, 0, hSeq, base, d, base + U, U, T - 1, U, true);
      continue;
    }
    const rOff = b * U;
    for (let t = 0; t < T; t++) {
      const prev = t === 0 ? h0 : hSeq;
      const pOff = t === 0 ? b * U : base + (t - 1) * U;
      const dOff = base + t * U;
      for (let i = 0; i < U; i++) {
        const hv = prev[pOff + i] * r[rOff + i];
        if (hv === 0) continue;
        const o = i * U;
        for (let j = 0; j < U; j++) dWh[o + j] += hv * d[dOff + j];
      }
    }
  }
}
