// gruForward / gruBackward against a plain float64 step-by-step GRU written here from Keras's equations
// (both forms: resetAfter true and false). The float64 reference also gives precise central differences
// (eps 1e-6), so the hand-written BPTT is checked to ~1e-4 for every option: masks, recurrent dropout,
// activations, no bias, the total dL/dh_t record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gruBackward, GruBackwardBuffers, gruForward, GruForwardBuffers, GruParams } from '../../src/kernels/gru.js';
import { ActivationName } from '../../src/kernels/activations.js';
import { Random } from '../../src/random.js';
import {
  assertAccumulated, Bump, caseBase, checkByFiniteDifferences, F64, FdCheck, MASK_ROWS, projLoss, randF32, RefArrays, scanReference, toFloat64,
} from '../helpers/kernel-reference.js';

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

function makeCase(o: Partial<Case> & { seed?: number; maskRows?: number[][]; drop?: boolean; initState?: boolean } = {}): Case {
  const { rng, ...base } = caseBase(o);
  const { B, T, I, U } = base;
  const resetAfter = o.resetAfter ?? true;
  return {
    ...base, act: o.act ?? 'tanh', ra: o.ra ?? 'sigmoid', resetAfter, useBias: o.useBias ?? true,
    x: randF32(rng, B * T * I, 1), W: randF32(rng, I * 3 * U, 0.6), Wh: randF32(rng, U * 3 * U, 0.6),
    b: randF32(rng, (resetAfter ? 6 : 3) * U, 0.4),
  };
}

/** Float64 reference: returns outputs (B,T,U). bump: add bump.d to h_t (output and state) after step t. */
function reference(c: Case, v: RefArrays, bump?: Bump): Float64Array {
  const { T, I, U, recDrop } = c;
  const G = 3 * U;
  const ra = F64[c.ra], act = F64[c.act];
  const bx = (j: number) => (c.useBias ? v.b[j] : 0);
  const bh = (j: number) => (c.useBias && c.resetAfter ? v.b[G + j] : 0);
  return scanReference(c, bump, (b) => (t, h) => {
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
    const hn = new Array<number>(U);
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
    return hn;
  });
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
  const r = randF32(new Random(99), B * T * U, 1);
  const dx = new Float32Array(B * T * I);
  const grads = { kernel: new Float32Array(I * 3 * U), recurrentKernel: new Float32Array(U * 3 * U), bias: c.useBias ? new Float32Array(c.b.length) : null };
  const hg = new Float32Array(B * T * U);
  gruBackward(params(c), c.x, r.slice(), dx, grads, f, w, hg);
  return { out, h, r, dx, grads, hg, f, w };
}

function checkCase(name: string, c: Case): void {
  const res = run(c);
  const v = toFloat64(c);
  const ref = reference(c, v);
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(res.out[i] - ref[i]) < 1e-5, `${name}: out[${i}] ${res.out[i]} vs ${ref[i]}`);
  const params: FdCheck['params'] = [['dx', res.dx, v.x], ['dW', res.grads.kernel, v.W], ['dWh', res.grads.recurrentKernel, v.Wh]];
  if (c.useBias) params.push(['db', res.grads.bias!, v.b]);
  checkByFiniteDifferences(name, {
    loss: (bump) => projLoss(reference(c, v, bump), res.r), params, hidden: { B: c.B, T: c.T, U: c.U, grads: res.hg }, atol: 1e-4, rtol: 1e-3,
  });
}

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
    checkCase(tag, makeCase({ resetAfter, B: 4, seed: 8, maskRows: MASK_ROWS, initState: true }));
  });
  test(`gru kernel (${tag}): recurrent dropout mask on h(t-1) in the recurrent products, with masks`, () => {
    checkCase(tag, makeCase({ resetAfter, seed: 11, drop: true, initState: true, maskRows: MASK_ROWS.slice(0, 3) }));
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
    const g = (x: typeof once) => [x.kernel, x.recurrentKernel, x.bias!];
    assertAccumulated(g(res.grads), g(once), (d) => d < 1e-6);
    assert.deepEqual(dx2, res.dx);
  }
});
