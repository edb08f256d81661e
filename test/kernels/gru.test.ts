// gruForward / gruBackward against a plain float64 step-by-step GRU written here from Keras's equations
// (both forms: resetAfter true and false). The float64 reference also gives precise central differences
// (eps 1e-6), so the hand-written BPTT is checked to ~1e-4 for every option: masks, recurrent dropout,
// activations, no bias, the total dL/dh_t record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gruBackward, GruBackwardBuffers, gruForward, GruForwardBuffers, GruParams } from '../../src/kernels/gru.js';
import { ActivationName } from '../../src/kernels/activations.js';
import { Random } from '../../src/random.js';

type Fn = (v: number) => number;
const F: Record<string, Fn> = {
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  hardSigmoid: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
  tanh: Math.tanh,
  relu: (v) => Math.max(0, v),
  linear: (v) => v,
};

interface Case {
  B: number; T: number; I: number; U: number;
  act: ActivationName; ra: ActivationName;
  resetAfter: boolean;
  useBias: boolean;
  mask: Uint8Array | null;
  recDrop: Float32Array | null;
  h0: Float32Array;
  x: Float32Array; W: Float32Array; Wh: Float32Array; b: Float32Array;
}

function rand(rng: Random, n: number, s: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniformRange(-s, s);
  return a;
}

function makeCase(o: Partial<Case> & { seed?: number; maskRows?: number[][]; drop?: boolean; initState?: boolean } = {}): Case {
  const rng = new Random(o.seed ?? 3);
  const B = o.B ?? 3, T = o.T ?? 5, I = o.I ?? 4, U = o.U ?? 3;
  const resetAfter = o.resetAfter ?? true;
  let recDrop: Float32Array | null = null;
  if (o.drop) {
    recDrop = new Float32Array(B * U);
    for (let i = 0; i < B * U; i++) recDrop[i] = rng.uniform() < 0.3 ? 0 : 1 / 0.7;
  }
  return {
    B, T, I, U, act: o.act ?? 'tanh', ra: o.ra ?? 'sigmoid', resetAfter, useBias: o.useBias ?? true,
    mask: o.maskRows ? Uint8Array.from(o.maskRows.flat()) : null, recDrop,
    h0: o.initState ? rand(rng, B * U, 0.5) : new Float32Array(B * U),
    x: rand(rng, B * T * I, 1), W: rand(rng, I * 3 * U, 0.6), Wh: rand(rng, U * 3 * U, 0.6),
    b: rand(rng, (resetAfter ? 6 : 3) * U, 0.4),
  };
}

/** Float64 reference: returns outputs (B,T,U). bump: add eps to h_t (output and state) after step t. */
function reference(
  c: Case, v: { x: Float64Array; W: Float64Array; Wh: Float64Array; b: Float64Array },
  bump?: { b: number; t: number; u: number; eps: number },
): Float64Array {
  const { B, T, I, U, mask, recDrop } = c;
  const G = 3 * U;
  const out = new Float64Array(B * T * U);
  const ra = F[c.ra], act = F[c.act];
  const bx = (j: number) => (c.useBias ? v.b[j] : 0);
  const bh = (j: number) => (c.useBias && c.resetAfter ? v.b[G + j] : 0);
  for (let b = 0; b < B; b++) {
    let h = Array.from(c.h0.subarray(b * U, b * U + U));
    let prevOut = new Array(U).fill(0);
    for (let t = 0; t < T; t++) {
      let o: number[];
      if (mask && mask[b * T + t] === 0) {
        o = prevOut.slice();
      } else {
        const hin = h.map((hv, k) => hv * (recDrop ? recDrop[b * U + k] : 1));
        const xp = new Array(G).fill(0);
        for (let j = 0; j < G; j++) {
          let s = bx(j);
          for (let i = 0; i < I; i++) s += v.x[(b * T + t) * I + i] * v.W[i * G + j];
          xp[j] = s;
        }
        const hp = new Array(G).fill(0); // hin·Wh (+ b_h)
        for (let j = 0; j < G; j++) {
          let s = bh(j);
          for (let k = 0; k < U; k++) s += hin[k] * v.Wh[k * G + j];
          hp[j] = s;
        }
        const z = new Array(U), r = new Array(U);
        for (let u = 0; u < U; u++) {
          z[u] = ra(xp[u] + hp[u]);
          r[u] = ra(xp[U + u] + hp[U + u]);
        }
        const hn = new Array(U);
        for (let u = 0; u < U; u++) {
          let pre: number;
          if (c.resetAfter) {
            pre = xp[2 * U + u] + r[u] * hp[2 * U + u];
          } else {
            pre = xp[2 * U + u];
            for (let k = 0; k < U; k++) pre += r[k] * hin[k] * v.Wh[k * G + 2 * U + u];
          }
          hn[u] = z[u] * h[u] + (1 - z[u]) * act(pre);
        }
        h = hn;
        o = h.slice();
      }
      if (bump && bump.b === b && bump.t === t) {
        o[bump.u] += bump.eps;
        h[bump.u] += bump.eps;
      }
      for (let u = 0; u < U; u++) out[(b * T + t) * U + u] = o[u];
      prevOut = o;
    }
  }
  return out;
}

