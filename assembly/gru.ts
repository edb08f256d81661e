// GRU over a whole sequence, forward and BPTT backward, for the batch rows of one chunk. The same
// equations and conventions as src/kernels/gru.ts (Keras's cell, gate blocks z r h, both resetAfter forms,
// masks carry the state and repeat the previous output); the caches are batch-major (B,T,U), and every
// recurrent weight gradient is one product over all steps at the end.
import { act4, act1, arg, argp, at, chunkStart, copyF, dact4, dact1, zeroF, actRow, dactRow, A_SIGMOID, A_TANH } from './common';
import { gemm, gemmBias, addColSums, mulInto } from './gemm';

// Forward arguments: see GRU_FWD in src/kernels/gru-wasm.ts.
const F_B = 0, F_T = 1, F_I = 2, F_U = 3, F_X = 4, F_OUT = 5, F_H = 6, F_GATES = 7, F_HPREV = 8, F_RECH = 9,
  F_W = 10, F_WH = 11, F_BIAS = 12, F_RESET_AFTER = 13, F_ACT = 14, F_RA = 15, F_MASK = 16, F_DROP = 17, F_TMP = 18,
  F_TMP2 = 19, F_STEP = 20;

// @ts-ignore: decorator
@inline function masked(mask: usize, row: i32): bool {
  return mask != 0 && load<u8>(mask + <usize>row) == 0;
}

export function gruForward(a: usize, chunk: i32, chunks: i32): void {
  const ra = arg(a, F_RA), act = arg(a, F_ACT);
  // Keras's default gates get their own copy of the loops, with sigmoid and tanh inlined
  if (ra == A_SIGMOID && act == A_TANH) gruForwardImpl(a, chunk, chunks, A_SIGMOID, A_TANH);
  else gruForwardImpl(a, chunk, chunks, ra, act);
}

