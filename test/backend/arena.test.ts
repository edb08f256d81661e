// The wasm arena and the glue around it: blocks are aligned, disjoint, reused after free and merged with
// their neighbours; growing the memory leaves earlier views valid; arrays outside the arena (copied in and
// out around a call) give the same results as arrays inside it; the embedded binary matches assembly/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tsrnn from '../../src/index.js';
import { allocBytes, arenaFloat32, arenaStats, arenaMemory, freeView, inArena, release } from '../../src/kernels/arena.js';
import { setBackendSync } from '../../src/kernels/backend.js';
import { WASM_SOURCE_HASH } from '../../src/kernels/wasm-binary.js';
import { lstmForward, lstmBackward, LstmForwardBuffers, LstmBackwardBuffers } from '../../src/kernels/lstm.js';
import { Random } from '../../src/random.js';

assert.ok(setBackendSync('wasm'), 'the wasm backend is unavailable');

test('the embedded wasm binary was built from the current assembly/ sources (else: npm run build:wasm)', () => {
  const dir = 'assembly';
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    h.update(f);
    h.update(readFileSync(join(dir, f), 'utf8').replace(/\r\n/g, '\n'));
  }
  assert.equal(WASM_SOURCE_HASH, h.digest('hex'));
});

test('allocator: aligned disjoint blocks, free and coalesce, reuse', () => {
  const a = allocBytes(100), b = allocBytes(1000), c = allocBytes(64);
  for (const p of [a, b, c]) assert.equal(p % 64, 0);
  assert.ok(a + 128 <= b && b + 1024 <= c, `${a} ${b} ${c}`);
  release(b);
  assert.equal(allocBytes(1000), b, 'a freed block of the same size is reused');
  release(a);
  release(b); // a and b merge
  assert.equal(allocBytes(128 + 1024), a, 'neighbouring free blocks merge');
  release(a);
  release(c);
});

test('growth: views made before the memory grows keep their values and stay in the arena', () => {
  const v = arenaFloat32(1000);
  for (let i = 0; i < v.length; i++) v[i] = i;
  const before = arenaMemory()!.buffer.byteLength;
  const big = arenaFloat32((before / 4) * 2); // forces a growth
  assert.ok(arenaMemory()!.buffer.byteLength > before);
  assert.ok(inArena(v) && inArena(big));
  for (let i = 0; i < v.length; i++) assert.equal(v[i], i);
  big[big.length - 1] = 5;
  assert.equal(big[big.length - 1], 5);
  const s = arenaStats();
  freeView(big);
  assert.ok(arenaStats().inUse <= s.inUse - big.byteLength);
  assert.ok(!inArena(new Float32Array(4)));
});

test('arrays outside the arena are copied in and out: the same results as arena arrays', () => {
  const rng = new Random(3);
  const B = 5, T = 7, I = 3, U = 6, G = 4 * U;
  const rand = (n: number, arena: boolean) => {
    const a = arena ? arenaFloat32(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniformRange(-0.6, 0.6);
    return a;
  };
  const base = { x: rand(B * T * I, false), W: rand(I * G, false), Wh: rand(U * G, false), b: rand(G, false), dOut: rand(B * T * U, false) };
  const results = [false, true].map((arena) => {
    const cp = (a: Float32Array) => {
      const v = arena ? arenaFloat32(a.length) : new Float32Array(a.length);
      v.set(a);
      return v;
    };
    const z = (n: number) => (arena ? arenaFloat32(n) : new Float32Array(n));
    const p = { B, T, I, U, kernel: cp(base.W), recurrentKernel: cp(base.Wh), bias: cp(base.b), activation: 'tanh' as const, recurrentActivation: 'sigmoid' as const, mask: null, recDrop: null };
    const buf: LstmForwardBuffers = { gates: z(B * T * G), hPrev: z(B * T * U), cPrev: z(B * T * U), actC: z(B * T * U), step: z(B * G), hStep: z(B * U) };
    const bw: LstmBackwardBuffers = { dGates: z(B * T * G), dh: z(B * U), dc: z(B * U), step: z(B * G), hStep: z(B * U) };
    const out = z(B * T * U), h = z(B * U), c = z(B * U), dx = z(B * T * I);
    const grads = { kernel: z(I * G), recurrentKernel: z(U * G), bias: z(G) };
    lstmForward(p, cp(base.x), out, h, c, buf);
    assert.equal(buf.layout, 'wasm');
    lstmBackward(p, cp(base.x), cp(base.dOut), dx, grads, buf, bw, null);
    return [out, h, c, dx, grads.kernel, grads.recurrentKernel, grads.bias].map((a) => Array.from(a));
  });
  assert.deepEqual(results[0], results[1]);
});

test('training memory stays flat: no arena growth after the first epoch', async () => {
  tsrnn.setSeed(1);
  const data = tsrnn.multiplicationTask({ n: 128, timesteps: 15, seed: 1 });
  const m = tsrnn.sequential({ layers: [tsrnn.layers.gru({ units: 8, returnSequences: true, inputShape: [15, 2] }), tsrnn.layers.lstm({ units: 5 }), tsrnn.layers.dense({ units: 1 })] });
  m.compile({ optimizer: 'adam', loss: 'mse' });
  await m.fit(data.x, data.y, { epochs: 1, batchSize: 32, validationSplit: 0.25, verbose: 0 });
  const after1 = arenaStats();
  await m.fit(data.x, data.y, { epochs: 3, batchSize: 32, validationSplit: 0.25, verbose: 0 });
  const after4 = arenaStats();
  assert.equal(after4.inUse, after1.inUse, 'arena bytes in use changed between epochs');
  assert.equal(after4.memoryBytes, after1.memoryBytes);
});
