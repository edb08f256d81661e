// LSTM layer: gradient checks over every option, agreement with @tensorflow/tfjs 4.22 (outputs and
// gradients), the Keras 2.0 fixtures of keras-js, the ONNX backend fixtures, stateful chunking,
// parameter counts, initialisation (unitForgetBias), configs and bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { LSTM, lstm, LSTMArgs } from '../../src/layers/lstm.js';
import { resetLayerNames } from '../../src/layers/layer.js';
import { ValueError } from '../../src/errors.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { compareWithTfjs, Pinned, randomizeWeights, toTf } from '../helpers/rnn-compare.js';
import { loadOnnxCase, ONNX_FIXTURES, onnxToKerasBias, onnxToKerasKernel } from '../helpers/onnx.js';

await tf.setBackend('cpu');

// (2, 5): sequence 0 is post-padded, sequence 1 pre-padded with a hole in the middle
const MASK = Uint8Array.from([1, 1, 1, 0, 0, 0, 1, 0, 1, 1]);

test('gradient check: returnSequences × goBackwards × useBias × recurrentActivation × activation × mask', () => {
  setSeed(1);
  let n = 0, worst = 0;
  for (const returnSequences of [true, false]) {
    for (const goBackwards of [false, true]) {
      for (const useBias of [true, false]) {
        for (const recurrentActivation of ['sigmoid', 'hardSigmoid']) {
          for (const activation of ['tanh', 'relu']) {
            for (const mask of [null, MASK]) {
              const layer = lstm({ units: 3, returnSequences, goBackwards, useBias, recurrentActivation, activation });
              layer.ensureBuilt([null, 5, 3]);
              randomizeWeights(layer, 100 + n);
              // relu: a smaller step, so that fewer pre-activations sit within eps of the kink, where central
              // differences mean nothing (the float64 kernel tests check relu exactly); these seeds keep clear of it
              const eps = activation === 'relu' ? 1e-4 : 1e-3;
              worst = Math.max(worst, gradCheck(layer, randomTensor([2, 5, 3], 10 + n), { mask, eps, seed: n, maxEntries: 24 }));
              n++;
            }
          }
        }
      }
    }
  }
  assert.equal(n, 64);
  assert.ok(worst <= 1);
});

test('gradient check: input and recurrent dropout (masks held fixed), with a mask and goBackwards', () => {
  for (const [goBackwards, returnSequences] of [[false, true], [true, false]] as const) {
    const layer = lstm({ units: 4, dropout: 0.3, recurrentDropout: 0.4, goBackwards, returnSequences, seed: 9 });
    layer.ensureBuilt([null, 5, 3]);
    randomizeWeights(layer, 3);
    // reseed the layer's own stream before every forward so each draws the same dropout masks
    const pinned = new Pinned(layer, () => (layer as unknown as { ownRng: { seed(s: number): void } }).ownRng.seed(9));
    gradCheck(pinned, randomTensor([2, 5, 3], 4), { mask: MASK, eps: 1e-3 });
    const x = randomTensor([2, 5, 3], 4);
    const yTrain = layer.forward(x, true, null).dataSync();
    const yInfer = layer.forward(x, false, null).dataSync();
    assert.ok(yTrain.some((v, i) => Math.abs(v - yInfer[i]) > 1e-3), 'dropout changed nothing in training');
  }
});

