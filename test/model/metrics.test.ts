// Metrics: Keras 3's documented examples (accuracy_metrics.py docstrings), agreement with tf.metrics
// on random batches, Keras Mean units (sum / count per batch, epoch averaging), masks and weights,
// the 'accuracy' resolution table of compile_utils.get_metric, and names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../src/errors.js';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from '../../src/model/crossentropy-losses.js';
import { getLoss, Loss } from '../../src/model/losses.js';
import { meanSquaredError } from '../../src/model/regression-losses.js';
import {
  accuracyKind, BinaryAccuracy, CategoricalAccuracy, Metric, resolveMetric, SparseCategoricalAccuracy,
} from '../../src/model/metrics.js';
import { Random } from '../../src/random.js';

await tf.setBackend('cpu');

const F = (xs: number[]) => Float32Array.from(xs);
const value = (r: { sum: number; count: number }) => r.sum / r.count;
const near = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('Keras docstring examples: binary, categorical and sparse categorical accuracy, plain and weighted', () => {
  const bin = new BinaryAccuracy();
  const yb = F([1, 1, 0, 0]), pb = F([0.98, 1, 0, 0.6]);
  assert.deepEqual(bin.batch(yb, pb, [4, 1], null), { sum: 3, count: 4 });
  near(value(bin.batch(yb, pb, [4, 1], F([1, 0, 0, 1]))), 0.5);
  const cat = new CategoricalAccuracy();
  const yc = F([0, 0, 1, 0, 1, 0]), pc = F([0.1, 0.9, 0.8, 0.05, 0.95, 0]);
  assert.equal(value(cat.batch(yc, pc, [2, 3], null)), 0.5);
  near(value(cat.batch(yc, pc, [2, 3], F([0.7, 0.3]))), 0.3);
  const sp = new SparseCategoricalAccuracy();
  const ys = F([2, 1]), ps = F([0.1, 0.6, 0.3, 0.05, 0.95, 0]);
  assert.equal(value(sp.batch(ys, ps, [2, 3], null)), 0.5);
  near(value(sp.batch(ys, ps, [2, 3], F([0.7, 0.3]))), 0.3);
});

