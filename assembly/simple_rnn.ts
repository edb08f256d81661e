// The Elman cell (Keras SimpleRNN) over a whole sequence, forward and BPTT backward, for the batch rows
// of one chunk. The same equations and conventions as src/kernels/simple-rnn.ts: h_t = act(x_t·W +
// (h_{t-1}⊙r)·Wh + b); a masked step copies the previous state (h0 at t = 0), which is also its output.
import { arg, argp, at, chunkStart, copyF, zeroF, actRow, dactRow, A_TANH } from './common';
import { gemm, gemmBias, addColSums, mulInto } from './gemm';

// Forward arguments: see SRNN_FWD in src/kernels/simple-rnn-wasm.ts.
const F_B = 0, F_T = 1, F_I = 2, F_U = 3, F_X = 4, F_OUT = 5, F_H0 = 6, F_W = 7, F_WH = 8, F_BIAS = 9, F_ACT = 10,
  F_MASK = 11, F_DROP = 12, F_TMP = 13;

// @ts-ignore: decorator
@inline function masked(mask: usize, row: i32): bool {
  return mask != 0 && load<u8>(mask + <usize>row) == 0;
}

export function simpleRnnForward(a: usize, chunk: i32, chunks: i32): void {
  const act = arg(a, F_ACT);
  if (act == A_TANH) simpleRnnForwardImpl(a, chunk, chunks, A_TANH);
  else simpleRnnForwardImpl(a, chunk, chunks, act);
}

// @ts-ignore: decorator
@inline function simpleRnnForwardImpl(a: usize, chunk: i32, chunks: i32, act: i32): void {
  const B = arg(a, F_B), T = arg(a, F_T), I = arg(a, F_I), U = arg(a, F_U);
  const b0 = chunkStart(B, chunk, chunks), b1 = chunkStart(B, chunk + 1, chunks), Bc = b1 - b0;
  if (Bc <= 0) return;
  const x = argp(a, F_X), out = argp(a, F_OUT), h0 = argp(a, F_H0), W = argp(a, F_W), Wh = argp(a, F_WH);
  const bias = argp(a, F_BIAS), mask = argp(a, F_MASK), drop = argp(a, F_DROP), tmp = argp(a, F_TMP);
  const TU = T * U;
  gemmBias(at(out, b0 * TU), U, at(x, b0 * T * I), I, 1, W, U, Bc * T, I, U, false, bias);
  for (let t = 0; t < T; t++) {
    // h_{t-1}: the previous output row (stride T·U) or h0 (stride U), times the dropout mask
    let A = t == 0 ? at(h0, b0 * U) : at(out, b0 * TU + (t - 1) * U);
    let sai = t == 0 ? U : TU;
    if (drop) {
      for (let b = b0; b < b1; b++) mulInto(at(tmp, b * U), at(A, (b - b0) * sai), at(drop, b * U), U);
      A = at(tmp, b0 * U);
      sai = U;
    }
    gemm(at(out, b0 * TU + t * U), TU, A, sai, 1, Wh, U, Bc, U, U, true);
    for (let b = b0; b < b1; b++) {
      const row = b * T + t;
      const o = at(out, row * U);
      if (masked(mask, row)) copyF(o, t == 0 ? at(h0, b * U) : o - (<usize>U << 2), U);
      else actRow(act, o, U);
    }
  }
}

// Backward arguments: see SRNN_BWD in src/kernels/simple-rnn-wasm.ts.
const K_B = 0, K_T = 1, K_I = 2, K_U = 3, K_X = 4, K_OUT = 5, K_H0 = 6, K_D = 7, K_DX = 8, K_WT = 9, K_WHT = 10,
  K_DW = 11, K_DWH = 12, K_DB = 13, K_CARRY = 14, K_TMP = 15, K_HIN = 16, K_ACT = 17, K_MASK = 18, K_DROP = 19, K_HG = 20,
  K_PART = 21, K_PARTSTRIDE = 22, K_HASBIAS = 23;

