// Shared by the recurrent kernel tests (test/kernels/{simple-rnn,lstm,gru}.test.ts), which check each fused kernel
// against a float64 step-by-step reference written in the test: the gate activations in float64, random inputs,
// and the check of every gradient against central differences (eps 1e-6) of the reference's loss Σ h ⊙ R.
import assert from 'node:assert/strict';
import { Random } from '../../src/random.js';

/** The gate and output activations, float64, written independently of src/kernels/activations.ts. */
export const F64: Record<string, (v: number) => number> = {
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  hardSigmoid: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
  tanh: Math.tanh,
  relu: (v) => Math.max(0, v),
  linear: (v) => v,
};

/** n values uniform in [-s, s), rounded to float32. */
export function randF32(rng: Random, n: number, s: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniformRange(-s, s);
  return a;
}

/** Σ out ⊙ r: the loss whose gradients the kernels' backward computes. */
export function projLoss(out: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * r[i];
  return s;
}

/** Adds d to h_t[b, u] (the output and the carried state) right after step t: for the total dL/dh_t. */
export interface Bump { b: number; t: number; u: number; d: number }

/**
 * The time loop of a float64 reference, in the kernels' conventions: for each sequence b, h starts at h0[b] and
 * `cell(b)` gives the step (t, h_{t-1}) → h_t (keeping any other state, such as LSTM's c, itself). A masked step leaves
 * h alone and outputs the previous output (before the first real step: zeros, or h0 when `leading` is 'h0').
 * `bump` adds d to h_t, the output and the carried h. Returns the outputs (B, T, U).
 */
export function scanReference(
  c: { B: number; T: number; U: number; mask: Uint8Array | null; h0: Float32Array | Float64Array },
  bump: Bump | undefined,
  cell: (b: number) => (t: number, h: number[]) => number[],
  leading: 'zeros' | 'h0' = 'zeros',
): Float64Array {
  const { B, T, U, mask } = c;
  const out = new Float64Array(B * T * U);
  for (let b = 0; b < B; b++) {
    const step = cell(b);
    let h = Array.from(c.h0.subarray(b * U, (b + 1) * U));
    let prevOut = leading === 'h0' ? h.slice() : new Array<number>(U).fill(0);
    for (let t = 0; t < T; t++) {
      let o: number[];
      if (mask && mask[b * T + t] === 0) {
        o = prevOut.slice();
      } else {
        h = step(t, h);
        o = h.slice();
      }
      if (bump && bump.b === b && bump.t === t) {
        o[bump.u] += bump.d;
        h[bump.u] += bump.d;
      }
      for (let u = 0; u < U; u++) out[(b * T + t) * U + u] = o[u];
      prevOut = o;
    }
  }
  return out;
}

/** A case's input and weights in float64: what the reference reads and the finite differences perturb. */
export interface RefArrays { x: Float64Array; W: Float64Array; Wh: Float64Array; b: Float64Array }

export function toFloat64(c: { x: Float32Array; W: Float32Array; Wh: Float32Array; b: Float32Array }): RefArrays {
  return { x: Float64Array.from(c.x), W: Float64Array.from(c.W), Wh: Float64Array.from(c.Wh), b: Float64Array.from(c.b) };
}

/** Right, left and inner padding, and an all-padded row: masks for B = 4 (or the first rows), T = 5. */
export const MASK_ROWS = [
  [1, 1, 1, 0, 0],
  [0, 0, 1, 1, 1],
  [1, 0, 1, 0, 1],
  [0, 0, 0, 0, 0],
];

/** The fields a random LSTM/GRU kernel case shares; rng has drawn the recurrent dropout mask and h0, in that order. */
export function caseBase(o: { seed?: number; B?: number; T?: number; I?: number; U?: number; maskRows?: number[][]; drop?: boolean; initState?: boolean }) {
  const rng = new Random(o.seed ?? 3);
  const B = o.B ?? 3, T = o.T ?? 5, I = o.I ?? 4, U = o.U ?? 3;
  let recDrop: Float32Array | null = null;
  if (o.drop) {
    recDrop = new Float32Array(B * U);
    for (let i = 0; i < B * U; i++) recDrop[i] = rng.uniform() < 0.3 ? 0 : 1 / 0.7;
  }
  const mask = o.maskRows ? Uint8Array.from(o.maskRows.flat()) : null;
  const h0 = o.initState ? randF32(rng, B * U, 0.5) : new Float32Array(B * U);
  return { rng, B, T, I, U, mask, recDrop, h0 };
}

/** Central difference of loss() in arr[i] (changed in place, then restored). */
export function centralDiff(arr: Float64Array, i: number, loss: () => number, eps = 1e-6): number {
  const o = arr[i];
  arr[i] = o + eps;
  const lp = loss();
  arr[i] = o - eps;
  const lm = loss();
  arr[i] = o;
  return (lp - lm) / (2 * eps);
}

export interface FdCheck {
  /** The float64 reference loss, with h_t bumped when `bump` is given. */
  loss: (bump?: Bump) => number;
  /** [name, the kernel's gradient, the float64 array `loss` reads (perturbed in place)] for every input and weight. */
  params: [string, ArrayLike<number>, Float64Array][];
  /** The kernel's record of the total dL/dh_t, (B, T, U). */
  hidden: { B: number; T: number; U: number; grads: ArrayLike<number> };
  /** |analytic - numeric| <= atol + rtol·|numeric|. */
  atol: number;
  rtol: number;
}

/** Asserts every entry of every gradient in `c.params`, and every total dL/dh_t, matches a float64 central difference (eps 1e-6). */
export function checkByFiniteDifferences(label: string, c: FdCheck): void {
  const eps = 1e-6;
  const cmp = (what: string, analytic: number, numeric: number) =>
    assert.ok(Math.abs(analytic - numeric) <= c.atol + c.rtol * Math.abs(numeric), `${label}: ${what}: kernel ${analytic}, finite differences ${numeric}`);
  for (const [name, analytic, arr] of c.params) {
    for (let i = 0; i < arr.length; i++) cmp(`${name}[${i}]`, analytic[i], centralDiff(arr, i, () => c.loss(), eps));
  }
  const { B, T, U, grads } = c.hidden;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let u = 0; u < U; u++) {
        const lp = c.loss({ b, t, u, d: eps });
        const lm = c.loss({ b, t, u, d: -eps });
        cmp(`dL/dh[b=${b},t=${t},u=${u}]`, grads[(b * T + t) * U + u], (lp - lm) / (2 * eps));
      }
    }
  }
}

/** After a second backward into the same gradient buffers, each gradient is twice one run's: close(|twice - 2·once|, twice) holds. */
export function assertAccumulated(twice: ArrayLike<number>[], once: ArrayLike<number>[], close: (diff: number, value: number) => boolean): void {
  twice.forEach((a, k) => {
    const o = once[k];
    assert.equal(a.length, o.length);
    for (let i = 0; i < o.length; i++) assert.ok(close(Math.abs(a[i] - 2 * o[i]), a[i]), `gradient ${k}, entry ${i}: ${a[i]} is not twice ${o[i]}`);
  });
}
