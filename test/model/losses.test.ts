// Every loss's value and gradient against @tensorflow/tfjs (tf.metrics per-entry losses and
// tf.losses for logits, reduced Keras-style Σ w·l / E, differentiated with tf.grad), on 2-D and 3-D
// predictions, with sample weights; masks against hand-computed Keras 3 values; finite differences
// where tfjs and Keras differ; label and shape errors; names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../src/errors.js';
import { BaseLoss } from '../../src/model/base-loss.js';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from '../../src/model/crossentropy-losses.js';
import { getLoss, Loss } from '../../src/model/losses.js';
import { meanAbsoluteError, meanSquaredError } from '../../src/model/regression-losses.js';
import { Random } from '../../src/random.js';

await tf.setBackend('cpu');

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => r.uniformRange(lo, hi));
}
function softmaxRows(x: Float32Array, C: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += C) {
    let m = -Infinity, z = 0;
    for (let c = 0; c < C; c++) m = Math.max(m, x[o + c]);
    for (let c = 0; c < C; c++) z += Math.exp(x[o + c] - m);
    for (let c = 0; c < C; c++) out[o + c] = Math.exp(x[o + c] - m) / z;
  }
  return out;
}
function oneHot(labels: Float32Array, C: number): Float32Array {
  const out = new Float32Array(labels.length * C);
  labels.forEach((k, e) => (out[e * C + k] = 1));
  return out;
}
function labelsOf(n: number, C: number, seed: number): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => r.int(C));
}

/**
 * tfjs reference: perEntry(y, p) gives the loss per entry (shape = predShape without the last axis);
 * the batch loss is Σ w·l / E with per-entry weights w (or 1). Returns the value and d/dp.
 */
function tfReference(
  perEntry: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor, yTrue: Float32Array, yShape: number[],
  yPred: Float32Array, predShape: number[], w: Float32Array | null,
): { value: number; grad: Float32Array } {
  return tf.tidy(() => {
    const y = tf.tensor(yTrue, yShape);
    const p = tf.tensor(yPred, predShape);
    const lead = predShape.slice(0, -1);
    const E = size(lead);
    const wt = w ? tf.tensor(w, lead) : tf.ones(lead);
    const f = (q: tf.Tensor) => tf.div(tf.sum(tf.mul(perEntry(y, q), wt)), E) as tf.Scalar;
    return { value: f(p).dataSync()[0], grad: tf.grad(f)(p).dataSync() as Float32Array };
  });
}

/** |a − b| ≤ tol·max(|b|, 1e-2·‖b‖∞) element-wise. */
function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): number {
  let inf = 0;
  for (let i = 0; i < b.length; i++) inf = Math.max(inf, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const scale = Math.max(Math.abs(b[i]), 1e-2 * inf, 1e-30);
    const err = Math.abs(a[i] - b[i]) / scale;
    worst = Math.max(worst, err);
    assert.ok(err <= tol, `${what}[${i}]: got ${a[i]}, want ${b[i]} (rel ${err.toExponential(2)})`);
  }
  return worst;
}

/** Runs ours and the tfjs reference and compares both value and gradient to 1e-5. */
function compareWithTfjs(
  loss: Loss, perEntry: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor, yTrue: Float32Array, yShape: number[],
  yPred: Float32Array, predShape: number[], weights: Float32Array | null, what: string, tfYTrue = yTrue, tfYShape = yShape,
  perEntryWeights: Float32Array | null = weights,
): void {
  loss.check(yTrue, yShape, predShape);
  const grad = new Float32Array(yPred.length);
  const value = loss.compute(yTrue, yPred, predShape, grad, weights);
  const ref = tfReference(perEntry, tfYTrue, tfYShape, yPred, predShape, perEntryWeights);
  assertClose([value], [ref.value], 1e-5, `${what} value`);
  assertClose(grad, ref.grad, 1e-5, `${what} grad`);
  // compute without grad gives the same value
  assert.equal(loss.compute(yTrue, yPred, predShape, null, weights), value);
}

