// What every kernel shares: argument blocks, chunk ranges, and the activations in SIMD.
//
// Pointers are byte offsets into the one shared memory; sizes are element counts. A parallel kernel
// takes (args, chunk, chunks): `args` points at an i32 block the caller filled, and the kernel does the
// batch rows [chunkStart(B, chunk, chunks), chunkStart(B, chunk + 1, chunks)). Nothing here allocates.

/** The i-th i32 of an argument block. */
// @ts-ignore: decorator
@inline export function arg(a: usize, i: i32): i32 {
  return load<i32>(a + (<usize>i << 2));
}
/** The i-th argument as a pointer (0 = absent). */
// @ts-ignore: decorator
@inline export function argp(a: usize, i: i32): usize {
  return <usize>load<u32>(a + (<usize>i << 2));
}
/** Byte address of float element i of the array at p. */
// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}
/** First batch row of chunk c of n over B rows. */
// @ts-ignore: decorator
@inline export function chunkStart(B: i32, c: i32, n: i32): i32 {
  return <i32>((<i64>B * <i64>c) / <i64>n);
}

// Activation codes: the order of ACTIVATION_CODES in src/kernels/wasm.ts.
export const A_LINEAR = 0;
export const A_RELU = 1;
export const A_RELU6 = 2;
export const A_SIGMOID = 3;
export const A_TANH = 4;
export const A_HARD_SIGMOID = 5;
export const A_ELU = 6;
export const A_SELU = 7;
export const A_SOFTPLUS = 8;
export const A_SOFTSIGN = 9;
export const A_EXPONENTIAL = 10;

const SELU_ALPHA: f32 = 1.6732632423543772;
const SELU_SCALE: f32 = 1.0507009873554805;

// e^x for 4 lanes: Cephes expf (range reduction by ln 2 in two parts, degree-6 polynomial), within ~2 ulp
// of the float32-rounded exact value; inputs are clamped to [-87.3, 88.4] (results stay normal or finite).
// pmin/pmax (one instruction each) rather than min/max (IEEE NaN rules, several): a NaN input stays NaN
// through the arithmetic anyway.
// @ts-ignore: decorator
@inline export function exp4(x0: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(x0, f32x4.splat(-87.33654)), f32x4.splat(88.37626));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1));
  // 2^fx: fx + 127 lands in the low mantissa bits of (fx + 127 + 2^23); shifting them up by 23 makes the
  // exponent field (cheaper than a saturating float-to-int conversion)
  const p = i32x4.shl(f32x4.add(fx, f32x4.splat(8388608 + 127)), 23);
  return f32x4.mul(y, p);
}

// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// tanh for 4 lanes: a rational minimax approximation (odd degree-13 over even degree-6 polynomial, as
// Eigen's fast tanh) on the input clamped to ±7.905 (beyond it float32 tanh is within 2.5e-7 of ±1), and
// x itself below 4e-4 in magnitude.
// @ts-ignore: decorator
@inline export function tanh4(x0: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(x0, f32x4.splat(-7.90531110763549805)), f32x4.splat(7.90531110763549805));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(x2, f32x4.splat(-2.76076847742355e-16)), f32x4.splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(x, p);
  let q = f32x4.add(f32x4.mul(x2, f32x4.splat(1.19825839466702e-6)), f32x4.splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(x2, q), f32x4.splat(2.26843463243900e-3));
  q = f32x4.add(f32x4.mul(x2, q), f32x4.splat(4.89352518554385e-3));
  return v128.bitselect(x0, f32x4.div(p, q), f32x4.lt(f32x4.abs(x0), f32x4.splat(0.0004)));
}

// The rarer activations lane by lane, with AssemblyScript's float32 libm (musl ports).
function scalarAct(code: i32, v: f32): f32 {
  if (code == A_ELU) return v > 0 ? v : Mathf.expm1(v);
  if (code == A_SELU) return v > 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * Mathf.expm1(v);
  if (code == A_SOFTPLUS) return v > 0 ? v + Mathf.log1p(Mathf.exp(-v)) : Mathf.log1p(Mathf.exp(v));
  if (code == A_SOFTSIGN) return v / (1 + Mathf.abs(v));
  if (code == A_EXPONENTIAL) return Mathf.exp(v);
  return v;
}
function scalarAct4(code: i32, x: v128): v128 {
  let r = f32x4.splat(scalarAct(code, f32x4.extract_lane(x, 0)));
  r = f32x4.replace_lane(r, 1, scalarAct(code, f32x4.extract_lane(x, 1)));
  r = f32x4.replace_lane(r, 2, scalarAct(code, f32x4.extract_lane(x, 2)));
  return f32x4.replace_lane(r, 3, scalarAct(code, f32x4.extract_lane(x, 3)));
}

/** f(x) for 4 lanes. */
// @ts-ignore: decorator
@inline export function act4(code: i32, x: v128): v128 {
  if (code == A_SIGMOID) return sigmoid4(x);
  if (code == A_TANH) return tanh4(x);
  if (code == A_LINEAR) return x;
  if (code == A_RELU) return v128.and(x, f32x4.gt(x, f32x4.splat(0)));
  if (code == A_HARD_SIGMOID) {
    return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5)), f32x4.splat(0)), f32x4.splat(1));
  }
  if (code == A_RELU6) return f32x4.pmin(v128.and(x, f32x4.gt(x, f32x4.splat(0))), f32x4.splat(6));
  return scalarAct4(code, x);
}

