// simpleRnnForward / simpleRnnBackward against an independent float64 reference:
// the forward step by step, every gradient (dx, dW, dWh, db, dL/dh0 and the total dL/dh_t written for
// the gradient-flow diagnostics) by central differences of the reference in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleRnnBackward, simpleRnnForward } from '../../src/kernels/simple-rnn.js';
import { ACTIVATIONS, ActivationName, activationNeedsInput } from '../../src/kernels/activations.js';
import { Random } from '../../src/random.js';
import { assertAccumulated, Bump, checkByFiniteDifferences, FdCheck, projLoss, randF32, scanReference } from '../helpers/kernel-reference.js';

const SELU_A = 1.6732632423543772, SELU_S = 1.0507009873554805;
// Written independently of src/kernels/activations.ts (float64).
function act64(name: ActivationName, z: number[]): number[] {
  switch (name) {
    case 'linear': return z.slice();
    case 'relu': return z.map((v) => Math.max(0, v));
    case 'relu6': return z.map((v) => Math.min(6, Math.max(0, v)));
    case 'sigmoid': return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh': return z.map(Math.tanh);
    case 'elu': return z.map((v) => (v > 0 ? v : Math.exp(v) - 1));
    case 'selu': return z.map((v) => (v > 0 ? SELU_S * v : SELU_S * SELU_A * (Math.exp(v) - 1)));
    case 'softplus': return z.map((v) => Math.log(1 + Math.exp(v)));
    case 'softsign': return z.map((v) => v / (1 + Math.abs(v)));
    case 'hardSigmoid': return z.map((v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)));
    case 'swish': return z.map((v) => v / (1 + Math.exp(-v)));
    case 'exponential': return z.map(Math.exp);
    case 'softmax': {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    }
  }
}

interface Problem {
  B: number; T: number; I: number; U: number;
  x: Float64Array; W: Float64Array; Wh: Float64Array; b: Float64Array | null; h0: Float64Array;
  mask: Uint8Array | null; r: Float64Array | null; R: Float64Array; act: ActivationName;
}

/** Reference forward in float64; `inject` adds a value to h_t after step t (for dL/dh_t). Returns hSeq (B,T,U). */
function refForward(p: Problem, inject?: Bump): Float64Array {
  const { T, I, U } = p;
  // a masked step repeats the previous output; one before any real step outputs h0
  return scanReference(p, inject, (b) => (t, prev) => {
    const z = new Array<number>(U).fill(0);
    for (let u = 0; u < U; u++) {
      let s = p.b ? p.b[u] : 0;
      for (let i = 0; i < I; i++) s += p.x[(b * T + t) * I + i] * p.W[i * U + u];
      for (let k = 0; k < U; k++) s += prev[k] * (p.r ? p.r[b * U + k] : 1) * p.Wh[k * U + u];
      z[u] = s;
    }
    return act64(p.act, z);
  }, 'h0');
}

/** n values uniform in [-scale, scale), quantized to float32 so the float32 kernel and the float64 reference see the same numbers. */
function rand(rng: Random, n: number, scale: number): Float64Array {
  return Float64Array.from(randF32(rng, n, scale));
}

function makeProblem(act: ActivationName, opts: { mask?: boolean; drop?: boolean; bias?: boolean; seed?: number } = {}): Problem {
  const rng = new Random(opts.seed ?? 3);
  const B = 2, T = 5, I = 3, U = 4;
  let mask: Uint8Array | null = null;
  if (opts.mask) {
    // sequence 0: padded at the start (pre-padding); sequence 1: padded at the end and one step in the middle
    mask = Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 0, 1, 0]);
  }
  let r: Float64Array | null = null;
  if (opts.drop) {
    r = new Float64Array(B * U);
    for (let i = 0; i < r.length; i++) r[i] = i % 3 === 1 ? 0 : 1 / (1 - 0.3);
  }
  return {
    B, T, I, U, act, mask, r: r ? Float64Array.from(Float32Array.from(r)) : null,
    x: rand(rng, B * T * I, 1), W: rand(rng, I * U, 0.7), Wh: rand(rng, U * U, 0.5),
    b: opts.bias === false ? null : rand(rng, U, 0.3), h0: rand(rng, B * U, 0.5), R: rand(rng, B * T * U, 1),
  };
}

function runKernel(p: Problem) {
  const { B, T, I, U } = p;
  const f32 = (a: Float64Array | null) => (a ? Float32Array.from(a) : null);
  const x = f32(p.x)!, W = f32(p.W)!, Wh = f32(p.Wh)!, b = f32(p.b), h0 = f32(p.h0)!;
  const r = f32(p.r);
  const hSeq = new Float32Array(B * T * U);
  const hT = new Float32Array(B * U);
  const zSeq = activationNeedsInput(p.act) ? new Float32Array(B * T * U) : null;
  simpleRnnForward({
    x, kernel: W, recurrentKernel: Wh, bias: b, h0, hSeq, hT, B, T, I, U, activation: p.act, mask: p.mask,
    recurrentDropMask: r, zSeq, scratch: new Float32Array(U),
  });
  const dhSeq = Float32Array.from(p.R);
  const dx = new Float32Array(B * T * I).fill(NaN); // overwritten, never read
  const dW = new Float32Array(I * U), dWh = new Float32Array(U * U), db = b ? new Float32Array(U) : null;
  const carry = new Float32Array(B * U).fill(NaN);
  const hidden = new Float32Array(B * T * U);
  simpleRnnBackward({
    x, kernel: W, recurrentKernel: Wh, h0, hSeq, zSeq, dhSeq, dx, dKernel: dW, dRecurrentKernel: dWh, dBias: db,
    dhCarry: carry, B, T, I, U, activation: p.act, mask: p.mask, recurrentDropMask: r, hiddenGrads: hidden,
  });
  return { hSeq, hT, dx, dW, dWh, db, dh0: carry, hidden };
}

