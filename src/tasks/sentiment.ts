// Binary sentiment classification (SST-2 style: a sentence → P(positive)) with a recurrent network:
//
//   ids [B,T] ──Embedding(V, D, maskZero)──▶ [B,T,D] ──Bidirectional(GRU(U)) (or LSTM, or one direction)──▶ [B,2U]
//   ──Dropout──▶ Dense(1, sigmoid) ──▶ P(positive)      loss: binary crossentropy
//
// Text is split into words by wordTokenize (PTB style, as SST-2 is written; its own rows pass through
// unchanged) and mapped to ids by a Keras Tokenizer fitted on the training texts, so the tokenizer's
// JSON (tokenizer_to_json layout) and the model both load in Keras / TensorFlow.js.
// Training batches hold sentences of similar length (bucketed-fit.ts), padded with padSequences.
//
// Library-level: strings in, no file system (src/io/model-dir.ts saves and loads a classifier's folder).
import { ValueError } from '../errors.js';
import { padSequences } from '../data/pad-sequences.js';
import { Tokenizer, tokenizerFromJSON, type TokenizerJSON } from '../data/tokenizer.js';
import type { LabelledText } from '../data/tsv.js';
import { layers } from '../layers/index.js';
import { EarlyStopping, type CallbackHooks, type Logs } from '../model/callbacks.js';
import { Sequential, sequential } from '../model/sequential.js';
import { Adam } from '../optimizers/adam.js';
import { Random, setSeed } from '../random.js';
import { Tensor } from '../tensor.js';
import { Batch, fitBatches, lengthBatches } from './bucketed-fit.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { wordTokenize } from './word-tokenize.js';

/** The defaults of trainSentiment (the CLI shows and uses the same). */
export const SENTIMENT_DEFAULTS = {
  minCount: 2,
  embeddingDim: 64,
  units: 64,
  cell: 'gru' as 'lstm' | 'gru',
  bidirectional: true,
  dropout: 0.5,
  inputDropout: 0.5,
  epochs: 3,
  batchSize: 32,
  learningRate: 0.002,
  patience: 4,
  checksPerEpoch: 4,
  weightByLength: 'none' as 'none' | 'sqrt' | 'linear',
  lrPatience: 1 as number | null,
  lrFactor: 0.5,
  seed: 42,
} as const;

/** Text → the space-separated words the tokenizer is fitted on (wordTokenize, lower-cased). */
export function sentimentWords(text: string): string {
  return wordTokenize(text.toLowerCase()).join(' ');
}

/** A Keras Tokenizer that splits on single spaces only (the words come from sentimentWords). */
function makeTokenizer(numWords: number | null): Tokenizer {
  return new Tokenizer({ numWords, filters: '', lower: true, split: ' ', oovToken: '<unk>' });
}

export interface SentimentModelArgs {
  /** Embedding size (default 64). */
  embeddingDim?: number;
  /** Recurrent units (per direction when bidirectional; default 64). */
  units?: number;
  /** Recurrent cell (default 'gru': on SST-2 dev it scored ~1 point above 'lstm'). */
  cell?: 'lstm' | 'gru';
  /** Run the cell both ways (default true). */
  bidirectional?: boolean;
  /** Dropout before the output layer (default 0.5). */
  dropout?: number;
  /** Input dropout of the recurrent layer: one mask over the embedding features per sentence, as Keras (default 0.5). */
  inputDropout?: number;
}

/** The classifier for a vocabulary of `inputDim` ids (built, not compiled). */
export function buildSentimentModel(inputDim: number, args: SentimentModelArgs = {}): Sequential {
  const units = args.units ?? SENTIMENT_DEFAULTS.units;
  const rnnArgs = { units, dropout: args.inputDropout ?? SENTIMENT_DEFAULTS.inputDropout };
  const rnn = (args.cell ?? SENTIMENT_DEFAULTS.cell) === 'gru' ? layers.gru(rnnArgs) : layers.lstm(rnnArgs);
  return sequential({
    layers: [
      layers.embedding({ inputDim, outputDim: args.embeddingDim ?? SENTIMENT_DEFAULTS.embeddingDim, maskZero: true, name: 'words' }),
      args.bidirectional ?? SENTIMENT_DEFAULTS.bidirectional ? layers.bidirectional({ layer: rnn, name: 'encoder' }) : rnn,
      layers.dropout({ rate: args.dropout ?? SENTIMENT_DEFAULTS.dropout }),
      layers.dense({ units: 1, activation: 'sigmoid', name: 'positive' }),
    ],
  });
}

