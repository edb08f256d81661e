// SimpleRNN: gradient checks of inputs and weights over every option combination, agreement with
// @tensorflow/tfjs (outputs, gradients, one SGD step), the Keras 2.0 fixtures of keras-js,
// bad-input errors, initializer defaults and configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { SimpleRNN, simpleRNN } from '../../src/layers/simple-rnn.js';
import { resetLayerNames } from '../../src/layers/layer.js';
import { ValueError } from '../../src/errors.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { skipUnless } from '../helpers/fixtures.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import {
  assertHasTfjsConfigKeys, assertInputShapeErrors, checkHiddenGrads, checkKerasJsRnnCases,
  combinations, gradCheckDropout, gradCheckOverOptions, MASK,
} from '../helpers/recurrent-cases.js';
import {
  assertAgreesWithTfjs, Pinned, randomizeWeights, relErr, tfjsAgreementOverOptions, tfVars, toTf, twinWithTfjs, WorstErrors,
} from '../helpers/rnn-compare.js';

await tf.setBackend('cpu');

const ACTS = ['tanh', 'relu', 'sigmoid', 'linear'] as const;

test('gradient check: returnSequences × goBackwards × useBias × activation, with and without a mask', () => {
  const n = gradCheckOverOptions(
    { returnSequences: [true, false], goBackwards: [false, true], useBias: [true, false], activation: ACTS },
    (o) => simpleRNN({ units: 4, ...o }),
    { eps: () => 1e-3 },
  );
  assert.equal(n, 64);
});

test('gradient check: input dropout and recurrent dropout (masks held fixed), with a mask and goBackwards', () => {
  gradCheckDropout((o) => simpleRNN({ units: 4, ...o }));
});

test('stateful: the second batch starts from the first batch\'s final state; gradients at that state', () => {
  setSeed(2);
  const U = 4;
  const layer = simpleRNN({ units: U, stateful: true, returnSequences: true, batchInputShape: [2, 5, 3] });
  layer.ensureBuilt([2, 5, 3]);
  randomizeWeights(layer, 7);
  const x1 = randomTensor([2, 5, 3], 21);
  const x2 = randomTensor([2, 5, 3], 22);
  layer.forward(x1, false, null);
  const carried = layer.states[0].slice();
  assert.ok(carried.some((v) => Math.abs(v) > 1e-3));
  const y2 = layer.forward(x2, false, null).dataSync();

  // the same as one non-stateful pass over the 10-step concatenation, second half
  const whole = simpleRNN({ units: U, returnSequences: true });
  whole.ensureBuilt([null, 10, 3]);
  whole.setWeights(layer.getWeights());
  const cat = new Float32Array(2 * 10 * 3);
  for (let b = 0; b < 2; b++) {
    cat.set(x1.data.subarray(b * 15, (b + 1) * 15), b * 30);
    cat.set(x2.data.subarray(b * 15, (b + 1) * 15), b * 30 + 15);
  }
  const yw = whole.forward(new Tensor(cat, [2, 10, 3]), false, null).dataSync();
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < 5 * U; i++) {
      assert.ok(Math.abs(y2[b * 5 * U + i] - yw[b * 10 * U + 5 * U + i]) < 1e-6, 'stateful continuation differs from one long pass');
    }
  }

  // gradients of the second batch, the carried state held fixed (truncated BPTT, as Keras)
  const pinned = new Pinned(layer, () => layer.states[0].set(carried));
  gradCheck(pinned, x2, { eps: 1e-3 });

  layer.resetStates();
  assert.ok(layer.states[0].every((v) => v === 0));
  // a different batch size is an error for a stateful layer
  assert.throws(() => layer.forward(randomTensor([3, 5, 3], 1), false, null), ValueError);
});

test('hiddenGrads: the total dL/dh_t is recorded when asked, and at the last step it is dL/dy', () => {
  checkHiddenGrads(simpleRNN({ units: 3 }));
});

// ---- agreement with @tensorflow/tfjs ----

const worst = new WorstErrors();

test('tfjs agreement: outputs and gradients (dx, kernel, recurrent kernel, bias), every option', () => {
  tfjsAgreementOverOptions(
    combinations({ returnSequences: [true, false], goBackwards: [false, true], activation: ACTS, useBias: [true, false] }),
    (o) => [simpleRNN({ units: 5, ...o }), tf.layers.simpleRNN({ units: 5, ...o })],
    { shape: [3, 6, 4], seeds: () => ({ weights: 31, input: 40 }), worst },
  );
});