function params(c: Case): GruParams {
  return {
    B: c.B, T: c.T, I: c.I, U: c.U, kernel: c.W, recurrentKernel: c.Wh, bias: c.useBias ? c.b : null, resetAfter: c.resetAfter,
    activation: c.act, recurrentActivation: c.ra, mask: c.mask, recDrop: c.recDrop,
  };
}

function buffers(c: Case): { f: GruForwardBuffers; w: GruBackwardBuffers } {
  const { B, T, U } = c;
  const n = B * T * U, bu = B * U;
  return {
    f: {
      gates: new Float32Array(3 * n), hPrev: new Float32Array(n), recH: new Float32Array(n), step: new Float32Array(3 * bu),
      hStep: new Float32Array(bu), rh: new Float32Array(bu), rkSplit: new Float32Array(3 * U * U),
    },
    w: {
      dGates: new Float32Array(3 * n), dh: new Float32Array(bu), step: new Float32Array(3 * bu), hStep: new Float32Array(bu),
      s1: new Float32Array(bu), s2: new Float32Array(bu), dRkSplit: new Float32Array(3 * U * U),
    },
  };
}

function run(c: Case) {
  const { B, T, I, U } = c;
  const { f, w } = buffers(c);
  const out = new Float32Array(B * T * U);
  const h = c.h0.slice();
  gruForward(params(c), c.x, out, h, f);
  const r = rand(new Random(99), B * T * U, 1);
  const dx = new Float32Array(B * T * I);
  const grads = { kernel: new Float32Array(I * 3 * U), recurrentKernel: new Float32Array(U * 3 * U), bias: c.useBias ? new Float32Array(c.b.length) : null };
  const hg = new Float32Array(B * T * U);
  gruBackward(params(c), c.x, r.slice(), dx, grads, f, w, hg);
  return { out, h, r, dx, grads, hg, f, w };
}

function lossOf(out: Float64Array, r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * r[i];
  return s;
}

function checkCase(name: string, c: Case): void {
  const res = run(c);
  const v = { x: Float64Array.from(c.x), W: Float64Array.from(c.W), Wh: Float64Array.from(c.Wh), b: Float64Array.from(c.b) };
  const ref = reference(c, v);
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(res.out[i] - ref[i]) < 1e-5, `${name}: out[${i}] ${res.out[i]} vs ${ref[i]}`);
  const eps = 1e-6;
  const cmp = (what: string, analytic: number, numeric: number) =>
    assert.ok(Math.abs(analytic - numeric) <= 1e-4 + 1e-3 * Math.abs(numeric), `${name}: ${what}: backward ${analytic}, finite differences ${numeric}`);
  const fd = (arr: Float64Array, i: number) => {
    const o = arr[i];
    arr[i] = o + eps;
    const lp = lossOf(reference(c, v), res.r);
    arr[i] = o - eps;
    const lm = lossOf(reference(c, v), res.r);
    arr[i] = o;
    return (lp - lm) / (2 * eps);
  };
  for (let i = 0; i < v.x.length; i++) cmp(`dx[${i}]`, res.dx[i], fd(v.x, i));
  for (let i = 0; i < v.W.length; i++) cmp(`dW[${i}]`, res.grads.kernel[i], fd(v.W, i));
  for (let i = 0; i < v.Wh.length; i++) cmp(`dWh[${i}]`, res.grads.recurrentKernel[i], fd(v.Wh, i));
  if (c.useBias) for (let i = 0; i < v.b.length; i++) cmp(`db[${i}]`, res.grads.bias![i], fd(v.b, i));
  for (let b = 0; b < c.B; b++) {
    for (let t = 0; t < c.T; t++) {
      for (let u = 0; u < c.U; u++) {
        const lp = lossOf(reference(c, v, { b, t, u, eps }), res.r);
        const lm = lossOf(reference(c, v, { b, t, u, eps: -eps }), res.r);
        cmp(`dL/dh[${b},${t},${u}]`, res.hg[(b * c.T + t) * c.U + u], (lp - lm) / (2 * eps));
      }
    }
  }
}

