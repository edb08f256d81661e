// Embedding: lookups, the mask of maskZero, the sparse gradient (touched rows only, listed in
// touchedRows), finite differences, agreement with @tensorflow/tfjs, the Keras 2.0 fixtures of
// keras-js, bad ids and shapes, config round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '../../src/layers/index.js';
import { Embedding, embedding } from '../../src/layers/embedding.js';
import { deserializeLayer } from '../../src/layers/registry.js';
import { ValueError } from '../../src/errors.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { Sequential } from '../../src/model/sequential.js';
import { loadKerasJsCases, skipUnless } from '../helpers/fixtures.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { relErr } from '../helpers/rnn-compare.js';
import { paddedIds } from '../helpers/text-models.js';

await tf.setBackend('cpu');

const FIXTURES = '../shared/fixtures/keras-js/Embedding.json';

function built(args: ConstructorParameters<typeof Embedding>[0], T = 5): Embedding {
  const l = embedding(args);
  l.ensureBuilt([null, T]);
  l.embeddings!.value.set(randomTensor([args.inputDim, args.outputDim], 3, 1).data);
  return l;
}

test('forward gathers rows: output[b,t] = embeddings[id]; ids may be an int32 tensor', () => {
  const l = built({ inputDim: 7, outputDim: 3 }, 4);
  const ids = tensor([[0, 6, 2, 2], [5, 1, 0, 3]], undefined, 'int32');
  const y = l.forward(ids, false, null);
  assert.deepEqual(y.shape, [2, 4, 3]);
  const E = l.embeddings!.value;
  for (let i = 0; i < 8; i++) {
    const id = ids.data[i];
    assert.deepEqual(Array.from(y.data.subarray(i * 3, i * 3 + 3)), Array.from(E.subarray(id * 3, id * 3 + 3)));
  }
  assert.deepEqual(l.computeOutputShape([null, 4]), [null, 4, 3]);
  assert.deepEqual(l.computeOutputShape([null, null]), [null, null, 3]);
});

test('maskZero: the mask is id ≠ 0 (row 0 is still looked up); without maskZero there is no mask', () => {
  const ids = tensor([[3, 1, 0, 0], [0, 2, 5, 0]]);
  const withMask = built({ inputDim: 6, outputDim: 2, maskZero: true }, 4);
  const y = withMask.forward(ids, false, null);
  assert.deepEqual(Array.from(withMask.computeMask(ids, null)!), [1, 1, 0, 0, 0, 1, 1, 0]);
  assert.deepEqual(Array.from(y.data.subarray(4, 6)), Array.from(withMask.embeddings!.value.subarray(0, 2)));
  const noMask = built({ inputDim: 6, outputDim: 2 }, 4);
  assert.equal(noMask.computeMask(ids, null), null);
});

test('default initializer is Keras\'s randomUniform(-0.05, 0.05)', () => {
  setSeed(5);
  const l = embedding({ inputDim: 50, outputDim: 8 });
  l.ensureBuilt([null, 3]);
  const v = l.embeddings!.value;
  assert.equal(l.embeddingsInitializer.className, 'RandomUniform');
  assert.deepEqual(l.embeddingsInitializer.getConfig(), { minval: -0.05, maxval: 0.05, seed: null });
  assert.ok(v.every((x) => x >= -0.05 && x < 0.05));
  assert.ok(Math.max(...v) > 0.04 && Math.min(...v) < -0.04);
  assert.equal(l.weights[0].name, 'embeddings');
  assert.deepEqual(l.weights[0].shape, [50, 8]);
});

test('gradient check of the embeddings (finite differences), with repeated ids', () => {
  const l = built({ inputDim: 6, outputDim: 3 }, 5);
  const ids = tensor([[1, 4, 4, 0, 5], [4, 2, 1, 1, 3]]);
  const worst = gradCheck(l, ids, { checkInput: false, maxEntries: 18, eps: 1e-2 });
  assert.ok(worst <= 1);
});