test('accuracies agree with tf.metrics on random batches (2-D and 3-D)', () => {
  const r = new Random(5);
  for (const shape of [[16, 1], [16, 4], [3, 6, 5]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const C = shape[shape.length - 1];
    const E = n / C;
    const p = Float32Array.from({ length: n }, () => r.uniform());
    const yBin = Float32Array.from({ length: n }, () => (r.uniform() < 0.5 ? 0 : 1));
    const labels = Float32Array.from({ length: E }, () => r.int(C));
    const oneHot = new Float32Array(n);
    labels.forEach((k, e) => (oneHot[e * C + k] = 1));
    const tfMean = (t: tf.Tensor) => t.mean().dataSync()[0];
    const pt = tf.tensor(p, shape);
    near(value(new BinaryAccuracy().batch(yBin, p, shape, null)), tfMean(tf.metrics.binaryAccuracy(tf.tensor(yBin, shape), pt)));
    near(value(new CategoricalAccuracy().batch(oneHot, p, shape, null)), tfMean(tf.metrics.categoricalAccuracy(tf.tensor(oneHot, shape), pt)));
    near(value(new SparseCategoricalAccuracy().batch(labels, p, shape, null)),
      tfMean(tf.metrics.sparseCategoricalAccuracy(tf.tensor(labels, [...shape.slice(0, -1), 1]), pt)));
  }
});

test('binary accuracy: strict threshold, exact comparison with the target, mean over the last axis', () => {
  const m = new BinaryAccuracy();
  // p = 0.5 is not > 0.5 → predicts 0; a soft target 0.7 never equals 0 or 1 (Keras's equal)
  assert.deepEqual(m.batch(F([0, 1, 0.7, 1]), F([0.5, 0.51, 0.9, 0.2]), [2, 2], null), { sum: 1, count: 2 });
  assert.deepEqual(new BinaryAccuracy('acc', 0.8).batch(F([1, 0]), F([0.79, 0.81]), [2, 1], null), { sum: 0, count: 2 });
  assert.throws(() => new BinaryAccuracy('b', 1), /threshold must be in \(0, 1\), got 1/);
});

test('argmax ties go to the first index (as numpy / TF / tfjs)', () => {
  assert.equal(value(new SparseCategoricalAccuracy().batch(F([0, 1]), F([0.5, 0.5, 0.2, 0.2]), [2, 2], null)), 0.5);
  assert.equal(value(new CategoricalAccuracy().batch(F([0.5, 0.5]), F([0.1, 0.9]), [1, 2], null)), 0);
});

test('3-D outputs: Keras Mean units (count = samples), masks unscaled, weights give a weighted mean', () => {
  // B=2, T=3, C=2; step correctness: sample 0 → [1, 0, 1], sample 1 → [1, 1, 0]
  const labels = F([0, 1, 1, 1, 0, 1]);
  const p = F([0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.4, 0.6, 0.6, 0.4, 0.55, 0.45]);
  const m = new SparseCategoricalAccuracy();
  const plain = m.batch(labels, p, [2, 3, 2], null);
  near(plain.count, 2);
  near(plain.sum, 4 / 3);
  // mask the last step of sample 1 (a wrong one) and the middle step of sample 0 (a wrong one): 4 of 4 right
  const mask = Uint8Array.from([1, 0, 1, 1, 1, 0]);
  const masked = m.batch(labels, p, [2, 3, 2], null, mask);
  near(masked.count, 4 / 3);
  near(value(masked), 1);
  // per-sample weights [3, 1]: (3·2 + 1·2) / (3·3 + 1·3)
  near(value(m.batch(labels, p, [2, 3, 2], F([3, 1]))), 8 / 12);
  // weights and mask together: (3·2 + 1·2) / (3·2 + 1·2) = 1
  near(value(m.batch(labels, p, [2, 3, 2], F([3, 1]), mask)), 1);
});

test('epoch averaging Σ sum / Σ count over batches of different sizes is the mean over all samples', () => {
  const m = new CategoricalAccuracy();
  const b1 = m.batch(F([1, 0, 0, 1, 1, 0]), F([0.9, 0.1, 0.2, 0.8, 0.3, 0.7]), [3, 2], null); // 2 of 3
  const b2 = m.batch(F([0, 1]), F([0.6, 0.4]), [1, 2], null); // 0 of 1
  near((b1.sum + b2.sum) / (b1.count + b2.count), 2 / 4);
});

test('loss-valued metrics (mse, mae, crossentropies) give the per-sample loss mean', () => {
  const y = F([0, 1, 2, 3]), p = F([1, 1, 0, 3]);
  const mse = resolveMetric('mse', meanSquaredError(), [2, 2], [2, 2]);
  assert.equal(mse.name, 'mse');
  assert.deepEqual(mse.batch(y, p, [2, 2], null), { sum: 0.5 + 2, count: 2 });
  assert.equal(value(mse.batch(y, p, [2, 2], null)), meanSquaredError().compute(y, p, [2, 2], null, null));
  const mae = resolveMetric('mean_absolute_error', meanSquaredError(), [2, 2], [2, 2]);
  assert.equal(mae.name, 'mean_absolute_error');
  assert.deepEqual(mae.batch(y, p, [2, 2], null), { sum: 0.5 + 1, count: 2 });
  const scce = resolveMetric('sparse_categorical_crossentropy', getLoss('mse'), [2, 2], [2]);
  near(value(scce.batch(F([0, 1]), F([0.5, 0.5, 0.25, 0.75]), [2, 2], null)), (-Math.log(0.5) - Math.log(0.75)) / 2);
});

test("'accuracy' resolution table (Keras compile_utils.get_metric, plus tfjs's binary-crossentropy rule)", () => {
  const mse = meanSquaredError(), bce = binaryCrossentropy(), cce = categoricalCrossentropy(), scce = sparseCategoricalCrossentropy();
  const table: [number[], number[], Loss, string, string][] = [
    [[8, 1], [8, 1], mse, 'binary', 'one output unit'],
    [[8, 1], [8], bce, 'binary', 'one unit, rank-1 targets'],
    [[8, 4], [8, 4], cce, 'categorical', 'one-hot targets'],
    [[8, 4], [8], scce, 'sparse', 'targets of lower rank'],
    [[8, 4], [8, 1], cce, 'sparse', 'target last dim 1, prediction last dim > 1 (whatever the loss)'],
    [[8, 4], [8, 4], bce, 'binary', 'multi-label with binary crossentropy (tfjs; Keras would say categorical)'],
    [[8, 4], [8, 4], mse, 'categorical', 'same shapes, not binary crossentropy'],
    [[2, 5, 6], [2, 5], scce, 'sparse', 'sequence labels'],
    [[2, 5, 6], [2, 5, 1], scce, 'sparse', 'sequence labels with a trailing 1'],
    [[2, 5, 6], [2, 5, 6], cce, 'categorical', 'one-hot sequences'],
    [[2, 5, 1], [2, 5, 1], bce, 'binary', 'per-step binary'],
  ];
  const classes = { binary: BinaryAccuracy, sparse: SparseCategoricalAccuracy, categorical: CategoricalAccuracy };
  for (const [pred, y, loss, kind, why] of table) {
    assert.equal(accuracyKind(loss, pred, y), kind, why);
    for (const spec of ['accuracy', 'acc', 'ACC']) {
      const m = resolveMetric(spec, loss, pred, y);
      assert.ok(m instanceof classes[kind as keyof typeof classes], `${spec}: ${why}`);
      assert.equal(m.name, spec); // Keras 3 names the metric by the string given
    }
  }
});

test('metric names: as given (Keras 3), camelCase tfjs spellings accepted; Metric objects pass through; unknown names list the known ones', () => {
  const loss = meanSquaredError();
  assert.ok(resolveMetric('binaryAccuracy', loss, [4, 1], [4, 1]) instanceof BinaryAccuracy);
  assert.equal(resolveMetric('binary_accuracy', loss, [4, 1], [4, 1]).name, 'binary_accuracy');
  assert.equal(resolveMetric('categorical_accuracy', loss, [4, 3], [4, 3]).name, 'categorical_accuracy');
  assert.ok(resolveMetric('sparseCategoricalAccuracy', loss, [4, 3], [4]) instanceof SparseCategoricalAccuracy);
  assert.equal(resolveMetric('MSE', loss, [4, 3], [4, 3]).name, 'MSE');
  const custom: Metric = { name: 'mine', batch: () => ({ sum: 1, count: 1 }) };
  assert.equal(resolveMetric(custom, loss, [4, 1], [4, 1]), custom);
  assert.throws(() => resolveMetric('f1', loss, [4, 1], [4, 1]), (e: Error) =>
    e instanceof ValueError && /Unknown metric 'f1'. Known: accuracy \(acc\), binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, mse/.test(e.message));
  assert.throws(() => new SparseCategoricalAccuracy().batch(F([0, 1, 1]), new Float32Array(4), [2, 2], null), /3 target values .* \(expected 2\)/);
});