const maskRows = [
  [1, 1, 1, 0, 0],
  [0, 0, 1, 1, 1],
  [1, 0, 1, 0, 1],
  [0, 0, 0, 0, 0],
];

for (const resetAfter of [true, false]) {
  const tag = `resetAfter=${resetAfter}`;
  test(`gru kernel (${tag}): forward and every gradient match a float64 reference`, () => {
    checkCase(tag, makeCase({ resetAfter }));
  });
  test(`gru kernel (${tag}): hardSigmoid gates, relu activation, nonzero initial state`, () => {
    checkCase(tag, makeCase({ resetAfter, seed: 5, ra: 'hardSigmoid', act: 'relu', initState: true }));
  });
  test(`gru kernel (${tag}): no bias, linear activation`, () => {
    checkCase(tag, makeCase({ resetAfter, seed: 6, useBias: false, act: 'linear' }));
  });
  test(`gru kernel (${tag}): masks (right, left, inner padding, an all-padded row), nonzero initial state`, () => {
    checkCase(tag, makeCase({ resetAfter, B: 4, seed: 8, maskRows, initState: true }));
  });
  test(`gru kernel (${tag}): recurrent dropout mask on h(t-1) in the recurrent products, with masks`, () => {
    checkCase(tag, makeCase({ resetAfter, seed: 11, drop: true, initState: true, maskRows: maskRows.slice(0, 3) }));
  });
}

test('gru kernel: inference needs no caches; final state; leading padded steps output zeros', () => {
  for (const resetAfter of [true, false]) {
    const c = makeCase({ resetAfter, B: 2, T: 4, seed: 4, initState: true, maskRows: [[0, 1, 1, 0], [1, 1, 1, 1]] });
    const { B, T, U } = c;
    const res = run(c);
    const f: GruForwardBuffers = { ...buffers(c).f, hPrev: null, recH: null };
    const out = new Float32Array(B * T * U), h = c.h0.slice();
    gruForward(params(c), c.x, out, h, f);
    assert.deepEqual(out, res.out);
    assert.deepEqual(h, res.h);
    for (let u = 0; u < U; u++) {
      assert.equal(res.out[u], 0);
      assert.equal(res.h[u], res.out[2 * U + u]);
      assert.equal(res.h[U + u], res.out[(T + 3) * U + u]);
    }
  }
});

test('gru kernel: backward adds into the weight gradients and leaves the forward caches intact', () => {
  for (const resetAfter of [true, false]) {
    const c = makeCase({ resetAfter, seed: 21 });
    const res = run(c);
    const dx2 = new Float32Array(res.dx.length);
    gruBackward(params(c), c.x, res.r.slice(), dx2, res.grads, res.f, res.w, null);
    const once = run(c).grads;
    for (const k of ['kernel', 'recurrentKernel', 'bias'] as const) {
      const a = res.grads[k]!, o = once[k]!;
      for (let i = 0; i < o.length; i++) assert.ok(Math.abs(a[i] - 2 * o[i]) < 1e-6, `${k}[${i}]`);
    }
    assert.deepEqual(dx2, res.dx);
  }
});