test('stateful: chunks of a long sequence give the whole-sequence outputs; gradients at a carried state; resetStates', () => {
  setSeed(2);
  const B = 2, I = 3, U = 4, lengths = [4, 5, 3];
  const T = lengths.reduce((a, b) => a + b);
  const whole = lstm({ units: U, returnSequences: true });
  whole.ensureBuilt([null, T, I]);
  randomizeWeights(whole, 7);
  const x = randomTensor([B, T, I], 21);
  const yw = whole.forward(x, false, null).dataSync();

  const st = lstm({ units: U, returnSequences: true, stateful: true, batchInputShape: [B, null, I] });
  st.ensureBuilt([B, null, I]);
  st.setWeights(whole.getWeights());
  let t0 = 0;
  for (const len of lengths) {
    const chunk = new Float32Array(B * len * I);
    for (let b = 0; b < B; b++) chunk.set(x.data.subarray((b * T + t0) * I, (b * T + t0 + len) * I), b * len * I);
    const y = st.forward(new Tensor(chunk, [B, len, I]), false, null).dataSync();
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < len * U; i++) {
        const e = Math.abs(y[b * len * U + i] - yw[(b * T + t0) * U + i]);
        assert.ok(e <= 1e-6, `chunk at step ${t0}: differs from the whole-sequence pass by ${e}`);
      }
    }
    t0 += len;
  }
  // the carried states are the whole pass's final states
  const rs = lstm({ units: U, returnState: true });
  rs.ensureBuilt([null, T, I]);
  rs.setWeights(whole.getWeights());
  const [, h, c] = rs.apply(x) as Tensor[];
  assert.ok(Array.from(h.data).every((v, i) => Math.abs(v - st.states[0][i]) <= 1e-6));
  assert.ok(Array.from(c.data).every((v, i) => Math.abs(v - st.states[1][i]) <= 1e-6));

  // gradients of one more chunk, the carried states held fixed (truncated BPTT, as Keras)
  const carried = st.states.map((s) => s.slice());
  assert.ok(carried[1].some((v) => Math.abs(v) > 1e-2));
  const pinned = new Pinned(st, () => st.states.forEach((s, k) => s.set(carried[k])));
  gradCheck(pinned, randomTensor([B, 4, I], 22), { eps: 1e-3 });

  st.resetStates();
  assert.ok(st.states.every((s) => s.every((v) => v === 0)));
  // after resetStates the layer starts from zeros again: its first chunk equals the stateless pass's
  const first = new Float32Array(B * 4 * I);
  for (let b = 0; b < B; b++) first.set(x.data.subarray(b * T * I, (b * T + 4) * I), b * 4 * I);
  const y = st.forward(new Tensor(first, [B, 4, I]), false, null).dataSync();
  for (let b = 0; b < B; b++) for (let i = 0; i < 4 * U; i++) assert.ok(Math.abs(y[b * 4 * U + i] - yw[b * T * U + i]) <= 1e-6);
  assert.throws(() => st.forward(randomTensor([3, 4, I], 1), false, null), ValueError);
});

test('hiddenGrads: recorded when asked; at the last step of a last-output LSTM it is dL/dy', () => {
  const layer = lstm({ units: 3 });
  const x = randomTensor([2, 4, 2], 5);
  layer.ensureBuilt([null, 4, 2]);
  layer.forward(x, true, null);
  layer.backward(randomTensor([2, 3], 6));
  assert.equal(layer.hiddenGrads, null);
  layer.recordHiddenGrads = true;
  layer.forward(x, true, null);
  const dy = randomTensor([2, 3], 6);
  layer.backward(dy);
  const hg = layer.hiddenGrads!;
  for (let b = 0; b < 2; b++) for (let u = 0; u < 3; u++) assert.equal(hg[(b * 4 + 3) * 3 + u], dy.data[b * 3 + u]);
  assert.ok(Math.abs(hg[0]) > 0);
});

// ---- agreement with @tensorflow/tfjs ----

let worst = { out: 0, dx: 0, grad: 0 };
function note(r: { out: number; dx: number; grad: number }) {
  worst = { out: Math.max(worst.out, r.out), dx: Math.max(worst.dx, r.dx), grad: Math.max(worst.grad, r.grad) };
}