test('sparse gradient: only rows of ids in the batch get gradient; touchedRows lists them once; backward returns null', () => {
  const l = built({ inputDim: 10, outputDim: 2 }, 4);
  const ids = tensor([[7, 3, 7, 1], [3, 3, 9, 7]]);
  const v = l.embeddings!;
  v.grad.fill(0);
  l.forward(ids, true, null);
  const dy = randomTensor([2, 4, 2], 9);
  assert.equal(l.backward(dy), null);
  // expected: per row, the sum of dy over the positions holding that id
  const expected = new Float32Array(20);
  for (let i = 0; i < 8; i++) for (let j = 0; j < 2; j++) expected[ids.data[i] * 2 + j] += dy.data[i * 2 + j];
  for (let i = 0; i < 20; i++) assert.ok(Math.abs(v.grad[i] - expected[i]) < 1e-6, `grad[${i}]`);
  for (const r of [0, 2, 4, 5, 6, 8]) assert.deepEqual(Array.from(v.grad.subarray(r * 2, r * 2 + 2)), [0, 0], `row ${r} untouched`);
  assert.deepEqual(Array.from(v.touchedRows!), [7, 3, 1, 9]);

  // a second backward before the grads are cleared adds, and extends the list (joined, no duplicates)
  l.forward(tensor([[2, 7, 0, 0], [0, 0, 0, 0]]), true, null);
  l.backward(dy);
  assert.deepEqual(Array.from(v.touchedRows!).sort((a, b) => a - b), [0, 1, 2, 3, 7, 9]);
  // a list set by someone else (not this layer's buffer) is joined too
  v.touchedRows = Int32Array.from([5, 5]);
  l.forward(tensor([[5, 6, 6, 5], [5, 5, 5, 5]]), true, null);
  l.backward(dy);
  assert.deepEqual(Array.from(v.touchedRows!), [5, 6]);
});

test('a plain SGD step over touchedRows equals the dense step (rows not in the batch unchanged)', () => {
  const l = built({ inputDim: 12, outputDim: 3 }, 4);
  const before = l.embeddings!.value.slice();
  const ids = tensor([[11, 2, 2, 0], [4, 11, 0, 0]]);
  l.embeddings!.grad.fill(0);
  l.embeddings!.touchedRows = null;
  l.forward(ids, true, null);
  l.backward(randomTensor([2, 4, 3], 4));
  const dense = before.slice();
  for (let i = 0; i < dense.length; i++) dense[i] -= Math.fround(0.1) * l.embeddings!.grad[i];
  new SGD({ learningRate: 0.1 }).applyGradients([l.embeddings!]);
  for (let i = 0; i < dense.length; i++) assert.ok(Math.abs(l.embeddings!.value[i] - dense[i]) < 1e-7, `value[${i}]`);
  for (const r of [1, 3, 5, 6, 7, 8, 9, 10]) {
    assert.deepEqual(Array.from(l.embeddings!.value.subarray(r * 3, r * 3 + 3)), Array.from(before.subarray(r * 3, r * 3 + 3)));
  }
});

test('agrees with tfjs: outputs, the mask, and the embeddings gradient (maskZero on and off)', () => {
  for (const maskZero of [false, true]) {
    const l = built({ inputDim: 9, outputDim: 4, maskZero }, 6);
    const t = tf.layers.embedding({ inputDim: 9, outputDim: 4, maskZero });
    const ids = paddedIds([6, 3, 1], 6, 9, 21);
    const xt = tf.tensor(Array.from(ids.data), ids.shape);
    t.apply(xt);
    t.setWeights([tf.tensor(Array.from(l.embeddings!.value), [9, 4])]);
    const y = l.forward(ids, true, null);
    assert.ok(relErr(y.dataSync(), (t.apply(xt) as tf.Tensor).dataSync()) === 0);
    const tm = t.computeMask(xt);
    const m = l.computeMask(ids, null);
    if (maskZero) assert.deepEqual(Array.from(m!), Array.from(tm!.dataSync()).map(Number));
    else assert.equal(m, null);
    const R = randomTensor(y.shape, 5);
    l.embeddings!.grad.fill(0);
    l.backward(R);
    const v = (t.trainableWeights[0] as unknown as { val: tf.Variable }).val;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(t.apply(xt) as tf.Tensor, tf.tensor(Array.from(R.data), R.shape))) as tf.Scalar, [v]);
    assert.ok(relErr(l.embeddings!.grad, grads[v.name].dataSync()) < 1e-6);
  }
});

