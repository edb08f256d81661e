// The training loop: epochs of shuffled mini-batches, validation, callbacks, History.
// Reads top to bottom: check data → split validation → per epoch: shuffle, per batch: gather,
// trainStep (forward, loss, BPTT, update), log → validate → callbacks.
import { ValueError } from '../errors.js';
import { getRandom } from '../random.js';
import { sizeOf, Tensor, TensorLike, toTensor } from '../tensor.js';
import { gatherRows, checkTargets } from './batches.js';
import { CallbackHooks, CallbackList, History, Logs } from './callbacks.js';
import { ProgbarLogger } from './progbar.js';
import type { Sequential } from './sequential.js';

export interface ModelFitArgs {
  /** Number of epochs (default 1). */
  epochs?: number;
  /** Samples per gradient step (default 32). */
  batchSize?: number;
  /** 0, 1 (progress bar, the default) or 2 (one line per epoch). */
  verbose?: number;
  /** Fraction of the data held out for validation, taken from the END before shuffling (Keras). */
  validationSplit?: number;
  /** Explicit validation data [x, y] or [x, y, sampleWeight]; overrides validationSplit. */
  validationData?: [TensorLike, TensorLike] | [TensorLike, TensorLike, TensorLike];
  /** Batch size for validation (default batchSize). */
  validationBatchSize?: number;
  /** Shuffle the training samples before each epoch (default true). */
  shuffle?: boolean;
  /** Epoch to start from (for resuming; default 0). */
  initialEpoch?: number;
  callbacks?: CallbackHooks | CallbackHooks[];
  /** Weight of each class in the loss, {classId: weight}. */
  classWeight?: Record<number, number>;
  /** One weight per sample (or per sample and step for sequence outputs). */
  sampleWeight?: TensorLike;
  /** Seed for the shuffles (default: the global stream, see tsrnn.setSeed). */
  seed?: number;
  /** Milliseconds between yields to the event loop so pages stay responsive (default 16). */
  yieldEvery?: number;
}

const yieldNow: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((r) => setImmediate(r))
    : () => new Promise((r) => setTimeout(r, 0));

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export async function fitLoop(model: Sequential, x: TensorLike, y: TensorLike, args: ModelFitArgs): Promise<History> {
  if (!model.loss || !model.optimizer) {
    throw new ValueError('The model must be compiled before fit: call model.compile({optimizer, loss})');
  }
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const verbose = args.verbose ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  const shuffle = args.shuffle ?? true;
  const yieldEvery = args.yieldEvery ?? 16;
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new ValueError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new ValueError(`fit: batchSize must be a positive integer, got ${batchSize}`);
  if (![0, 1, 2].includes(verbose)) throw new ValueError(`fit: verbose must be 0, 1 or 2, got ${verbose}`);

  // 1. data: tensors, finite, matching lengths and the model's shapes
  let X = model.toInput(x, 'x');
  let Y = toTensor(y, 'y');
  assertFiniteTargets(Y, 'y');
  checkTargets(model, X, Y, 'y');
  let W = sampleWeights(model, Y, args.classWeight, args.sampleWeight);

  // 2. validation: explicit data, or the last fraction of the samples (before any shuffling)
  let XV: Tensor | null = null, YV: Tensor | null = null, WV: Float32Array | null = null;
  if (args.validationData) {
    const [xv, yv, swv] = args.validationData;
    XV = model.toInput(xv, 'validationData x');
    YV = toTensor(yv, 'validationData y');
    assertFiniteTargets(YV, 'validationData y');
    checkTargets(model, XV, YV, 'validationData y');
    WV = swv === undefined ? null : toTensor(swv, 'validationData sampleWeight').data;
  } else if (args.validationSplit !== undefined && args.validationSplit > 0) {
    const vs = args.validationSplit;
    if (!(vs > 0 && vs < 1)) throw new ValueError(`fit: validationSplit must be in (0, 1), got ${vs}`);
    const N = X.shape[0];
    const splitAt = Math.floor(N * (1 - vs));
    if (splitAt === 0 || splitAt === N) {
      throw new ValueError(`fit: validationSplit ${vs} of ${N} samples leaves ${splitAt === 0 ? 'no training' : 'no validation'} samples`);
    }
    [X, XV] = splitRows(X, splitAt);
    [Y, YV] = splitRows(Y, splitAt);
    if (W) {
      const per = W.length / N;
      WV = W.slice(splitAt * per);
      W = W.slice(0, splitAt * per);
    }
  }

  const N = X.shape[0];
  const steps = Math.ceil(N / batchSize);
  model.ensureMetrics(Y.shape);
  const metricNames = model.metrics.map((m) => m.name);

  // 3. callbacks: History first (fit returns it), the progress bar, then the user's
  const history = new History();
  const user = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
  const list: CallbackHooks[] = [history];
  if (verbose > 0) list.push(new ProgbarLogger(verbose as 1 | 2));
  list.push(...user);
  const cbs = new CallbackList(list);
  cbs.setModel(model);
  cbs.setParams({
    epochs, initialEpoch, samples: N, steps, batchSize, validationSamples: XV ? XV.shape[0] : 0, verbose,
    metrics: ['loss', ...metricNames, ...(XV ? ['val_loss', ...metricNames.map((m) => `val_${m}`)] : [])],
  });

  // 4. buffers for one batch, allocated once
  const rng = getRandom(args.seed);
  const perm = new Int32Array(N);
  for (let i = 0; i < N; i++) perm[i] = i;
  const xBuf = new Float32Array(Math.min(batchSize, N) * sizeOf(X.shape.slice(1)));
  const yBuf = new Float32Array(Math.min(batchSize, N) * sizeOf(Y.shape.slice(1)));
  const wPer = W ? W.length / N : 0;
  const wBuf = W ? new Float32Array(Math.min(batchSize, N) * wPer) : null;
  const callBatchHooks = cbs.hasBatchHooks;

  model.stopTraining = false;
  model.stopReason = null;
  await cbs.trainBegin({});
  let lastYield = now();
  for (let epoch = initialEpoch; epoch < epochs; epoch++) {
    await cbs.epochBegin(epoch, {});
    if (shuffle) rng.shuffle(perm);
    let lossSum = 0;
    let seen = 0;
    const sums = metricNames.map(() => 0);
    const counts = metricNames.map(() => 0);
    for (let step = 0; step < steps; step++) {
      const start = step * batchSize;
      const end = Math.min(N, start + batchSize);
      const size = end - start;
      if (callBatchHooks) await cbs.batchBegin(step, { batch: step, size });
      const xb = gatherRows(X, perm, start, end, xBuf);
      const yb = gatherRows(Y, perm, start, end, yBuf);
      let wb: Float32Array | null = null;
      if (W && wBuf) {
        for (let i = 0; i < size; i++) wBuf.set(W.subarray(perm[start + i] * wPer, (perm[start + i] + 1) * wPer), i * wPer);
        wb = wBuf.subarray(0, size * wPer);
      }
      const r = model.trainStep(xb, yb, wb);
      if (!r.finite) {
        model.stopTraining = true;
        model.stopReason =
          `Epoch ${epoch + 1}/${epochs}, batch ${step + 1}/${steps}: the ${Number.isFinite(r.loss) ? 'gradient' : 'loss'} is ` +
          `${Number.isFinite(r.loss) ? 'not finite' : r.loss}; training stopped before this update ` +
          `(lower the learning rate, or use clipnorm/clipvalue)`;
        console.warn(model.stopReason);
        if (callBatchHooks) await cbs.batchEnd(step, { batch: step, size, loss: r.loss });
        break;
      }
      lossSum += r.loss * size;
      seen += size;
      r.metricSums.forEach((s, i) => {
        sums[i] += s;
        counts[i] += r.metricCounts[i];
      });
      if (callBatchHooks) {
        const logs: Logs = { batch: step, size, loss: r.loss };
        metricNames.forEach((m, i) => (logs[m] = r.metricCounts[i] > 0 ? r.metricSums[i] / r.metricCounts[i] : 0));
        await cbs.batchEnd(step, logs);
      }
      if (now() - lastYield > yieldEvery) {
        await yieldNow();
        lastYield = now();
      }
      if (model.stopTraining) break;
    }
    if (seen === 0) break;
    const logs: Logs = { loss: lossSum / seen };
    metricNames.forEach((m, i) => (logs[m] = counts[i] > 0 ? sums[i] / counts[i] : 0));
    if (XV && YV) {
      const vl = model.evaluateLogs(XV, YV, args.validationBatchSize ?? batchSize, WV);
      for (const [k, v] of Object.entries(vl)) logs[`val_${k}`] = v;
    }
    await cbs.epochEnd(epoch, logs);
    if (model.stopTraining) break;
  }
  await cbs.trainEnd({});
  return history;
}