/** Central differences of compute() (inputs are float32, so the actual step is measured): independent of tfjs. */
function finiteDifferenceCheck(loss: Loss, yTrue: Float32Array, yPred: Float32Array, predShape: number[], weights: Float32Array | null, what: string) {
  const grad = new Float32Array(yPred.length);
  loss.compute(yTrue, yPred, predShape, grad, weights);
  const p = yPred.slice();
  for (let i = 0; i < p.length; i++) {
    const h = 1e-3 * Math.max(1, Math.abs(yPred[i]));
    p[i] = yPred[i] + h;
    const up = loss.compute(yTrue, p, predShape, null, weights);
    p[i] = yPred[i] - h;
    const down = loss.compute(yTrue, p, predShape, null, weights);
    p[i] = yPred[i];
    const numeric = (up - down) / (Math.fround(yPred[i] + h) - Math.fround(yPred[i] - h));
    assert.ok(Math.abs(grad[i] - numeric) <= 2e-3 * Math.max(Math.abs(numeric), 1e-2), `${what} d/dp[${i}]: ${grad[i]} vs finite differences ${numeric}`);
  }
}

const mseTf = (y: tf.Tensor, p: tf.Tensor) => tf.metrics.meanSquaredError(y, p);
const maeTf = (y: tf.Tensor, p: tf.Tensor) => tf.metrics.meanAbsoluteError(y, p);
const bceTf = (y: tf.Tensor, p: tf.Tensor) => tf.metrics.binaryCrossentropy(y, p);
const cceTf = (y: tf.Tensor, p: tf.Tensor) => tf.metrics.categoricalCrossentropy(y, p);
const bceLogitsTf = (y: tf.Tensor, p: tf.Tensor) => tf.mean(tf.losses.sigmoidCrossEntropy(y, p, undefined, 0, tf.Reduction.NONE), -1);
const cceLogitsTf = (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p, undefined, 0, tf.Reduction.NONE);

const SHAPES_2D = [4, 3];
const SHAPES_3D = [2, 5, 3];

test('mean squared error: value and gradient match tfjs (2-D, 3-D, sample and per-step weights)', () => {
  for (const shape of [SHAPES_2D, SHAPES_3D, [6, 1]]) {
    const n = size(shape);
    const y = uniform(n, -2, 2, 1), p = uniform(n, -2, 2, 2);
    compareWithTfjs(meanSquaredError(), mseTf, y, shape, p, shape, null, `mse ${shape}`);
    const E = n / shape[shape.length - 1];
    const wEntry = uniform(E, 0, 2, 3);
    compareWithTfjs(meanSquaredError(), mseTf, y, shape, p, shape, wEntry, `mse ${shape} weighted`);
    // one weight per sample, spread over the sample's steps
    const B = shape[0], per = E / B;
    const wSample = uniform(B, 0, 2, 4);
    const spread = Float32Array.from({ length: E }, (_, e) => wSample[Math.floor(e / per)]);
    compareWithTfjs(meanSquaredError(), mseTf, y, shape, p, shape, wSample, `mse ${shape} sample weights`, y, shape, spread);
  }
  // targets of shape [B] for predictions [B, 1] (Keras squeezes / expands)
  const y = uniform(6, -1, 1, 5), p = uniform(6, -1, 1, 6);
  compareWithTfjs(meanSquaredError(), mseTf, y, [6], p, [6, 1], null, 'mse [B] vs [B,1]', y, [6, 1]);
});

test('mean absolute error: value and gradient match tfjs; zero difference has gradient 0 (TF sign)', () => {
  for (const shape of [SHAPES_2D, SHAPES_3D]) {
    const n = size(shape);
    const y = uniform(n, -2, 2, 11), p = uniform(n, -2, 2, 12);
    compareWithTfjs(meanAbsoluteError(), maeTf, y, shape, p, shape, null, `mae ${shape}`);
    compareWithTfjs(meanAbsoluteError(), maeTf, y, shape, p, shape, uniform(n / shape[shape.length - 1], 0, 2, 13), `mae ${shape} weighted`);
  }
  const g = new Float32Array(3);
  const v = meanAbsoluteError().compute(Float32Array.from([1, 2, 3]), Float32Array.from([1, 0, 4]), [1, 3], g, null);
  assert.ok(Math.abs(v - 1) < 1e-7);
  assert.deepEqual(Array.from(g), [0, -1 / 3, 1 / 3].map(Math.fround));
});

