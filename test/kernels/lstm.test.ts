// lstmForward / lstmBackward against a plain float64 step-by-step LSTM written here from Keras's equations.
// The float64 reference also gives precise central differences (eps 1e-6), so the hand-written BPTT is
// checked to ~1e-4 for every option the kernel has: masks, recurrent dropout, activations, the total dL/dh_t record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstmBackward, LstmBackwardBuffers, lstmForward, LstmForwardBuffers, LstmParams } from '../../src/kernels/lstm.js';
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
  useBias: boolean;
  mask: Uint8Array | null;
  recDrop: Float32Array | null;
  h0: Float32Array; c0: Float32Array;
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
  let mask: Uint8Array | null = null;
  if (o.maskRows) mask = Uint8Array.from(o.maskRows.flat());
  let recDrop: Float32Array | null = null;
  if (o.drop) {
    recDrop = new Float32Array(B * U);
    for (let i = 0; i < B * U; i++) recDrop[i] = rng.uniform() < 0.3 ? 0 : 1 / 0.7;
  }
  return {
    B, T, I, U, act: o.act ?? 'tanh', ra: o.ra ?? 'sigmoid', useBias: o.useBias ?? true, mask, recDrop,
    h0: o.initState ? rand(rng, B * U, 0.5) : new Float32Array(B * U),
    c0: o.initState ? rand(rng, B * U, 0.5) : new Float32Array(B * U),
    x: rand(rng, B * T * I, 1), W: rand(rng, I * 4 * U, 0.5), Wh: rand(rng, U * 4 * U, 0.5), b: rand(rng, 4 * U, 0.3),
  };
}

