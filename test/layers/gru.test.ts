// GRU layer: gradient checks over every option (both resetAfter forms), agreement with @tensorflow/tfjs 4.22
// for resetAfter=false (tfjs's only form: its GRUCell computes h̃ = act(x·W_h + b_h + (r⊙h)·U_h), checked in
// tfjs-layers/dist/layers/recurrent.js), resetAfter=true against onnxruntime-web's GRU with
// linear_before_reset=1 (an independent implementation), the ONNX backend and keras-js (Keras 2.0,
// reset-before) fixtures, stateful chunking, parameter counts, configs and bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { GRU, gru, GRUArgs } from '../../src/layers/gru.js';
import { resetLayerNames } from '../../src/layers/layer.js';
import { ValueError } from '../../src/errors.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { compareWithTfjs, Pinned, randomizeWeights, toTf } from '../helpers/rnn-compare.js';
import { kerasToOnnxKernel, loadOnnxCase, ONNX_FIXTURES, onnxModel, onnxToKerasBias, onnxToKerasKernel } from '../helpers/onnx.js';

await tf.setBackend('cpu');
ort.env.wasm.numThreads = 1;

// (2, 5): sequence 0 is post-padded, sequence 1 pre-padded with a hole in the middle
const MASK = Uint8Array.from([1, 1, 1, 0, 0, 0, 1, 0, 1, 1]);

test('gradient check: resetAfter × returnSequences × goBackwards × useBias × recurrentActivation × activation × mask', () => {
  setSeed(1);
  let n = 0, worst = 0;
  for (const resetAfter of [true, false]) {
    for (const returnSequences of [true, false]) {
      for (const goBackwards of [false, true]) {
        for (const useBias of [true, false]) {
          for (const recurrentActivation of ['sigmoid', 'hardSigmoid']) {
            for (const activation of ['tanh', 'relu']) {
              for (const mask of [null, MASK]) {
                const layer = gru({ units: 3, resetAfter, returnSequences, goBackwards, useBias, recurrentActivation, activation });
                layer.ensureBuilt([null, 5, 3]);
                randomizeWeights(layer, 100 + n);
                // relu: a smaller step, so that fewer pre-activations sit within eps of the kink, where central
                // differences mean nothing (the float64 kernel tests check relu exactly); these seeds keep clear of it
                const eps = activation === 'relu' ? 1e-4 : 1e-3;
                worst = Math.max(worst, gradCheck(layer, randomTensor([2, 5, 3], 10 + n), { mask, eps, seed: n, maxEntries: 20 }));
                n++;
              }
            }
          }
        }
      }
    }
  }
  assert.equal(n, 128);
  assert.ok(worst <= 1);
});

test('gradient check: input and recurrent dropout (masks held fixed), both forms, with a mask and goBackwards', () => {
  for (const resetAfter of [true, false]) {
    for (const [goBackwards, returnSequences] of [[false, true], [true, false]] as const) {
      const layer = gru({ units: 4, resetAfter, dropout: 0.3, recurrentDropout: 0.4, goBackwards, returnSequences, seed: 9 });
      layer.ensureBuilt([null, 5, 3]);
      randomizeWeights(layer, 3);
      const pinned = new Pinned(layer, () => (layer as unknown as { ownRng: { seed(s: number): void } }).ownRng.seed(9));
      gradCheck(pinned, randomTensor([2, 5, 3], 4), { mask: MASK, eps: 1e-3 });
      const x = randomTensor([2, 5, 3], 4);
      const yTrain = layer.forward(x, true, null).dataSync();
      const yInfer = layer.forward(x, false, null).dataSync();
      assert.ok(yTrain.some((v, i) => Math.abs(v - yInfer[i]) > 1e-3), 'dropout changed nothing in training');
    }
  }
});