// @ts-ignore: decorator
@inline function gruForwardImpl(a: usize, chunk: i32, chunks: i32, ra: i32, act: i32): void {
  const B = arg(a, F_B), T = arg(a, F_T), I = arg(a, F_I), U = arg(a, F_U);
  const b0 = chunkStart(B, chunk, chunks), b1 = chunkStart(B, chunk + 1, chunks), Bc = b1 - b0;
  if (Bc <= 0) return;
  const x = argp(a, F_X), out = argp(a, F_OUT), h = argp(a, F_H), gates = argp(a, F_GATES);
  const hPrev = argp(a, F_HPREV), recH = argp(a, F_RECH), W = argp(a, F_W), Wh = argp(a, F_WH), bias = argp(a, F_BIAS);
  const resetAfter = arg(a, F_RESET_AFTER) != 0;
  const mask = argp(a, F_MASK), drop = argp(a, F_DROP), tmp = argp(a, F_TMP), tmp2 = argp(a, F_TMP2), step = argp(a, F_STEP);
  const G = 3 * U, TU = T * U, TG = T * G;

  // + the input bias: the first 3U values in both forms
  gemmBias(at(gates, b0 * TG), G, at(x, b0 * T * I), I, 1, W, G, Bc * T, I, G, false, bias);
  const bRec = resetAfter && bias ? at(bias, G) : 0;

  for (let t = 0; t < T; t++) {
    // hIn = h_{t-1}⊙m, rows b0..b1 with stride U
    let hIn = at(h, 0);
    if (drop) {
      hIn = tmp;
      mulInto(at(tmp, b0 * U), at(h, b0 * U), at(drop, b0 * U), Bc * U);
    }
    if (hPrev) for (let b = b0; b < b1; b++) copyF(at(hPrev, b * TU + t * U), at(h, b * U), U);

    if (resetAfter) {
      // [hz hr hh] = hIn·Wh + b_h
      gemmBias(at(step, b0 * G), G, at(hIn, b0 * U), U, 1, Wh, G, Bc, U, G, false, bRec);
      for (let b = b0; b < b1; b++) {
        const row = b * T + t;
        if (masked(mask, row)) continue;
        const g = at(gates, row * G), s = at(step, b * G);
        let j = 0;
        for (; j + 4 <= 2 * U; j += 4) v128.store(at(g, j), act4(ra, f32x4.add(v128.load(at(g, j)), v128.load(at(s, j)))));
        for (; j < 2 * U; j++) store<f32>(at(g, j), act1(ra, load<f32>(at(g, j)) + load<f32>(at(s, j))));
        if (recH) copyF(at(recH, row * U), at(s, 2 * U), U);
        let u = 0;
        for (; u + 4 <= U; u += 4) {
          const v = f32x4.add(v128.load(at(g, 2 * U + u)), f32x4.mul(v128.load(at(g, U + u)), v128.load(at(s, 2 * U + u))));
          v128.store(at(g, 2 * U + u), v);
        }
        for (; u < U; u++) {
          store<f32>(at(g, 2 * U + u), load<f32>(at(g, 2 * U + u)) + load<f32>(at(g, U + u)) * load<f32>(at(s, 2 * U + u)));
        }
      }
    } else {
      // z, r: x-side + hIn·Wh_zr; candidate: x-side + (r⊙hIn)·Wh_h
      gemm(at(gates, b0 * TG + t * G), TG, at(hIn, b0 * U), U, 1, Wh, G, Bc, U, 2 * U, true);
      for (let b = b0; b < b1; b++) {
        const row = b * T + t;
        const rh = at(tmp2, b * U);
        if (masked(mask, row)) {
          zeroF(rh, U);
          continue;
        }
        const g = at(gates, row * G);
        actRow(ra, g, 2 * U);
        mulInto(rh, at(g, U), at(hIn, b * U), U);
      }
      gemm(at(gates, b0 * TG + t * G + 2 * U), TG, at(tmp2, b0 * U), U, 1, at(Wh, 2 * U), G, Bc, U, U, true);
    }

    // candidate and new state
    for (let b = b0; b < b1; b++) {
      const row = b * T + t;
      const o = at(out, row * U);
      if (masked(mask, row)) {
        if (t == 0) zeroF(o, U);
        else copyF(o, o - (<usize>U << 2), U);
        continue;
      }
      const g = at(gates, row * G), hb = at(h, b * U);
      let u = 0;
      for (; u + 4 <= U; u += 4) {
        const c4 = act4(act, v128.load(at(g, 2 * U + u)));
        v128.store(at(g, 2 * U + u), c4);
        const z = v128.load(at(g, u));
        const hn = f32x4.add(f32x4.mul(z, v128.load(at(hb, u))), f32x4.mul(f32x4.sub(f32x4.splat(1), z), c4));
        v128.store(at(hb, u), hn);
        v128.store(at(o, u), hn);
      }
      for (; u < U; u++) {
        const c1 = act1(act, load<f32>(at(g, 2 * U + u)));
        store<f32>(at(g, 2 * U + u), c1);
        const z = load<f32>(at(g, u));
        const hn = z * load<f32>(at(hb, u)) + (1 - z) * c1;
        store<f32>(at(hb, u), hn);
        store<f32>(at(o, u), hn);
      }
    }
  }
}

// Backward arguments: see GRU_BWD in src/kernels/gru-wasm.ts.
const K_B = 0, K_T = 1, K_I = 2, K_U = 3, K_X = 4, K_DOUT = 5, K_DX = 6, K_GATES = 7, K_HPREV = 8, K_RECH = 9,
  K_WT = 10, K_WHT = 11, K_DW = 12, K_DWH = 13, K_DB = 14, K_DG = 15, K_DREC = 16, K_HIN = 17, K_RH = 18, K_DH = 19,
  K_TMP = 20, K_TMP2 = 21, K_RESET_AFTER = 22, K_ACT = 23, K_RA = 24, K_MASK = 25, K_DROP = 26, K_HG = 27,
  K_PART = 28, K_PARTSTRIDE = 29, K_HASBIAS = 30;

export function gruBackward(a: usize, chunk: i32, chunks: i32): void {
  const ra = arg(a, K_RA), act = arg(a, K_ACT);
  if (ra == A_SIGMOID && act == A_TANH) gruBackwardImpl(a, chunk, chunks, A_SIGMOID, A_TANH);
  else gruBackwardImpl(a, chunk, chunks, ra, act);
}

