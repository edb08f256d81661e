// LSTM over a whole sequence, forward and BPTT backward, for the batch rows of one chunk. The same
// equations and conventions as src/kernels/lstm.ts (Keras's cell, gate blocks i f g o, masks carry the
// state and repeat the previous output); only the caches differ: hIn and cPrev are batch-major (B,T,U)
// here, so that dWh is one product over all steps at the end.
import { act4, act1, arg, argp, at, chunkStart, copyF, dact4, dact1, zeroF, A_SIGMOID, A_TANH } from './common';
import { gemm, gemmBias, addColSums } from './gemm';

// Forward arguments (i32 each): see LSTM_FWD in src/kernels/lstm-wasm.ts.
const F_B = 0, F_T = 1, F_I = 2, F_U = 3, F_X = 4, F_OUT = 5, F_H = 6, F_C = 7, F_GATES = 8, F_HIN = 9, F_CPREV = 10,
  F_ACTC = 11, F_W = 12, F_WH = 13, F_BIAS = 14, F_ACT = 15, F_RA = 16, F_MASK = 17, F_DROP = 18, F_TMP = 19;

export function lstmForward(a: usize, chunk: i32, chunks: i32): void {
  const ra = arg(a, F_RA), act = arg(a, F_ACT);
  // Keras's default gates get their own copy of the loops, with sigmoid and tanh inlined
  if (ra == A_SIGMOID && act == A_TANH) lstmForwardImpl(a, chunk, chunks, A_SIGMOID, A_TANH);
  else lstmForwardImpl(a, chunk, chunks, ra, act);
}

// @ts-ignore: decorator
@inline function lstmForwardImpl(a: usize, chunk: i32, chunks: i32, ra: i32, act: i32): void {
  const B = arg(a, F_B), T = arg(a, F_T), I = arg(a, F_I), U = arg(a, F_U);
  const b0 = chunkStart(B, chunk, chunks), b1 = chunkStart(B, chunk + 1, chunks), Bc = b1 - b0;
  if (Bc <= 0) return;
  const x = argp(a, F_X), out = argp(a, F_OUT), h = argp(a, F_H), c = argp(a, F_C), gates = argp(a, F_GATES);
  const hIn = argp(a, F_HIN), cPrev = argp(a, F_CPREV), actC = argp(a, F_ACTC);
  const W = argp(a, F_W), Wh = argp(a, F_WH), bias = argp(a, F_BIAS);
  const mask = argp(a, F_MASK), drop = argp(a, F_DROP), tmp = argp(a, F_TMP);
  const G = 4 * U, TU = T * U, TG = T * G;

  // input projections of every step of these rows: gates = x·W + b
  gemmBias(at(gates, b0 * TG), G, at(x, b0 * T * I), I, 1, W, G, Bc * T, I, G, false, bias);

  for (let t = 0; t < T; t++) {
    // A: h_{t-1}⊙m for the recurrent product; kept per step when training (hIn cache)
    let A: usize, sai: i32;
    if (hIn) {
      A = at(hIn, b0 * TU + t * U);
      sai = TU;
      for (let b = b0; b < b1; b++) {
        const dst = at(hIn, b * TU + t * U);
        if (drop) mulRow(dst, at(h, b * U), at(drop, b * U), U);
        else copyF(dst, at(h, b * U), U);
      }
    } else if (drop) {
      A = at(tmp, b0 * U);
      sai = U;
      for (let b = b0; b < b1; b++) mulRow(at(tmp, b * U), at(h, b * U), at(drop, b * U), U);
    } else {
      A = at(h, b0 * U);
      sai = U;
    }
    gemm(at(gates, b0 * TG + t * G), TG, A, sai, 1, Wh, G, Bc, U, G, true);

    for (let b = b0; b < b1; b++) {
      const row = b * T + t;
      const o = at(out, row * U);
      if (mask && load<u8>(mask + <usize>row) == 0) {
        if (t == 0) zeroF(o, U);
        else copyF(o, o - (<usize>U << 2), U);
        continue;
      }
      const g = at(gates, row * G);
      const cb = at(c, b * U), hb = at(h, b * U);
      const cp = cPrev ? at(cPrev, row * U) : 0;
      const ac = actC ? at(actC, row * U) : 0;
      // gates activated in place (backward reads them), then c_t = f⊙c + i⊙g, h_t = o⊙act(c_t)
      let u = 0;
      for (; u + 4 <= U; u += 4) {
        const ig = act4(ra, v128.load(at(g, u))), fg = act4(ra, v128.load(at(g, U + u)));
        const gg = act4(act, v128.load(at(g, 2 * U + u))), og = act4(ra, v128.load(at(g, 3 * U + u)));
        v128.store(at(g, u), ig);
        v128.store(at(g, U + u), fg);
        v128.store(at(g, 2 * U + u), gg);
        v128.store(at(g, 3 * U + u), og);
        const cOld = v128.load(at(cb, u));
        if (cp) v128.store(at(cp, u), cOld);
        const cn = f32x4.add(f32x4.mul(fg, cOld), f32x4.mul(ig, gg));
        v128.store(at(cb, u), cn);
        const a4 = act4(act, cn);
        if (ac) v128.store(at(ac, u), a4);
        const hn = f32x4.mul(og, a4);
        v128.store(at(o, u), hn);
        v128.store(at(hb, u), hn);
      }
      for (; u < U; u++) {
        const ig = act1(ra, load<f32>(at(g, u))), fg = act1(ra, load<f32>(at(g, U + u)));
        const gg = act1(act, load<f32>(at(g, 2 * U + u))), og = act1(ra, load<f32>(at(g, 3 * U + u)));
        store<f32>(at(g, u), ig);
        store<f32>(at(g, U + u), fg);
        store<f32>(at(g, 2 * U + u), gg);
        store<f32>(at(g, 3 * U + u), og);
        const cOld = load<f32>(at(cb, u));
        if (cp) store<f32>(at(cp, u), cOld);
        const cn = fg * cOld + ig * gg;
        store<f32>(at(cb, u), cn);
        const a1 = act1(act, cn);
        if (ac) store<f32>(at(ac, u), a1);
        const hn = og * a1;
        store<f32>(at(o, u), hn);
        store<f32>(at(hb, u), hn);
      }
    }
  }
}