test('tfjs agreement: outputs and gradients, recurrentActivation sigmoid/hardSigmoid × returnSequences × goBackwards', () => {
  const B = 3, T = 6, I = 4, U = 5;
  let n = 0;
  for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
    for (const returnSequences of [true, false]) {
      for (const goBackwards of [false, true]) {
        for (const [activation, useBias] of [['tanh', true], ['relu', false]] as const) {
          const o = { units: U, recurrentActivation, returnSequences, goBackwards, activation, useBias };
          const mine = lstm(o);
          mine.ensureBuilt([null, T, I]);
          randomizeWeights(mine, 31 + n);
          const theirs = tf.layers.lstm(o);
          theirs.apply(tf.zeros([1, T, I]));
          theirs.setWeights(mine.getWeights().map(toTf));
          const r = compareWithTfjs([mine], [theirs], randomTensor([B, T, I], 40 + n));
          const what = JSON.stringify(o);
          assert.ok(r.out <= 1e-5, `${what}: outputs differ by ${r.out}`);
          assert.ok(r.dx <= 1e-5, `${what}: dx differs by ${r.dx}`);
          assert.ok(r.grad <= 1e-5, `${what}: ${r.gradName} gradient differs by ${r.grad}`);
          note(r);
          n++;
        }
      }
    }
  }
});

test('tfjs agreement: a mask (padded steps), outputs and gradients', () => {
  for (const returnSequences of [true, false]) {
    for (const goBackwards of [false, true]) {
      const o = { units: 4, returnSequences, goBackwards };
      const mine = lstm(o);
      mine.ensureBuilt([null, 5, 3]);
      randomizeWeights(mine, 50);
      const theirs = tf.layers.lstm({ ...o, recurrentActivation: 'sigmoid' });
      theirs.apply(tf.zeros([1, 5, 3]));
      theirs.setWeights(mine.getWeights().map(toTf));
      const r = compareWithTfjs([mine], [theirs], randomTensor([2, 5, 3], 51), MASK);
      assert.ok(r.out <= 1e-5 && r.dx <= 1e-5 && r.grad <= 1e-5, `masked ${JSON.stringify(o)}: ${JSON.stringify(r)}`);
      note(r);
    }
  }
});

