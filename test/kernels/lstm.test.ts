// lstmForward / lstmBackward against a plain float64 step-by-step LSTM written here from Keras's equations.
// The float64 reference also gives precise central differences (eps 1e-6), so the hand-written BPTT is
// checked to ~1e-4 for every option the kernel has: masks, recurrent dropout, activations, the total dL/dh_t record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstmBackward, LstmBackwardBuffers, lstmForward, LstmForwardBuffers, LstmParams } from '../../src/kernels/lstm.js';
import { ActivationName } from '../../src/kernels/activations.js';
import { Random } from '../../src/random.js';
import {
  assertAccumulated, Bump, caseBase, centralDiff, checkByFiniteDifferences, F64, FdCheck, MASK_ROWS, projLoss, randF32, RefArrays, scanReference, toFloat64,
} from '../helpers/kernel-reference.js';

interface Case {
  B: number; T: number; I: number; U: number;
  act: ActivationName; ra: ActivationName;
  useBias: boolean;
  mask: Uint8Array | null;
  recDrop: Float32Array | null;
  h0: Float32Array; c0: Float32Array;
  x: Float32Array; W: Float32Array; Wh: Float32Array; b: Float32Array;
}

function makeCase(o: Partial<Case> & { seed?: number; maskRows?: number[][]; drop?: boolean; initState?: boolean } = {}): Case {
  const { rng, ...base } = caseBase(o);
  const { B, I, U } = base;
  return {
    ...base, act: o.act ?? 'tanh', ra: o.ra ?? 'sigmoid', useBias: o.useBias ?? true,
    c0: o.initState ? randF32(rng, B * U, 0.5) : new Float32Array(B * U),
    x: randF32(rng, B * base.T * I, 1), W: randF32(rng, I * 4 * U, 0.5), Wh: randF32(rng, U * 4 * U, 0.5), b: randF32(rng, 4 * U, 0.3),
  };
}

/** Float64 reference: returns outputs (B,T,U). bump: add bump.d to h_t (output and state) after step t. */
function reference(c: Case, v: RefArrays, bump?: Bump): Float64Array {
  const { T, I, U, recDrop } = c;
  const G = 4 * U;
  const ra = F64[c.ra], act = F64[c.act];
  return scanReference(c, bump, (b) => {
    const cs = Array.from(c.c0.subarray(b * U, b * U + U));
    return (t, h) => {
      const z = new Array(G).fill(0);
      for (let j = 0; j < G; j++) {
        let s = c.useBias ? v.b[j] : 0;
        for (let i = 0; i < I; i++) s += v.x[(b * T + t) * I + i] * v.W[i * G + j];
        for (let k = 0; k < U; k++) s += h[k] * (recDrop ? recDrop[b * U + k] : 1) * v.Wh[k * G + j];
        z[j] = s;
      }
      const hn = new Array<number>(U);
      for (let u = 0; u < U; u++) {
        const ig = ra(z[u]), fg = ra(z[U + u]), g = act(z[2 * U + u]), og = ra(z[3 * U + u]);
        cs[u] = fg * cs[u] + ig * g;
        hn[u] = og * act(cs[u]);
      }
      return hn;
    };
  });
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
  const r = randF32(new Random(99), B * T * U, 1);
  const dx = new Float32Array(B * T * I);
  const grads = { kernel: new Float32Array(I * 4 * U), recurrentKernel: new Float32Array(U * 4 * U), bias: c.useBias ? new Float32Array(4 * U) : null };
  const hg = new Float32Array(B * T * U);
  lstmBackward(params(c), c.x, r.slice(), dx, grads, f, w, hg);
  return { out, h, c: cc, r, dx, grads, hg, f, w };
}

function checkCase(name: string, c: Case): void {
  const res = run(c);
  const v = toFloat64(c);
  // forward
  const ref = reference(c, v);
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(res.out[i] - ref[i]) < 1e-5, `${name}: out[${i}] ${res.out[i]} vs ${ref[i]}`);
  // final states = the state after the last real step of each sample
  // (checked through the outputs for samples whose last step is real)
  // gradients (and the recorded total dL/dh_t) by central differences of the float64 reference
  const loss = (bump?: Bump) => projLoss(reference(c, v, bump), res.r);
  const params: FdCheck['params'] = [['dx', res.dx, v.x], ['dW', res.grads.kernel, v.W], ['dWh', res.grads.recurrentKernel, v.Wh]];
  if (c.useBias) params.push(['db', res.grads.bias!, v.b]);
  checkByFiniteDifferences(name, { loss, params, hidden: { B: c.B, T: c.T, U: c.U, grads: res.hg }, atol: 1e-4, rtol: 1e-3 });
  if (!c.useBias) for (let i = 0; i < v.b.length; i++) assert.equal(centralDiff(v.b, i, () => loss()), 0);
}

test('lstm kernel: forward and every gradient match a float64 reference (sigmoid, tanh)', () => {
  checkCase('plain', makeCase());
});

test('lstm kernel: hardSigmoid gates, relu activation, no bias, nonzero initial states', () => {
  checkCase('hard', makeCase({ seed: 5, ra: 'hardSigmoid', act: 'relu', useBias: false, initState: true }));
});

test('lstm kernel: masks (right, left and inner padding, an all-padded row) with nonzero initial states', () => {
  checkCase('mask', makeCase({ B: 4, seed: 8, maskRows: MASK_ROWS, initState: true }));
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
  const g = (x: typeof once) => [x.kernel, x.recurrentKernel, x.bias!];
  assertAccumulated(g(res.grads), g(once), (d) => d < 1e-6);
  assert.deepEqual(dx2, res.dx);
});