test('tfjs agreement: a mask (padded steps) gives the same outputs and gradients', () => {
  const common = { units: 4, activation: 'tanh' as const, useBias: true };
  tfjsAgreementOverOptions(
    combinations({ returnSequences: [true, false], goBackwards: [false, true] }),
    (o) => [simpleRNN({ ...common, ...o }), tf.layers.simpleRNN({ ...common, ...o })],
    { shape: [2, 5, 3], seeds: () => ({ weights: 31, input: 50, proj: 51 }), worst, mask: MASK },
  );
});

test('tfjs agreement: two stacked SimpleRNNs, outputs, gradients through both, and one SGD step', () => {
  const B = 4, T = 7, I = 3;
  setSeed(3);
  const mine = [simpleRNN({ units: 6, returnSequences: true }), simpleRNN({ units: 5, goBackwards: true })];
  const theirs = [tf.layers.simpleRNN({ units: 6, returnSequences: true }), tf.layers.simpleRNN({ units: 5, goBackwards: true })];
  twinWithTfjs(mine, theirs, T, I, 60);
  const x = randomTensor([B, T, I], 61);
  // leaves mine's weight gradients for the loss with R seeded 62
  assertAgreesWithTfjs(mine, theirs, x, 'stacked', worst, null, 62);

  // one plain SGD step on both sides, then the weights and the outputs agree again
  const xt = toTf(x);
  const Rt = toTf(randomTensor([B, 5], 62));
  const predict = (inp: tf.Tensor) => theirs[1].apply(theirs[0].apply(inp)) as tf.Tensor;
  const loss = (inp: tf.Tensor) => tf.sum(tf.mul(predict(inp), Rt)) as tf.Scalar;
  const vars = theirs.flatMap(tfVars);
  const mineW = mine.flatMap((l) => l.weights);
  const lr = 0.1;
  for (const w of mineW) for (let i = 0; i < w.size; i++) w.value[i] -= lr * w.grad[i];
  tf.train.sgd(lr).minimize(() => loss(xt), false, vars);
  vars.forEach((v, k) => {
    const e = relErr(mineW[k].value, v.dataSync());
    assert.ok(e <= 1e-5, `after one SGD step ${mineW[k].name} differs by ${e}`);
  });
  const y2 = mine[1].forward(mine[0].forward(x, false, null), false, null).dataSync();
  assert.ok(relErr(y2, predict(xt).dataSync()) <= 1e-5, 'outputs after one SGD step differ');
});

// ---- the Keras 2.0 fixtures of keras-js ----

const FIXTURE = '../shared/fixtures/keras-js/SimpleRNN.json';

test('keras-js fixtures (Keras 2.0): SimpleRNN.0-.8, stateful cases predicted twice', skipUnless(FIXTURE), () => {
  checkKerasJsRnnCases(FIXTURE, 'SimpleRNN', (args) => simpleRNN(args));
});

// ---- bad input ----

test('errors: wrong rank, wrong feature size, wrong timesteps, bad setWeights, bad options', () => {
  const layer = simpleRNN({ units: 4, name: 'rnn_err' });
  assertInputShapeErrors(layer);
  assert.throws(() => layer.computeOutputShape([null, 5]), ValueError);
  // the time axis is free for a stateless RNN (Keras): another length runs on the same weights
  assert.deepEqual((layer.apply(randomTensor([2, 9, 3], 1)) as { shape: number[] }).shape, [2, 4]);
  assert.throws(() => layer.setWeights([tensor([[1]])]), (e: Error) => e instanceof ValueError && /expects 3 arrays/.test(e.message) && /got 1/.test(e.message));
  const w = layer.getWeights();
  assert.throws(
    () => layer.setWeights([w[1], w[1], w[2]]),
    (e: Error) => e instanceof ValueError && e.message.includes('kernel') && e.message.includes('[3,4]') && e.message.includes('[4,4]'),
  );
  assert.throws(() => simpleRNN({ units: 0 }), ValueError);
  assert.throws(() => simpleRNN({ units: 2.5 }), ValueError);
  assert.throws(() => simpleRNN({ units: 3, activation: 'nope' }), /Unknown activation 'nope'/);
  assert.throws(() => simpleRNN({ units: 3, dropout: 1 }), /dropout must be in \[0, 1\)/);
  assert.throws(() => simpleRNN({ units: 3, recurrentDropout: -0.1 }), /recurrentDropout/);
  assert.throws(() => simpleRNN({ units: 3, stateful: true, inputShape: [5, 3] }), /fixed batch size/);
});