test('stateful: chunks of a long sequence give the whole-sequence outputs; gradients at a carried state; resetStates', () => {
  setSeed(2);
  const B = 2, I = 3, U = 4, lengths = [4, 5, 3];
  const T = lengths.reduce((a, b) => a + b);
  for (const resetAfter of [true, false]) {
    const whole = gru({ units: U, resetAfter, returnSequences: true });
    whole.ensureBuilt([null, T, I]);
    randomizeWeights(whole, 7);
    const x = randomTensor([B, T, I], 21);
    const yw = whole.forward(x, false, null).dataSync();
    const st = gru({ units: U, resetAfter, returnSequences: true, stateful: true, batchInputShape: [B, null, I] });
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
          assert.ok(e <= 1e-6, `resetAfter=${resetAfter}, chunk at step ${t0}: differs from the whole pass by ${e}`);
        }
      }
      t0 += len;
    }
    for (let b = 0; b < B; b++) for (let u = 0; u < U; u++) assert.ok(Math.abs(st.states[0][b * U + u] - yw[(b * T + T - 1) * U + u]) <= 1e-6);
    const carried = st.states[0].slice();
    const pinned = new Pinned(st, () => st.states[0].set(carried));
    gradCheck(pinned, randomTensor([B, 4, I], 22), { eps: 1e-3 });
    st.resetStates();
    assert.ok(st.states[0].every((v) => v === 0));
    const first = new Float32Array(B * 4 * I);
    for (let b = 0; b < B; b++) first.set(x.data.subarray(b * T * I, (b * T + 4) * I), b * 4 * I);
    const y = st.forward(new Tensor(first, [B, 4, I]), false, null).dataSync();
    for (let b = 0; b < B; b++) for (let i = 0; i < 4 * U; i++) assert.ok(Math.abs(y[b * 4 * U + i] - yw[b * T * U + i]) <= 1e-6);
  }
});

test('hiddenGrads: recorded when asked; at the last step of a last-output GRU it is dL/dy', () => {
  const layer = gru({ units: 3 });
  const x = randomTensor([2, 4, 2], 5);
  layer.ensureBuilt([null, 4, 2]);
  layer.recordHiddenGrads = true;
  layer.forward(x, true, null);
  const dy = randomTensor([2, 3], 6);
  layer.backward(dy);
  const hg = layer.hiddenGrads!;
  for (let b = 0; b < 2; b++) for (let u = 0; u < 3; u++) assert.equal(hg[(b * 4 + 3) * 3 + u], dy.data[b * 3 + u]);
  assert.ok(Math.abs(hg[0]) > 0);
});

// ---- resetAfter=false against @tensorflow/tfjs ----

let worst = { out: 0, dx: 0, grad: 0 };
function note(r: { out: number; dx: number; grad: number }) {
  worst = { out: Math.max(worst.out, r.out), dx: Math.max(worst.dx, r.dx), grad: Math.max(worst.grad, r.grad) };
}