function mulRow(dst: usize, a: usize, m: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(m, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(a, i)) * load<f32>(at(m, i)));
}

// Backward arguments: see LSTM_BWD in src/kernels/lstm-wasm.ts.
const K_B = 0, K_T = 1, K_I = 2, K_U = 3, K_X = 4, K_DOUT = 5, K_DX = 6, K_GATES = 7, K_HIN = 8, K_CPREV = 9, K_ACTC = 10,
  K_WT = 11, K_WHT = 12, K_DW = 13, K_DWH = 14, K_DB = 15, K_DGATES = 16, K_DH = 17, K_DC = 18, K_TMP = 19,
  K_ACT = 20, K_RA = 21, K_MASK = 22, K_DROP = 23, K_HG = 24, K_PART = 25, K_PARTSTRIDE = 26, K_HASBIAS = 27;

export function lstmBackward(a: usize, chunk: i32, chunks: i32): void {
  const ra = arg(a, K_RA), act = arg(a, K_ACT);
  if (ra == A_SIGMOID && act == A_TANH) lstmBackwardImpl(a, chunk, chunks, A_SIGMOID, A_TANH);
  else lstmBackwardImpl(a, chunk, chunks, ra, act);
}

// @ts-ignore: decorator
@inline function lstmBackwardImpl(a: usize, chunk: i32, chunks: i32, ra: i32, act: i32): void {
  const B = arg(a, K_B), T = arg(a, K_T), I = arg(a, K_I), U = arg(a, K_U);
  const b0 = chunkStart(B, chunk, chunks), b1 = chunkStart(B, chunk + 1, chunks), Bc = b1 - b0;
  const G = 4 * U, TU = T * U, TG = T * G;
  // chunk 0 adds into the gradients; the others into their own partial block, summed by the caller
  let dW = argp(a, K_DW), dWh = argp(a, K_DWH), db = argp(a, K_DB);
  if (chunk > 0) {
    const part = at(argp(a, K_PART), (chunk - 1) * arg(a, K_PARTSTRIDE));
    dW = part;
    dWh = at(part, I * G);
    db = arg(a, K_HASBIAS) ? at(part, I * G + U * G) : 0;
    zeroF(part, arg(a, K_PARTSTRIDE));
  }
  if (Bc <= 0) return;
  const x = argp(a, K_X), dOut = argp(a, K_DOUT), dx = argp(a, K_DX), gates = argp(a, K_GATES);
  const hIn = argp(a, K_HIN), cPrev = argp(a, K_CPREV), actC = argp(a, K_ACTC);
  const WT = argp(a, K_WT), WhT = argp(a, K_WHT), dG = argp(a, K_DGATES);
  const dh = argp(a, K_DH), dc = argp(a, K_DC), tmp = argp(a, K_TMP);
  const mask = argp(a, K_MASK), drop = argp(a, K_DROP), hg = argp(a, K_HG);

  zeroF(at(dh, b0 * U), Bc * U);
  zeroF(at(dc, b0 * U), Bc * U);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = b0; b < b1; b++) {
      const row = b * T + t;
      const o = at(dOut, row * U), dg = at(dG, row * G), dhb = at(dh, b * U);
      if (mask && load<u8>(mask + <usize>row) == 0) {
        // h and c pass through: dh, dc carry on; the repeated output's gradient goes to the previous output
        if (hg) for (let u = 0; u < U; u++) store<f32>(at(hg, row * U + u), load<f32>(at(o, u)) + load<f32>(at(dhb, u)));
        if (t > 0) for (let u = 0; u < U; u++) store<f32>(at(o, u - U), load<f32>(at(o, u - U)) + load<f32>(at(o, u)));
        zeroF(dg, G);
        continue;
      }
      const g = at(gates, row * G), ac = at(actC, row * U), cp = at(cPrev, row * U), dcb = at(dc, b * U);
      const hgr = hg ? at(hg, row * U) : 0;
      let u = 0;
      for (; u + 4 <= U; u += 4) {
        const dht = f32x4.add(v128.load(at(o, u)), v128.load(at(dhb, u))); // total dL/dh_t
        if (hgr) v128.store(at(hgr, u), dht);
        const a4 = v128.load(at(ac, u));
        const og = v128.load(at(g, 3 * U + u)), ig = v128.load(at(g, u)), fg = v128.load(at(g, U + u)), gg = v128.load(at(g, 2 * U + u));
        const dct = f32x4.add(v128.load(at(dcb, u)), dact4(act, a4, f32x4.mul(dht, og)));
        v128.store(at(dg, u), dact4(ra, ig, f32x4.mul(dct, gg)));
        v128.store(at(dg, U + u), dact4(ra, fg, f32x4.mul(dct, v128.load(at(cp, u)))));
        v128.store(at(dg, 2 * U + u), dact4(act, gg, f32x4.mul(dct, ig)));
        v128.store(at(dg, 3 * U + u), dact4(ra, og, f32x4.mul(dht, a4)));
        v128.store(at(dcb, u), f32x4.mul(dct, fg));
      }
      for (; u < U; u++) {
        const dht = load<f32>(at(o, u)) + load<f32>(at(dhb, u));
        if (hgr) store<f32>(at(hgr, u), dht);
        const a1 = load<f32>(at(ac, u));
        const og = load<f32>(at(g, 3 * U + u)), ig = load<f32>(at(g, u)), fg = load<f32>(at(g, U + u)), gg = load<f32>(at(g, 2 * U + u));
        const dct = load<f32>(at(dcb, u)) + dact1(act, a1, dht * og);
        store<f32>(at(dg, u), dact1(ra, ig, dct * gg));
        store<f32>(at(dg, U + u), dact1(ra, fg, dct * load<f32>(at(cp, u))));
        store<f32>(at(dg, 2 * U + u), dact1(act, gg, dct * ig));
        store<f32>(at(dg, 3 * U + u), dact1(ra, og, dht * a1));
        store<f32>(at(dcb, u), dct * fg);
      }
    }
    // dL/dh_{t-1} = (dG_t · Whᵀ) ⊙ m on real steps; masked rows keep the carried dh
    gemm(at(tmp, b0 * U), U, at(dG, b0 * TG + t * G), TG, 1, WhT, U, Bc, G, U, false);
    for (let b = b0; b < b1; b++) {
      if (mask && load<u8>(mask + <usize>(b * T + t)) == 0) continue;
      if (drop) mulRow(at(dh, b * U), at(tmp, b * U), at(drop, b * U), U);
      else copyF(at(dh, b * U), at(tmp, b * U), U);
    }
  }

  // whole-sequence products over these rows: dWh += hInᵀ·dG, dW += xᵀ·dG, db += Σ dG, dx = dG·Wᵀ
  const R = Bc * T;
  gemm(dWh, G, at(hIn, b0 * TU), 1, U, at(dG, b0 * TG), G, U, R, G, true);
  gemm(dW, G, at(x, b0 * T * I), 1, I, at(dG, b0 * TG), G, I, R, G, true);
  if (db) addColSums(db, at(dG, b0 * TG), G, R, G);
  gemm(at(dx, b0 * T * I), I, at(dG, b0 * TG), G, 1, WT, I, R, G, I, false);
}