/** Float64 reference: returns outputs (B,T,U). bump: add eps to h_t (output and state) after step t. */
function reference(
  c: Case, v: { x: Float64Array; W: Float64Array; Wh: Float64Array; b: Float64Array },
  bump?: { b: number; t: number; u: number; eps: number },
): Float64Array {
  const { B, T, I, U, mask, recDrop } = c;
  const G = 4 * U;
  const out = new Float64Array(B * T * U);
  const ra = F[c.ra], act = F[c.act];
  for (let b = 0; b < B; b++) {
    const h = Array.from(c.h0.subarray(b * U, b * U + U));
    const cs = Array.from(c.c0.subarray(b * U, b * U + U));
    let prevOut = new Array(U).fill(0);
    for (let t = 0; t < T; t++) {
      let o: number[];
      if (mask && mask[b * T + t] === 0) {
        o = prevOut.slice();
      } else {
        const z = new Array(G).fill(0);
        for (let j = 0; j < G; j++) {
          let s = c.useBias ? v.b[j] : 0;
          for (let i = 0; i < I; i++) s += v.x[(b * T + t) * I + i] * v.W[i * G + j];
          for (let k = 0; k < U; k++) s += h[k] * (recDrop ? recDrop[b * U + k] : 1) * v.Wh[k * G + j];
          z[j] = s;
        }
        for (let u = 0; u < U; u++) {
          const ig = ra(z[u]), fg = ra(z[U + u]), g = act(z[2 * U + u]), og = ra(z[3 * U + u]);
          cs[u] = fg * cs[u] + ig * g;
          h[u] = og * act(cs[u]);
        }
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

function f64(a: Float32Array): Float64Array {
  return Float64Array.from(a);
}

function params(c: Case): LstmParams {
  return {
    B: c.B, T: c.T, I: c.I, U: c.U, kernel: c.W, recurrentKernel: c.Wh, bias: c.useBias ? c.b : null,
    activation: c.act, recurrentActivation: c.ra, mask: c.mask, recDrop: c.recDrop,
  };
}

function buffers(c: Case): { f: LstmForwardBuffers; w: LstmBackwardBuffers } {
  const { B, T, U } = c;
  const n = B * T * U;
  return {
    f: {
      gates: new Float32Array(4 * n), hPrev: new Float32Array(n), cPrev: new Float32Array(n), actC: new Float32Array(n),
      step: new Float32Array(4 * B * U), hStep: new Float32Array(B * U),
    },
    w: {
      dGates: new Float32Array(4 * n), dh: new Float32Array(B * U), dc: new Float32Array(B * U),
      step: new Float32Array(4 * B * U), hStep: new Float32Array(B * U),
    },
  };
}

function run(c: Case) {
  const { B, T, I, U } = c;
  const { f, w } = buffers(c);
  const out = new Float32Array(B * T * U);
  const h = c.h0.slice(), cc = c.c0.slice();
  lstmForward(params(c), c.x, out, h, cc, f);
  const r = rand(new Random(99), B * T * U, 1);
  const dx = new Float32Array(B * T * I);
  const grads = { kernel: new Float32Array(I * 4 * U), recurrentKernel: new Float32Array(U * 4 * U), bias: c.useBias ? new Float32Array(4 * U) : null };
  const hg = new Float32Array(B * T * U);
  lstmBackward(params(c), c.x, r.slice(), dx, grads, f, w, hg);
  return { out, h, c: cc, r, dx, grads, hg, f, w };
}

function lossOf(out: Float64Array, r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * r[i];
  return s;
}

function checkCase(name: string, c: Case): void {
  const res = run(c);
  const v = { x: f64(c.x), W: f64(c.W), Wh: f64(c.Wh), b: f64(c.b) };
  // forward
  const ref = reference(c, v);
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(res.out[i] - ref[i]) < 1e-5, `${name}: out[${i}] ${res.out[i]} vs ${ref[i]}`);
  // final states = the state after the last real step of each sample
  // (checked through the outputs for samples whose last step is real)
  // gradients by central differences of the float64 reference
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
  else for (let i = 0; i < v.b.length; i++) assert.equal(fd(v.b, i), 0);
  // the recorded total dL/dh_t: perturb h_t itself
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

test('lstm kernel: forward and every gradient match a float64 reference (sigmoid, tanh)', () => {
  checkCase('plain', makeCase());
});

test('lstm kernel: hardSigmoid gates, relu activation, no bias, nonzero initial states', () => {
  checkCase('hard', makeCase({ seed: 5, ra: 'hardSigmoid', act: 'relu', useBias: false, initState: true }));
});

test('lstm kernel: masks (right, left and inner padding, an all-padded row) with nonzero initial states', () => {
  const maskRows = [
    [1, 1, 1, 0, 0],
    [0, 0, 1, 1, 1],
    [1, 0, 1, 0, 1],
    [0, 0, 0, 0, 0],
  ];
  checkCase('mask', makeCase({ B: 4, seed: 8, maskRows, initState: true }));
});

test('lstm kernel: recurrent dropout mask on h(t-1) in the recurrent product, with masks', () => {
  checkCase('drop', makeCase({ seed: 11, drop: true, maskRows: [[1, 1, 0, 1, 1], [1, 1, 1, 1, 0], [1, 1, 1, 1, 1]] }));
});

test('lstm kernel: final states, leading padded steps output zeros, inference needs no caches', () => {
  const c = makeCase({ B: 2, T: 4, seed: 4, initState: true, maskRows: [[0, 1, 1, 0], [1, 1, 1, 1]] });
  const { B, T, U } = c;
  const res = run(c);
  // inference (no caches) gives the same outputs and states
  const f: LstmForwardBuffers = { ...buffers(c).f, hPrev: null, cPrev: null, actC: null };
  const out = new Float32Array(B * T * U), h = c.h0.slice(), cc = c.c0.slice();
  lstmForward(params(c), c.x, out, h, cc, f);
  assert.deepEqual(out, res.out);
  assert.deepEqual(h, res.h);
  assert.deepEqual(cc, res.c);
  // sample 0: step 0 is padding before any real step, so its output is 0 (Keras), not h0
  for (let u = 0; u < U; u++) assert.equal(res.out[u], 0);
  // the final h of each sample is the output of its last real step
  for (let u = 0; u < U; u++) {
    assert.equal(res.h[u], res.out[(0 * T + 2) * U + u]);
    assert.equal(res.out[(0 * T + 3) * U + u], res.out[(0 * T + 2) * U + u]);
    assert.equal(res.h[U + u], res.out[(1 * T + 3) * U + u]);
  }
});

test('lstm kernel: backward adds into the weight gradients and leaves the forward caches intact', () => {
  const c = makeCase({ seed: 21 });
  const res = run(c);
  const dx2 = new Float32Array(res.dx.length);
  lstmBackward(params(c), c.x, res.r.slice(), dx2, res.grads, res.f, res.w, null);
  const once = run(c).grads;
  for (let i = 0; i < once.kernel.length; i++) assert.ok(Math.abs(res.grads.kernel[i] - 2 * once.kernel[i]) < 1e-6);
  for (let i = 0; i < once.recurrentKernel.length; i++) assert.ok(Math.abs(res.grads.recurrentKernel[i] - 2 * once.recurrentKernel[i]) < 1e-6);
  for (let i = 0; i < once.bias!.length; i++) assert.ok(Math.abs(res.grads.bias![i] - 2 * once.bias![i]) < 1e-6);
  assert.deepEqual(dx2, res.dx);
});