// ---- initializers, parameters, config ----

test('initializer defaults: orthogonal recurrent kernel, glorot-uniform kernel, zero bias, reproducible by seed', () => {
  setSeed(123);
  const I = 30, U = 30;
  const layer = simpleRNN({ units: U });
  layer.ensureBuilt([null, 8, I]);
  const [W, Wh, b] = layer.getWeights();
  let worst = 0;
  for (let i = 0; i < U; i++) {
    for (let j = 0; j < U; j++) {
      let s = 0;
      for (let k = 0; k < U; k++) s += Wh.data[k * U + i] * Wh.data[k * U + j];
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  assert.ok(worst < 1e-5, `WhᵀWh differs from I by ${worst}`);
  const limit = Math.sqrt(6 / (I + U));
  let sq = 0;
  for (const v of W.data) {
    assert.ok(Math.abs(v) <= limit, `kernel value ${v} outside the glorot limit ${limit}`);
    sq += v * v;
  }
  // uniform on [-limit, limit] has variance limit²/3
  const variance = sq / W.size;
  assert.ok(Math.abs(variance - (limit * limit) / 3) < 0.15 * (limit * limit) / 3, `kernel variance ${variance}`);
  assert.ok(b.data.every((v) => v === 0));

  setSeed(123);
  const again = simpleRNN({ units: U });
  again.ensureBuilt([null, 8, I]);
  again.getWeights().forEach((t, k) => assert.deepEqual(t.data, layer.getWeights()[k].data));
  setSeed(124);
  const other = simpleRNN({ units: U });
  other.ensureBuilt([null, 8, I]);
  assert.notDeepEqual(other.getWeights()[0].data, W.data);
});

test('parameter counts and output shapes', () => {
  const count = (units: number, features: number) => {
    const l = simpleRNN({ units });
    l.ensureBuilt([null, 4, features]);
    return l.countParams();
  };
  assert.equal(count(10, 1), 120);
  assert.equal(count(30, 2), 990);
  assert.equal(count(30, 30), 1830);
  const nb = simpleRNN({ units: 3, useBias: false });
  nb.ensureBuilt([null, 4, 2]);
  assert.equal(nb.countParams(), 15);
  assert.deepEqual(nb.weights.map((w) => w.name), ['kernel', 'recurrent_kernel']);
  assert.deepEqual(simpleRNN({ units: 3 }).computeOutputShape([null, 7, 2]), [null, 3]);
  assert.deepEqual(simpleRNN({ units: 3, returnSequences: true }).computeOutputShape([8, null, 2]), [8, null, 3]);
  // returnState: [output, h]
  const rs = simpleRNN({ units: 3, returnState: true, returnSequences: true });
  const out = rs.apply(randomTensor([2, 4, 2], 3)) as Tensor[];
  assert.equal(out.length, 2);
  assert.deepEqual(out[0].shape, [2, 4, 3]);
  assert.deepEqual(out[1].shape, [2, 3]);
  assert.deepEqual(Array.from(out[1].data), Array.from(out[0].data.subarray(9, 12)).concat(Array.from(out[0].data.subarray(21, 24))));
});

test('names and getConfig follow Keras/tfjs', () => {
  resetLayerNames();
  const a = simpleRNN({ units: 3 });
  const b = new SimpleRNN({ units: 5, activation: 'relu', returnSequences: true, goBackwards: true, useBias: false, dropout: 0.25 });
  assert.equal(a.name, 'simple_rnn');
  assert.equal(b.name, 'simple_rnn_1');
  assert.equal(a.className, 'SimpleRNN');
  const c = b.getConfig();
  assert.equal(c.units, 5);
  assert.equal(c.activation, 'relu');
  assert.equal(c.useBias, false);
  assert.equal(c.returnSequences, true);
  assert.equal(c.goBackwards, true);
  assert.equal(c.dropout, 0.25);
  assert.deepEqual(c.kernelInitializer, { className: 'GlorotUniform', config: { seed: null } });
  assert.deepEqual(c.recurrentInitializer, { className: 'Orthogonal', config: { gain: 1, seed: null } });
  assert.deepEqual(c.biasInitializer, { className: 'Zeros', config: {} });
  // every key tfjs writes for a SimpleRNN is there
  assertHasTfjsConfigKeys(c, tf.layers.simpleRNN({ units: 5 }));
});

test('worst tfjs disagreement (reported)', () => {
  // figures for the report; the bounds were asserted above
  worst.report('SimpleRNN');
});