/** Asserts every analytic entry (dx, dW, dWh, db, dh0, the total dL/dh_t) matches a float64 central difference. */
function checkAll(p: Problem, k: ReturnType<typeof runKernel>, label: string) {
  const params: FdCheck['params'] = [['dx', k.dx, p.x], ['dW', k.dW, p.W], ['dWh', k.dWh, p.Wh]];
  if (p.b) params.push(['db', k.db!, p.b]);
  params.push(['dh0', k.dh0, p.h0]);
  checkByFiniteDifferences(label, {
    loss: (bump) => projLoss(refForward(p, bump), p.R), params, hidden: { B: p.B, T: p.T, U: p.U, grads: k.hidden }, atol: 2e-4, rtol: 2e-4,
  });
}

/** max |a - b| / max(1, |b|): float32 rounding grows with the values (exponential reaches ~10). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

test('forward matches the float64 step-by-step reference for every activation, with mask, h0 and recurrent dropout', () => {
  for (const act of ACTIVATIONS) {
    for (const [mask, drop] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const p = makeProblem(act, { mask, drop });
      const k = runKernel(p);
      const ref = refForward(p);
      const err = maxRelDiff(k.hSeq, ref);
      assert.ok(err < 2e-6, `${act} mask=${mask} drop=${drop}: forward differs from the reference by ${err}`);
      // the final state is the last step's output (a masked last step carries the one before)
      for (let b = 0; b < p.B; b++) {
        for (let u = 0; u < p.U; u++) assert.equal(k.hT[b * p.U + u], k.hSeq[(b * p.T + p.T - 1) * p.U + u]);
      }
    }
  }
});

test('a masked step outputs and keeps the previous state; a masked first step outputs h0', () => {
  const p = makeProblem('tanh', { mask: true });
  const k = runKernel(p);
  const { T, U } = p;
  // sequence 0: steps 0 and 1 are padding, so both output h0
  for (let u = 0; u < U; u++) {
    assert.equal(k.hSeq[0 * U + u], Math.fround(p.h0[u]));
    assert.equal(k.hSeq[1 * U + u], Math.fround(p.h0[u]));
  }
  // sequence 1: step 2 is padding, so it repeats step 1; step 4 repeats step 3
  for (let u = 0; u < U; u++) {
    assert.equal(k.hSeq[(T + 2) * U + u], k.hSeq[(T + 1) * U + u]);
    assert.equal(k.hSeq[(T + 4) * U + u], k.hSeq[(T + 3) * U + u]);
  }
  // and no gradient reaches a padded step's input
  for (const t of [0, 1]) for (let i = 0; i < p.I; i++) assert.equal(k.dx[t * p.I + i], 0);
});

test('backward: dx, dW, dWh, db, dL/dh0 and the total dL/dh_t match finite differences, every activation', () => {
  for (const act of ACTIVATIONS) {
    const p = makeProblem(act, { mask: true, drop: true });
    checkAll(p, runKernel(p), `${act} (mask, recurrent dropout)`);
  }
});

test('backward without bias, mask or dropout (tanh, relu, sigmoid, linear)', () => {
  for (const act of ['tanh', 'relu', 'sigmoid', 'linear'] as const) {
    for (const bias of [true, false]) {
      const p = makeProblem(act, { bias, seed: 11 });
      checkAll(p, runKernel(p), `${act} bias=${bias}`);
    }
  }
});

test('weight gradients accumulate (+=); T = 1 and T = 2 work', () => {
  const p = makeProblem('tanh', { drop: true });
  const one = runKernel(p);
  // run backward a second time into the same gradient buffers
  const { B, T, I, U } = p;
  const f32 = (a: Float64Array) => Float32Array.from(a);
  const x = f32(p.x), W = f32(p.W), Wh = f32(p.Wh), b = f32(p.b!), h0 = f32(p.h0), r = f32(p.r!);
  const hSeq = new Float32Array(B * T * U);
  simpleRnnForward({
    x, kernel: W, recurrentKernel: Wh, bias: b, h0, hSeq, hT: new Float32Array(B * U), B, T, I, U, activation: 'tanh',
    mask: null, recurrentDropMask: r, zSeq: null, scratch: new Float32Array(U),
  });
  const dW = one.dW.slice(), dWh = one.dWh.slice(), db = one.db!.slice();
  simpleRnnBackward({
    x, kernel: W, recurrentKernel: Wh, h0, hSeq, zSeq: null, dhSeq: f32(p.R), dx: new Float32Array(B * T * I),
    dKernel: dW, dRecurrentKernel: dWh, dBias: db, dhCarry: new Float32Array(B * U), B, T, I, U, activation: 'tanh',
    mask: null, recurrentDropMask: r, hiddenGrads: null,
  });
  assertAccumulated([dW, dWh, db], [one.dW, one.dWh, one.db!], (d, v) => d <= 1e-6 * (1 + Math.abs(v)));

  // the shortest sequences: no recurrence inside the batch (T = 1), one step of it (T = 2)
  const rng = new Random(5);
  for (const T of [1, 2]) {
    const q: Problem = { ...makeProblem('sigmoid'), T };
    q.x = rand(rng, q.B * T * q.I, 1);
    q.R = rand(rng, q.B * T * q.U, 1);
    checkAll(q, runKernel(q), `T=${T}`);
  }
});