function splitRows(t: Tensor, at: number): [Tensor, Tensor] {
  const row = sizeOf(t.shape.slice(1));
  const rest = t.shape.slice(1);
  return [
    new Tensor(t.data.subarray(0, at * row), [at, ...rest], t.dtype),
    new Tensor(t.data.subarray(at * row), [t.shape[0] - at, ...rest], t.dtype),
  ];
}

function assertFiniteTargets(t: Tensor, what: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const row = Math.floor(i / Math.max(1, sizeOf(t.shape.slice(1))));
      throw new ValueError(`${what} contains ${d[i]} in sample ${row}; clean or impute the data first`);
    }
  }
}

/**
 * Per-sample (or per sample-and-step) weights from classWeight and sampleWeight, or null.
 * A class is read from the target: the id for sparse targets, the argmax of one-hot rows,
 * or the rounded value for a single binary output.
 */
function sampleWeights(
  model: Sequential, Y: Tensor, classWeight: Record<number, number> | undefined, sampleWeight: TensorLike | undefined,
): Float32Array | null {
  const N = Y.shape[0];
  const out = model.outputShapeFull!;
  const entriesPer = out.length >= 3 ? sizeOf(out.slice(1, -1).map((d) => d ?? 1) as number[]) : 1;
  let w: Float32Array | null = null;
  if (sampleWeight !== undefined) {
    const sw = toTensor(sampleWeight, 'sampleWeight');
    if (sw.size !== N && sw.size !== N * entriesPer) {
      throw new ValueError(`sampleWeight has ${sw.size} values; expected one per sample (${N})${entriesPer > 1 ? ` or per sample and step (${N * entriesPer})` : ''}`);
    }
    w = new Float32Array(N * entriesPer);
    if (sw.size === N) for (let i = 0; i < N; i++) w.fill(sw.data[i], i * entriesPer, (i + 1) * entriesPer);
    else w.set(sw.data);
  }
  if (classWeight) {
    const sparse = model.loss!.name.includes('sparse');
    const C = out[out.length - 1] as number;
    const entries = N * entriesPer;
    if (!w) w = new Float32Array(entries).fill(1);
    for (let e = 0; e < entries; e++) {
      let cls: number;
      if (sparse) cls = Y.data[e];
      else if (C === 1) cls = Math.round(Y.data[e]);
      else {
        let best = 0;
        for (let c = 1; c < C; c++) if (Y.data[e * C + c] > Y.data[e * C + best]) best = c;
        cls = best;
      }
      const cw = classWeight[cls];
      w[e] *= cw === undefined ? 1 : cw;
    }
  }
  return w;
}
