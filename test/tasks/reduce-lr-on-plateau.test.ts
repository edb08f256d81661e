// ReduceLROnPlateau (src/tasks/reduce-lr-on-plateau.ts) against Keras's rule, on a scripted sequence of logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReduceLROnPlateau } from '../../src/tasks/reduce-lr-on-plateau.js';

/** Feeds `values` as the monitored log, one epoch each; returns the learning rate after each epoch. */
function run(cb: ReduceLROnPlateau, values: number[], monitor: string, lr = 1): number[] {
  const model = { stopTraining: false, getWeights: () => [], setWeights: () => {}, optimizer: { learningRate: lr } };
  cb.setModel(model);
  cb.onTrainBegin();
  return values.map((v, e) => {
    cb.onEpochEnd(e, { [monitor]: v });
    return model.optimizer.learningRate;
  });
}

test('ReduceLROnPlateau: reduces after `patience` epochs without improvement, as Keras', () => {
  // val_loss (min mode): improves, then stalls 2 epochs (patience 2) → ×0.5, stalls 2 more → ×0.5 again
  const lrs = run(new ReduceLROnPlateau({ factor: 0.5, patience: 2 }), [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.8], 'val_loss');
  assert.deepEqual(lrs, [1, 1, 1, 0.5, 0.5, 0.25, 0.25]);
  // minDelta: an improvement smaller than it does not count (Keras default 1e-4)
  assert.deepEqual(run(new ReduceLROnPlateau({ factor: 0.5, patience: 1 }), [1.0, 0.99995, 0.5], 'val_loss'), [1, 0.5, 0.5]);
  // accuracy (auto → max mode), patience 0: every epoch without a new best reduces; minLr bounds it
  const acc = run(new ReduceLROnPlateau({ monitor: 'val_accuracy', factor: 0.1, patience: 0, minLr: 0.005 }), [0.5, 0.6, 0.6, 0.55, 0.7, 0.6], 'val_accuracy');
  assert.deepEqual(acc, [1, 1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.005]);
  // cooldown 2: the epoch after a reduction does not count; the counter reaches 0 on the second, which counts again (Keras)
  const cd = new ReduceLROnPlateau({ factor: 0.5, patience: 1, cooldown: 2 });
  assert.deepEqual(run(cd, [1, 2, 2, 2, 2, 2], 'val_loss'), [1, 0.5, 0.5, 0.25, 0.25, 0.125]);
  assert.deepEqual(cd.reductions.map((r) => r.epoch), [1, 3, 5]);
  assert.throws(() => new ReduceLROnPlateau({ factor: 1 }), /factor must be in \[0, 1\), got 1/);
});