export function simpleRnnBackward(a: usize, chunk: i32, chunks: i32): void {
  const act = arg(a, K_ACT);
  if (act == A_TANH) simpleRnnBackwardImpl(a, chunk, chunks, A_TANH);
  else simpleRnnBackwardImpl(a, chunk, chunks, act);
}

// @ts-ignore: decorator
@inline function simpleRnnBackwardImpl(a: usize, chunk: i32, chunks: i32, act: i32): void {
  const B = arg(a, K_B), T = arg(a, K_T), I = arg(a, K_I), U = arg(a, K_U);
  const b0 = chunkStart(B, chunk, chunks), b1 = chunkStart(B, chunk + 1, chunks), Bc = b1 - b0;
  const TU = T * U;
  let dW = argp(a, K_DW), dWh = argp(a, K_DWH), db = argp(a, K_DB);
  if (chunk > 0) {
    const part = at(argp(a, K_PART), (chunk - 1) * arg(a, K_PARTSTRIDE));
    dW = part;
    dWh = at(part, I * U);
    db = arg(a, K_HASBIAS) ? at(part, I * U + U * U) : 0;
    zeroF(part, arg(a, K_PARTSTRIDE));
  }
  if (Bc <= 0) return;
  const x = argp(a, K_X), out = argp(a, K_OUT), h0 = argp(a, K_H0), d = argp(a, K_D), dx = argp(a, K_DX);
  const WT = argp(a, K_WT), WhT = argp(a, K_WHT), carry = argp(a, K_CARRY), tmp = argp(a, K_TMP), hIn = argp(a, K_HIN);
  const mask = argp(a, K_MASK), drop = argp(a, K_DROP), hg = argp(a, K_HG);

  zeroF(at(carry, b0 * U), Bc * U);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = b0; b < b1; b++) {
      const row = b * T + t;
      const dr = at(d, row * U), cb = at(carry, b * U);
      // total dL/dh_t = from the output above + from step t+1
      let u = 0;
      for (; u + 4 <= U; u += 4) v128.store(at(dr, u), f32x4.add(v128.load(at(dr, u)), v128.load(at(cb, u))));
      for (; u < U; u++) store<f32>(at(dr, u), load<f32>(at(dr, u)) + load<f32>(at(cb, u)));
      if (hg) copyF(at(hg, row * U), dr, U);
      if (masked(mask, row)) {
        // h_t = h_{t-1}: the whole gradient moves to the step before; none reaches z_t
        copyF(cb, dr, U);
        zeroF(dr, U);
        continue;
      }
      dactRow(act, at(out, row * U), dr, U); // dL/dz_t
    }
    gemm(at(tmp, b0 * U), U, at(d, b0 * TU + t * U), TU, 1, WhT, U, Bc, U, U, false);
    for (let b = b0; b < b1; b++) {
      if (masked(mask, b * T + t)) continue;
      if (drop) mulInto(at(carry, b * U), at(tmp, b * U), at(drop, b * U), U);
      else copyF(at(carry, b * U), at(tmp, b * U), U);
    }
  }

  // hIn (B,T,U) = [h0, h_0 .. h_{T-2}] ⊙ r, then the whole-sequence products
  for (let b = b0; b < b1; b++) {
    for (let t = 0; t < T; t++) {
      const src = t == 0 ? at(h0, b * U) : at(out, b * TU + (t - 1) * U);
      if (drop) mulInto(at(hIn, b * TU + t * U), src, at(drop, b * U), U);
      else copyF(at(hIn, b * TU + t * U), src, U);
    }
  }
  const R = Bc * T, dr = at(d, b0 * TU);
  gemm(dWh, U, at(hIn, b0 * TU), 1, U, dr, U, U, R, U, true);
  gemm(dW, U, at(x, b0 * T * I), 1, I, dr, U, I, R, U, true);
  if (db) addColSums(db, dr, U, R, U);
  gemm(at(dx, b0 * T * I), I, dr, U, 1, WT, I, R, U, I, false);
}
