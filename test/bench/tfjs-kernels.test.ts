// The UnsortedSegmentSum kernels the benchmark registers in tfjs (bench/tfjs-kernels.ts): the 'cpu'
// replacement agrees with the kernel tfjs ships, the 'wasm' addition agrees with both, and tfjs's Embedding
// gradient (gather → unsortedSegmentSum) comes out the same through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { addWasmSegmentSum, patchCpuSegmentSum } from '../../bench/tfjs-kernels.js';

const ids = [3, 0, 3, 7, -1, 2, 9, 3]; // -1 and 9 (≥ numSegments 8) are dropped, as in TensorFlow
const X = Array.from({ length: ids.length * 6 }, (_, i) => Math.sin(i * 1.3) * 2);

function segmentSums(): { out: Float32Array; shape: number[]; embGrad: Float32Array } {
  const x = tf.tensor(X, [ids.length, 2, 3]);
  const s = tf.tensor1d(ids, 'int32');
  const r = tf.unsortedSegmentSum(x, s, 8);
  // the Embedding path: d/dtable of Σ gather(table, idx) ⊙ w
  const table = tf.tensor(Array.from({ length: 8 * 6 }, (_, i) => i / 10), [8, 6]);
  const idx = tf.tensor1d([1, 5, 1, 1, 0, 7], 'int32');
  const w = tf.tensor(Array.from({ length: 36 }, (_, i) => Math.cos(i)), [6, 6]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), w)))(table);
  return { out: r.dataSync() as Float32Array, shape: r.shape, embGrad: g.dataSync() as Float32Array };
}

function expected(): Float32Array {
  const out = new Float32Array(8 * 6);
  ids.forEach((s, i) => {
    if (s >= 0 && s < 8) for (let j = 0; j < 6; j++) out[s * 6 + j] += X[i * 6 + j];
  });
  return out;
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
}

test('cpu: the patched UnsortedSegmentSum equals the shipped one, and the Embedding gradient too', async () => {
  await tf.setBackend('cpu');
  const shipped = segmentSums();
  assert.deepEqual(shipped.shape, [8, 2, 3]);
  assertClose(shipped.out, expected());
  patchCpuSegmentSum(tf);
  const patched = segmentSums();
  assert.deepEqual(patched.shape, [8, 2, 3]);
  assertClose(patched.out, shipped.out);
  assertClose(patched.embGrad, shipped.embGrad);
  // the gradient of rows never gathered is zero, row 1 got three contributions
  assert.equal(patched.embGrad[2 * 6], 0);
});

test('wasm: the added UnsortedSegmentSum matches the cpu result', async () => {
  const require = createRequire(import.meta.url);
  setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  assert.equal(await tf.setBackend('wasm'), true);
  assert.equal(tf.getKernel('UnsortedSegmentSum', 'wasm'), undefined, 'tfjs-wasm 4.22 ships no UnsortedSegmentSum');
  await tf.setBackend('cpu');
  const ref = segmentSums();
  await tf.setBackend('wasm');
  addWasmSegmentSum(tf);
  const w = segmentSums();
  assert.deepEqual(w.shape, [8, 2, 3]);
  assertClose(w.out, ref.out);
  assertClose(w.embGrad, ref.embGrad);
});