export interface SentimentClassifierJSON {
  format: 'tsrnn-sentiment';
  version: 1;
  /** How raw text becomes the tokenizer's input: wordTokenize, lower-cased, joined by spaces. */
  preprocess: 'wordTokenize';
  /** Keras's tokenizer_to_json object. */
  tokenizer: TokenizerJSON;
}

/** A trained classifier: the model and its tokenizer. */
export class SentimentClassifier {
  constructor(readonly model: Sequential, readonly tokenizer: Tokenizer) {
    const emb = model.layers[0] as { inputDim?: number };
    const V = vocabularySize(tokenizer);
    if (emb.inputDim !== undefined && emb.inputDim < V) {
      throw new ValueError(
        `SentimentClassifier: the tokenizer gives ids up to ${V - 1} but the model's embedding has ${emb.inputDim} rows; the model and the tokenizer do not belong together`,
      );
    }
  }

  /** Token ids of each text (OOV words → the '<unk>' id). */
  encode(texts: readonly string[]): number[][] {
    return this.tokenizer.textsToSequences(texts.map(sentimentWords));
  }

  /** P(positive) of each text. An empty text (no words) gets the model's output for all padding. */
  predict(texts: readonly string[], batchSize = 64): number[] {
    const seqs = this.encode(texts);
    return predictSequences(this.model, seqs, batchSize);
  }

  toJSON(): SentimentClassifierJSON {
    return { format: 'tsrnn-sentiment', version: 1, preprocess: 'wordTokenize', tokenizer: this.tokenizer.toJSON() };
  }

  static fromJSON(model: Sequential, json: SentimentClassifierJSON | string, source = 'the sentiment config'): SentimentClassifier {
    let obj: unknown = json;
    if (typeof json === 'string') {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        throw new ValueError(`${source}: not valid JSON (${(e as Error).message})`);
      }
    }
    const j = obj as Partial<SentimentClassifierJSON> | null;
    if (!j || j.format !== 'tsrnn-sentiment') throw new ValueError(`${source}: not a tsrnn sentiment config (format ${JSON.stringify(j?.format)})`);
    if (j.version !== 1) throw new ValueError(`${source}: version ${j.version} is not supported (expected 1)`);
    if (!j.tokenizer) throw new ValueError(`${source}: missing tokenizer`);
    return new SentimentClassifier(model, tokenizerFromJSON(j.tokenizer));
  }
}

/** Ids the tokenizer can produce: below numWords when set, else every word index + 1. */
function vocabularySize(t: Tokenizer): number {
  const n = t.wordIndex.size + 1;
  return t.numWords ? Math.min(t.numWords, n) : n;
}

/** P(positive) for id sequences, batched by length (each batch pre-padded to its longest). */
function predictSequences(model: Sequential, seqs: number[][], batchSize: number): number[] {
  const out = new Array<number>(seqs.length);
  for (const idx of lengthBatches(seqs.map((s) => s.length), batchSize)) {
    const x = padSequences(idx.map((i) => seqs[i]), { maxlen: Math.max(1, ...idx.map((i) => seqs[i].length)) });
    const p = model.predict(x, { batchSize: idx.length }).data;
    idx.forEach((i, b) => (out[i] = p[b]));
  }
  return out;
}

