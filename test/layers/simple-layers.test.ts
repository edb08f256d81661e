// Dropout, Activation, Flatten, RepeatVector: forward values (against @tensorflow/tfjs where the
// result is deterministic), gradient checks, masks, errors and configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Dropout, dropout } from '../../src/layers/dropout.js';
import { activation } from '../../src/layers/activation.js';
import { flatten } from '../../src/layers/flatten.js';
import { repeatVector } from '../../src/layers/repeat-vector.js';
import { resetLayerNames } from '../../src/layers/layer.js';
import { ACTIVATIONS } from '../../src/kernels/activations.js';
import { ValueError } from '../../src/errors.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { Pinned, relErr, toTf } from '../helpers/rnn-compare.js';

await tf.setBackend('cpu');

// ---- Dropout ----

test('Dropout: identity at inference; inverted dropout in training at the given rate', () => {
  const layer = dropout({ rate: 0.3, seed: 1 });
  const x = randomTensor([100, 100], 2);
  assert.equal(layer.forward(x, false, null), x);
  const y = layer.forward(x, true, null).dataSync();
  let zeros = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 0) zeros++;
    else assert.equal(y[i], Math.fround(x.data[i] * Math.fround(1 / 0.7)));
  }
  const frac = zeros / y.length;
  assert.ok(Math.abs(frac - 0.3) < 0.02, `dropped fraction ${frac}, expected about 0.3`);
  // backward: the same multipliers
  const dy = randomTensor([100, 100], 3);
  const dx = layer.backward(dy).dataSync();
  for (let i = 0; i < dx.length; i++) {
    const keep = y[i] === 0 ? 0 : Math.fround(1 / 0.7);
    assert.equal(dx[i], Math.fround(dy.data[i] * keep));
  }
  // rate 0 is the identity in training too
  const none = dropout({ rate: 0 });
  assert.equal(none.forward(x, true, null), x);
  assert.equal(none.backward(dy), dy);
});

test('Dropout: gradient check with the mask held fixed, with and without a noiseShape', () => {
  for (const noiseShape of [null, [null, 1, 4]]) {
    const layer = dropout({ rate: 0.4, seed: 5, noiseShape });
    const pinned = new Pinned(layer, () => (layer as unknown as { ownRng: { seed(s: number): void } }).ownRng.seed(5));
    gradCheck(pinned, randomTensor([3, 5, 4], 6), { eps: 1e-3 });
  }
});

test('Dropout: noiseShape shares one draw along its size-1 axes', () => {
  const layer = dropout({ rate: 0.5, noiseShape: [null, 1, 6], seed: 3 });
  const x = tensor(new Float32Array(4 * 7 * 6).fill(1), [4, 7, 6]);
  const y = layer.forward(x, true, null).dataSync();
  let dropped = 0;
  for (let b = 0; b < 4; b++) {
    for (let f = 0; f < 6; f++) {
      const first = y[(b * 7) * 6 + f];
      if (first === 0) dropped++;
      for (let t = 1; t < 7; t++) assert.equal(y[(b * 7 + t) * 6 + f], first, `b=${b} f=${f}: the mask changes along time`);
    }
  }
  assert.ok(dropped > 0 && dropped < 24);
  // a fixed noise shape that does not broadcast is an error naming both shapes
  assert.throws(() => dropout({ rate: 0.5, noiseShape: [4, 2, 6] }).forward(x, true, null), /does not broadcast to the input shape \[4,7,6\]/);
  assert.throws(() => dropout({ rate: 0.5, noiseShape: [null, 6] }).forward(x, true, null), /rank 2/);
});

test('Dropout: seeds — a layer seed repeats its masks, setSeed governs unseeded layers', () => {
  const x = randomTensor([20, 20], 1);
  const a = dropout({ rate: 0.5, seed: 42 }).forward(x, true, null).dataSync();
  const b = dropout({ rate: 0.5, seed: 42 }).forward(x, true, null).dataSync();
  assert.deepEqual(a, b);
  const u = dropout({ rate: 0.5 });
  setSeed(7);
  const c = u.forward(x, true, null).dataSync();
  setSeed(7);
  const d = u.forward(x, true, null).dataSync();
  assert.deepEqual(c, d);
  const e = u.forward(x, true, null).dataSync();
  assert.notDeepEqual(d, e);
});

test('Dropout: errors, mask pass-through, config', () => {
  assert.throws(() => dropout({ rate: 1 }), (e: Error) => e instanceof ValueError && /rate must be in \[0, 1\), got 1/.test(e.message));
  assert.throws(() => dropout({ rate: -0.1 }), ValueError);
  assert.throws(() => dropout({ rate: NaN }), ValueError);
  const layer = new Dropout({ rate: 0.25, seed: 3 });
  const m = Uint8Array.from([1, 0, 1]);
  assert.equal(layer.computeMask(randomTensor([1, 3, 2], 1), m), m);
  assert.deepEqual(layer.computeOutputShape([null, 3, 2]), [null, 3, 2]);
  const c = layer.getConfig();
  assert.equal(c.rate, 0.25);
  assert.equal(c.noiseShape, null);
  assert.equal(c.seed, 3);
  for (const k of Object.keys(tf.layers.dropout({ rate: 0.2 }).getConfig())) assert.ok(k in c, `getConfig lacks '${k}'`);
});

// ---- Activation ----

