// Training on variable-length sequences in length-sorted batches.
//
// model.fit takes one tensor, so every sequence would be padded to the longest one (EWT: 159 words,
// mean 16; SST-2: 52 tokens, mean 9): most of the recurrent work would be spent on padding. Here the
// examples are sorted by length (ties in a random order each epoch), cut into batches of batchSize,
// and the batches visited in a random order; each batch is padded to its own longest member, so
// there is almost no padding at all. This is tfjs's fitDataset idea (a stream of batches whose
// shapes may differ) with Keras's epoch semantics: the same callbacks (History, EarlyStopping,
// progress bars) see the same hooks and logs as under fit.
//
// Each batch runs model.trainStep (forward, masked loss, BPTT, optimizer update), as fit does.
import { ValueError } from '../errors.js';
import { CallbackHooks, CallbackList, EarlyStopping, History, Logs } from '../model/callbacks.js';
import type { Sequential } from '../model/sequential.js';
import { Random } from '../random.js';
import type { Tensor } from '../tensor.js';

/** One training batch, already padded. */
export interface Batch {
  x: Tensor;
  y: Tensor;
  /** One weight per example (or per example and step): classWeight / sampleWeight as fit takes them. */
  sampleWeight?: Float32Array | null;
  /** Examples in the batch (default x.shape[0]). */
  size?: number;
  /**
   * What the batch's mean loss is averaged over, used to weight it in the epoch's mean loss:
   * the real (unmasked) tokens for a tagger, the examples for a classifier (default size).
   */
  lossEntries?: number;
}

/**
 * Indices 0..n-1 grouped into batches of at most batchSize, each holding examples of similar length:
 * sorted by length, ties in a random order drawn from rng, and the batches themselves in a random
 * order. Without rng: sorted, ties in index order, batches shortest first (for prediction).
 */
export function lengthBatches(lengths: ArrayLike<number>, batchSize: number, rng: Random | null = null): number[][] {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new ValueError(`lengthBatches: batchSize must be a positive integer, got ${batchSize}`);
  const idx = Array.from({ length: lengths.length }, (_, i) => i);
  if (rng) rng.shuffle(idx);
  idx.sort((a, b) => lengths[a] - lengths[b]); // stable: equal lengths keep the shuffled order
  const batches: number[][] = [];
  for (let s = 0; s < idx.length; s += batchSize) batches.push(idx.slice(s, s + batchSize));
  if (rng) rng.shuffle(batches);
  return batches;
}

export interface FitBatchesArgs {
  /** Number of epochs (default 1). */
  epochs?: number;
  /** The batches of one epoch; called at the start of each (reshuffle, redraw word dropout there). */
  batches: (epoch: number) => Batch[];
  /**
   * Validation at the end of each epoch: logs without the prefix ({loss, accuracy}); they are
   * logged as val_loss, val_accuracy, ... for callbacks (EarlyStopping's monitor) and History.
   */
  validate?: () => Logs | Promise<Logs>;
  /** History comes first (it is returned); then these, in order. */
  callbacks?: CallbackHooks | CallbackHooks[];
  /** Examples per epoch and per batch, for callbacks' params (progress bars). */
  samples?: number;
  batchSize?: number;
  /** Milliseconds between yields to the event loop, so progress bars redraw (default 50). */
  yieldEvery?: number;
}

const yieldNow: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

/**
 * Trains `model` (compiled) on the batches, epoch after epoch, with the callbacks, and returns the
 * History. Per epoch: loss (mean over lossEntries) and each compiled metric (Keras's epoch mean),
 * then the val_ logs from validate.
 *
 * EarlyStopping with restoreBestWeights: the weights of the best epoch are put back when training
 * ends, whether or not it stopped early (Keras 3's on_train_end).
 */
