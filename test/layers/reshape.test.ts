// Reshape: values against @tensorflow/tfjs, the -1 size, gradient check (alone and under an LSTM),
// errors, config, and a model that starts with one round-tripping through model.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { reshape } from '../../src/layers/reshape.js';
import { lstm } from '../../src/layers/lstm.js';
import { dense } from '../../src/layers/dense.js';
import { deserializeLayer } from '../../src/layers/registry.js';
import { ValueError } from '../../src/errors.js';
import { Sequential } from '../../src/model/sequential.js';
import { fromMemory, withSaveHandler } from '../../src/io/handlers.js';
import { loadLayersModel } from '../../src/io/load.js';
import type { ModelArtifacts } from '../../src/io/types.js';
import { layers } from '../../src/index.js';
import { setSeed } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { toTf } from '../helpers/rnn-compare.js';

await tf.setBackend('cpu');

test('Reshape: values in order (as tfjs), -1 inferred, output shapes', () => {
  const x = randomTensor([2, 12], 3);
  const y = reshape({ targetShape: [3, 4] }).apply(x) as Tensor;
  assert.deepEqual(y.shape, [2, 3, 4]);
  assert.deepEqual(y.dataSync(), (tf.layers.reshape({ targetShape: [3, 4] }).apply(toTf(x)) as tf.Tensor).dataSync());
  const y2 = reshape({ targetShape: [-1, 2] }).apply(randomTensor([2, 3, 4], 4)) as Tensor;
  assert.deepEqual(y2.shape, [2, 6, 2]);
  assert.equal(layers.reshape, reshape);
  assert.deepEqual(reshape({ targetShape: [3, 4] }).computeOutputShape([null, 12]), [null, 3, 4]);
  assert.deepEqual(reshape({ targetShape: [-1, 4] }).computeOutputShape([null, 2, 6]), [null, 3, 4]);
  // an unknown size per sample leaves the -1 unknown
  assert.deepEqual(reshape({ targetShape: [-1, 4] }).computeOutputShape([null, null, 4]), [null, null, 4]);
});

test('Reshape: gradient check alone and under an LSTM (the gradient reaches the input in the right order)', () => {
  gradCheck(reshape({ targetShape: [3, 4] }), randomTensor([2, 12], 5));
  gradCheck(reshape({ targetShape: [2, -1] }), randomTensor([3, 4, 2], 6));
  // Reshape → LSTM as one layer for the check: dL/dx of the pair must equal finite differences
  setSeed(2);
  const r = reshape({ targetShape: [3, 4] });
  const l = lstm({ units: 3, returnSequences: true });
  const x = randomTensor([2, 12], 7);
  l.ensureBuilt([null, 3, 4]);
  const rr = new Float32Array(2 * 3 * 3).map((_, i) => Math.sin(i + 1));
  const loss = (xt: Tensor) => {
    const y = l.forward(r.forward(xt, true, null), true, null);
    let s = 0;
    for (let i = 0; i < rr.length; i++) s += y.data[i] * rr[i];
    return s;
  };
  loss(x);
  const dx = r.backward(l.backward(new Tensor(rr.slice(), [2, 3, 3]))!).dataSync();
  assert.deepEqual(r.backward(new Tensor(new Float32Array(24).fill(1), [2, 3, 4])).shape, [2, 12]);
  const eps = 1e-2;
  for (let i = 0; i < 24; i++) {
    const o = x.data[i];
    x.data[i] = o + eps;
    const lp = loss(x);
    x.data[i] = o - eps;
    const lm = loss(x);
    x.data[i] = o;
    const num = (lp - lm) / (2 * eps);
    assert.ok(Math.abs(num - dx[i]) <= 2e-3 + 2e-2 * Math.abs(num), `dx[${i}]: backward ${dx[i]}, finite differences ${num}`);
  }
});

test('Reshape: errors name the shapes; config; registered for deserialization', () => {
  assert.throws(() => reshape({ targetShape: [3, 5] }).apply(randomTensor([2, 12], 1)), (e: Error) => e instanceof ValueError && /12 values per sample/.test(e.message) && /\[3, 5\]/.test(e.message));
  assert.throws(() => reshape({ targetShape: [-1, 5] }).apply(randomTensor([2, 12], 1)), (e: Error) => e instanceof ValueError && /multiple of 5/.test(e.message));
  assert.throws(() => reshape({ targetShape: [-1, -1] }), /at most one -1/);
  assert.throws(() => reshape({ targetShape: [0, 3] }), /positive integers/);
  assert.throws(() => reshape({ targetShape: [] }), /non-empty/);
  const built = reshape({ targetShape: [3, 4] });
  built.apply(randomTensor([2, 12], 1));
  assert.throws(() => built.apply(randomTensor([2, 13], 1)), (e: Error) => e instanceof ValueError && e.message.includes('(None, 12)'));
  const c = reshape({ targetShape: [3, -1], name: 'r' }).getConfig();
  assert.deepEqual(c.targetShape, [3, -1]);
  const back = deserializeLayer({ className: 'Reshape', config: c });
  assert.equal(back.className, 'Reshape');
  assert.deepEqual(back.computeOutputShape([null, 12]), [null, 3, 4]);
});

test('Reshape first in a model: predictions equal tfjs with the same weights; model.json round trip in tsrnn and tfjs', async () => {
  setSeed(11);
  const m = new Sequential({ layers: [reshape({ targetShape: [3, 4], inputShape: [12] }), lstm({ units: 5 }), dense({ units: 2, activation: 'softmax' })] });
  const x = randomTensor([4, 12], 12);
  const y = m.predict(x);
  const tm = tf.sequential({ layers: [tf.layers.reshape({ targetShape: [3, 4], inputShape: [12] }), tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
  tm.setWeights(m.getWeights().map((w) => tf.tensor(Array.from(w.data), w.shape)));
  const ty = (tm.predict(toTf(x)) as tf.Tensor).dataSync();
  for (let i = 0; i < ty.length; i++) assert.ok(Math.abs(ty[i] - y.data[i]) < 1e-5, `output ${i}: tsrnn ${y.data[i]}, tfjs ${ty[i]}`);
  let art: ModelArtifacts | null = null;
  await m.save(withSaveHandler((a) => ((art = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const back = await loadLayersModel(fromMemory(art!));
  assert.deepEqual(back.predict(x).dataSync(), y.dataSync());
  const tback = await tf.loadLayersModel(tf.io.fromMemory(art! as tf.io.ModelArtifacts));
  assert.equal(tback.layers[0].getClassName(), 'Reshape');
  const tby = (tback.predict(toTf(x)) as tf.Tensor).dataSync();
  for (let i = 0; i < tby.length; i++) assert.ok(Math.abs(tby[i] - y.data[i]) < 1e-5);
});
