// Training a POS tagger: features counted on the training words, the model built and compiled
// (Adam, sparse categorical crossentropy), batches of similar-length sentences with word dropout,
// and after every epoch a dev pass whose token accuracy drives early stopping (best weights
// restored) and, optionally, the learning-rate reduction.
import { ValueError } from '../errors.js';
import { UPOS_TAGS, type ConlluSentence } from '../data/conllu.js';
import type { CallbackHooks, Logs } from '../model/callbacks.js';
import { EarlyStopping } from '../model/callbacks.js';
import { Adam } from '../optimizers/adam.js';
import { Random, setSeed } from '../random.js';
import { fitBatches, lengthBatches } from './bucketed-fit.js';
import { encodeSet, makeBatch, toTagged, type TaggedSentence } from './pos-data.js';
import { POS_DEFAULTS } from './pos-defaults.js';
import { PosFeaturizer, wordKey, type PosFeaturizerArgs } from './pos-features.js';
import { buildPosModel, type PosModelArgs } from './pos-model.js';
import { argmax, PosTagger } from './pos-tagger.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

export interface TrainPosArgs extends PosFeaturizerArgs, PosModelArgs {
  /** Most epochs (default 12); early stopping on dev accuracy usually ends sooner. */
  epochs?: number;
  /** Sentences per batch (default 32). */
  batchSize?: number;
  /** Adam's learning rate (default 0.002). */
  learningRate?: number;
  /** Epochs without a better dev accuracy before stopping (default 2). */
  patience?: number;
  /**
   * Epochs without a better dev accuracy before the learning rate is multiplied by lrFactor
   * (ReduceLROnPlateau; default null: never).
   */
  lrPatience?: number | null;
  /** The learning-rate factor of lrPatience (default 0.5). */
  lrFactor?: number;
  /**
   * Word dropout α (Kiperwasser & Goldberg 2016): in training, a word seen c times is replaced by the
   * unknown word with probability α/(α + c), so the unknown-word vector learns from rare words
   * (default 0.25; 0 turns it off).
   */
  wordDropout?: number;
  /** Seed for the weights, dropout, batch order and word dropout (default 42). */
  seed?: number;
  /** More fit callbacks (a progress bar, ...). */
  callbacks?: CallbackHooks[];
}

export interface TrainPosResult {
  tagger: PosTagger;
  /** Per-epoch logs: loss, accuracy, val_loss, val_accuracy. */
  history: Record<string, number[]>;
  /** The epoch (1-based) whose weights were kept. */
  bestEpoch: number;
  /** Wall-clock seconds of training (featurizing included). */
  seconds: number;
}

/**
 * Trains a tagger on `train`, validating on `dev` after every epoch (early stopping on dev token
 * accuracy, best weights restored).
 */
export async function trainPosTagger(
  train: readonly (ConlluSentence | TaggedSentence)[], dev: readonly (ConlluSentence | TaggedSentence)[], args: TrainPosArgs = {},
): Promise<TrainPosResult> {
  const start = performance.now();
  if (train.length === 0) throw new ValueError('trainPosTagger: no training sentences');
  if (dev.length === 0) throw new ValueError('trainPosTagger: no dev sentences (they drive early stopping)');
  const seed = args.seed ?? POS_DEFAULTS.seed;
  const batchSize = args.batchSize ?? POS_DEFAULTS.batchSize;
  const alpha = args.wordDropout ?? POS_DEFAULTS.wordDropout;
  if (!(alpha >= 0)) throw new ValueError(`trainPosTagger: wordDropout must be ≥ 0, got ${alpha}`);
  setSeed(seed);
  const rng = new Random(seed + 1);

  const trainT = train.map(toTagged);
  const devT = dev.map(toTagged);
  const featurizer = PosFeaturizer.build(trainT.map((s) => s.words), args);
  const tags = UPOS_TAGS;
  const tagIndex = new Map<string, number>(tags.map((t, i) => [t, i]));
  const trainSet = encodeSet(featurizer, tagIndex, trainT, 'training');
  const devSet = encodeSet(featurizer, tagIndex, devT, 'dev');
  const K = featurizer.featureCount;

  // word dropout: each training word's probability of being replaced, from its training count
  let dropWord: ((i: number, t: number) => boolean) | null = null;
  if (alpha > 0) {
    const counts = new Map<string, number>();
    for (const s of trainT) for (const w of s.words) counts.set(wordKey(w), (counts.get(wordKey(w)) ?? 0) + 1);
    const pDrop = trainT.map((s) => Float32Array.from(s.words, (w) => alpha / (alpha + counts.get(wordKey(w))!)));
    dropWord = (i, t) => rng.uniform() < pDrop[i][t];
  }

  const model = buildPosModel(featurizer, tags.length, args);
  model.compile({ optimizer: new Adam({ learningRate: args.learningRate ?? POS_DEFAULTS.learningRate, clipnorm: 5 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const tagger = new PosTagger(model, featurizer, tags);

  const devBatches = lengthBatches(devSet.lengths, 64).map((idx) => makeBatch(devSet, idx, K, 0, null));
  const validate = (): Logs => {
    let correct = 0, nll = 0;
    const C = tags.length;
    for (const b of devBatches) {
      const p = model.predict(b.x, { batchSize: b.x.shape[0] }).data;
      const [B, T] = b.y.shape;
      for (let i = 0; i < B * T; i++) {
        if (b.x.data[i * K] === 0) continue; // padding
        const gold = b.y.data[i];
        if (argmax(p, i * C, C) === gold) correct++;
        nll -= Math.log(Math.max(p[i * C + gold], 1e-7));
      }
    }
    return { loss: nll / devSet.tokens, accuracy: correct / devSet.tokens };
  };

  const stopper = new EarlyStopping({ monitor: 'val_accuracy', mode: 'max', patience: args.patience ?? POS_DEFAULTS.patience, restoreBestWeights: true });
  const history = await fitBatches(model, {
    epochs: args.epochs ?? POS_DEFAULTS.epochs,
    batches: () => lengthBatches(trainSet.lengths, batchSize, rng).map((idx) => makeBatch(trainSet, idx, K, featurizer.unknownWordId, dropWord)),
    validate,
    callbacks: [...lrSchedule(args.lrPatience === undefined ? POS_DEFAULTS.lrPatience : args.lrPatience, args.lrFactor ?? POS_DEFAULTS.lrFactor), stopper, ...(args.callbacks ?? [])],
    samples: trainSet.lengths.length,
    batchSize,
  });
  if (model.stopReason) throw new ValueError(`trainPosTagger: ${model.stopReason}`);
  return { tagger, history: history.history, bestEpoch: stopper.bestEpoch + 1, seconds: (performance.now() - start) / 1000 };
}

/** ReduceLROnPlateau on dev accuracy, or nothing when patience is null. */
function lrSchedule(patience: number | null, factor: number): ReduceLROnPlateau[] {
  return patience === null ? [] : [new ReduceLROnPlateau({ monitor: 'val_accuracy', mode: 'max', patience, factor, minDelta: 0 })];
}
