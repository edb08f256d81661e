// weights.bin encoding: byte-identical to tfjs's encodeWeights, decoding of every stored dtype tfjs
// reads (float32, int32, bool, uint8/uint16/float16 quantized), and errors naming the weight cut off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { checkWeightBytes, crc32, decodeWeights, encodeWeights } from '../../src/io/weights.js';
import type { WeightsManifestEntry } from '../../src/io/types.js';

await tf.setBackend('cpu');

test('encodeWeights gives the same bytes and specs as tfjs io.encodeWeights', async () => {
  const k = Float32Array.from([0.1, -2.5, 3e-8, 1e30, -0, 7]);
  const b = Float32Array.from([1.5, -1.25]);
  const ours = encodeWeights([
    { name: 'simple_rnn/kernel', shape: [3, 2], values: k },
    { name: 'simple_rnn/bias', shape: [2], values: b },
  ]);
  const theirs = await tf.io.encodeWeights([
    { name: 'simple_rnn/kernel', tensor: tf.tensor2d(k, [3, 2]) },
    { name: 'simple_rnn/bias', tensor: tf.tensor1d(b) },
  ]);
  assert.deepEqual(ours.specs, theirs.specs);
  assert.deepEqual(new Uint8Array(ours.data), new Uint8Array(theirs.data as ArrayBuffer));
  // float32 little-endian: 1.5 is 0x3fc00000 → bytes 00 00 c0 3f
  assert.deepEqual([...new Uint8Array(ours.data, 24, 4)], [0x00, 0x00, 0xc0, 0x3f]);
});

test('decodeWeights reads back what tfjs encoded, per weight and in order', async () => {
  const k = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) * 10);
  const ids = Int32Array.from([3, -1, 7]);
  const enc = await tf.io.encodeWeights([
    { name: 'a/kernel', tensor: tf.tensor2d(k, [4, 3]) },
    { name: 'a/ids', tensor: tf.tensor1d(ids, 'int32') },
  ]);
  const dec = decodeWeights(enc.data as ArrayBuffer, enc.specs);
  assert.equal(dec.length, 2);
  assert.deepEqual(dec[0].values, k);
  assert.deepEqual(Array.from(dec[1].values), [3, -1, 7]);
  assert.equal(dec[1].spec.name, 'a/ids');
});

test('decodeWeights joins sharded weight data (an array of buffers)', () => {
  const { data, specs } = encodeWeights([{ name: 'w', shape: [5], values: Float32Array.from([1, 2, 3, 4, 5]) }]);
  const shards = [data.slice(0, 7), data.slice(7, 13), data.slice(13)];
  assert.deepEqual(Array.from(decodeWeights(shards, specs)[0].values), [1, 2, 3, 4, 5]);
});

test('quantized weights (uint8, uint16 affine; float16) decode as tfjs does', () => {
  // uint8: v*scale + min; uint16 likewise; float16 IEEE half
  const u8 = Uint8Array.from([0, 1, 255]);
  const u16 = new Uint16Array([0, 2, 65535]);
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x7c00]); // 1, -2, 0.333251953125, Infinity
  const bytes = new Uint8Array(3 + 6 + 8);
  bytes.set(u8, 0);
  bytes.set(new Uint8Array(u16.buffer), 3); // at an odd offset: decoding must not assume alignment
  bytes.set(new Uint8Array(f16.buffer), 9);
  const specs: WeightsManifestEntry[] = [
    { name: 'q8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
    { name: 'q16', shape: [3], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 2 } },
    { name: 'h', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'float16' } },
  ];
  const d = decodeWeights(bytes.buffer, specs);
  assert.deepEqual(Array.from(d[0].values), [-1, -0.5, 126.5]);
  assert.deepEqual(Array.from(d[1].values), [2, 2.5, 2 + 65535 * 0.25]);
  assert.deepEqual(Array.from(d[2].values), [1, -2, 0.333251953125, Infinity]);
  // and tfjs agrees
  const ref = tf.io.decodeWeights(bytes.buffer, specs as Parameters<typeof tf.io.decodeWeights>[1]);
  for (const [i, s] of specs.entries()) assert.deepEqual(Array.from(ref[s.name].dataSync()), Array.from(d[i].values), s.name);
});

test('truncated weight data: the error gives expected and actual bytes and names the weight cut off', () => {
  const { data, specs } = encodeWeights([
    { name: 'dense/kernel', shape: [4, 2], values: new Float32Array(8) },
    { name: 'dense/bias', shape: [2], values: new Float32Array(2) },
  ]);
  assert.throws(
    () => decodeWeights(data.slice(0, 34), specs, 'weights.bin'),
    (e: Error) => e.name === 'ValueError' && /weights\.bin is truncated: expected 40 bytes, got 34; weight 'dense\/bias'/.test(e.message),
  );
  assert.throws(() => decodeWeights(new ArrayBuffer(0), specs), /expected 40 bytes, got 0; weight 'dense\/kernel'/);
  assert.throws(() => checkWeightBytes(specs, 44, 'w.bin'), /w\.bin has 44 bytes but the manifest's 2 weights need exactly 40/);
});

test('crc32 is the IEEE CRC-32 (check value of "123456789" is cbf43926)', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});