test('Activation: every activation agrees with tfjs and passes a gradient check', () => {
  let worst = 0;
  for (const name of ACTIVATIONS) {
    const layer = activation({ activation: name });
    // keep the inputs clear of the kinks (0, ±2.5, 6) where central differences mean nothing
    const x = randomTensor([2, 3, 5], 4, 3);
    for (let i = 0; i < x.size; i++) {
      for (const k of [-2.5, 0, 2.5]) if (Math.abs(x.data[i] - k) < 0.02) x.data[i] = k + 0.05;
    }
    gradCheck(layer, x, { eps: 1e-3 });
    if (name === 'exponential') continue; // not in tfjs
    const y = layer.forward(x, false, null).dataSync();
    const e = relErr(y, (tf.layers.activation({ activation: name as 'relu' }).apply(toTf(x)) as tf.Tensor).dataSync());
    assert.ok(e <= 1e-6, `${name}: differs from tfjs by ${e}`);
    worst = Math.max(worst, e);
  }
  console.log(`Activation vs tfjs: worst rel err ${worst.toExponential(2)}`);
});

test('Activation: softmax sums to 1 over the last axis; masks pass; config; errors', () => {
  const layer = activation({ activation: 'softmax' });
  const y = (layer.apply(randomTensor([2, 3, 4], 1, 5)) as Tensor).dataSync();
  for (let r = 0; r < 6; r++) {
    let s = 0;
    for (let j = 0; j < 4; j++) s += y[r * 4 + j];
    assert.ok(Math.abs(s - 1) < 1e-6);
  }
  const m = Uint8Array.from([1, 1, 0]);
  assert.equal(layer.computeMask(randomTensor([1, 3, 4], 1), m), m);
  assert.deepEqual(layer.computeOutputShape([null, 3, 4]), [null, 3, 4]);
  assert.equal(activation({ activation: 'hardSigmoid' }).getConfig().activation, 'hard_sigmoid');
  assert.throws(() => activation({ activation: 'wobble' }), /Unknown activation 'wobble'/);
  resetLayerNames();
  assert.equal(activation({ activation: 'relu' }).name, 'activation');
});

// ---- Flatten ----

test('Flatten: values in order (as tfjs), channels_first moves channels last, gradient check', () => {
  const x = randomTensor([2, 3, 2, 4], 8);
  const f = flatten();
  const y = f.apply(x) as Tensor;
  assert.deepEqual(y.shape, [2, 24]);
  assert.deepEqual(y.dataSync(), (tf.layers.flatten().apply(toTf(x)) as tf.Tensor).dataSync());
  const cf = flatten({ dataFormat: 'channelsFirst' });
  const ycf = cf.apply(x) as Tensor;
  assert.deepEqual(ycf.dataSync(), (tf.layers.flatten({ dataFormat: 'channelsFirst' }).apply(toTf(x)) as tf.Tensor).dataSync());
  assert.notDeepEqual(ycf.dataSync(), y.dataSync());
  gradCheck(flatten(), randomTensor([2, 3, 4], 9));
  gradCheck(flatten({ dataFormat: 'channels_first' }), randomTensor([2, 3, 2, 2], 9));
  assert.deepEqual(flatten().computeOutputShape([null, 3, 4, 5]), [null, 60]);
  assert.deepEqual(flatten().computeOutputShape([null, 7]), [null, 7]);
  assert.deepEqual((flatten().apply(tensor([1, 2, 3])) as Tensor).shape, [3, 1]);
});

test('Flatten: errors and config', () => {
  assert.throws(() => flatten().computeOutputShape([null, null, 4]), (e: Error) => e instanceof ValueError && /not fully defined/.test(e.message) && /\(None, None, 4\)/.test(e.message));
  const f = flatten();
  f.apply(randomTensor([2, 3, 4], 1));
  assert.throws(() => f.apply(randomTensor([2, 3, 5], 1)), (e: Error) => e instanceof ValueError && e.message.includes('(None, 3, 4)') && e.message.includes('[2, 3, 5]'));
  assert.throws(() => flatten({ dataFormat: 'nchw' as 'channelsLast' }), /dataFormat/);
  assert.equal(flatten().getConfig().dataFormat, 'channelsLast');
  assert.equal(f.computeMask(randomTensor([2, 3, 4], 1), Uint8Array.from([1, 1, 1, 1, 1, 1])), null);
});

// ---- RepeatVector ----

test('RepeatVector: agrees with tfjs, gradient sums the copies, errors, config', () => {
  const x = randomTensor([3, 4], 10);
  const r = repeatVector({ n: 5 });
  const y = r.apply(x) as Tensor;
  assert.deepEqual(y.shape, [3, 5, 4]);
  assert.deepEqual(y.dataSync(), (tf.layers.repeatVector({ n: 5 }).apply(toTf(x)) as tf.Tensor).dataSync());
  gradCheck(repeatVector({ n: 3 }), randomTensor([2, 4], 11));
  assert.deepEqual(r.computeOutputShape([null, 4]), [null, 5, 4]);
  assert.throws(() => r.computeOutputShape([null, 2, 4]), (e: Error) => e instanceof ValueError && /rank 2/.test(e.message) && /rank 3/.test(e.message));
  assert.throws(() => r.apply(randomTensor([3, 2, 4], 1)), /expected input of rank 2/);
  assert.throws(() => r.apply(randomTensor([3, 6], 1)), (e: Error) => e.message.includes('(None, 4)') && e.message.includes('[3, 6]'));
  assert.throws(() => repeatVector({ n: 0 }), /n must be a positive integer/);
  resetLayerNames();
  const named = repeatVector({ n: 2 });
  assert.equal(named.name, 'repeat_vector');
  assert.equal(named.getConfig().n, 2);
  for (const k of Object.keys(tf.layers.repeatVector({ n: 2 }).getConfig())) assert.ok(k in named.getConfig(), `getConfig lacks '${k}'`);
});
