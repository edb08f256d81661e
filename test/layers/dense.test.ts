// Dense: gradient checks with every activation on 2-D and 3-D inputs, agreement with
// @tensorflow/tfjs (outputs and gradients), the Keras 2.0 fixtures of keras-js, errors and config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Dense, dense } from '../../src/layers/dense.js';
import { resetLayerNames } from '../../src/layers/layer.js';
import { ACTIVATIONS } from '../../src/kernels/activations.js';
import { ValueError } from '../../src/errors.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { loadKerasJsCases, skipUnless } from '../helpers/fixtures.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { assertAgreesWithTfjs, randomizeWeights, toTf, WorstErrors } from '../helpers/rnn-compare.js';

await tf.setBackend('cpu');

const KINKS = [-2.5, 0, 2.5, 6];
function nearKink(layer: Dense, x: Tensor, d: number): boolean {
  const K = layer.inputDim, N = layer.units;
  const W = layer.weights[0].value, b = layer.useBias ? layer.weights[1].value : null;
  for (let m = 0; m < x.size / K; m++) {
    for (let j = 0; j < N; j++) {
      let z = b ? b[j] : 0;
      for (let k = 0; k < K; k++) z += x.data[m * K + k] * W[k * N + j];
      if (KINKS.some((c) => Math.abs(z - c) < d)) return true;
    }
  }
  return false;
}

test('gradient check: every activation, 2-D and 3-D inputs, with and without bias', () => {
  let n = 0;
  for (const activation of ACTIVATIONS) {
    for (const shape of [[4, 5], [2, 3, 5]]) {
      for (const useBias of [true, false]) {
        const layer = dense({ units: 3, activation, useBias });
        layer.ensureBuilt([null, ...shape.slice(1)]);
        randomizeWeights(layer, 10 + n);
        // central differences are meaningless across a kink (relu at 0, selu's slope change at 0,
        // hardSigmoid at ±2.5): take the first input whose pre-activations all stay 10·eps clear of one
        let seed = 20 + n;
        while (nearKink(layer, randomTensor(shape, seed), 1e-2)) seed += 1000;
        gradCheck(layer, randomTensor(shape, seed), { eps: 1e-3, seed: n });
        n++;
      }
    }
  }
  assert.equal(n, ACTIVATIONS.length * 4);
});

test('tfjs agreement: outputs, dx, dkernel and dbias for each activation, 2-D and 3-D', () => {
  const worst = new WorstErrors();
  for (const activation of ACTIVATIONS) {
    if (activation === 'exponential') continue; // tfjs has no 'exponential' activation
    for (const shape of [[6, 5], [3, 4, 5]]) {
      const mine = dense({ units: 4, activation });
      mine.ensureBuilt([null, ...shape.slice(1)]);
      randomizeWeights(mine, 30);
      const theirs = tf.layers.dense({ units: 4, activation: activation as 'relu' });
      theirs.apply(tf.zeros([1, ...shape.slice(1)]));
      theirs.setWeights(mine.getWeights().map(toTf));
      assertAgreesWithTfjs([mine], [theirs], randomTensor(shape, 31, 1.5), `${activation} ${shape}`, worst, null, 32);
    }
  }
  worst.report('Dense');
});

const FIXTURE = '../shared/fixtures/keras-js/Dense.json';

test('keras-js fixtures (Keras 2.0): Dense.0-.5', skipUnless(FIXTURE), () => {
  const cases = loadKerasJsCases<{ units: number; activation: string; use_bias: boolean }>(FIXTURE);
  assert.equal(cases.length, 6);
  let worstFx = 0;
  for (const c of cases) {
    const layer = dense({ units: c.config.units, activation: c.config.activation, useBias: c.config.use_bias });
    layer.ensureBuilt([null, ...c.input.shape]);
    layer.setWeights(c.weights.map((w) => tensor(w.data, w.shape)));
    const y = layer.apply(tensor(c.input.data, [1, ...c.input.shape])) as Tensor;
    assert.deepEqual(y.shape, [1, ...c.expected.shape]);
    for (let i = 0; i < c.expected.data.length; i++) {
      const e = Math.abs(y.data[i] - c.expected.data[i]);
      worstFx = Math.max(worstFx, e);
      assert.ok(e <= 1e-5 * Math.max(1, Math.abs(c.expected.data[i])), `${c.id}: output[${i}] = ${y.data[i]}, Keras gives ${c.expected.data[i]}`);
    }
  }
  console.log(`Dense vs keras-js fixtures: worst abs err ${worstFx.toExponential(2)}`);
});

