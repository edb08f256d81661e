// Dense matrix products for the kernels: one register-blocked micro-kernel, 4 rows × 8 columns of C
// held in eight f32x4 accumulators over the whole K loop, then added to (or written into) C.
//
//   C (M,N) (+)= A · B     A(i,k) at A + 4·(i·sai + k·sak)   B(k,j) at B + 4·(k·ldb + j)   C(i,j) at C + 4·(i·ldc + j)
//
// The strides of A cover A, Aᵀ and rows of a (B,T,·) buffer picked at one step (sai = T·width). B is
// row-major; a transposed B is copied once per call (transpose below) by the caller. Columns come in
// blocks of 8: the last block may read up to 7 floats past a row of B (the arena keeps slack at the top
// of memory so this never leaves it) and stores only its valid columns.
import { at } from './common';

// @ts-ignore: decorator
@inline function put(p: usize, v: v128, acc: bool): void {
  v128.store(p, acc ? f32x4.add(v128.load(p), v) : v);
}

// the first n (1..3) lanes of v into p
function putPart(p: usize, v: v128, n: i32, acc: bool): void {
  let x0 = f32x4.extract_lane(v, 0), x1 = f32x4.extract_lane(v, 1), x2 = f32x4.extract_lane(v, 2);
  if (acc) {
    x0 += load<f32>(p);
    if (n > 1) x1 += load<f32>(p, 4);
    if (n > 2) x2 += load<f32>(p, 8);
  }
  store<f32>(p, x0);
  if (n > 1) store<f32>(p, x1, 4);
  if (n > 2) store<f32>(p, x2, 8);
}

// @ts-ignore: decorator
@inline function put8(p: usize, v0: v128, v1: v128, w: i32, acc: bool): void {
  if (w == 8) {
    put(p, v0, acc);
    put(p + 16, v1, acc);
  } else if (w >= 4) {
    put(p, v0, acc);
    if (w > 4) putPart(p + 16, v1, w - 4, acc);
  } else {
    putPart(p, v0, w, acc);
  }
}

/** Depth of one pass over K: a KC-row block of B stays in L2 while every row block of A passes over it. */
const KC = 128;

export function gemm(
  C: usize, ldc: i32, A: usize, sai: i32, sak: i32, B: usize, ldb: i32, M: i32, K: i32, N: i32, acc: bool,
): void {
  gemmBias(C, ldc, A, sai, sak, B, ldb, M, K, N, acc, 0);
}

/** gemm, and when not accumulating, C = A·B + bias (N) broadcast over the rows (bias 0: none). */
export function gemmBias(
  C: usize, ldc: i32, A: usize, sai: i32, sak: i32, B: usize, ldb: i32, M: i32, K: i32, N: i32, acc: bool, bias: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= KC + KC / 2) {
    gemmBlock(C, ldc, A, sai, sak, B, ldb, M, K, N, acc, acc ? 0 : bias);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const more = acc || k0 > 0;
    gemmBlock(C, ldc, A + (<usize>k0 * <usize>sak << 2), sai, sak, B + (<usize>k0 * <usize>ldb << 2), ldb, M, kc, N, more, more ? 0 : bias);
  }
}

// the accumulators' start: the bias columns j0..j0+7 (the last block reads past the bias into the slack), or 0
// @ts-ignore: decorator
@inline function init(bias: usize, j0: i32, half: i32): v128 {
  return bias ? v128.load(bias + (<usize>(j0 + 4 * half) << 2)) : f32x4.splat(0);
}

