// Adam (and AMSGrad) against tf.train.adam over 5 steps, against a float64 transcription of Keras 3's
// update (keras/src/optimizers/adam.py), and Keras 3's own single-step and golden values.
// Deliberate difference: Keras adds ε to sqrt(v) before bias correction, tfjs after; it shows only
// when gradients are near ε, which the last tfjs test exercises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../../src/optimizers/adam.js';
import { assertTrajectoriesClose, kerasGolden, kerasSingleStep, makeProblem, runOurs, runReference, runTfjs } from './reference.js';

await tf.setBackend('cpu');

/** Keras 3 Adam, element by element in float64. */
function kerasAdam(lr: number, b1: number, b2: number, eps: number, amsgrad = false) {
  return (w: number, g: number, s: Record<string, number>, t: number) => {
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    s.m = (s.m ?? 0) + (g - (s.m ?? 0)) * (1 - b1);
    s.v = (s.v ?? 0) + (g * g - (s.v ?? 0)) * (1 - b2);
    let v = s.v;
    if (amsgrad) v = s.vh = Math.max(s.vh ?? 0, s.v);
    return w - (s.m * alpha) / (Math.sqrt(v) + eps);
  };
}

test('Adam matches tf.train.adam over 5 steps (default betas and epsilon)', () => {
  // Gradient magnitudes in [0.5, 1): at step t Keras's ε weighs as much as ε/sqrt(1 − β₂ᵗ) does in
  // tfjs (31× at t = 1), a relative step difference of about 3e-6/|g|, which smaller gradients
  // would push past the tolerance (the ε test below covers that regime). tfjs also rounds β₂ᵗ to
  // float32 (1 − 0.999 is off by 1.3e-5), a relative step error of ~6e-6: hence lr 0.02, so that
  // steps of ~0.02 keep the values within 1e-6.
  const p = makeProblem(21, 5, 1, undefined, 0.5);
  const worst = assertTrajectoriesClose(runOurs(new Adam({ learningRate: 0.02 }), p), runTfjs(tf.train.adam(0.02), p), p, 'adam');
  assert.ok(worst < 1e-6);
});

test('Adam with other betas matches tf.train.adam', () => {
  const p = makeProblem(22, 5, 1, undefined, 0.5);
  assertTrajectoriesClose(
    runOurs(new Adam({ learningRate: 0.05, beta1: 0.5, beta2: 0.9 }), p),
    runTfjs(tf.train.adam(0.05, 0.5, 0.9), p), p, 'adam betas',
  );
});

test('Adam and AMSGrad follow the Keras 3 update (float64 reference)', () => {
  const p = makeProblem(23);
  assertTrajectoriesClose(runOurs(new Adam({ learningRate: 0.1, epsilon: 1e-3 }), p), runReference(p, kerasAdam(0.1, 0.9, 0.999, 1e-3)), p, 'adam vs Keras');
  // AMSGrad differs from Adam once v decreases: shrinking gradients and a short β₂ memory.
  const q = makeProblem(24, 5, 1, undefined, 0.5);
  q.grads.forEach((step, k) => step.forEach((g) => g.forEach((_, j) => (g[j] *= 4 ** -k))));
  const ours = runOurs(new Adam({ learningRate: 0.1, beta2: 0.5, amsgrad: true }), q);
  assertTrajectoriesClose(ours, runReference(q, kerasAdam(0.1, 0.9, 0.5, 1e-7, true)), q, 'amsgrad vs Keras');
  const plain = runReference(q, kerasAdam(0.1, 0.9, 0.5, 1e-7, false));
  const diff = Math.abs(ours[4][0][0] - plain[4][0][0]);
  assert.ok(diff > 1e-3, `amsgrad should differ from plain Adam here, differs by ${diff}`);
});

test('Keras epsilon placement differs from tfjs for gradients near epsilon', () => {
  const p = makeProblem(25, 5, 1e-6);
  const ours = runOurs(new Adam({ learningRate: 0.1 }), p);
  assertTrajectoriesClose(ours, runReference(p, kerasAdam(0.1, 0.9, 0.999, 1e-7)), p, 'adam tiny grads vs Keras');
  const theirs = runTfjs(tf.train.adam(0.1), p);
  // Step 1: Keras moves by lr·g/(|g| + ε), tfjs by lr·g/(|g| + ε·sqrt(1 − β₂)): visibly different for |g| ≈ 1e-6.
  const d = Math.abs((ours[0][1][0] - p.init[1][0]) - (theirs[0][1][0] - p.init[1][0]));
  assert.ok(d > 1e-4, `expected a Keras-vs-tfjs difference, got ${d}`);
});

test('Keras 3 Adam single step and AMSGrad golden values', () => {
  kerasSingleStep(new Adam({ learningRate: 0.5 }), [0.5, 1.5, 2.5, 3.5], 'Adam');
  kerasGolden(new Adam({ amsgrad: true }), [[0.999], [0.9982], [0.9974], [0.9965], [0.9955]], 'Adam amsgrad');
});

test('Adam state: moments named as Keras, config, defaults', () => {
  const o = new Adam({ amsgrad: true });
  assert.deepEqual([o.learningRate, o.beta1, o.beta2, o.epsilon], [0.001, 0.9, 0.999, 1e-7]);
  assert.deepEqual(o.getConfig(), {
    learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true, clipnorm: null, globalClipnorm: null, clipvalue: null,
  });
  const p = makeProblem(26, 2);
  runOurs(o, p);
  assert.deepEqual(o.getWeights().map((w) => w.name), [
    'iteration', '0/w0/momentum', '0/w0/velocity', '0/w0/velocity_hat', '1/w1/momentum', '1/w1/velocity', '1/w1/velocity_hat',
    '2/w2/momentum', '2/w2/velocity', '2/w2/velocity_hat',
  ]);
  assert.equal(o.iterations, 2);
  assert.throws(() => new Adam({ beta1: 1 }), /beta1 must be a number in \[0, 1\), got 1/);
});