test('binary crossentropy on probabilities matches tfjs, including clipped predictions', () => {
  for (const shape of [[5, 1], SHAPES_2D, [2, 4, 2]]) {
    const n = size(shape);
    const p = uniform(n, 0.02, 0.98, 21);
    const hard = labelsOf(n, 2, 22);
    const soft = uniform(n, 0, 1, 23);
    compareWithTfjs(binaryCrossentropy(), bceTf, hard, shape, p, shape, null, `bce ${shape}`);
    compareWithTfjs(binaryCrossentropy(), bceTf, soft, shape, p, shape, uniform(n / shape[shape.length - 1], 0, 3, 24), `bce ${shape} soft weighted`);
  }
  // p outside [ε, 1−ε] is clipped: the value uses the clipped p, the gradient is 0 there.
  const y = Float32Array.from([1, 0, 1, 0, 1, 0]);
  const p = Float32Array.from([0, 1, 1e-9, 0.99999999, 0.3, 0.7]);
  compareWithTfjs(binaryCrossentropy(), bceTf, y, [2, 3], p, [2, 3], null, 'bce clipped');
  const g = new Float32Array(6);
  const v = binaryCrossentropy().compute(y, p, [2, 3], g, null);
  assert.deepEqual(Array.from(g.slice(0, 4)), [0, 0, 0, 0]);
  // hand value: (−ln ε − ln(1 − (1−ε)) ... ) with ε, 1−ε as float32
  const eps = Math.fround(1e-7), hi = Math.fround(1 - eps);
  const hand = (-Math.log(eps) - Math.log(1 - hi) - Math.log(eps) - Math.log(1 - hi) - Math.log(0.3) - Math.log(1 - 0.7)) / 6;
  assert.ok(Math.abs(v - hand) < 1e-5 * hand, `${v} vs ${hand}`);
});

test('binary crossentropy from logits matches tf.losses.sigmoidCrossEntropy and is stable for large logits', () => {
  for (const shape of [[5, 1], SHAPES_2D, [2, 4, 2]]) {
    const n = size(shape);
    const x = uniform(n, -6, 6, 31);
    const y = uniform(n, 0, 1, 32);
    compareWithTfjs(binaryCrossentropy({ fromLogits: true }), bceLogitsTf, y, shape, x, shape, null, `bce logits ${shape}`);
    compareWithTfjs(binaryCrossentropy({ fromLogits: true }), bceLogitsTf, y, shape, x, shape, uniform(n / shape[shape.length - 1], 0, 2, 33), `bce logits ${shape} w`);
  }
  const x = Float32Array.from([80, -80, 40, -40]);
  const y = Float32Array.from([0, 1, 1, 0]);
  compareWithTfjs(binaryCrossentropy({ fromLogits: true }), bceLogitsTf, y, [1, 4], x, [1, 4], null, 'bce large logits');
  const g = new Float32Array(4);
  const v = binaryCrossentropy({ fromLogits: true }).compute(y, x, [1, 4], g, null);
  assert.ok(Math.abs(v - 40) < 1e-9, `loss ${v}`); // (80 + 80 + 0 + 0) / 4
  assertClose(g, [0.25, -0.25, 0, Math.exp(-40) / 4], 1e-6, 'bce large logits grad'); // (σ(x) − y) / C
});