test('tfjs agreement: two stacked LSTMs (sequences into a goBackwards LSTM), outputs and gradients through both', () => {
  const B = 4, T = 7, I = 3;
  const l1 = lstm({ units: 6, returnSequences: true });
  const l2 = lstm({ units: 5, goBackwards: true, recurrentActivation: 'hardSigmoid' });
  l1.ensureBuilt([null, T, I]);
  l2.ensureBuilt([null, T, 6]);
  randomizeWeights(l1, 60);
  randomizeWeights(l2, 70);
  const t1 = tf.layers.lstm({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid' });
  const t2 = tf.layers.lstm({ units: 5, goBackwards: true, recurrentActivation: 'hardSigmoid' });
  t2.apply(t1.apply(tf.zeros([1, T, I])));
  t1.setWeights(l1.getWeights().map(toTf));
  t2.setWeights(l2.getWeights().map(toTf));
  const r = compareWithTfjs([l1, l2], [t1, t2], randomTensor([B, T, I], 61));
  assert.ok(r.out <= 1e-5 && r.dx <= 1e-5 && r.grad <= 1e-5, `stacked: ${JSON.stringify(r)}`);
  note(r);
});

test('tfjs agreement: worst relative errors (reported)', () => {
  console.log(`LSTM vs tfjs: worst rel err outputs ${worst.out.toExponential(2)}, dx ${worst.dx.toExponential(2)}, weight grads ${worst.grad.toExponential(2)}`);
  assert.ok(worst.out <= 1e-5 && worst.dx <= 1e-5 && worst.grad <= 1e-5);
});

// ---- fixtures ----

const KERASJS = '../shared/fixtures/keras-js/LSTM.json';

test('keras-js fixtures (Keras 2.0): LSTM.0-.8, stateful cases predicted twice', { skip: existsSync(KERASJS) ? false : `fixtures absent: ${KERASJS}` }, () => {
  interface Case {
    id: string;
    config: Record<string, unknown>;
    input: { data: number[]; shape: number[] };
    weights: { data: number[]; shape: number[] }[];
    expected: { data: number[]; shape: number[] };
  }
  const cases = JSON.parse(readFileSync(KERASJS, 'utf8')) as Case[];
  assert.equal(cases.length, 9);
  let w = 0;
  for (const c of cases) {
    const k = c.config;
    const [T, F] = c.input.shape;
    const layer = lstm({
      units: k.units as number,
      activation: k.activation as string,
      recurrentActivation: k.recurrent_activation as string,
      useBias: k.use_bias as boolean,
      returnSequences: k.return_sequences as boolean,
      goBackwards: k.go_backwards as boolean,
      stateful: k.stateful as boolean,
      batchInputShape: (k.batch_input_shape as number[] | undefined) ?? [null, T, F],
    });
    layer.ensureBuilt([1, T, F]);
    layer.setWeights(c.weights.map((x) => tensor(x.data, x.shape)));
    const x = tensor(c.input.data, [1, T, F]);
    let y = layer.apply(x) as Tensor;
    if (k.stateful) y = layer.apply(x) as Tensor; // expected is the notebook's second predict, from the carried states
    assert.deepEqual(y.shape, [1, ...c.expected.shape], `${c.id}: output shape`);
    for (let i = 0; i < c.expected.data.length; i++) {
      const e = Math.abs(y.data[i] - c.expected.data[i]);
      w = Math.max(w, e);
      assert.ok(e <= 1e-5, `${c.id}: output[${i}] = ${y.data[i]}, Keras gives ${c.expected.data[i]}`);
    }
  }
  console.log(`LSTM vs keras-js fixtures: worst abs err ${w.toExponential(2)}`);
});

const ONNX_LSTM = ['test_lstm_defaults', 'test_lstm_with_initial_bias', 'test_lstm_batchwise'];

test('ONNX backend fixtures: test_lstm_defaults, _with_initial_bias, _batchwise (ONNX gates i,o,f,c → Keras i,f,c,o)', {
  skip: existsSync(ONNX_FIXTURES) ? false : `fixtures absent: ${ONNX_FIXTURES}`,
}, () => {
  let w = 0;
  for (const name of ONNX_LSTM) {
    const c = loadOnnxCase(name);
    const layout = c.node.effective_attributes.layout as number;
    const U = c.node.effective_attributes.hidden_size as number;
    const X = c.inputs.X;
    const [B, T, I] = layout === 1 ? X.dims : [X.dims[1], X.dims[0], X.dims[2]];
    const x = new Float32Array(B * T * I);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < I; i++) x[(b * T + t) * I + i] = X.data[layout === 1 ? (b * T + t) * I + i : (t * B + b) * I + i];
      }
    }
    const order = [0, 2, 3, 1];
    const bias = new Float32Array(4 * U);
    if (c.inputs.B) {
      const rows = onnxToKerasBias(c.inputs.B.data, U, order);
      for (let j = 0; j < 4 * U; j++) bias[j] = rows[j] + rows[4 * U + j];
    }
    const layer = lstm({ units: U, returnSequences: true });
    layer.ensureBuilt([null, T, I]);
    layer.setWeights([
      new Tensor(onnxToKerasKernel(c.inputs.W.data, U, I, order), [I, 4 * U]),
      new Tensor(onnxToKerasKernel(c.inputs.R.data, U, U, order), [U, 4 * U]),
      new Tensor(bias, [4 * U]),
    ]);
    const y = layer.apply(new Tensor(x, [B, T, I])) as Tensor;
    // Y_h is the last step's h for every sequence; Y_h is [1, B, U] (layout 0) or [B, 1, U] (layout 1), both B×U flat
    const yh = c.outputs.Y_h.data;
    for (let b = 0; b < B; b++) {
      for (let u = 0; u < U; u++) {
        const e = Math.abs(y.data[(b * T + T - 1) * U + u] - yh[b * U + u]);
        w = Math.max(w, e);
        assert.ok(e <= 1e-6, `${name}: h[${b},${u}] = ${y.data[(b * T + T - 1) * U + u]}, ONNX gives ${yh[b * U + u]}`);
      }
    }
  }
  console.log(`LSTM vs ONNX fixtures: worst abs err ${w.toExponential(2)}`);
});