function gemmBlock(
  C: usize, ldc: i32, A: usize, sai: i32, sak: i32, B: usize, ldb: i32, M: i32, K: i32, N: i32, acc: bool, bias: usize,
): void {
  const dk = <usize>sak << 2, db = <usize>ldb << 2, da = <usize>sai << 2, dc = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = A + <usize>i * da;
    for (let j0 = 0; j0 < N; j0 += 8) {
      const z0 = init(bias, j0, 0), z1 = init(bias, j0, 1);
      let c00 = z0, c01 = z1, c10 = z0, c11 = z1, c20 = z0, c21 = z1, c30 = z0, c31 = z1;
      let p = a0, bp = at(B, j0);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        let x = v128.load32_splat(p);
        c00 = f32x4.add(c00, f32x4.mul(x, b0));
        c01 = f32x4.add(c01, f32x4.mul(x, b1));
        x = v128.load32_splat(p + da);
        c10 = f32x4.add(c10, f32x4.mul(x, b0));
        c11 = f32x4.add(c11, f32x4.mul(x, b1));
        x = v128.load32_splat(p + 2 * da);
        c20 = f32x4.add(c20, f32x4.mul(x, b0));
        c21 = f32x4.add(c21, f32x4.mul(x, b1));
        x = v128.load32_splat(p + 3 * da);
        c30 = f32x4.add(c30, f32x4.mul(x, b0));
        c31 = f32x4.add(c31, f32x4.mul(x, b1));
        bp += db;
        p += dk;
      }
      const w = min(8, N - j0);
      const c = C + <usize>i * dc + (<usize>j0 << 2);
      put8(c, c00, c01, w, acc);
      put8(c + dc, c10, c11, w, acc);
      put8(c + 2 * dc, c20, c21, w, acc);
      put8(c + 3 * dc, c30, c31, w, acc);
    }
  }
  for (; i < M; i++) {
    const a0 = A + <usize>i * da;
    for (let j0 = 0; j0 < N; j0 += 8) {
      let c00 = init(bias, j0, 0), c01 = init(bias, j0, 1);
      let p = a0, bp = at(B, j0);
      for (let k = 0; k < K; k++) {
        const x = v128.load32_splat(p);
        c00 = f32x4.add(c00, f32x4.mul(x, v128.load(bp)));
        c01 = f32x4.add(c01, f32x4.mul(x, v128.load(bp, 16)));
        bp += db;
        p += dk;
      }
      put8(C + <usize>i * dc + (<usize>j0 << 2), c00, c01, min(8, N - j0), acc);
    }
  }
}

/** dst (C,R) = srcᵀ for src (R,C) with row stride lds. */
export function transpose(dst: usize, src: usize, lds: i32, R: i32, Cn: i32): void {
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < Cn; c++) store<f32>(at(dst, c * R + r), load<f32>(at(src, r * lds + c)));
  }
}

/** rows of C (M,N) with row stride ldc += bias (N). */
export function addBiasRows(C: usize, ldc: i32, bias: usize, M: i32, N: i32): void {
  for (let i = 0; i < M; i++) {
    const c = at(C, i * ldc);
    let j = 0;
    for (; j + 4 <= N; j += 4) v128.store(at(c, j), f32x4.add(v128.load(at(c, j)), v128.load(at(bias, j))));
    for (; j < N; j++) store<f32>(at(c, j), load<f32>(at(c, j)) + load<f32>(at(bias, j)));
  }
}

/** dst (N) += column sums of A (M,N) with row stride lda. */
export function addColSums(dst: usize, A: usize, lda: i32, M: i32, N: i32): void {
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    let s = f32x4.splat(0);
    for (let i = 0; i < M; i++) s = f32x4.add(s, v128.load(at(A, i * lda + j)));
    v128.store(at(dst, j), f32x4.add(v128.load(at(dst, j)), s));
  }
  for (; j < N; j++) {
    let s: f32 = 0;
    for (let i = 0; i < M; i++) s += load<f32>(at(A, i * lda + j));
    store<f32>(at(dst, j), load<f32>(at(dst, j)) + s);
  }
}

/** dst[0..n) += src[0..n). */
export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
}

/** dst[0..n) = a[0..n) ⊙ b[0..n). */
export function mulInto(dst: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(a, i)) * load<f32>(at(b, i)));
}