// @ts-ignore: decorator
@inline function gruBackwardImpl(a: usize, chunk: i32, chunks: i32, ra: i32, act: i32): void {
  const B = arg(a, K_B), T = arg(a, K_T), I = arg(a, K_I), U = arg(a, K_U);
  const b0 = chunkStart(B, chunk, chunks), b1 = chunkStart(B, chunk + 1, chunks), Bc = b1 - b0;
  const G = 3 * U, TU = T * U, TG = T * G;
  const resetAfter = arg(a, K_RESET_AFTER) != 0;
  const biasLen = resetAfter ? 2 * G : G;
  let dW = argp(a, K_DW), dWh = argp(a, K_DWH), db = argp(a, K_DB);
  if (chunk > 0) {
    const part = at(argp(a, K_PART), (chunk - 1) * arg(a, K_PARTSTRIDE));
    dW = part;
    dWh = at(part, I * G);
    db = arg(a, K_HASBIAS) ? at(part, I * G + U * G) : 0;
    zeroF(part, I * G + U * G + (db ? biasLen : 0));
  }
  if (Bc <= 0) return;
  const x = argp(a, K_X), dOut = argp(a, K_DOUT), dx = argp(a, K_DX), gates = argp(a, K_GATES);
  const hPrev = argp(a, K_HPREV), recH = argp(a, K_RECH), WT = argp(a, K_WT), WhT = argp(a, K_WHT);
  const dG = argp(a, K_DG), dRec = argp(a, K_DREC), hInAll = argp(a, K_HIN), rhAll = argp(a, K_RH);
  const dh = argp(a, K_DH), tmp = argp(a, K_TMP), tmp2 = argp(a, K_TMP2);
  const mask = argp(a, K_MASK), drop = argp(a, K_DROP), hg = argp(a, K_HG);

  // hIn = h_{t-1}⊙m for every step of these rows (the cache itself without dropout)
  const hIn = drop ? hInAll : hPrev;
  if (drop) {
    for (let b = b0; b < b1; b++) {
      for (let t = 0; t < T; t++) mulInto(at(hInAll, b * TU + t * U), at(hPrev, b * TU + t * U), at(drop, b * U), U);
    }
  }

  zeroF(at(dh, b0 * U), Bc * U);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = b0; b < b1; b++) {
      const row = b * T + t;
      const o = at(dOut, row * U), dg = at(dG, row * G), dhb = at(dh, b * U);
      if (masked(mask, row)) {
        if (hg) for (let u = 0; u < U; u++) store<f32>(at(hg, row * U + u), load<f32>(at(o, u)) + load<f32>(at(dhb, u)));
        if (t > 0) for (let u = 0; u < U; u++) store<f32>(at(o, u - U), load<f32>(at(o, u - U)) + load<f32>(at(o, u)));
        zeroF(dg, G);
        if (resetAfter) zeroF(at(dRec, row * G), G);
        else zeroF(at(rhAll, row * U), U);
        continue;
      }
      const g = at(gates, row * G), hp = at(hPrev, row * U);
      const hgr = hg ? at(hg, row * U) : 0;
      let u = 0;
      for (; u + 4 <= U; u += 4) {
        const dt = f32x4.add(v128.load(at(o, u)), v128.load(at(dhb, u)));
        if (hgr) v128.store(at(hgr, u), dt);
        const z = v128.load(at(g, u)), c = v128.load(at(g, 2 * U + u));
        v128.store(at(dg, u), dact4(ra, z, f32x4.mul(dt, f32x4.sub(v128.load(at(hp, u)), c))));
        v128.store(at(dg, 2 * U + u), dact4(act, c, f32x4.mul(dt, f32x4.sub(f32x4.splat(1), z))));
        v128.store(at(dhb, u), f32x4.mul(dt, z));
      }
      for (; u < U; u++) {
        const dt = load<f32>(at(o, u)) + load<f32>(at(dhb, u));
        if (hgr) store<f32>(at(hgr, u), dt);
        const z = load<f32>(at(g, u)), c = load<f32>(at(g, 2 * U + u));
        store<f32>(at(dg, u), dact1(ra, z, dt * (load<f32>(at(hp, u)) - c)));
        store<f32>(at(dg, 2 * U + u), dact1(act, c, dt * (1 - z)));
        store<f32>(at(dhb, u), dt * z);
      }
      if (resetAfter) {
        // r multiplies hh = (hIn·Wh + b_h)[2U:]: dr = dh̃ ⊙ hh; the recurrent side gets [dz, dr, dh̃ ⊙ r]
        const rec = at(recH, row * U), dr = at(dRec, row * G);
        for (u = 0; u < U; u++) store<f32>(at(dg, U + u), load<f32>(at(dg, 2 * U + u)) * load<f32>(at(rec, u)));
        dactRow(ra, at(g, U), at(dg, U), U);
        copyF(dr, dg, 2 * U);
        mulInto(at(dr, 2 * U), at(dg, 2 * U), at(g, U), U);
      } else {
        mulInto(at(rhAll, row * U), at(g, U), at(hIn, row * U), U); // r⊙hIn, the input of Wh_h
      }
    }

    if (resetAfter) {
      // dL/dhIn = dRec_t · Whᵀ
      gemm(at(tmp, b0 * U), U, at(dRec, b0 * TG + t * G), TG, 1, WhT, U, Bc, G, U, false);
    } else {
      // through (r⊙hIn)·Wh_h: s1 = dh̃ · Wh_hᵀ = dL/d(r⊙hIn); dr = s1 ⊙ hIn, dL/dhIn gets s1 ⊙ r
      gemm(at(tmp2, b0 * U), U, at(dG, b0 * TG + t * G + 2 * U), TG, 1, at(WhT, 2 * U * U), U, Bc, U, U, false);
      for (let b = b0; b < b1; b++) {
        const row = b * T + t;
        if (masked(mask, row)) continue;
        const g = at(gates, row * G), dg = at(dG, row * G), s1 = at(tmp2, b * U);
        mulInto(at(dg, U), s1, at(hIn, row * U), U);
        dactRow(ra, at(g, U), at(dg, U), U);
        mulInto(s1, s1, at(g, U), U);
      }
      // and through hIn·Wh_zr: dL/dhIn += [dz dr] · Wh_zrᵀ
      gemm(at(tmp, b0 * U), U, at(dG, b0 * TG + t * G), TG, 1, WhT, U, Bc, 2 * U, U, false);
      for (let b = b0; b < b1; b++) {
        if (masked(mask, b * T + t)) continue;
        const s = at(tmp, b * U), s1 = at(tmp2, b * U);
        let u = 0;
        for (; u + 4 <= U; u += 4) v128.store(at(s, u), f32x4.add(v128.load(at(s, u)), v128.load(at(s1, u))));
        for (; u < U; u++) store<f32>(at(s, u), load<f32>(at(s, u)) + load<f32>(at(s1, u)));
      }
    }
    // dL/dh_{t-1} = z⊙dh_t (set above) + (dL/dhIn)⊙m; masked rows keep the carried dh
    for (let b = b0; b < b1; b++) {
      if (masked(mask, b * T + t)) continue;
      const d = at(dh, b * U), s = at(tmp, b * U);
      let u = 0;
      if (drop) {
        const m = at(drop, b * U);
        for (; u + 4 <= U; u += 4) {
          v128.store(at(d, u), f32x4.add(v128.load(at(d, u)), f32x4.mul(v128.load(at(s, u)), v128.load(at(m, u)))));
        }
        for (; u < U; u++) store<f32>(at(d, u), load<f32>(at(d, u)) + load<f32>(at(s, u)) * load<f32>(at(m, u)));
      } else {
        for (; u + 4 <= U; u += 4) v128.store(at(d, u), f32x4.add(v128.load(at(d, u)), v128.load(at(s, u))));
        for (; u < U; u++) store<f32>(at(d, u), load<f32>(at(d, u)) + load<f32>(at(s, u)));
      }
    }
  }

  const R = Bc * T;
  const dGr = at(dG, b0 * TG), hInr = at(hIn, b0 * TU);
  if (resetAfter) {
    gemm(dWh, G, hInr, 1, U, at(dRec, b0 * TG), G, U, R, G, true);
    if (db) addColSums(at(db, G), at(dRec, b0 * TG), G, R, G);
  } else {
    gemm(dWh, G, hInr, 1, U, dGr, G, U, R, 2 * U, true);
    gemm(at(dWh, 2 * U), G, at(rhAll, b0 * TU), 1, U, at(dGr, 2 * U), G, U, R, U, true);
  }
  gemm(dW, G, at(x, b0 * T * I), 1, I, dGr, G, I, R, G, true);
  if (db) addColSums(db, dGr, G, R, G);
  gemm(at(dx, b0 * T * I), I, dGr, G, 1, WT, I, R, G, I, false);
}