// ---- shapes, parameters, initialisation, config, errors ----

test('parameter counts (against tfjs), weight names and shapes, output shapes, returnState [output, h, c]', () => {
  const count = (units: number, features: number) => {
    const l = lstm({ units });
    l.ensureBuilt([null, 4, features]);
    return l.countParams();
  };
  const tfCount = (units: number, features: number) => {
    const l = tf.layers.lstm({ units, recurrentInitializer: 'zeros' }); // tfjs's orthogonal init is slow
    l.apply(tf.zeros([1, 4, features]));
    return l.countParams();
  };
  assert.equal(count(30, 1), 3840);
  assert.equal(count(30, 2), 3960);
  for (const [u, f] of [[30, 1], [30, 2], [7, 5]]) assert.equal(count(u, f), tfCount(u, f));
  const nb = lstm({ units: 3, useBias: false });
  nb.ensureBuilt([null, 4, 2]);
  assert.equal(nb.countParams(), 4 * 3 * 5);
  assert.deepEqual(nb.weights.map((w) => w.name), ['kernel', 'recurrent_kernel']);
  const l = lstm({ units: 3 });
  l.ensureBuilt([null, 4, 2]);
  assert.deepEqual(l.weights.map((w) => [w.name, w.shape]), [['kernel', [2, 12]], ['recurrent_kernel', [3, 12]], ['bias', [12]]]);
  assert.deepEqual(lstm({ units: 3 }).computeOutputShape([null, 7, 2]), [null, 3]);
  assert.deepEqual(lstm({ units: 3, returnSequences: true }).computeOutputShape([8, null, 2]), [8, null, 3]);

  const rs = lstm({ units: 3, returnState: true, returnSequences: true });
  const out = rs.apply(randomTensor([2, 4, 2], 3)) as Tensor[];
  assert.equal(out.length, 3);
  assert.deepEqual(out.map((t) => t.shape), [[2, 4, 3], [2, 3], [2, 3]]);
  assert.deepEqual(Array.from(out[1].data), Array.from(out[0].data.subarray(9, 12)).concat(Array.from(out[0].data.subarray(21, 24))));
  // c differs from h (h = o ⊙ tanh(c)) and |h| <= |tanh(c)|
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(out[1].data[i]) <= Math.abs(Math.tanh(out[2].data[i])) + 1e-7);
  assert.ok(Array.from(out[2].data).some((v, i) => v !== out[1].data[i]));
});

test('initialisation: unitForgetBias sets the forget slice of the bias to 1 (Keras default), seeds reproduce', () => {
  setSeed(5);
  const a = lstm({ units: 4 });
  a.ensureBuilt([null, 3, 2]);
  const b = a.getWeights()[2].data;
  assert.deepEqual(Array.from(b), [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  const off = lstm({ units: 4, unitForgetBias: false });
  off.ensureBuilt([null, 3, 2]);
  assert.ok(off.getWeights()[2].data.every((v) => v === 0));
  // a random bias initializer is drawn for i (U values) and for c, o (2U values), the forget slice is 1
  const rnd = lstm({ units: 4, biasInitializer: 'randomUniform' });
  rnd.ensureBuilt([null, 3, 2]);
  const rb = rnd.getWeights()[2].data;
  assert.ok(rb.subarray(4, 8).every((v) => v === 1));
  assert.ok(rb.subarray(0, 4).every((v) => v !== 0 && Math.abs(v) <= 0.05));
  assert.ok(rb.subarray(8).every((v) => v !== 0 && Math.abs(v) <= 0.05));
  // orthogonal recurrent kernel (U, 4U): its rows are orthonormal
  const wh = a.getWeights()[1].data;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 16; k++) s += wh[i * 16 + k] * wh[j * 16 + k];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-5);
    }
  }
  setSeed(5);
  const again = lstm({ units: 4 });
  again.ensureBuilt([null, 3, 2]);
  assert.deepEqual(again.getWeights()[0].data, a.getWeights()[0].data);
});