test('rank > 2: the same kernel applies at every position of the last axis', () => {
  const layer = dense({ units: 3, activation: 'tanh' });
  const x = randomTensor([2, 4, 5], 3);
  const y3 = (layer.apply(x) as Tensor).dataSync();
  const y2 = (layer.apply(x.reshape([8, 5])) as Tensor).dataSync();
  assert.deepEqual(y3, y2);
  assert.deepEqual(layer.computeOutputShape([null, 7, 5]), [null, 7, 3]);
  assert.deepEqual(layer.computeOutputShape([null, null, 5]), [null, null, 3]);
});

test('errors: wrong rank, wrong feature size, bad setWeights, bad options', () => {
  const layer = dense({ units: 3, name: 'dense_err' });
  assert.throws(() => layer.apply(tensor([1, 2, 3])), (e: Error) => e instanceof ValueError && /rank >= 2/.test(e.message) && /rank 1/.test(e.message));
  layer.apply(randomTensor([2, 5], 1));
  assert.throws(
    () => layer.apply(randomTensor([2, 4], 1)),
    (e: Error) => e instanceof ValueError && e.message.includes('(None, 5)') && e.message.includes('[2, 4]'),
  );
  assert.throws(() => layer.computeOutputShape([null, 4]), /last axis 5/);
  assert.throws(() => layer.setWeights([tensor([[1]])]), /expects 2 arrays/);
  assert.throws(() => layer.setWeights([randomTensor([3, 5], 1), randomTensor([3], 1)]), /expects shape \[5,3\], got \[3,5\]/);
  assert.throws(() => dense({ units: 0 }), ValueError);
  assert.throws(() => dense({ units: 2, activation: 'gelu_x' }), /Unknown activation/);
  assert.throws(() => new Dense({ units: 2 }).build([null, null]), /last axis/);
});

test('initializers, params, inputDim, names and getConfig', () => {
  setSeed(9);
  const a = dense({ units: 20, inputDim: 10 });
  assert.deepEqual(a.batchInputShape, [null, 10]);
  a.ensureBuilt([null, 10]);
  assert.equal(a.countParams(), 220);
  const limit = Math.sqrt(6 / 30);
  assert.ok(a.weights[0].value.every((v) => Math.abs(v) <= limit));
  assert.ok(a.weights[1].value.every((v) => v === 0));
  setSeed(9);
  const b = dense({ units: 20, inputDim: 10 });
  b.ensureBuilt([null, 10]);
  assert.deepEqual(b.weights[0].value, a.weights[0].value);
  const nb = dense({ units: 4, useBias: false });
  nb.ensureBuilt([null, 3]);
  assert.equal(nb.countParams(), 12);
  assert.deepEqual(nb.weights.map((w) => w.name), ['kernel']);

  resetLayerNames();
  const d = dense({ units: 2, activation: 'hard_sigmoid' });
  assert.equal(d.name, 'dense');
  assert.equal(dense({ units: 2 }).name, 'dense_1');
  const c = d.getConfig();
  assert.equal(c.activation, 'hard_sigmoid');
  assert.equal(c.units, 2);
  assert.equal(c.useBias, true);
  assert.deepEqual(c.kernelInitializer, { className: 'GlorotUniform', config: { seed: null } });
  assert.equal(dense({ units: 1 }).getConfig().activation, 'linear');
  const tfKeys = Object.keys(tf.layers.dense({ units: 2 }).getConfig());
  for (const k of tfKeys) assert.ok(k in c, `getConfig lacks '${k}'`);
});