test('categorical crossentropy on probabilities matches tfjs (softmax rows, unnormalized rows, clipped entries)', () => {
  for (const shape of [SHAPES_2D, SHAPES_3D]) {
    const n = size(shape), C = shape[shape.length - 1];
    const p = softmaxRows(uniform(n, -3, 3, 41), C);
    const y = oneHot(labelsOf(n / C, C, 42), C);
    compareWithTfjs(categoricalCrossentropy(), cceTf, y, shape, p, shape, null, `cce ${shape}`);
    compareWithTfjs(categoricalCrossentropy(), cceTf, y, shape, p, shape, uniform(n / C, 0, 2, 43), `cce ${shape} weighted`);
    // Rows that do not sum to 1 are rescaled (Keras and tfjs); the gradient goes through the rescaling.
    const raw = uniform(n, 0.05, 1, 44);
    const soft = softmaxRows(uniform(n, -1, 1, 45), C);
    compareWithTfjs(categoricalCrossentropy(), cceTf, soft, shape, raw, shape, null, `cce ${shape} unnormalized, soft labels`);
  }
  // A zero probability on the target class is clipped to ε: value −ln ε, gradient zero for the row.
  const y = Float32Array.from([0, 1, 0, 1, 0, 0]);
  const p = Float32Array.from([0.5, 0, 0.5, 0.2, 0.3, 0.5]);
  compareWithTfjs(categoricalCrossentropy(), cceTf, y, [2, 3], p, [2, 3], null, 'cce clipped');
  const g = new Float32Array(6);
  categoricalCrossentropy().compute(y, p, [2, 3], g, null);
  assert.ok(g.slice(0, 3).every((x) => x === 0), `clipped row gradient ${g.slice(0, 3)}`);
  finiteDifferenceCheck(categoricalCrossentropy(), Float32Array.from([0.2, 0.5, 0.3]), Float32Array.from([0.3, 0.9, 0.4]), [1, 3], null, 'cce fd');
});

test('categorical crossentropy from logits matches tf.losses.softmaxCrossEntropy and is stable', () => {
  for (const shape of [SHAPES_2D, SHAPES_3D]) {
    const n = size(shape), C = shape[shape.length - 1];
    const x = uniform(n, -5, 5, 51);
    const y = oneHot(labelsOf(n / C, C, 52), C);
    compareWithTfjs(categoricalCrossentropy({ fromLogits: true }), cceLogitsTf, y, shape, x, shape, null, `cce logits ${shape}`);
    const soft = softmaxRows(uniform(n, -1, 1, 53), C);
    compareWithTfjs(categoricalCrossentropy({ fromLogits: true }), cceLogitsTf, soft, shape, x, shape, uniform(n / C, 0, 2, 54), `cce logits ${shape} soft w`);
  }
  // Logits far apart: the target's softmax is e^-200, far below ε; the stable form gives the exact 200
  // (tfjs-layers' categoricalCrossentropy(fromLogits) would clip to −ln ε ≈ 16.1).
  const g = new Float32Array(3);
  const v = categoricalCrossentropy({ fromLogits: true }).compute(Float32Array.from([1, 0, 0]), Float32Array.from([0, 200, 0]), [1, 3], g, null);
  assert.ok(Math.abs(v - 200) < 1e-9, `loss ${v}`);
  assert.deepEqual(Array.from(g), [-1, 1, 0]);
  // Labels that do not sum to 1: the gradient is the true one, (Σy)·softmax − y.
  finiteDifferenceCheck(categoricalCrossentropy({ fromLogits: true }), Float32Array.from([0.5, 1, 0]), Float32Array.from([0.3, -1, 2]), [1, 3], null, 'cce logits fd');
});

test('sparse categorical crossentropy equals categorical on one-hot targets (tfjs), all label layouts', () => {
  const cases: [number[], number[]][] = [
    [[6, 4], [6]], [[6, 4], [6, 1]], [[2, 3, 4], [2, 3]], [[2, 3, 4], [2, 3, 1]],
  ];
  for (const [shape, yShape] of cases) {
    const n = size(shape), C = shape[shape.length - 1], E = n / C;
    const labels = labelsOf(E, C, 61);
    const oh = oneHot(labels, C);
    const p = softmaxRows(uniform(n, -3, 3, 62), C);
    const w = uniform(E, 0, 2, 63);
    compareWithTfjs(sparseCategoricalCrossentropy(), cceTf, labels, yShape, p, shape, null, `scce ${shape} ${yShape}`, oh, shape);
    compareWithTfjs(sparseCategoricalCrossentropy(), cceTf, labels, yShape, p, shape, w, `scce ${shape} ${yShape} w`, oh, shape);
    const raw = uniform(n, 0.05, 1, 64);
    compareWithTfjs(sparseCategoricalCrossentropy(), cceTf, labels, yShape, raw, shape, null, `scce ${shape} unnormalized`, oh, shape);
    const x = uniform(n, -5, 5, 65);
    compareWithTfjs(sparseCategoricalCrossentropy({ fromLogits: true }), cceLogitsTf, labels, yShape, x, shape, w, `scce logits ${shape} ${yShape}`, oh, shape);
  }
});

