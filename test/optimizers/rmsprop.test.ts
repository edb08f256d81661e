// RMSprop (plain, momentum, centered) against tf.train.rmsprop over 5 steps, against a float64
// transcription of Keras 3's update (keras/src/optimizers/rmsprop.py), and Keras's own values.
// Deliberate difference: centered tfjs computes sqrt(v − a² − ε); Keras sqrt(v − a² + ε). With
// gradients of order 1 the two agree far below the tolerance; the Keras reference test uses tiny
// gradients where they do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LayerVariable } from '../../src/layers/layer.js';
import { RMSprop } from '../../src/optimizers/rmsprop.js';
import { train } from '../../src/optimizers/index.js';
import { assertTrajectoriesClose, kerasGolden, kerasSingleStep, makeProblem, runOurs, runReference, runTfjs } from './reference.js';

await tf.setBackend('cpu');

function kerasRmsprop(lr: number, rho: number, mu: number, eps: number, centered: boolean) {
  return (w: number, g: number, s: Record<string, number>) => {
    s.v = rho * (s.v ?? 0) + (1 - rho) * g * g;
    let d = s.v + eps;
    if (centered) {
      s.a = rho * (s.a ?? 0) + (1 - rho) * g;
      d = s.v - s.a * s.a + eps;
    }
    const inc = (lr * g) / Math.sqrt(d);
    if (mu > 0) {
      s.m = mu * (s.m ?? 0) + inc;
      return w - s.m;
    }
    return w - inc;
  };
}

test('RMSprop matches tf.train.rmsprop over 5 steps', () => {
  const p = makeProblem(31);
  assertTrajectoriesClose(runOurs(new RMSprop({ learningRate: 0.01 }), p), runTfjs(tf.train.rmsprop(0.01), p), p, 'rmsprop');
});

test('RMSprop with momentum and another rho matches tf.train.rmsprop', () => {
  const p = makeProblem(32);
  assertTrajectoriesClose(
    runOurs(new RMSprop({ learningRate: 0.01, rho: 0.8, momentum: 0.9 }), p),
    runTfjs(tf.train.rmsprop(0.01, 0.8, 0.9), p), p, 'rmsprop momentum',
  );
});

test('centered RMSprop (with and without momentum) matches tf.train.rmsprop', () => {
  // Any gradients, ε = 1e-12: tfjs's −ε and Keras's +ε are both negligible.
  const p = makeProblem(33);
  assertTrajectoriesClose(
    runOurs(new RMSprop({ learningRate: 0.01, centered: true, epsilon: 1e-12 }), p),
    runTfjs(tf.train.rmsprop(0.01, 0.9, 0, 1e-12, true), p), p, 'centered ε=1e-12',
  );
  assertTrajectoriesClose(
    runOurs(train.rmsprop(0.01, 0.9, 0.5, 1e-12, true), p), runTfjs(tf.train.rmsprop(0.01, 0.9, 0.5, 1e-12, true), p), p, 'centered momentum',
  );
  // Default ε = 1e-7 with gradients of magnitude ≥ 0.5: the sign of ε stays below the tolerance.
  const q = makeProblem(37, 5, 1, undefined, 0.5);
  assertTrajectoriesClose(
    runOurs(new RMSprop({ learningRate: 0.01, centered: true }), q), runTfjs(tf.train.rmsprop(0.01, 0.9, 0, undefined, true), q), q, 'centered',
  );
});

test('RMSprop variants follow the Keras 3 update (float64 reference), including centered + ε for tiny gradients', () => {
  const p = makeProblem(34);
  for (const [mu, centered] of [[0, false], [0.9, false], [0, true], [0.5, true]] as const) {
    const opt = new RMSprop({ learningRate: 0.01, rho: 0.8, momentum: mu, epsilon: 1e-3, centered });
    assertTrajectoriesClose(runOurs(opt, p), runReference(p, kerasRmsprop(0.01, 0.8, mu, 1e-3, centered)), p, `rmsprop μ=${mu} centered=${centered}`);
  }
  const tiny = makeProblem(35, 5, 3e-4);
  const ours = runOurs(new RMSprop({ learningRate: 0.01, centered: true }), tiny);
  assertTrajectoriesClose(ours, runReference(tiny, kerasRmsprop(0.01, 0.9, 0, 1e-7, true)), tiny, 'centered tiny vs Keras');
  // Here v − a² = 0.09·g² < ε at step 1: tfjs's sqrt(v − a² − ε) is the root of a negative number.
  const theirs = runTfjs(tf.train.rmsprop(0.01, 0.9, 0, undefined, true), tiny);
  assert.ok(ours[0].every((a) => a.every(Number.isFinite)));
  assert.ok(Number.isNaN(theirs[0][0][0]), `tfjs centered RMSprop gave ${theirs[0][0][0]}, expected NaN`);
});

test('Keras 3 RMSprop values: docstring example, single step, centered golden', () => {
  // keras.optimizers.RMSprop docstring: lr 0.1, var 10, loss var²/2 (grad = var) → 9.683772 after one step.
  const v = new LayerVariable('var1', [1], Float32Array.from([10]));
  v.grad[0] = 10;
  new RMSprop({ learningRate: 0.1 }).applyGradients([v]);
  assert.ok(Math.abs(v.value[0] - 9.683772) < 1e-6, `docstring example gives ${v.value[0]}`);
  kerasSingleStep(new RMSprop({ learningRate: 0.5 }), [-0.5811, 0.4189, 1.4189, 2.4189], 'RMSprop');
  kerasGolden(new RMSprop({ centered: true }), [[0.9967], [0.9933], [0.9908], [0.9885], [0.9864]], 'RMSprop centered');
});

test('RMSprop checks hyper-parameters as Keras 3 and names its state', () => {
  assert.throws(() => new RMSprop({ rho: 1.1 }), /rho must be in \[0, 1\], got 1.1/);
  assert.throws(() => new RMSprop({ momentum: -0.1 }), /momentum must be in \[0, 1\]/);
  assert.throws(() => new RMSprop({ epsilon: 0 }), /epsilon must be positive, got 0/);
  const o = new RMSprop({ momentum: 0.5, centered: true });
  runOurs(o, makeProblem(36, 1, 1, [[2]]));
  assert.deepEqual(o.getWeights().map((w) => w.name), ['iteration', '0/w0/velocity', '0/w0/momentum', '0/w0/average_gradient']);
  assert.deepEqual(o.getConfig(), {
    learningRate: 0.001, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: true, clipnorm: null, globalClipnorm: null, clipvalue: null,
  });
});
