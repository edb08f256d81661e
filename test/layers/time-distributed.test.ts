// TimeDistributed: the inner layer sees [B·T, ...] views of the same memory, its weights are the
// wrapper's, masks pass through; finite differences, agreement with @tensorflow/tfjs, the Keras 2.0
// fixture of keras-js, bad shapes, config round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '../../src/layers/index.js';
import { TimeDistributed, timeDistributed } from '../../src/layers/time-distributed.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { Layer, Mask, Shape } from '../../src/layers/layer.js';
import { deserializeLayer } from '../../src/layers/registry.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { loadKerasJsCases, skipUnless } from '../helpers/fixtures.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { relErr } from '../helpers/rnn-compare.js';

await tf.setBackend('cpu');

const FIXTURES = '../shared/fixtures/keras-js/TimeDistributed.json';
const MASK = Uint8Array.from([1, 1, 1, 0, 1, 0, 0, 0]);

function randomize(l: Layer, seed: number) {
  l.weights.forEach((w, k) => w.value.set(randomTensor(w.shape, seed + k, 0.7).data));
}

/** Records the tensors it is given, and returns them (identity), to check that no copies are made. */
class Spy extends Layer {
  readonly className = 'Spy';
  seenX: Tensor | null = null;
  seenDy: Tensor | null = null;
  seenMask: Mask | undefined = undefined;
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  forward(x: Tensor, _t: boolean, mask: Mask): Tensor {
    this.seenX = x;
    this.seenMask = mask;
    return x;
  }
  backward(dy: Tensor): Tensor {
    this.seenDy = dy;
    return dy;
  }
}

test('applies the inner Dense at every step: equals Dense on each [B,T] row, shapes [B,T,U]', () => {
  const td = timeDistributed({ layer: dense({ units: 3, activation: 'tanh' }) });
  td.ensureBuilt([null, 4, 5]);
  randomize(td, 1);
  const x = randomTensor([2, 4, 5], 2);
  const y = td.forward(x, false, null).clone();
  assert.deepEqual(y.shape, [2, 4, 3]);
  const d = dense({ units: 3, activation: 'tanh' });
  d.ensureBuilt([null, 5]);
  d.setWeights(td.getWeights());
  for (let s = 0; s < 8; s++) {
    const row = d.forward(new Tensor(x.data.slice(s * 5, s * 5 + 5), [1, 5]), false, null);
    for (let u = 0; u < 3; u++) assert.ok(Math.abs(row.data[u] - y.data[s * 3 + u]) < 1e-7);
  }
  assert.deepEqual(td.computeOutputShape([null, 4, 5]), [null, 4, 3]);
  assert.deepEqual(td.computeOutputShape([null, null, 5]), [null, null, 3]);
  assert.deepEqual(td.weights.map((w) => w.name), ['kernel', 'bias']);
  assert.strictEqual(td.weights[0], (td.layer as ReturnType<typeof dense>).kernel);
});

test('no copies: the inner layer gets views of the same memory, forward and backward; the mask passes through, not into the inner layer', () => {
  const spy = new Spy({ name: 'spy' });
  const td = timeDistributed({ layer: spy });
  const x = randomTensor([3, 2, 4], 5);
  const y = td.forward(x, true, MASK.subarray(0, 6));
  assert.strictEqual(spy.seenX!.data, x.data);
  assert.deepEqual(spy.seenX!.shape, [6, 4]);
  assert.equal(spy.seenMask, null);
  assert.strictEqual(y.data, x.data);
  assert.deepEqual(y.shape, [3, 2, 4]);
  const dy = randomTensor([3, 2, 4], 6);
  const dx = td.backward(dy)!;
  assert.strictEqual(spy.seenDy!.data, dy.data);
  assert.strictEqual(dx.data, dy.data);
  assert.deepEqual(dx.shape, [3, 2, 4]);
  const m = MASK.subarray(0, 6);
  assert.strictEqual(td.computeMask(x, m), m);
  assert.equal(td.computeMask(x, null), null);
  assert.equal(td.supportsMasking, true);
});

test('gradient check: inner Dense with several activations, with and without bias, with a mask passing through', () => {
  let n = 0;
  for (const activation of ['linear', 'tanh', 'softmax', 'sigmoid', 'relu']) {
    for (const useBias of [true, false]) {
      for (const mask of [null, MASK]) {
        const td = timeDistributed({ layer: dense({ units: 3, activation, useBias }) });
        td.ensureBuilt([null, 4, 5]);
        randomize(td, 10 + n);
        assert.ok(gradCheck(td, randomTensor([2, 4, 5], 20 + n), { mask, eps: 1e-3, seed: n }) <= 1, `${activation} bias ${useBias}`);
        n++;
      }
    }
  }
});

