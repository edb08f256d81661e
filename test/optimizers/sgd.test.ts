// SGD (plain, momentum, Nesterov) against tf.train.sgd / tf.train.momentum on a 5-step gradient
// sequence, plus Keras 3's own single-step and golden values (keras/src/optimizers/sgd_test.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LayerVariable } from '../../src/layers/layer.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { assertTrajectoriesClose, kerasGolden, kerasSingleStep, makeProblem, runOurs, runReference, runTfjs } from './reference.js';

await tf.setBackend('cpu');

test('plain SGD matches tf.train.sgd over 5 steps', () => {
  const p = makeProblem(11);
  const worst = assertTrajectoriesClose(runOurs(new SGD({ learningRate: 0.1 }), p), runTfjs(tf.train.sgd(0.1), p), p, 'sgd');
  assert.ok(worst < 1e-6);
});

test('momentum SGD matches tf.train.momentum over 5 steps', () => {
  const p = makeProblem(12);
  assertTrajectoriesClose(runOurs(new SGD({ learningRate: 0.1, momentum: 0.9 }), p), runTfjs(tf.train.momentum(0.1, 0.9), p), p, 'momentum');
});

test('Nesterov SGD matches tf.train.momentum(useNesterov) over 5 steps', () => {
  const p = makeProblem(13);
  assertTrajectoriesClose(
    runOurs(new SGD({ learningRate: 0.05, momentum: 0.8, nesterov: true }), p),
    runTfjs(tf.train.momentum(0.05, 0.8, true), p), p, 'nesterov',
  );
});

test('momentum SGD follows Keras formulas (float64 reference) and stores Keras velocity m = μm − lr·g', () => {
  const p = makeProblem(14);
  const lr = 0.1, mu = 0.7;
  const ref = runReference(p, (w, g, s) => {
    s.m = mu * (s.m ?? 0) - lr * g;
    return w + mu * s.m - lr * g;
  });
  const opt = new SGD({ learningRate: lr, momentum: mu, nesterov: true });
  assertTrajectoriesClose(runOurs(opt, p), ref, p, 'nesterov vs Keras');
  // One step from zero state: m = −lr·g (negative of tfjs's accumulator, which is +g).
  const v = new LayerVariable('k', [2], Float32Array.from([1, 1]));
  v.grad.set([2, -4]);
  const o = new SGD({ learningRate: 0.5, momentum: 0.9 });
  o.applyGradients([v]);
  const m = o.getWeights().find((w) => w.name === '0/k/momentum')!;
  assert.deepEqual(Array.from(m.value), [-1, 2]);
  assert.deepEqual(Array.from(v.value), [0, 3]);
});

test('Keras 3 SGD single step and golden values', () => {
  kerasSingleStep(new SGD({ learningRate: 0.5 }), [0.5, -1.0, -0.5, 3.0], 'SGD');
  const golden = [
    [0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999],
    [0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899],
    [0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799],
    [0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699],
    [0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599],
  ];
  kerasGolden(new SGD({ nesterov: true }), golden, 'SGD');
});

test('plain SGD updates only the touched rows of an embedding-like weight', () => {
  const make = () => new LayerVariable('embeddings', [5, 3], Float32Array.from({ length: 15 }, (_, i) => i / 10));
  const dense = make();
  const sparse = make();
  for (const v of [dense, sparse]) {
    v.grad.fill(0);
    v.grad.set([1, 2, 3], 3); // row 1
    v.grad.set([-1, 0.5, 4], 9); // row 3
  }
  sparse.touchedRows = Int32Array.from([3, 1, 3]); // a repeated row is applied once
  new SGD({ learningRate: 0.1 }).applyGradients([dense]);
  new SGD({ learningRate: 0.1 }).applyGradients([sparse]);
  assert.deepEqual(Array.from(sparse.value), Array.from(dense.value));
  // Rows outside touchedRows are not visited at all (their gradient is expected to be zero).
  const v = make();
  v.grad.fill(1);
  v.touchedRows = Int32Array.from([0]);
  new SGD({ learningRate: 1 }).applyGradients([v]);
  assert.deepEqual(Array.from(v.value.slice(0, 6)), [-1, -0.9, -0.8, 0.3, 0.4, 0.5].map(Math.fround));
  v.touchedRows = Int32Array.from([7]);
  assert.throws(() => new SGD().applyGradients([v]), /touched row 7 is outside \[0, 5\)/);
});

test('SGD checks its hyper-parameters and Keras defaults', () => {
  const o = new SGD();
  assert.equal(o.learningRate, 0.01);
  assert.equal(o.momentum, 0);
  assert.equal(o.nesterov, false);
  assert.throws(() => new SGD({ momentum: 1.5 }), /momentum must be a number in \[0, 1\], got 1.5/);
  assert.throws(() => new SGD({ learningRate: -1 }), /learningRate must be a number ≥ 0, got -1/);
  assert.deepEqual(new SGD({ learningRate: 0.2, momentum: 0.5, nesterov: true }).getConfig(), {
    learningRate: 0.2, momentum: 0.5, nesterov: true, clipnorm: null, globalClipnorm: null, clipvalue: null,
  });
});