test('tfjs agreement (resetAfter=false): outputs and gradients, recurrentActivation × returnSequences × goBackwards', () => {
  const B = 3, T = 6, I = 4, U = 5;
  let n = 0;
  for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
    for (const returnSequences of [true, false]) {
      for (const goBackwards of [false, true]) {
        for (const [activation, useBias] of [['tanh', true], ['relu', false]] as const) {
          const o = { units: U, recurrentActivation, returnSequences, goBackwards, activation, useBias };
          const mine = gru({ ...o, resetAfter: false });
          mine.ensureBuilt([null, T, I]);
          randomizeWeights(mine, 31 + n);
          const theirs = tf.layers.gru(o);
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

test('tfjs agreement (resetAfter=false): a mask (padded steps), and two stacked GRUs', () => {
  for (const returnSequences of [true, false]) {
    for (const goBackwards of [false, true]) {
      const o = { units: 4, returnSequences, goBackwards, recurrentActivation: 'sigmoid' as const };
      const mine = gru({ ...o, resetAfter: false });
      mine.ensureBuilt([null, 5, 3]);
      randomizeWeights(mine, 50);
      const theirs = tf.layers.gru(o);
      theirs.apply(tf.zeros([1, 5, 3]));
      theirs.setWeights(mine.getWeights().map(toTf));
      const r = compareWithTfjs([mine], [theirs], randomTensor([2, 5, 3], 51), MASK);
      assert.ok(r.out <= 1e-5 && r.dx <= 1e-5 && r.grad <= 1e-5, `masked ${JSON.stringify(o)}: ${JSON.stringify(r)}`);
      note(r);
    }
  }
  const T = 7, I = 3;
  const l1 = gru({ units: 6, returnSequences: true, resetAfter: false });
  const l2 = gru({ units: 5, goBackwards: true, resetAfter: false, recurrentActivation: 'hardSigmoid' });
  l1.ensureBuilt([null, T, I]);
  l2.ensureBuilt([null, T, 6]);
  randomizeWeights(l1, 60);
  randomizeWeights(l2, 70);
  const t1 = tf.layers.gru({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid' });
  const t2 = tf.layers.gru({ units: 5, goBackwards: true, recurrentActivation: 'hardSigmoid' });
  t2.apply(t1.apply(tf.zeros([1, T, I])));
  t1.setWeights(l1.getWeights().map(toTf));
  t2.setWeights(l2.getWeights().map(toTf));
  const r = compareWithTfjs([l1, l2], [t1, t2], randomTensor([4, T, I], 61));
  assert.ok(r.out <= 1e-5 && r.dx <= 1e-5 && r.grad <= 1e-5, `stacked: ${JSON.stringify(r)}`);
  note(r);
});

test('tfjs agreement: worst relative errors (reported)', () => {
  console.log(`GRU (resetAfter=false) vs tfjs: worst rel err outputs ${worst.out.toExponential(2)}, dx ${worst.dx.toExponential(2)}, weight grads ${worst.grad.toExponential(2)}`);
  assert.ok(worst.out <= 1e-5 && worst.dx <= 1e-5 && worst.grad <= 1e-5);
});

// ---- both forms against onnxruntime-web's GRU ----

test('onnxruntime-web GRU: resetAfter=true ≡ linear_before_reset=1, resetAfter=false ≡ linear_before_reset=0', async () => {
  const B = 3, T = 6, I = 4, U = 5, G = 3 * U;
  let w = 0;
  for (const resetAfter of [true, false]) {
    const layer = gru({ units: U, resetAfter, returnSequences: true });
    layer.ensureBuilt([null, T, I]);
    randomizeWeights(layer, resetAfter ? 80 : 90, 0.8);
    const [k, rk, b] = layer.getWeights();
    // ONNX gate order z, r, h is Keras's; W, R are [1, 3U, n] (transposed); B = [Wb; Rb]
    const order = [0, 1, 2];
    const onnxB = new Float32Array(2 * G);
    onnxB.set(b.data.subarray(0, G)); // reset-before: Keras's single bias goes on the input side, Rb = 0
    if (resetAfter) onnxB.set(b.data.subarray(G, 2 * G), G);
    const model = onnxModel({
      opType: 'GRU',
      inputs: [
        { name: 'X', dims: [T, B, I] },
        { name: 'W', dims: [1, G, I] },
        { name: 'R', dims: [1, G, U] },
        { name: 'B', dims: [1, 2 * G] },
      ],
      outputs: [
        { name: 'Y', dims: [T, 1, B, U] },
        { name: 'Y_h', dims: [1, B, U] },
      ],
      intAttributes: { hidden_size: U, linear_before_reset: resetAfter ? 1 : 0 },
    });
    const session = await ort.InferenceSession.create(model);
    const x = randomTensor([B, T, I], 81, 1.5);
    const xTB = new Float32Array(T * B * I);
    for (let bb = 0; bb < B; bb++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) xTB[(t * B + bb) * I + i] = x.data[(bb * T + t) * I + i];
    const res = await session.run({
      X: new ort.Tensor('float32', xTB, [T, B, I]),
      W: new ort.Tensor('float32', kerasToOnnxKernel(k.data, U, I, order), [1, G, I]),
      R: new ort.Tensor('float32', kerasToOnnxKernel(rk.data, U, U, order), [1, G, U]),
      B: new ort.Tensor('float32', onnxB, [1, 2 * G]),
    });
    const Y = res.Y.data as Float32Array, Yh = res.Y_h.data as Float32Array;
    const y = layer.apply(x) as Tensor;
    for (let bb = 0; bb < B; bb++) {
      for (let t = 0; t < T; t++) {
        for (let u = 0; u < U; u++) {
          const e = Math.abs(y.data[(bb * T + t) * U + u] - Y[(t * B + bb) * U + u]);
          w = Math.max(w, e);
          assert.ok(e <= 1e-5, `resetAfter=${resetAfter}: y[${bb},${t},${u}] = ${y.data[(bb * T + t) * U + u]}, onnxruntime gives ${Y[(t * B + bb) * U + u]}`);
        }
      }
      for (let u = 0; u < U; u++) assert.ok(Math.abs(y.data[(bb * T + T - 1) * U + u] - Yh[bb * U + u]) <= 1e-5);
    }
    // the two forms really differ on these weights, so the check tells them apart
    const other = gru({ units: U, resetAfter: !resetAfter, returnSequences: true });
    other.ensureBuilt([null, T, I]);
    other.setWeights([k, rk, resetAfter ? tensor(b.data.subarray(0, G), [G]) : tensor([...b.data, ...new Array(G).fill(0)], [2, G])]);
    const yo = (other.apply(x) as Tensor).data;
    assert.ok(yo.some((v, i) => Math.abs(v - y.data[i]) > 1e-3), 'the two GRU forms gave the same outputs');
    await session.release();
  }
  console.log(`GRU vs onnxruntime-web: worst abs err ${w.toExponential(2)}`);
});

// ---- fixtures ----

const ONNX_GRU = ['test_gru_defaults', 'test_gru_with_initial_bias', 'test_gru_seq_length', 'test_gru_batchwise'];

test('ONNX backend fixtures (linear_before_reset=0 ≡ resetAfter=false): test_gru_defaults, _with_initial_bias, _seq_length, _batchwise', {
  skip: existsSync(ONNX_FIXTURES) ? false : `fixtures absent: ${ONNX_FIXTURES}`,
}, () => {
  let w = 0;
  for (const name of ONNX_GRU) {
    const c = loadOnnxCase(name);
    assert.equal(c.node.effective_attributes.linear_before_reset, 0);
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
    const order = [0, 1, 2];
    // reset-before: Rb_h is added outside r⊙(·), so Keras's single bias is Wb + Rb for every gate
    const bias = new Float32Array(3 * U);
    if (c.inputs.B) {
      const rows = onnxToKerasBias(c.inputs.B.data, U, order);
      for (let j = 0; j < 3 * U; j++) bias[j] = rows[j] + rows[3 * U + j];
    }
    const layer = gru({ units: U, resetAfter: false, returnSequences: true });
    layer.ensureBuilt([null, T, I]);
    layer.setWeights([
      new Tensor(onnxToKerasKernel(c.inputs.W.data, U, I, order), [I, 3 * U]),
      new Tensor(onnxToKerasKernel(c.inputs.R.data, U, U, order), [U, 3 * U]),
      new Tensor(bias, [3 * U]),
    ]);
    const y = layer.apply(new Tensor(x, [B, T, I])) as Tensor;
    const yh = c.outputs.Y_h.data;
    for (let b = 0; b < B; b++) {
      for (let u = 0; u < U; u++) {
        const e = Math.abs(y.data[(b * T + T - 1) * U + u] - yh[b * U + u]);
        w = Math.max(w, e);
        assert.ok(e <= 1e-6, `${name}: h[${b},${u}] = ${y.data[(b * T + T - 1) * U + u]}, ONNX gives ${yh[b * U + u]}`);
      }
    }
  }
  console.log(`GRU vs ONNX fixtures: worst abs err ${w.toExponential(2)}`);
});

const KERASJS = '../shared/fixtures/keras-js/GRU.json';

test('keras-js fixtures (Keras 2.0, reset-before ≡ resetAfter=false): GRU.0-.8, stateful cases predicted twice', {
  skip: existsSync(KERASJS) ? false : `fixtures absent: ${KERASJS}`,
}, () => {
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
    assert.equal(k.reset_after, false);
    const [T, F] = c.input.shape;
    const layer = gru({
      units: k.units as number,
      activation: k.activation as string,
      recurrentActivation: k.recurrent_activation as string,
      useBias: k.use_bias as boolean,
      resetAfter: false,
      returnSequences: k.return_sequences as boolean,
      goBackwards: k.go_backwards as boolean,
      stateful: k.stateful as boolean,
      batchInputShape: (k.batch_input_shape as number[] | undefined) ?? [null, T, F],
    });
    layer.ensureBuilt([1, T, F]);
    layer.setWeights(c.weights.map((x) => tensor(x.data, x.shape)));
    const x = tensor(c.input.data, [1, T, F]);
    let y = layer.apply(x) as Tensor;
    if (k.stateful) y = layer.apply(x) as Tensor; // expected is the notebook's second predict, from the carried state
    assert.deepEqual(y.shape, [1, ...c.expected.shape], `${c.id}: output shape`);
    for (let i = 0; i < c.expected.data.length; i++) {
      const e = Math.abs(y.data[i] - c.expected.data[i]);
      w = Math.max(w, e);
      assert.ok(e <= 1e-5, `${c.id}: output[${i}] = ${y.data[i]}, Keras gives ${c.expected.data[i]}`);
    }
  }
  console.log(`GRU vs keras-js fixtures: worst abs err ${w.toExponential(2)}`);
});

// ---- shapes, parameters, config, errors ----

test('parameter counts (resetAfter adds a recurrent bias row; false against tfjs), weight shapes, returnState [output, h]', () => {
  const count = (units: number, features: number, resetAfter: boolean) => {
    const l = gru({ units, resetAfter });
    l.ensureBuilt([null, 4, features]);
    return l.countParams();
  };
  assert.equal(count(30, 1, true), 2970);
  assert.equal(count(30, 1, false), 2880);
  assert.equal(count(30, 2, true), 3060);
  assert.equal(count(30, 2, false), 2970);
  for (const [u, f] of [[30, 1], [30, 2], [7, 5]]) {
    const t = tf.layers.gru({ units: u, recurrentInitializer: 'zeros' }); // tfjs's orthogonal init is slow
    t.apply(tf.zeros([1, 4, f]));
    assert.equal(count(u, f, false), t.countParams());
    assert.equal(count(u, f, true), t.countParams() + 3 * u);
  }
  const a = gru({ units: 3 });
  a.ensureBuilt([null, 4, 2]);
  assert.deepEqual(a.weights.map((w) => [w.name, w.shape]), [['kernel', [2, 9]], ['recurrent_kernel', [3, 9]], ['bias', [2, 9]]]);
  const b = gru({ units: 3, resetAfter: false });
  b.ensureBuilt([null, 4, 2]);
  assert.deepEqual(b.weights.map((w) => [w.name, w.shape]), [['kernel', [2, 9]], ['recurrent_kernel', [3, 9]], ['bias', [9]]]);
  const nb = gru({ units: 3, useBias: false });
  nb.ensureBuilt([null, 4, 2]);
  assert.equal(nb.countParams(), 3 * 3 * 5);
  const rs = gru({ units: 3, returnState: true, returnSequences: true });
  const out = rs.apply(randomTensor([2, 4, 2], 3)) as Tensor[];
  assert.equal(out.length, 2);
  assert.deepEqual(out.map((t) => t.shape), [[2, 4, 3], [2, 3]]);
  assert.deepEqual(Array.from(out[1].data), Array.from(out[0].data.subarray(9, 12)).concat(Array.from(out[0].data.subarray(21, 24))));
});

test('names and getConfig follow Keras (resetAfter, recurrentActivation, implementation 2) with every tfjs key', () => {
  resetLayerNames();
  const a = gru({ units: 3 });
  const b = new GRU({ units: 5, resetAfter: false, recurrentActivation: 'hard_sigmoid' });
  assert.equal(a.name, 'gru');
  assert.equal(b.name, 'gru_1');
  assert.equal(a.className, 'GRU');
  const ca = a.getConfig();
  assert.equal(ca.resetAfter, true);
  assert.equal(ca.recurrentActivation, 'sigmoid');
  assert.equal(ca.implementation, 2);
  const cb = b.getConfig();
  assert.equal(cb.resetAfter, false);
  assert.equal(cb.recurrentActivation, 'hard_sigmoid');
  const tfKeys = Object.keys(tf.layers.gru({ units: 5 }).getConfig()).filter((k) => k !== 'cell');
  for (const k of tfKeys) assert.ok(k in ca, `getConfig lacks '${k}'`);
  // the config builds the same layer again (what deserialization does)
  assert.deepEqual(new GRU(cb as unknown as GRUArgs).getConfig(), cb);
  // tfjs writes resetAfter: false, so a tfjs config gives tfjs's form
  const fromTf = new GRU({ ...(tf.layers.gru({ units: 2 }).getConfig() as object), name: 'from_tf' } as unknown as GRUArgs);
  assert.equal(fromTf.resetAfter, false);
  assert.equal(fromTf.recurrentActivation, 'hardSigmoid');
});

test('errors: wrong rank, wrong feature size, a bias in the other GRU form\'s shape, bad options', () => {
  const layer = gru({ units: 4, name: 'gru_err' });
  assert.throws(() => layer.apply(randomTensor([2, 3], 1)), (e: Error) => e instanceof ValueError && /rank 3/.test(e.message) && /rank 2/.test(e.message));
  layer.apply(randomTensor([2, 5, 3], 1));
  assert.throws(
    () => layer.apply(randomTensor([2, 5, 7], 1)),
    (e: Error) => e instanceof ValueError && e.message.includes('(None, None, 3)') && e.message.includes('[2, 5, 7]'),
  );
  const [k, rk] = layer.getWeights();
  // resetAfter=true wants (2, 3U); a (3U) bias is the resetAfter=false layout
  assert.throws(
    () => layer.setWeights([k, rk, tensor(new Float32Array(12), [12])]),
    (e: Error) => e instanceof ValueError && /resetAfter=false layout/.test(e.message) && e.message.includes('[2,12]'),
  );
  const before = gru({ units: 4, resetAfter: false });
  before.ensureBuilt([null, 5, 3]);
  assert.throws(
    () => before.setWeights([k, rk, tensor(new Float32Array(24), [2, 12])]),
    (e: Error) => e instanceof ValueError && /resetAfter=true layout/.test(e.message) && e.message.includes('[12]'),
  );
  assert.throws(() => before.setWeights([k, rk, tensor(new Float32Array(10), [10])]), (e: Error) => e instanceof ValueError && e.message.includes('[10]'));
  assert.throws(() => gru({ units: -1 }), ValueError);
  assert.throws(() => gru({ units: 3, recurrentActivation: 'nope' }), /Unknown activation 'nope'/);
  assert.throws(() => gru({ units: 3, dropout: 1.5 }), /dropout/);
  const fresh = gru({ units: 2 });
  fresh.apply(randomTensor([1, 3, 2], 1));
  assert.throws(() => fresh.backward(randomTensor([1, 2], 2)), /training=true/);
});