test('bad ids: out of range, negative, non-integer: the message names the id, its position and inputDim', () => {
  const l = built({ inputDim: 10, outputDim: 2 }, 3);
  assert.throws(
    () => l.forward(tensor([[1, 2, 3], [4, 10, 0]]), false, null),
    (e: Error) => e instanceof ValueError && /token id 10 at position \[1, 1\]/.test(e.message) && /inputDim = 10/.test(e.message),
  );
  assert.throws(() => l.forward(tensor([[1, -1, 3]]), false, null), /token id -1 at position \[0, 1\] is outside \[0, 10\)/);
  assert.throws(() => l.forward(tensor([[1, 2, 2.5]]), false, null), /token id 2.5 at position \[0, 2\] is not an integer/);
  assert.throws(() => l.forward(tensor([[NaN, 2, 2]]), false, null), /token id NaN at position \[0, 0\]/);
  // through a model: the same message
  const m = new Sequential({ layers: [embedding({ inputDim: 4, outputDim: 2, inputLength: 3 })] });
  assert.throws(() => m.predict(tensor([[0, 1, 2], [3, 4, 0]])), /token id 4 at position \[1, 1\].*inputDim = 4/);
});

test('bad shapes: rank other than 2, inputLength mismatch, bad sizes', () => {
  const l = built({ inputDim: 10, outputDim: 2 }, 3);
  assert.throws(() => l.forward(tensor([[[1], [2]]]), false, null), /expected input of rank 2 \[batch, timesteps\].*got rank 3/);
  assert.throws(() => l.forward(tensor([1, 2, 3]), false, null), /expected input of rank 2.*got rank 1/);
  const fixed = embedding({ inputDim: 10, outputDim: 2, inputLength: 4 });
  assert.throws(() => fixed.forward(tensor([[1, 2, 3]]), false, null), /inputLength is 4 but the input has 3 timesteps/);
  assert.throws(() => embedding({ inputDim: 0, outputDim: 2 }), /inputDim must be a positive integer/);
  assert.throws(() => embedding({ inputDim: 5, outputDim: 1.5 }), /outputDim must be a positive integer/);
  // backward before a training forward
  assert.throws(() => embedding({ inputDim: 5, outputDim: 2 }).backward(new Tensor(new Float32Array(2), [1, 1, 2])), /before a training forward/);
});

test('declares its input shape as tfjs does ([batchSize, inputLength]), and its config round-trips through the registry', () => {
  assert.deepEqual(embedding({ inputDim: 5, outputDim: 2 }).batchInputShape, [null, null]);
  assert.deepEqual(embedding({ inputDim: 5, outputDim: 2, inputLength: 7 }).batchInputShape, [null, 7]);
  assert.deepEqual(embedding({ inputDim: 5, outputDim: 2, inputShape: [3] }).batchInputShape, [null, 3]);
  const l = embedding({ inputDim: 30, outputDim: 6, maskZero: true, inputLength: 4, name: 'emb' });
  const c = l.getConfig();
  const t = tf.layers.embedding({ inputDim: 30, outputDim: 6, maskZero: true, inputLength: 4 });
  for (const k of Object.keys(t.getConfig())) assert.ok(k in c, `tfjs config key ${k}`);
  const back = deserializeLayer({ className: 'Embedding', config: JSON.parse(JSON.stringify(c)) }) as Embedding;
  assert.equal(back.name, 'emb');
  assert.equal(back.maskZero, true);
  assert.equal(back.inputLength, 4);
  assert.deepEqual(back.getConfig(), c);
});

test('keras-js fixtures (Keras 2.0): Embedding outputs', skipUnless(FIXTURES), () => {
  const cases = loadKerasJsCases<{ input_dim: number; output_dim: number; input_length: number; mask_zero: boolean }>(FIXTURES);
  assert.equal(cases.length, 3);
  for (const c of cases) {
    const l = embedding({ inputDim: c.config.input_dim, outputDim: c.config.output_dim, inputLength: c.config.input_length, maskZero: c.config.mask_zero });
    const x = new Tensor(Float32Array.from(c.input.data), [1, ...c.input.shape]);
    l.ensureBuilt([null, c.input.shape[0]]);
    l.setWeights([new Tensor(Float32Array.from(c.weights[0].data), c.weights[0].shape)]);
    const y = l.apply(x) as Tensor;
    assert.deepEqual(y.shape, [1, ...c.expected.shape], c.id);
    let d = 0;
    for (let i = 0; i < y.size; i++) d = Math.max(d, Math.abs(y.data[i] - c.expected.data[i]));
    assert.ok(d <= 1e-5, `${c.id}: max |error| ${d}`);
    if (c.config.mask_zero) {
      const m = l.computeMask(x, null)!;
      assert.deepEqual(Array.from(m), c.input.data.map((v) => (v !== 0 ? 1 : 0)), `${c.id} mask`);
    }
  }
});
