// Length-sorted batching and the epoch loop over batches of different shapes (src/tasks/bucketed-fit.ts):
// every example once per epoch, little padding, reproducible order; Keras's callback hooks and logs;
// the best epoch's weights restored at the end (Keras 3), stopped early or not; NaN stops training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EarlyStopping } from '../../src/model/callbacks.js';
import { layers } from '../../src/layers/index.js';
import { sequential } from '../../src/model/sequential.js';
import { padSequences } from '../../src/data/pad-sequences.js';
import { Random } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';
import { Batch, fitBatches, lengthBatches } from '../../src/tasks/bucketed-fit.js';

test('lengthBatches: each index once, sorted lengths within a batch, a seeded order', () => {
  const r = new Random(5);
  const lengths = Array.from({ length: 103 }, () => 1 + r.int(40));
  const batches = lengthBatches(lengths, 8, new Random(1));
  assert.equal(batches.length, 13);
  assert.deepEqual(batches.flat().sort((a, b) => a - b), Array.from({ length: 103 }, (_, i) => i));
  // sorted by length: a batch spans a narrow range, and the batches' ranges do not overlap
  const ranges = batches.map((b) => [Math.min(...b.map((i) => lengths[i])), Math.max(...b.map((i) => lengths[i]))]).sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < ranges.length; k++) assert.ok(ranges[k][0] >= ranges[k - 1][1], `batch ranges overlap: ${ranges[k - 1]} / ${ranges[k]}`);
  const padding = batches.reduce((n, b) => n + b.length * Math.max(...b.map((i) => lengths[i])), 0) / lengths.reduce((a, b) => a + b, 0);
  assert.ok(padding < 1.1, `padded steps / real steps = ${padding}`);
  assert.deepEqual(lengthBatches(lengths, 8, new Random(1)), batches, 'same seed, same batches');
  assert.notDeepEqual(lengthBatches(lengths, 8, new Random(2)), batches);
  // no rng: shortest first, ties in index order
  assert.deepEqual(lengthBatches([3, 1, 2, 1], 2), [[1, 3], [2, 0]]);
  assert.throws(() => lengthBatches([1], 0), /batchSize must be a positive integer, got 0/);
});

/** A tiny classifier: Embedding → LSTM → Dense(sigmoid); label = whether id 2 occurs in the sequence. */
function tinyTask(seed: number) {
  const r = new Random(seed);
  const seqs: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 48; i++) {
    const len = 1 + r.int(6);
    const s = Array.from({ length: len }, () => 1 + r.int(4));
    seqs.push(s);
    labels.push(s.includes(2) ? 1 : 0);
  }
  const model = sequential({
    layers: [layers.embedding({ inputDim: 5, outputDim: 4, maskZero: true }), layers.lstm({ units: 6 }), layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const batches = (rng: Random): Batch[] =>
    lengthBatches(seqs.map((s) => s.length), 8, rng).map((idx) => ({
      x: padSequences(idx.map((i) => seqs[i])),
      y: new Tensor(Float32Array.from(idx, (i) => labels[i]), [idx.length, 1]),
    }));
  return { model, batches, seqs, labels };
}

test('fitBatches: the hooks fit calls, per-epoch logs with val_ entries, and batches of different lengths', async () => {
  const { model, batches } = tinyTask(1);
  const rng = new Random(3);
  const calls: string[] = [];
  const shapes = new Set<number>();
  let params: Record<string, unknown> = {};
  const history = await fitBatches(model, {
    epochs: 3,
    batches: (epoch) => {
      calls.push(`batches ${epoch}`);
      const b = batches(rng);
      b.forEach((x) => shapes.add(x.x.shape[1]));
      return b;
    },
    validate: () => ({ loss: 0.5, accuracy: 0.25 }),
    callbacks: {
      setParams: (p) => (params = { ...p }),
      onTrainBegin: () => void calls.push('train begin'),
      onEpochBegin: (e) => void calls.push(`epoch ${e}`),
      onBatchEnd: (b, logs) => {
        if (b === 0) calls.push(`batch 0 ${Object.keys(logs ?? {}).join(',')}`);
      },
      onEpochEnd: (e, logs) => void calls.push(`end ${e} ${Object.keys(logs ?? {}).join(',')}`),
      onTrainEnd: () => void calls.push('train end'),
    },
  });
  assert.deepEqual(calls, [
    'batches 0', 'train begin',
    'epoch 0', 'batch 0 batch,size,loss,accuracy', 'end 0 loss,accuracy,val_loss,val_accuracy',
    'batches 1', 'epoch 1', 'batch 0 batch,size,loss,accuracy', 'end 1 loss,accuracy,val_loss,val_accuracy',
    'batches 2', 'epoch 2', 'batch 0 batch,size,loss,accuracy', 'end 2 loss,accuracy,val_loss,val_accuracy',
    'train end',
  ]);
  assert.ok(shapes.size > 3, 'batches are padded to their own lengths');
  assert.equal(params.steps, 6);
  assert.equal(params.samples, 48);
  assert.deepEqual(params.metrics, ['loss', 'accuracy', 'val_loss', 'val_accuracy']);
  assert.deepEqual(history.history.val_accuracy, [0.25, 0.25, 0.25]);
  assert.equal(history.history.loss.length, 3);
  assert.ok(history.history.loss[2] < history.history.loss[0]);
});

test('fitBatches + EarlyStopping(restoreBestWeights): the best epoch is restored at the end, stopped early or not', async () => {
  for (const patience of [1, 10]) {
    const { model, batches } = tinyTask(2);
    const rng = new Random(4);
    const val = [0.5, 0.9, 0.6, 0.7];
    const weightsAt: Tensor[][] = [];
    let epoch = -1;
    const stopper = new EarlyStopping({ monitor: 'val_accuracy', patience, restoreBestWeights: true });
    const h = await fitBatches(model, {
      epochs: 4,
      batches: () => batches(rng),
      validate: () => ({ accuracy: val[++epoch] }),
      callbacks: [{ onEpochEnd: () => void weightsAt.push(model.getWeights()) }, stopper],
    });
    assert.equal(stopper.bestEpoch, 1);
    assert.equal(h.history.loss.length, patience === 1 ? 3 : 4, patience === 1 ? 'stops after epoch 3' : 'runs all epochs');
    const now = model.getWeights();
    weightsAt[1].forEach((w, i) => assert.deepEqual(Array.from(now[i].data), Array.from(w.data), `weight ${i} is epoch 2's`));
  }
});

test('fitBatches: a NaN loss stops training with the reason; an empty first epoch is an error', async () => {
  const { model, batches } = tinyTask(3);
  const rng = new Random(1);
  const bad = (): Batch[] => {
    const b = batches(rng);
    b[1] = { ...b[1], y: new Tensor(new Float32Array(b[1].y.size).fill(NaN), b[1].y.shape) };
    return b;
  };
  const h = await fitBatches(model, { epochs: 2, batches: bad });
  assert.equal(h.history.loss, undefined, 'no epoch completed');
  assert.match(model.stopReason ?? '', /^Epoch 1\/2, batch 2\/6: the loss is NaN; training stopped before this update/);
  await assert.rejects(fitBatches(model, { epochs: 1, batches: () => [] }), /the first epoch has no batches/);
});
