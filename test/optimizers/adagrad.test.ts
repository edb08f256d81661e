// Adagrad against tf.train.adagrad over 5 steps (the formulas are the same in Keras 3 and tfjs),
// Keras 3's own single-step and golden values, and the sparse (touched rows) update.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LayerVariable } from '../../src/layers/layer.js';
import { Adagrad } from '../../src/optimizers/adagrad.js';
import { train } from '../../src/optimizers/index.js';
import { assertTrajectoriesClose, kerasGolden, kerasSingleStep, makeProblem, runOurs, runTfjs } from './reference.js';

await tf.setBackend('cpu');

test('Adagrad matches tf.train.adagrad over 5 steps', () => {
  const p = makeProblem(41);
  assertTrajectoriesClose(runOurs(new Adagrad({ learningRate: 0.1 }), p), runTfjs(tf.train.adagrad(0.1), p), p, 'adagrad');
  assertTrajectoriesClose(runOurs(train.adagrad(0.2, 0.5), p), runTfjs(tf.train.adagrad(0.2, 0.5), p), p, 'adagrad acc 0.5');
});

test('Keras 3 Adagrad single step and golden values', () => {
  kerasSingleStep(new Adagrad({ learningRate: 0.5 }), [0.5233, 1.5007, 2.5005, 3.5061], 'Adagrad');
  const golden = [
    [0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963],
    [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
    [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
    [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
    [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825],
  ];
  kerasGolden(new Adagrad({ learningRate: 0.2, initialAccumulatorValue: 0.3, epsilon: 1e-6 }), golden, 'Adagrad');
});

test('Adagrad on touched rows equals the dense update over several steps', () => {
  const make = () => new LayerVariable('embeddings', [6, 2], Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)));
  const dense = make();
  const sparse = make();
  const od = new Adagrad({ learningRate: 0.3 });
  const os = new Adagrad({ learningRate: 0.3 });
  const rowsPerStep = [[0, 4], [4, 4, 2], [5]];
  rowsPerStep.forEach((rows, k) => {
    for (const v of [dense, sparse]) {
      v.grad.fill(0);
      for (const r of rows) {
        v.grad[2 * r] += 0.5 + k;
        v.grad[2 * r + 1] -= 1 / (k + 1);
      }
    }
    sparse.touchedRows = Int32Array.from(rows);
    od.applyGradients([dense]);
    os.applyGradients([sparse]);
  });
  assert.deepEqual(Array.from(sparse.value), Array.from(dense.value));
  assert.deepEqual(os.getWeights().map((w) => Array.from(w.value)), od.getWeights().map((w) => Array.from(w.value)));
});

test('Adagrad defaults (Keras: lr 0.001) and config', () => {
  const o = new Adagrad();
  assert.deepEqual(o.getConfig(), {
    learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7, clipnorm: null, globalClipnorm: null, clipvalue: null,
  });
  const v = new LayerVariable('b', [3], new Float32Array(3));
  o.applyGradients([v]);
  assert.deepEqual(Array.from(o.getWeights()[1].value), [0.1, 0.1, 0.1].map(Math.fround));
  assert.throws(() => new Adagrad({ initialAccumulatorValue: -1 }), /initialAccumulatorValue must be a number ≥ 0, got -1/);
});