test('names and getConfig follow Keras (recurrentActivation, unitForgetBias, implementation 2) with every tfjs key', () => {
  resetLayerNames();
  const a = lstm({ units: 3 });
  const b = new LSTM({ units: 5, recurrentActivation: 'hardSigmoid', unitForgetBias: false, returnSequences: true });
  assert.equal(a.name, 'lstm');
  assert.equal(b.name, 'lstm_1');
  assert.equal(a.className, 'LSTM');
  const ca = a.getConfig();
  assert.equal(ca.recurrentActivation, 'sigmoid');
  assert.equal(ca.unitForgetBias, true);
  assert.equal(ca.implementation, 2);
  assert.equal(ca.activation, 'tanh');
  const cb = b.getConfig();
  assert.equal(cb.recurrentActivation, 'hard_sigmoid');
  assert.equal(cb.unitForgetBias, false);
  assert.equal(cb.units, 5);
  const tfKeys = Object.keys(tf.layers.lstm({ units: 5 }).getConfig()).filter((k) => k !== 'cell');
  for (const k of tfKeys) assert.ok(k in ca, `getConfig lacks '${k}'`);
  // the config builds the same layer again (what deserialization does)
  const again = new LSTM(cb as unknown as LSTMArgs);
  assert.deepEqual(again.getConfig(), cb);
  // and tfjs's own config (hardSigmoid, no unitForgetBias written as undefined) is accepted
  const fromTf = new LSTM({ ...(tf.layers.lstm({ units: 2 }).getConfig() as object), name: 'from_tf' } as unknown as LSTMArgs);
  assert.equal(fromTf.recurrentActivation, 'hardSigmoid');
});

test('errors: wrong rank, wrong feature size, bad setWeights, bad options', () => {
  const layer = lstm({ units: 4, name: 'lstm_err' });
  assert.throws(() => layer.apply(randomTensor([2, 3], 1)), (e: Error) => e instanceof ValueError && /rank 3/.test(e.message) && /rank 2/.test(e.message));
  layer.apply(randomTensor([2, 5, 3], 1));
  assert.throws(
    () => layer.apply(randomTensor([2, 5, 7], 1)),
    (e: Error) => e instanceof ValueError && e.message.includes('(None, None, 3)') && e.message.includes('[2, 5, 7]'),
  );
  assert.throws(() => layer.apply(randomTensor([2, 5, 3, 1], 1)), ValueError);
  const w = layer.getWeights();
  assert.throws(
    () => layer.setWeights([w[0], w[1], tensor(new Float32Array(12), [12])]),
    (e: Error) => e instanceof ValueError && e.message.includes('bias') && e.message.includes('[16]') && e.message.includes('[12]'),
  );
  assert.throws(() => lstm({ units: 0 }), ValueError);
  assert.throws(() => lstm({ units: 3, recurrentActivation: 'nope' }), /Unknown activation 'nope'/);
  assert.throws(() => lstm({ units: 3, recurrentDropout: 1 }), /recurrentDropout/);
  assert.throws(() => lstm({ units: 3, stateful: true, inputShape: [5, 3] }), /fixed batch size/);
  // backward before a training forward
  const fresh = lstm({ units: 2 });
  fresh.apply(randomTensor([1, 3, 2], 1));
  assert.throws(() => fresh.backward(randomTensor([1, 2], 2)), /training=true/);
});