test('masks follow Keras 3 apply_mask: Σ w·mask·l / Σmask (hand-computed)', () => {
  // mse on [B=2, T=3, 1]: per-step losses (p − y)²
  const y = Float32Array.from([0, 0, 0, 0, 0, 0]);
  const p = Float32Array.from([1, 2, 3, 4, 5, 6]); // l = 1, 4, 9, 16, 25, 36
  const mask = Uint8Array.from([1, 1, 0, 1, 0, 0]);
  const mse = meanSquaredError();
  const g = new Float32Array(6);
  assert.equal(mse.compute(y, p, [2, 3, 1], g, null, mask), (1 + 4 + 16) / 3);
  assert.deepEqual(Array.from(g), [2 / 3, 4 / 3, 0, 8 / 3, 0, 0].map(Math.fround));
  // with sample weights [2, 0.5]: (2·1 + 2·4 + 0.5·16) / 3 valid steps (Keras divides by Σmask, not Σw)
  assert.equal(mse.compute(y, p, [2, 3, 1], null, Float32Array.from([2, 0.5]), mask), (2 + 8 + 8) / 3);
  // the same through weights that already carry the mask, folded as mask·E/Σmask (model/batches.ts)
  const folded = Float32Array.from([2, 2, 0, 0.5, 0, 0].map((w) => (w * 6) / 3));
  assert.equal(mse.compute(y, p, [2, 3, 1], null, folded), (2 + 8 + 8) / 3);
  // sample weights without a mask: Σ w·l / E (no renormalization)
  assert.equal(mse.compute(y, p, [2, 3, 1], null, Float32Array.from([2, 0.5])), (2 * (1 + 4 + 9) + 0.5 * (16 + 25 + 36)) / 6);
  // nothing valid: 0 and a zero gradient (Keras's divide_no_nan)
  g.fill(7);
  assert.equal(mse.compute(y, p, [2, 3, 1], g, null, new Uint8Array(6)), 0);
  assert.deepEqual(Array.from(g), [0, 0, 0, 0, 0, 0]);
  // sparse crossentropy on [1, 3, 2] with the last step masked
  const probs = Float32Array.from([0.25, 0.75, 0.5, 0.5, 0.9, 0.1]);
  const labels = Float32Array.from([1, 0, 0]);
  const v = sparseCategoricalCrossentropy().compute(labels, probs, [1, 3, 2], null, null, Uint8Array.from([1, 1, 0]));
  assert.ok(Math.abs(v - (-Math.log(0.75) - Math.log(0.5)) / 2) < 1e-7);
});