export interface TrainSentimentArgs extends SentimentModelArgs {
  /** Words seen fewer times in training map to '<unk>' (default 2), so its vector is trained too. */
  minCount?: number;
  /** Most passes over the training data (default 3); early stopping on dev accuracy may end sooner. */
  epochs?: number;
  /** Texts per batch (default 32). */
  batchSize?: number;
  /** Adam's learning rate (default 0.002). */
  learningRate?: number;
  /** Checks (see checksPerEpoch) without a better dev accuracy before stopping (default 4). */
  patience?: number;
  /**
   * Validate this many times per pass over the training data (default 4): each pass is cut into
   * this many "epochs" for the callbacks (Keras's steps_per_epoch on a repeated dataset), so early
   * stopping and the restored checkpoint work at that granularity.
   */
  checksPerEpoch?: number;
  /**
   * Weight each training row's loss by its length in words ('linear') or its square root ('sqrt'),
   * scaled to a mean of 1 (default 'none'). SST-2's training rows are mostly short phrases while dev and
   * test rows are whole sentences: this leans training towards sentence-like rows.
   */
  weightByLength?: 'none' | 'sqrt' | 'linear';
  /**
   * Checks without a better dev accuracy before the learning rate is multiplied by lrFactor
   * (ReduceLROnPlateau; default 1; null: never).
   */
  lrPatience?: number | null;
  /** The learning-rate factor of lrPatience (default 0.5). */
  lrFactor?: number;
  /** Loss weight per class ({0: w0, 1: w1}, as fit's classWeight), or 'balanced' (n / (2·n_class)). */
  classWeight?: Record<number, number> | 'balanced';
  /** Seed for the weights, dropout and batch order (default 42). */
  seed?: number;
  /** More fit callbacks (a progress bar, ...). */
  callbacks?: CallbackHooks[];
  /**
   * A different architecture on the same data pipeline: gets the vocabulary size (ids 0..inputDim−1,
   * 0 = padding) and returns an uncompiled model from [B,T] ids to [B,1] probabilities
   * (default buildSentimentModel with these args).
   */
  buildModel?: (inputDim: number) => Sequential;
}

export interface TrainSentimentResult {
  classifier: SentimentClassifier;
  /** Logs per epoch (per check when checksPerEpoch > 1): loss, accuracy, val_loss, val_accuracy. */
  history: Record<string, number[]>;
  /** The epoch (check) whose weights were kept, 1-based. */
  bestEpoch: number;
  seconds: number;
}

/** Checks labels are 0 or 1 and says which row is not. */
function checkBinary(data: LabelledText, what: string): void {
  data.labels.forEach((l, i) => {
    if (l !== 0 && l !== 1) throw new ValueError(`${what}: row ${i + 1} has label ${l}; sentiment labels must be 0 (negative) or 1 (positive)`);
  });
  if (data.texts.length === 0) throw new ValueError(`${what}: no rows`);
}

/**
 * Trains a classifier on `train`, validating on `dev` after every epoch (early stopping on dev
 * accuracy, best weights restored).
 */
