import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as tsrnn from '../../src/index.js';
import { sequenceTask } from '../../src/data/seed-tasks.js';

await tf.setBackend('cpu');

function summaryLines(model: tsrnn.Sequential): string[] {
  const lines: string[] = [];
  model.summary(undefined, undefined, (l) => lines.push(l));
  return lines;
}

test('summary counts parameters as Keras does (seed experiments 1 and 2)', () => {
  const m1 = tsrnn.sequential({
    layers: [tsrnn.layers.simpleRNN({ units: 10, inputShape: [4, 1] }), tsrnn.layers.dense({ units: 1 })],
  });
  const l1 = summaryLines(m1);
  assert.equal(m1.countParams(), 131);
  assert.ok(l1.some((l) => /simple_rnn\S* \(SimpleRNN\)\s+\(None, 10\)\s+120/.test(l)), l1.join('\n'));
  assert.ok(l1.some((l) => /dense\S* \(Dense\)\s+\(None, 1\)\s+11/.test(l)), l1.join('\n'));
  assert.ok(l1.includes('Total params: 131'));
  assert.ok(l1.includes('Trainable params: 131'));
  assert.ok(l1.includes('Non-trainable params: 0'));

  const m2 = tsrnn.sequential({
    layers: [
      tsrnn.layers.simpleRNN({ units: 30, returnSequences: true, inputShape: [100, 2] }),
      tsrnn.layers.simpleRNN({ units: 30 }),
      tsrnn.layers.dense({ units: 1 }),
    ],
  });
  const l2 = summaryLines(m2);
  assert.ok(l2.some((l) => /\(None, 100, 30\)\s+990/.test(l)), l2.join('\n'));
  assert.ok(l2.some((l) => /\(None, 30\)\s+1830/.test(l)), l2.join('\n'));
  assert.ok(l2.includes('Total params: 2,851'));
});

test('getWeights returns Keras order and shapes; setWeights checks count and shapes', () => {
  const m = tsrnn.sequential({
    layers: [tsrnn.layers.simpleRNN({ units: 3, inputShape: [4, 2] }), tsrnn.layers.dense({ units: 1 })],
  });
  assert.deepEqual(m.getWeights().map((w) => w.shape), [[2, 3], [3, 3], [3], [3, 1], [1]]);
  assert.throws(() => m.setWeights(m.getWeights().slice(1)), /has 5 weight arrays.*got 4/);
  const ws = m.getWeights();
  ws[1] = tsrnn.tensor(new Float32Array(6), [2, 3]);
  assert.throws(() => m.setWeights(ws), /expects shape \[3,3\], got \[2,3\]/);
});

test('fit is deterministic by seed and returns Keras-named History', async () => {
  const { x, y } = sequenceTask();
  const run = async () => {
    tsrnn.setSeed(3);
    const m = tsrnn.sequential({
      layers: [tsrnn.layers.simpleRNN({ units: 10, inputShape: [4, 1] }), tsrnn.layers.dense({ units: 1 })],
    });
    m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy'] });
    const h = await m.fit(x, y, { epochs: 5, batchSize: 2, verbose: 0 });
    return { h, w: m.getWeights().map((t) => Array.from(t.dataSync())) };
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(a.h.history.loss, b.h.history.loss);
  assert.deepEqual(a.w, b.w);
  assert.deepEqual(Object.keys(a.h.history).sort(), ['accuracy', 'loss']);
  assert.equal(a.h.history.loss.length, 5);
  // binary accuracy (Keras's resolution for a 1-unit output): targets 0.4..0.9 never equal 0 or 1
  assert.deepEqual(a.h.history.accuracy, [0, 0, 0, 0, 0]);
  assert.ok(a.h.history.loss[4] < a.h.history.loss[0]);
});

test('validationSplit holds out the last samples, before shuffling', async () => {
  tsrnn.setSeed(1);
  const m = tsrnn.sequential({ layers: [tsrnn.layers.dense({ units: 1, inputShape: [1] })] });
  m.compile({ optimizer: tsrnn.train.sgd(0), loss: 'mse' });
  m.setWeights([tsrnn.tensor([[0]]), tsrnn.tensor([0])]);
  // 10 samples, split 0.2: train on y=0..7, validate on y=8,9 → val_loss = (64+81)/2 with zero weights
  const x = Array.from({ length: 10 }, () => [0]);
  const y = Array.from({ length: 10 }, (_, i) => [i]);
  const h = await m.fit(x, y, { epochs: 1, validationSplit: 0.2, verbose: 0 });
  assert.equal(h.history.val_loss[0], 72.5);
  assert.equal(h.history.loss[0], (0 + 1 + 4 + 9 + 16 + 25 + 36 + 49) / 8);
});

test('bad input gets a clear error', async () => {
  const m = tsrnn.sequential({
    layers: [tsrnn.layers.simpleRNN({ units: 2, inputShape: [4, 1] }), tsrnn.layers.dense({ units: 1 })],
  });
  await assert.rejects(m.fit([[[1], [2], [3], [4]]], [[1]]), /compiled/);
  m.compile({ optimizer: 'adam', loss: 'mse' });
  await assert.rejects(m.fit([[[1], [2], [3], [4]]], [[1], [2]], { verbose: 0 }), /x has 1, y has 2/);
  await assert.rejects(m.fit([[[1], [2], [3]]], [[1]], { verbose: 0 }), /expects input of shape \(None, 4, 1\).*got \[1, 3, 1\]/);
  await assert.rejects(m.fit([[1, 2, 3, 4]], [[1]], { verbose: 0 }), /rank 3.*rank 2/);
  await assert.rejects(m.fit([[[1], [NaN], [3], [4]]], [[1]], { verbose: 0 }), /x contains NaN at index \[0, 1, 0\]/);
  await assert.rejects(m.fit([[[1], [2], [3], [4]]], [[Infinity]], { verbose: 0 }), /y contains Infinity in sample 0/);
  await assert.rejects(m.fit([[[1], [2], [3], [4]]], [[1, 2]], { verbose: 0 }), /should have shape \(N, 1\).*got \[1, 2\]/);
  assert.throws(() => m.compile({ optimizer: 'adamm', loss: 'mse' }), /adamm/);
  assert.throws(() => m.compile({ optimizer: 'adam', loss: 'msee' }), /msee/);
  assert.throws(() => tsrnn.layers.dense({ units: 1, activation: 'relux' }), /Unknown activation 'relux'/);
});

test('training that hits NaN stops with a message naming the epoch and batch', async () => {
  tsrnn.setSeed(0);
  const m = tsrnn.sequential({ layers: [tsrnn.layers.dense({ units: 1, inputShape: [1] })] });
  m.compile({ optimizer: tsrnn.train.sgd(1e30), loss: 'mse' });
  const x = Array.from({ length: 8 }, (_, i) => [i * 1e10]);
  const y = Array.from({ length: 8 }, (_, i) => [i]);
  const warn = console.warn;
  const said: string[] = [];
  console.warn = (s: string) => said.push(s);
  try {
    const h = await m.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0, shuffle: false });
    assert.equal(h.history.loss.length, 1, 'only the first epoch is logged');
  } finally {
    console.warn = warn;
  }
  // batch 1's update overflows the weights to Infinity, so batch 2's loss is the first non-finite one
  assert.equal(m.stopReason, 'Epoch 1/5, batch 2/2: the loss is Infinity; training stopped before this update (lower the learning rate, or use clipnorm/clipvalue)');
  assert.deepEqual(said, [m.stopReason]);
});