export async function fitBatches(model: Sequential, args: FitBatchesArgs): Promise<History> {
  if (!model.loss || !model.optimizer) throw new ValueError('fitBatches: compile the model first (model.compile({optimizer, loss}))');
  const epochs = args.epochs ?? 1;
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new ValueError(`fitBatches: epochs must be a non-negative integer, got ${epochs}`);
  const yieldEvery = args.yieldEvery ?? 50;
  const user = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
  const history = new History();
  const cbs = new CallbackList([history, ...user]);
  const stoppers = user.filter((c): c is EarlyStopping => c instanceof EarlyStopping);

  let batches = epochs > 0 ? args.batches(0) : [];
  if (epochs > 0 && batches.length === 0) throw new ValueError('fitBatches: the first epoch has no batches (no training data?)');
  if (batches.length > 0) model.ensureMetrics(batches[0].y.shape);
  const metricNames = model.metrics.map((m) => m.name);
  cbs.setModel(model);
  cbs.setParams({
    epochs, initialEpoch: 0, samples: args.samples ?? batches.reduce((n, b) => n + (b.size ?? b.x.shape[0]), 0),
    steps: batches.length, batchSize: args.batchSize ?? (batches[0]?.x.shape[0] ?? 0), validationSamples: 0, verbose: 0,
    metrics: ['loss', ...metricNames, ...(args.validate ? ['val_loss', ...metricNames.map((m) => `val_${m}`)] : [])],
  });

  model.stopTraining = false;
  model.stopReason = null;
  const best: { epoch: number; weights: Tensor[] | null }[] = stoppers.map(() => ({ epoch: -1, weights: null }));
  let lastEpoch = -1;
  let lastYield = performance.now();
  await cbs.trainBegin({});
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (epoch > 0) batches = args.batches(epoch);
    await cbs.epochBegin(epoch, {});
    let lossSum = 0, lossN = 0;
    const sums = metricNames.map(() => 0);
    const counts = metricNames.map(() => 0);
    for (let step = 0; step < batches.length; step++) {
      const b = batches[step];
      const size = b.size ?? b.x.shape[0];
      await cbs.batchBegin(step, { batch: step, size });
      const r = model.trainStep(b.x, b.y, b.sampleWeight ?? null);
      if (!r.finite) {
        model.stopTraining = true;
        model.stopReason =
          `Epoch ${epoch + 1}/${epochs}, batch ${step + 1}/${batches.length}: the ${Number.isFinite(r.loss) ? 'gradient' : 'loss'} is ` +
          `${Number.isFinite(r.loss) ? 'not finite' : r.loss}; training stopped before this update (lower the learning rate, or use clipnorm)`;
        break;
      }
      const entries = b.lossEntries ?? size;
      lossSum += r.loss * entries;
      lossN += entries;
      const logs: Logs = { batch: step, size, loss: r.loss };
      r.metricSums.forEach((s, i) => {
        sums[i] += s;
        counts[i] += r.metricCounts[i];
        logs[metricNames[i]] = r.metricCounts[i] > 0 ? s / r.metricCounts[i] : 0;
      });
      await cbs.batchEnd(step, logs);
      if (performance.now() - lastYield > yieldEvery) {
        await yieldNow();
        lastYield = performance.now();
      }
      if (model.stopTraining) break;
    }
    if (model.stopReason !== null || lossN === 0) break;
    const logs: Logs = { loss: lossSum / lossN };
    metricNames.forEach((m, i) => (logs[m] = counts[i] > 0 ? sums[i] / counts[i] : 0));
    if (args.validate) {
      for (const [k, v] of Object.entries(await args.validate())) logs[`val_${k}`] = v;
    }
    await cbs.epochEnd(epoch, logs);
    lastEpoch = epoch;
    stoppers.forEach((s, i) => {
      if (s.restoreBestWeights && s.bestEpoch === epoch) best[i] = { epoch, weights: model.getWeights() };
    });
    if (model.stopTraining) break;
  }
  await cbs.trainEnd({});
  // Keras 3: restore the best epoch's weights at the end of training, stopped early or not
  stoppers.forEach((s, i) => {
    if (s.restoreBestWeights && best[i].weights && best[i].epoch !== lastEpoch) model.setWeights(best[i].weights!);
  });
  return history;
}
