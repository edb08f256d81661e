// The wasm kernels on 1 and 2 threads: a call split over the batch (each chunk's weight gradients summed
// after) gives the outputs of one thread exactly (rows are independent) and the gradients to float
// rounding; a worker really takes part (it reports ready, and the results stay right while it runs chunks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tsrnn from '../../src/index.js';
import { setBackendSync } from '../../src/kernels/backend.js';
import { setParallelThreshold } from '../../src/kernels/wasm.js';
import { readyWorkers } from '../../src/kernels/threads.js';
import { Layer } from '../../src/layers/layer.js';
import { randomTensor } from '../helpers/gradcheck.js';
import { randomizeWeights } from '../helpers/rnn-compare.js';

assert.ok(setBackendSync('wasm'), 'the wasm backend is unavailable');
setParallelThreshold(0); // split even these small shapes

const MASK = Uint8Array.from({ length: 7 * 9 }, (_, i) => (i % 9 < 7 - (i % 4) ? 1 : 0)); // ragged right padding

function runOnce(l: Layer, x: tsrnn.Tensor, mask: Uint8Array | null) {
  for (const w of l.weights) w.grad.fill(0);
  const y = l.forward(x, true, mask).dataSync();
  const dx = l.backward(randomTensor(l.computeOutputShape([x.shape[0], x.shape[1], x.shape[2]]) as number[], 5))!.dataSync();
  return { y, dx, grads: l.weights.map((w) => w.grad.slice()) };
}

function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-12);
}

async function workerReady(): Promise<void> {
  for (let i = 0; i < 200 && readyWorkers() < 1; i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(readyWorkers() >= 1, 'no worker thread became ready');
}

test('1 vs 2 threads: SimpleRNN, LSTM, GRU (both forms) and Dense give the same outputs and gradients', async () => {
  tsrnn.setNumThreads(2);
  // the first parallel call starts the worker; wait for it so the 2-thread runs below really share the work
  const warm = tsrnn.layers.lstm({ units: 4 });
  warm.ensureBuilt([null, 9, 5]);
  warm.forward(randomTensor([7, 9, 5], 1), false, null);
  await workerReady();

  const x = randomTensor([7, 9, 5], 2);
  const makers: [string, () => Layer][] = [
    ['simpleRNN', () => tsrnn.layers.simpleRNN({ units: 10, returnSequences: true, recurrentDropout: 0.2, seed: 3 })],
    ['lstm', () => tsrnn.layers.lstm({ units: 10, returnSequences: true, recurrentDropout: 0.2, seed: 3 })],
    ['gru', () => tsrnn.layers.gru({ units: 10, returnSequences: true, recurrentDropout: 0.2, seed: 3 })],
    ['gru resetBefore', () => tsrnn.layers.gru({ units: 10, resetAfter: false, recurrentDropout: 0.2, seed: 3 })],
    ['dense', () => tsrnn.layers.dense({ units: 13, activation: 'tanh' })],
  ];
  for (const [k, [what, make]] of makers.entries()) {
    for (const mask of what === 'dense' ? [null] : [null, MASK]) {
      const results = [1, 2].map((threads) => {
        tsrnn.setNumThreads(threads);
        const l = make();
        l.ensureBuilt([null, 9, 5]);
        randomizeWeights(l, 10 + k, 0.5);
        return runOnce(l, x, mask);
      });
      const [one, two] = results;
      assert.deepEqual(two.y, one.y, `${what}: outputs differ between 1 and 2 threads`);
      assert.ok(relErr(two.dx, one.dx) <= 1e-6, `${what}: dx differs by ${relErr(two.dx, one.dx)}`);
      one.grads.forEach((g, j) => {
        const e = relErr(two.grads[j], g);
        assert.ok(e <= 1e-5, `${what} mask=${!!mask}: weight ${j} gradient differs by ${e} between 1 and 2 threads`);
      });
    }
  }
});

test('2 threads train a model to the same losses as 1 thread (to float rounding)', async () => {
  const data = tsrnn.multiplicationTask({ n: 64, timesteps: 12, seed: 4 });
  const losses: number[][] = [];
  for (const threads of [1, 2]) {
    tsrnn.setNumThreads(threads);
    tsrnn.setSeed(7);
    const m = tsrnn.sequential({
      layers: [tsrnn.layers.lstm({ units: 8, returnSequences: true, inputShape: [12, 2] }), tsrnn.layers.simpleRNN({ units: 6 }), tsrnn.layers.dense({ units: 1 })],
    });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const h = await m.fit(data.x, data.y, { epochs: 2, batchSize: 16, verbose: 0 });
    losses.push(h.history.loss as number[]);
  }
  losses[0].forEach((l, e) => assert.ok(Math.abs(l - losses[1][e]) <= 1e-5 * l, `epoch ${e + 1}: ${l} vs ${losses[1][e]}`));
});

test('predict on 2 threads runs two batches per call: the same outputs as 1 thread, bit for bit; stateful models keep their batches', async () => {
  const x = randomTensor([37, 9, 3], 11); // 37 rows: batches of 8 grouped in pairs, the last group short
  const xs = randomTensor([12, 5, 3], 12); // stateful: 3 batches of 4 rows carry their states along
  const outputs: Float32Array[][] = [];
  const calls: number[] = [];
  for (const threads of [1, 2]) {
    tsrnn.setNumThreads(threads);
    if (threads === 2) await workerReady();
    tsrnn.setSeed(5);
    const m = tsrnn.sequential({
      layers: [
        tsrnn.layers.masking({ maskValue: 0, inputShape: [9, 3] }),
        tsrnn.layers.bidirectional({ layer: tsrnn.layers.lstm({ units: 6, returnSequences: true }) }),
        tsrnn.layers.gru({ units: 5, returnSequences: true }),
        tsrnn.layers.simpleRNN({ units: 4 }),
        tsrnn.layers.dense({ units: 2 }),
      ],
    });
    const s = tsrnn.sequential({
      layers: [tsrnn.layers.lstm({ units: 6, stateful: true, batchInputShape: [4, 5, 3] }), tsrnn.layers.dense({ units: 1 })],
    });
    const head = m.layers[4], forward = head.forward.bind(head);
    let n = 0;
    head.forward = (...a: Parameters<typeof forward>) => (n++, forward(...a));
    outputs.push([m.predict(x, { batchSize: 8 }).dataSync(), s.predict(xs, { batchSize: 4 }).dataSync()]);
    calls.push(n);
  }
  assert.deepEqual(calls, [5, 3], 'forward calls for 37 rows in batches of 8: 5 on one thread, 3 (pairs) on two');
  assert.deepEqual(outputs[1][0], outputs[0][0], 'grouped batches change the outputs');
  assert.deepEqual(outputs[1][1], outputs[0][1], 'stateful predict changed with the thread count');
  tsrnn.setNumThreads(1);
});