test('earlyStopping stops and restores the best weights', async () => {
  tsrnn.setSeed(0);
  const m = tsrnn.sequential({ layers: [tsrnn.layers.dense({ units: 1, inputShape: [1] })] });
  // a learning rate that diverges: val_loss rises after the first epoch
  m.compile({ optimizer: tsrnn.train.sgd(1.5), loss: 'mse' });
  const x = [[1], [2], [-1], [0.5]];
  const y = [[2], [4], [-2], [1]];
  const seen: number[][] = [];
  const es = tsrnn.callbacks.earlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
  const h = await m.fit(x, y, {
    epochs: 20, batchSize: 4, verbose: 0, shuffle: false,
    callbacks: [{ onEpochEnd: () => void seen.push(Array.from(m.getWeights()[0].dataSync())) }, es],
  });
  const losses = h.history.loss;
  assert.ok(losses.length < 20, `stopped early (${losses.length} epochs)`);
  assert.equal(es.bestEpoch, losses.indexOf(Math.min(...losses)));
  const best = losses.indexOf(Math.min(...losses));
  assert.deepEqual(Array.from(m.getWeights()[0].dataSync()), seen[best]);
});

test('predict and one SGD step agree with @tensorflow/tfjs (stacked SimpleRNN → Dense)', async () => {
  tsrnn.setSeed(5);
  const m = tsrnn.sequential({
    layers: [
      tsrnn.layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [6, 3] }),
      tsrnn.layers.simpleRNN({ units: 5, goBackwards: true }),
      tsrnn.layers.dense({ units: 2, activation: 'tanh' }),
    ],
  });
  const t = tf.sequential({
    layers: [
      tf.layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [6, 3] }),
      tf.layers.simpleRNN({ units: 5, goBackwards: true }),
      tf.layers.dense({ units: 2, activation: 'tanh' }),
    ],
  });
  t.setWeights(m.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape)));
  const rng = new tsrnn.Random(9);
  const xs = Array.from({ length: 7 }, () => Array.from({ length: 6 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const ys = Array.from({ length: 7 }, () => [rng.normal(), rng.normal()]);
  const ours = m.predict(xs).dataSync();
  const theirs = (t.predict(tf.tensor(xs)) as tf.Tensor).dataSync();
  for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - theirs[i]) < 1e-5, `predict[${i}]: ${ours[i]} vs ${theirs[i]}`);

  m.compile({ optimizer: tsrnn.train.sgd(0.1), loss: 'mse' });
  t.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  await m.fit(xs, ys, { epochs: 1, batchSize: 7, shuffle: false, verbose: 0 });
  await t.fit(tf.tensor(xs), tf.tensor(ys), { epochs: 1, batchSize: 7, shuffle: false, verbose: 0 });
  const a = m.getWeights();
  const b = t.getWeights();
  a.forEach((w, k) => {
    const u = w.dataSync();
    const v = b[k].dataSync();
    for (let i = 0; i < u.length; i++) assert.ok(Math.abs(u[i] - v[i]) < 1e-5, `weight ${k}[${i}]: ${u[i]} vs ${v[i]}`);
  });
});