test('check() validates shapes and targets, naming the value and its index', () => {
  const scce = sparseCategoricalCrossentropy();
  const p = [3, 4];
  assert.throws(() => scce.check(Float32Array.from([0, 2.5, 1]), [3], p), (e: Error) =>
    e instanceof ValueError && e.message === 'sparse_categorical_crossentropy: target 2.5 at index [1] is not an integer class id (4 classes)');
  assert.throws(() => scce.check(Float32Array.from([0, 1, 4]), [3, 1], p),
    /target 4 at index \[2, 0\] is out of range for 4 classes \(expected 0 to 3\)/);
  assert.throws(() => scce.check(Float32Array.from([-1, 1, 0]), [3], p), /target -1 at index \[0\] is out of range for 4 classes/);
  assert.throws(() => scce.check(Float32Array.from([0, NaN, 0]), [3], p), /target NaN at index \[1\] is not a finite number/);
  assert.throws(() => scce.check(Float32Array.from([0, 1, 1, 1, 2, 3]), [2, 3], [2, 4]),
    /targets must be integer class ids of shape \[2\] or \[2, 1\] for predictions of shape \[2, 4\], got \[2, 3\]/);
  assert.throws(() => scce.check(new Float32Array(12), [3, 4], p), /for one-hot targets use categorical_crossentropy/);
  assert.throws(() => scce.check(Float32Array.from([0, 3, 1, 2, 4, 1]), [2, 3], [2, 3, 4]), /target 4 at index \[1, 1\] is out of range/);
  scce.check(Float32Array.from([0, 3, 1, 2, 0, 1]), [2, 3], [2, 3, 4]);
  scce.check(Float32Array.from([0, 3, 1, 2, 0, 1]), [2, 3, 1], [2, 3, 4]);
  // compute refuses a bad label too (tfjs would silently give zero loss)
  assert.throws(() => scce.compute(Float32Array.from([0, 1, 9]), new Float32Array(12).fill(0.25), p, null, null), /label 9 .* \(4 classes\)/);
  const bce = binaryCrossentropy();
  assert.throws(() => bce.check(Float32Array.from([0, 1, 1.5, 0]), [2, 2], [2, 2]), /binary_crossentropy: target 1.5 at index \[1, 0\] is outside \[0, 1\]/);
  assert.throws(() => bce.check(Float32Array.from([0, -0.1]), [2], [2, 1]), /target -0.1 at index \[1\]/);
  bce.check(Float32Array.from([0, 1]), [2], [2, 1]);
  const cce = categoricalCrossentropy();
  assert.throws(() => cce.check(Float32Array.from([0, 2]), [2], [2, 3]), /targets of shape \[2\] do not match predictions of shape \[2, 3\]; the targets look like class ids: use sparse_categorical_crossentropy/);
  assert.throws(() => meanSquaredError().check(new Float32Array(6), [2, 3], [2, 2]), /mean_squared_error: targets of shape \[2, 3\] do not match predictions of shape \[2, 2\]/);
  assert.throws(() => meanSquaredError().compute(new Float32Array(5), new Float32Array(6), [2, 3], null, null), /5 target values for predictions of shape \[2, 3\] \(expected 6\)/);
  assert.throws(() => meanSquaredError().compute(new Float32Array(6), new Float32Array(6), [2, 3], null, new Float32Array(3)), /3 weights for a batch of 2 samples \(2 entries\); expected 2 or 2/);
});

test('getLoss: Keras and tfjs names, factories with fromLogits, unknown names', () => {
  const names: [string, string][] = [
    ['mse', 'mean_squared_error'], ['MSE', 'mean_squared_error'], ['meanSquaredError', 'mean_squared_error'],
    ['mean_squared_error', 'mean_squared_error'], ['MeanSquaredError', 'mean_squared_error'],
    ['mae', 'mean_absolute_error'], ['MAE', 'mean_absolute_error'], ['meanAbsoluteError', 'mean_absolute_error'],
    ['mean_absolute_error', 'mean_absolute_error'],
    ['binaryCrossentropy', 'binary_crossentropy'], ['binary_crossentropy', 'binary_crossentropy'], ['BinaryCrossentropy', 'binary_crossentropy'],
    ['categoricalCrossentropy', 'categorical_crossentropy'], ['categorical_crossentropy', 'categorical_crossentropy'],
    ['sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy'], ['sparse_categorical_crossentropy', 'sparse_categorical_crossentropy'],
  ];
  for (const [spec, name] of names) {
    const l = getLoss(spec);
    assert.equal(l.name, name, spec);
    assert.equal(l.fromLogits, false);
  }
  const custom = categoricalCrossentropy({ fromLogits: true });
  assert.equal(getLoss(custom), custom);
  assert.equal(custom.fromLogits, true);
  assert.deepEqual((custom as BaseLoss).getConfig(), { name: 'categorical_crossentropy', fromLogits: true });
  assert.throws(() => getLoss('hinge'), /Unknown loss 'hinge'. Known: mean_squared_error \(mse\), mean_absolute_error \(mae\), binary_crossentropy/);
  assert.throws(() => getLoss('softmaxCrossEntropy'), /tfjs: use categoricalCrossentropy/);
});
