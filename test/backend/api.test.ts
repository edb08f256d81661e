// The public backend API: tsrnn.setBackend / getBackend / setNumThreads / getNumThreads / backendInfo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tsrnn from '../../src/index.js';

test('setBackend switches between js and wasm (async, as tf.setBackend) and rejects unknown names', async () => {
  assert.equal(await tsrnn.setBackend('js'), true);
  assert.equal(tsrnn.getBackend(), 'js');
  assert.equal(tsrnn.backendInfo().backend, 'js');
  assert.equal(await tsrnn.setBackend('wasm'), true);
  assert.equal(tsrnn.getBackend(), 'wasm');
  assert.equal(tsrnn.backendInfo().reason, '');
  await assert.rejects(tsrnn.setBackend('webgl' as 'js'), /unknown backend 'webgl'/);
  assert.equal(tsrnn.setBackendSync('js'), true);
  assert.equal(tsrnn.getBackend(), 'js');
  assert.equal(tsrnn.setBackendSync('wasm'), true);
});

test('a model built on one backend predicts the same on the other', async () => {
  await tsrnn.setBackend('wasm');
  tsrnn.setSeed(4);
  const m = tsrnn.sequential({ layers: [tsrnn.layers.gru({ units: 6, inputShape: [5, 3] }), tsrnn.layers.dense({ units: 2 })] });
  const x = tsrnn.tensor(Float32Array.from({ length: 4 * 5 * 3 }, (_, i) => Math.sin(i)), [4, 5, 3]);
  const a = m.predict(x).dataSync();
  await tsrnn.setBackend('js');
  const b = m.predict(x).dataSync();
  await tsrnn.setBackend('wasm');
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-6, `${a[i]} vs ${b[i]}`);
});

test('setNumThreads takes integers from 1 to 64', () => {
  const before = tsrnn.getNumThreads();
  tsrnn.setNumThreads(1);
  assert.equal(tsrnn.getNumThreads(), 1);
  tsrnn.setNumThreads(3);
  assert.equal(tsrnn.getNumThreads(), 3);
  assert.throws(() => tsrnn.setNumThreads(0), /integer in \[1, 64\]/);
  assert.throws(() => tsrnn.setNumThreads(1.5), /integer in \[1, 64\]/);
  tsrnn.setNumThreads(before);
});