export async function trainSentiment(train: LabelledText, dev: LabelledText, args: TrainSentimentArgs = {}): Promise<TrainSentimentResult> {
  const start = performance.now();
  checkBinary(train, 'training data');
  checkBinary(dev, 'dev data');
  const seed = args.seed ?? SENTIMENT_DEFAULTS.seed;
  const batchSize = args.batchSize ?? SENTIMENT_DEFAULTS.batchSize;
  const minCount = args.minCount ?? SENTIMENT_DEFAULTS.minCount;
  if (!(Number.isInteger(minCount) && minCount >= 1)) throw new ValueError(`trainSentiment: minCount must be an integer ≥ 1, got ${minCount}`);
  setSeed(seed);
  const rng = new Random(seed + 1);

  // the vocabulary: words seen ≥ minCount times (ids 2..; 1 is '<unk>'), as numWords keeps the most frequent
  const words = train.texts.map(sentimentWords);
  const counter = makeTokenizer(null);
  counter.fitOnTexts(words);
  let frequent = 0;
  for (const c of counter.wordCounts.values()) if (c >= minCount) frequent++;
  const tokenizer = makeTokenizer(frequent + 2);
  tokenizer.fitOnTexts(words);
  const trainSeqs = tokenizer.textsToSequences(words);
  const devSeqs = tokenizer.textsToSequences(dev.texts.map(sentimentWords));

  let classWeight: Record<number, number> | null = null;
  if (args.classWeight === 'balanced') {
    const n1 = train.labels.reduce((a, b) => a + b, 0), n0 = train.labels.length - n1;
    classWeight = { 0: train.labels.length / (2 * Math.max(1, n0)), 1: train.labels.length / (2 * Math.max(1, n1)) };
  } else if (args.classWeight) {
    classWeight = args.classWeight;
  }

  const model = args.buildModel ? args.buildModel(vocabularySize(tokenizer)) : buildSentimentModel(vocabularySize(tokenizer), args);
  model.compile({ optimizer: new Adam({ learningRate: args.learningRate ?? SENTIMENT_DEFAULTS.learningRate, clipnorm: 5 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const classifier = new SentimentClassifier(model, tokenizer);

  // length weighting: w ∝ length (or its square root), mean 1 over the training rows
  const lw = args.weightByLength ?? SENTIMENT_DEFAULTS.weightByLength;
  let lengthWeights: Float32Array | null = null;
  if (lw !== 'none') {
    const raw = trainSeqs.map((q) => (lw === 'sqrt' ? Math.sqrt(Math.max(1, q.length)) : Math.max(1, q.length)));
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    lengthWeights = Float32Array.from(raw, (v) => v / mean);
  }
  const makeBatch = (idx: number[]): Batch => {
    const x = padSequences(idx.map((i) => trainSeqs[i]), { maxlen: Math.max(1, ...idx.map((i) => trainSeqs[i].length)) });
    const y = new Tensor(Float32Array.from(idx, (i) => train.labels[i]), [idx.length, 1]);
    const sampleWeight = classWeight || lengthWeights
      ? Float32Array.from(idx, (i) => (classWeight ? classWeight[train.labels[i]] ?? 1 : 1) * (lengthWeights ? lengthWeights[i] : 1))
      : null;
    return { x, y, sampleWeight };
  };
  const validate = (): Logs => {
    const p = predictSequences(model, devSeqs, 128);
    let correct = 0, nll = 0;
    p.forEach((pi, i) => {
      const y = dev.labels[i];
      if ((pi > 0.5 ? 1 : 0) === y) correct++;
      const q = Math.min(Math.max(pi, 1e-7), 1 - 1e-7);
      nll -= y ? Math.log(q) : Math.log(1 - q);
    });
    return { loss: nll / p.length, accuracy: correct / p.length };
  };

  const checks = args.checksPerEpoch ?? SENTIMENT_DEFAULTS.checksPerEpoch;
  if (!(Number.isInteger(checks) && checks >= 1)) throw new ValueError(`trainSentiment: checksPerEpoch must be an integer ≥ 1, got ${checks}`);
  let pass: number[][] = [];
  const stopper = new EarlyStopping({ monitor: 'val_accuracy', mode: 'max', patience: args.patience ?? SENTIMENT_DEFAULTS.patience, restoreBestWeights: true });
  const history = await fitBatches(model, {
    epochs: (args.epochs ?? SENTIMENT_DEFAULTS.epochs) * checks,
    batches: (epoch) => {
      // one shuffle per pass over the data, cut into `checks` parts
      if (epoch % checks === 0) pass = lengthBatches(trainSeqs.map((s) => s.length), batchSize, rng);
      const per = Math.ceil(pass.length / checks);
      return pass.slice((epoch % checks) * per, (epoch % checks + 1) * per).map(makeBatch);
    },
    validate,
    callbacks: [...lrSchedule(args.lrPatience === undefined ? SENTIMENT_DEFAULTS.lrPatience : args.lrPatience, args.lrFactor ?? SENTIMENT_DEFAULTS.lrFactor), stopper, ...(args.callbacks ?? [])],
    samples: Math.ceil(trainSeqs.length / checks),
    batchSize,
  });
  if (model.stopReason) throw new ValueError(`trainSentiment: ${model.stopReason}`);
  return { classifier, history: history.history, bestEpoch: stopper.bestEpoch + 1, seconds: (performance.now() - start) / 1000 };
}

/** Accuracy of the classifier on labelled texts (threshold 0.5). */
export function evaluateSentiment(classifier: SentimentClassifier, data: LabelledText): { examples: number; correct: number; accuracy: number } {
  checkBinary(data, 'evaluation data');
  const p = classifier.predict(data.texts);
  let correct = 0;
  p.forEach((pi, i) => {
    if ((pi > 0.5 ? 1 : 0) === data.labels[i]) correct++;
  });
  return { examples: p.length, correct, accuracy: correct / p.length };
}

/** ReduceLROnPlateau on dev accuracy, or nothing when patience is null. */
function lrSchedule(patience: number | null, factor: number): ReduceLROnPlateau[] {
  return patience === null ? [] : [new ReduceLROnPlateau({ monitor: 'val_accuracy', mode: 'max', patience, factor, minDelta: 0 })];
}