test('inner Dropout: training drops per value, inference is the identity; dropped values get no gradient', () => {
  const td = timeDistributed({ layer: dropout({ rate: 0.5, seed: 3 }) });
  const x = randomTensor([2, 3, 4], 7);
  assert.deepEqual(Array.from(td.forward(x, false, null).data), Array.from(x.data));
  const y = td.forward(x, true, null);
  const dx = td.backward(randomTensor([2, 3, 4], 8))!;
  let zeros = 0;
  for (let i = 0; i < 24; i++) {
    if (y.data[i] === 0) {
      zeros++;
      assert.ok(dx.data[i] === 0);
    } else {
      assert.ok(Math.abs(y.data[i] - 2 * x.data[i]) < 1e-6);
    }
  }
  assert.ok(zeros > 3 && zeros < 21, `${zeros} of 24 dropped`);
});

test('agrees with tfjs timeDistributed(dense): outputs, dL/dx and weight gradients', () => {
  for (const activation of ['softmax', 'relu', 'linear']) {
    const td = timeDistributed({ layer: dense({ units: 3, activation }) });
    td.ensureBuilt([null, 4, 5]);
    randomize(td, 30);
    const tt = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: activation as 'relu' }) });
    const x = randomTensor([2, 4, 5], 31);
    const xt = tf.tensor(Array.from(x.data), x.shape);
    tt.apply(xt);
    tt.setWeights(td.getWeights().map((w) => tf.tensor(Array.from(w.data), w.shape)));
    for (const w of td.weights) w.grad.fill(0);
    const y = td.forward(x, true, null);
    assert.ok(relErr(y.dataSync(), (tt.apply(xt) as tf.Tensor).dataSync()) < 1e-6, activation);
    const R = randomTensor(y.shape, 32);
    const dx = td.backward(R)!;
    const Rt = tf.tensor(Array.from(R.data), R.shape);
    const loss = (inp: tf.Tensor) => tf.sum(tf.mul(tt.apply(inp) as tf.Tensor, Rt)) as tf.Scalar;
    assert.ok(relErr(dx.dataSync(), tf.grad(loss)(xt).dataSync()) < 1e-5, `${activation} dx`);
    const vars = tt.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { grads } = tf.variableGrads(() => loss(xt), vars);
    vars.forEach((v, k) => assert.ok(relErr(td.weights[k].grad, grads[v.name].dataSync()) < 1e-5, `${activation} grad ${k}`));
  }
});

test('bad input: rank below 3, a non-layer, a feature size the inner layer was not built for', () => {
  const td = timeDistributed({ layer: dense({ units: 2 }) });
  assert.throws(() => td.forward(tensor([[1, 2, 3]]), false, null), /expected input of rank >= 3 \[batch, timesteps, \.\.\.\], got rank 2/);
  assert.throws(() => timeDistributed({ layer: { units: 2 } as unknown as Layer }), /'layer' must be a layer instance.*keys units/);
  td.ensureBuilt([null, 3, 4]);
  assert.throws(() => td.forward(randomTensor([1, 3, 5], 1), false, null), /expected input of shape \(None, 4\)/);
});

test('config: {layer: {className, config}} as tfjs writes it; round trip through the registry', () => {
  const td = timeDistributed({ layer: dense({ units: 2, activation: 'softmax', name: 'inner' }), name: 'td' });
  const c = td.getConfig() as { layer: { className: string; config: Record<string, unknown> } };
  assert.equal(c.layer.className, 'Dense');
  assert.equal(c.layer.config.units, 2);
  assert.equal(c.layer.config.name, 'inner');
  const t = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) });
  for (const k of Object.keys(t.getConfig())) assert.ok(k in c, `tfjs config key ${k}`);
  const back = deserializeLayer({ className: 'TimeDistributed', config: JSON.parse(JSON.stringify(c)) }) as TimeDistributed;
  assert.equal(back.name, 'td');
  assert.equal(back.layer.className, 'Dense');
  assert.deepEqual(back.getConfig(), c);
  assert.throws(() => deserializeLayer({ className: 'TimeDistributed', config: { name: 'x' } }), /needs layer: \{className, config\}/);
});

test('keras-js fixtures (Keras 2.0): TimeDistributed(Dense) outputs', skipUnless(FIXTURES), (t) => {
  const cases = loadKerasJsCases<{ layer: { class_name: string; config: { units?: number; activation?: string; use_bias?: boolean } } }>(FIXTURES);
  let ran = 0;
  for (const c of cases) {
    const inner = c.config.layer;
    if (inner.class_name !== 'Dense') {
      t.diagnostic(`${c.id} skipped: it wraps a ${inner.class_name}, which tsrnn does not have`);
      continue;
    }
    const td = timeDistributed({ layer: dense({ units: inner.config.units!, activation: inner.config.activation, useBias: inner.config.use_bias }) });
    td.ensureBuilt([null, ...c.input.shape]);
    td.setWeights(c.weights.map((w) => new Tensor(Float32Array.from(w.data), w.shape)));
    const y = td.apply(new Tensor(Float32Array.from(c.input.data), [1, ...c.input.shape])) as Tensor;
    assert.deepEqual(y.shape, [1, ...c.expected.shape]);
    let d = 0;
    for (let i = 0; i < y.size; i++) d = Math.max(d, Math.abs(y.data[i] - c.expected.data[i]));
    assert.ok(d <= 1e-5, `${c.id}: max |error| ${d}`);
    ran++;
  }
  assert.equal(ran, 1);
});