/** dy ⊙ f'(·) for 4 lanes, written from the output y (every activation here allows it). */
// @ts-ignore: decorator
@inline export function dact4(code: i32, y: v128, dy: v128): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  if (code == A_SIGMOID) return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(one, y)));
  if (code == A_TANH) return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(y, y)));
  if (code == A_LINEAR) return dy;
  if (code == A_RELU) return v128.and(dy, f32x4.gt(y, zero));
  if (code == A_HARD_SIGMOID) {
    return v128.and(f32x4.mul(dy, f32x4.splat(0.2)), v128.and(f32x4.gt(y, zero), f32x4.lt(y, one)));
  }
  if (code == A_RELU6) return v128.and(dy, v128.and(f32x4.gt(y, zero), f32x4.lt(y, f32x4.splat(6))));
  if (code == A_ELU) return v128.bitselect(dy, f32x4.mul(dy, f32x4.add(y, one)), f32x4.gt(y, zero));
  if (code == A_SELU) {
    return v128.bitselect(
      f32x4.mul(dy, f32x4.splat(SELU_SCALE)), f32x4.mul(dy, f32x4.add(y, f32x4.splat(SELU_SCALE * SELU_ALPHA))), f32x4.gt(y, zero),
    );
  }
  if (code == A_SOFTPLUS) return f32x4.mul(dy, f32x4.sub(one, exp4(f32x4.neg(y)))); // σ(x) = 1 - e^{-y}
  if (code == A_SOFTSIGN) {
    const a = f32x4.sub(one, f32x4.abs(y));
    return f32x4.mul(dy, f32x4.mul(a, a));
  }
  if (code == A_EXPONENTIAL) return f32x4.mul(dy, y);
  return dy;
}

/** One lane of act4. */
// @ts-ignore: decorator
@inline export function act1(code: i32, x: f32): f32 {
  return f32x4.extract_lane(act4(code, f32x4.splat(x)), 0);
}
/** One lane of dact4. */
// @ts-ignore: decorator
@inline export function dact1(code: i32, y: f32, dy: f32): f32 {
  return f32x4.extract_lane(dact4(code, f32x4.splat(y), f32x4.splat(dy)), 0);
}

/** p[0..n) = f(p[0..n)) in place. Inlined: with a constant code, only that activation's loop remains. */
// @ts-ignore: decorator
@inline export function actRow(code: i32, p: usize, n: i32): void {
  if (code == A_LINEAR) return;
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(p, i), act4(code, v128.load(at(p, i))));
  for (; i < n; i++) store<f32>(at(p, i), act1(code, load<f32>(at(p, i))));
}

/** d[0..n) = d ⊙ f'(·) from the outputs y[0..n); d may be the dy it overwrites. Inlined like actRow. */
// @ts-ignore: decorator
@inline export function dactRow(code: i32, y: usize, d: usize, n: i32): void {
  if (code == A_LINEAR) return;
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(d, i), dact4(code, v128.load(at(y, i)), v128.load(at(d, i))));
  for (; i < n; i++) store<f32>(at(d, i), dact1(code, load<f32>(at(y, i)), load<f32>(at(d, i))));
}

/** actRow with a runtime code: one specialised loop per activation. */
export function actInPlace(code: i32, p: usize, n: i32): void {
  if (code == A_SIGMOID) actRow(A_SIGMOID, p, n);
  else if (code == A_TANH) actRow(A_TANH, p, n);
  else if (code == A_RELU) actRow(A_RELU, p, n);
  else if (code == A_HARD_SIGMOID) actRow(A_HARD_SIGMOID, p, n);
  else actRow(code, p, n);
}

/** dactRow with a runtime code: one specialised loop per activation. */
export function dactInPlace(code: i32, y: usize, d: usize, n: i32): void {
  if (code == A_SIGMOID) dactRow(A_SIGMOID, y, d, n);
  else if (code == A_TANH) dactRow(A_TANH, y, d, n);
  else if (code == A_RELU) dactRow(A_RELU, y, d, n);
  else if (code == A_HARD_SIGMOID) dactRow(A_HARD_SIGMOID, y, d, n);
  else dactRow(code, y, d, n);
}

/**
 * dst[0..n) = src[0..n), the ranges not overlapping. An inlined SIMD loop: these copies are short rows (one
 * step of one sequence), where a memory.copy call costs more than the copy.
 */
// @ts-ignore: decorator
@inline export function copyF(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), v128.load(at(src, i)));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(src, i)));
}
/** p[0..n) = 0: a SIMD loop for short rows, memory.fill for long blocks. */
// @ts-ignore: decorator
@inline export function zeroF(p: usize, n: i32): void {
  if (n > 256) {
    memory.fill(p, 0, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(p, i), f32x4.splat(0));
  for (; i < n; i++) store<f32>(at(p, i), 0);
}
