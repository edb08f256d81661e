// Part-of-speech tagging (the 17 Universal POS tags) with a bidirectional LSTM, Keras-style:
//
//   token features [B,T,K] ──TimeDistributed(Embedding)──▶ [B,T,K,D] ──TimeDistributed(Flatten)──▶ [B,T,K·D]
//   ──Masking(0)──▶ Bidirectional(LSTM(U, returnSequences)) [B,T,2U] ──TimeDistributed(Dense(17, softmax))──▶ [B,T,17]
//
// Each word is K ids, one per feature (the lower-cased word, its last 1-4 letters, its shape such as
// 'Xx' or 'd.d'), all rows of ONE embedding table (feature k owns a block of rows), so a plain
// Sequential of standard Keras layers concatenates K embeddings per word: the saved model loads in
// Keras and TensorFlow.js as is. The affix and shape features are what a word unseen in training
// (7.5% of EWT's test words) is tagged from; the word id alone would give them one shared vector.
// Id 0 is padding in every slot, its embedding row is zero and stays zero (padded steps are masked,
// so it gets no gradient), and Masking(0) turns the all-zero rows of padded steps into the mask
// that the LSTM, the loss and the metrics honour.
//
// Library-level: strings in, no file system (src/io/model-dir.ts saves and loads a tagger's folder).
import { ValueError } from '../errors.js';
import { UPOS_TAGS, type ConlluSentence } from '../data/conllu.js';
import { Vocabulary, type VocabularyJSON } from '../data/tokenizer.js';
import { layers } from '../layers/index.js';
import type { CallbackHooks, Logs } from '../model/callbacks.js';
import { EarlyStopping } from '../model/callbacks.js';
import { Sequential, sequential } from '../model/sequential.js';
import { Adam } from '../optimizers/adam.js';
import { Random, setSeed } from '../random.js';
import { Tensor } from '../tensor.js';
import { Batch, fitBatches, lengthBatches } from './bucketed-fit.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { wordTokenize } from './word-tokenize.js';

// ---------------------------------------------------------------------------------------------
// Token features

/** The features a word can be described by. */
export const POS_FEATURES = ['word', 'prefix1', 'prefix2', 'prefix3', 'suffix1', 'suffix2', 'suffix3', 'suffix4', 'shape'] as const;
export type PosFeature = (typeof POS_FEATURES)[number];

/** The default feature set (measured on EWT: see README). */
export const DEFAULT_POS_FEATURES: readonly PosFeature[] = ['word', 'prefix2', 'suffix1', 'suffix2', 'suffix3', 'shape'];

/** The defaults of trainPosTagger (the CLI shows and uses the same). */
export const POS_DEFAULTS = {
  minCount: 2,
  affixMinCount: 3,
  embeddingDim: 32,
  units: 64,
  rnnLayers: 1,
  dropout: 0.25,
  outputDropout: 0.3,
  epochs: 12,
  batchSize: 32,
  learningRate: 0.002,
  patience: 2,
  lrPatience: null as number | null,
  lrFactor: 0.5,
  wordDropout: 0.25,
  seed: 42,
} as const;

/** The word feature's key: lower-cased, every digit written as 0 (so 1999 and 2024 share a vector). */
export function wordKey(form: string): string {
  return form.toLowerCase().replace(/[0-9]/g, '0');
}

/**
 * The word's shape: upper-case letters → X, lower-case → x, digits → d, other characters as
 * they are; runs longer than two are cut to two, and the result to 8 characters.
 * 'Google' → 'Xxx', 'USA' → 'XX', 'I' → 'X', '3.5' → 'd.d', '1999' → 'dd', 'e-mail' → 'x-xx'.
 */
export function wordShape(form: string): string {
  let out = '';
  let prev = '';
  let run = 0;
  for (const ch of form) {
    let c: string;
    if (ch >= '0' && ch <= '9') c = 'd';
    else if (ch !== ch.toLowerCase()) c = 'X';
    else if (ch !== ch.toUpperCase()) c = 'x';
    else c = ch;
    run = c === prev ? run + 1 : 1;
    prev = c;
    if (run <= 2) out += c;
    if (out.length >= 8) break;
  }
  return out;
}

/** The value of one feature for one word form. */
export function featureValue(feature: PosFeature, form: string): string {
  switch (feature) {
    case 'word':
      return wordKey(form);
    case 'shape':
      return wordShape(form);
    default: {
      const n = Number(feature[feature.length - 1]);
      const chars = Array.from(form.toLowerCase());
      return (feature.startsWith('prefix') ? chars.slice(0, n) : chars.slice(-n)).join('');
    }
  }
}

export interface PosFeaturizerArgs {
  /** Which features describe a word, in slot order; 'word' must be first (default DEFAULT_POS_FEATURES). */
  features?: readonly PosFeature[];
  /** Words seen fewer times in training share the unknown-word vector (default 2). */
  minCount?: number;
  /** The same for affix and shape values (default 3). */
  affixMinCount?: number;
}

export interface PosFeaturizerJSON {
  features: PosFeature[];
  /** One vocabulary per feature (ids 0 = padding and 1 = unknown reserved, as Vocabulary). */
  vocabularies: VocabularyJSON[];
}

/**
 * Word forms → K ids per word into one shared embedding table. Feature k's vocabulary (unknown
 * value first, then its values) takes rows offsets[k] .. offsets[k] + (size_k − 1) − 1; row 0 is
 * padding. inputDim is the table's row count.
 */
export class PosFeaturizer {
  readonly features: readonly PosFeature[];
  readonly vocabularies: readonly Vocabulary[];
  readonly offsets: readonly number[];
  readonly inputDim: number;

  constructor(features: readonly PosFeature[], vocabularies: readonly Vocabulary[]) {
    if (features.length === 0) throw new ValueError('PosFeaturizer: no features given');
    if (features.length !== vocabularies.length) {
      throw new ValueError(`PosFeaturizer: ${features.length} features but ${vocabularies.length} vocabularies`);
    }
    for (const f of features) {
      if (!(POS_FEATURES as readonly string[]).includes(f)) throw new ValueError(`PosFeaturizer: unknown feature ${JSON.stringify(f)} (expected one of ${POS_FEATURES.join(', ')})`);
    }
    if (new Set(features).size !== features.length) throw new ValueError(`PosFeaturizer: a feature is listed twice (${features.join(', ')})`);
    if (features[0] !== 'word') throw new ValueError(`PosFeaturizer: the first feature must be 'word', got ${JSON.stringify(features[0])}`);
    this.features = features.slice();
    this.vocabularies = vocabularies.slice();
    const offsets: number[] = [];
    let next = 1; // row 0: padding
    for (const v of vocabularies) {
      offsets.push(next);
      next += v.size - 1; // the vocabulary's own padding id 0 is not given a row
    }
    this.offsets = offsets;
    this.inputDim = next;
  }

  /** Counts feature values over the training words and keeps the frequent ones. */
  static build(sentences: Iterable<readonly string[]>, args: PosFeaturizerArgs = {}): PosFeaturizer {
    const features = args.features ?? DEFAULT_POS_FEATURES;
    const minCount = args.minCount ?? POS_DEFAULTS.minCount;
    const affixMinCount = args.affixMinCount ?? POS_DEFAULTS.affixMinCount;
    const all = Array.from(sentences);
    const vocabularies = features.map((f) =>
      Vocabulary.build(
        all.map((s) => s.map((w) => featureValue(f, w))),
        { minCount: f === 'word' ? minCount : affixMinCount },
      ),
    );
    return new PosFeaturizer(features, vocabularies);
  }

  /** Ids per word (slots). */
  get featureCount(): number {
    return this.features.length;
  }

  /** The row of the unknown word (the word feature's unknown value). */
  get unknownWordId(): number {
    return this.offsets[0];
  }

  /** Whether the word has its own vector (it was frequent enough in training). */
  isKnownWord(form: string): boolean {
    return this.vocabularies[0].has(wordKey(form));
  }

  /** Writes the K ids of one word at out[at..at+K). */
  encodeWord(form: string, out: Int32Array | Float32Array, at: number): void {
    for (let k = 0; k < this.features.length; k++) {
      // Vocabulary ids: 1 = unknown, 2.. = values; row = offset + id − 1
      out[at + k] = this.offsets[k] + this.vocabularies[k].id(featureValue(this.features[k], form)) - 1;
    }
  }

  /** A sentence as T·K ids (word-major). */
  encodeSentence(words: readonly string[]): Int32Array {
    const K = this.features.length;
    const out = new Int32Array(words.length * K);
    words.forEach((w, t) => this.encodeWord(w, out, t * K));
    return out;
  }

  toJSON(): PosFeaturizerJSON {
    return { features: this.features.slice(), vocabularies: this.vocabularies.map((v) => v.toJSON()) };
  }

  static fromJSON(json: PosFeaturizerJSON): PosFeaturizer {
    if (!json || !Array.isArray(json.features) || !Array.isArray(json.vocabularies)) {
      throw new ValueError('PosFeaturizer.fromJSON: expected {features: [...], vocabularies: [...]}');
    }
    return new PosFeaturizer(json.features, json.vocabularies.map((v) => Vocabulary.fromJSON(v)));
  }
}

// ---------------------------------------------------------------------------------------------
// Data

/** A sentence's words with their gold tags. */
export interface TaggedSentence {
  words: string[];
  tags: string[];
}

/** ConlluSentence (FORM, UPOS) or TaggedSentence → TaggedSentence. */
export function toTagged(s: ConlluSentence | TaggedSentence): TaggedSentence {
  if ('tokens' in s) return { words: s.tokens.map((t) => t.form), tags: s.tokens.map((t) => t.upos) };
  return s;
}

/** Sentences encoded once: ids (T·K each) and tag ids (T each). */
interface EncodedSet {
  ids: Int32Array[];
  tags: Int32Array[];
  lengths: number[];
  tokens: number;
}

function encodeSet(featurizer: PosFeaturizer, tagIndex: Map<string, number>, sentences: TaggedSentence[], what: string): EncodedSet {
  const ids: Int32Array[] = [];
  const tags: Int32Array[] = [];
  const lengths: number[] = [];
  let tokens = 0;
  sentences.forEach((s, i) => {
    if (s.words.length !== s.tags.length) {
      throw new ValueError(`${what} sentence ${i + 1}: ${s.words.length} words but ${s.tags.length} tags`);
    }
    if (s.words.length === 0) throw new ValueError(`${what} sentence ${i + 1} has no words`);
    ids.push(featurizer.encodeSentence(s.words));
    tags.push(Int32Array.from(s.tags, (t, j) => {
      const id = tagIndex.get(t);
      if (id === undefined) throw new ValueError(`${what} sentence ${i + 1}, word ${j + 1} (${JSON.stringify(s.words[j])}): unknown tag ${JSON.stringify(t)}`);
      return id;
    }));
    lengths.push(s.words.length);
    tokens += s.words.length;
  });
  return { ids, tags, lengths, tokens };
}

/**
 * One padded batch: x [B,T,K] ids (post-padded with 0), y [B,T] tag ids (0 on padding; masked).
 * dropWord(i, t) → true replaces the word id by the unknown word's (word dropout).
 */
function makeBatch(
  set: EncodedSet, idx: number[], K: number, unknownWord: number, dropWord: ((i: number, t: number) => boolean) | null,
): Batch {
  let T = 0;
  for (const i of idx) T = Math.max(T, set.lengths[i]);
  const B = idx.length;
  const x = new Float32Array(B * T * K);
  const y = new Float32Array(B * T);
  let tokens = 0;
  idx.forEach((i, b) => {
    const L = set.lengths[i];
    x.set(set.ids[i], b * T * K);
    y.set(set.tags[i], b * T);
    if (dropWord) for (let t = 0; t < L; t++) if (dropWord(i, t)) x[(b * T + t) * K] = unknownWord;
    tokens += L;
  });
  return { x: new Tensor(x, [B, T, K]), y: new Tensor(y, [B, T]), size: B, lossEntries: tokens };
}

// ---------------------------------------------------------------------------------------------
// Model

export interface PosModelArgs {
  /** Embedding size of each feature (default 32): the LSTM reads K × this per word. */
  embeddingDim?: number;
  /** LSTM units per direction (default 64). */
  units?: number;
  /** Input dropout of the LSTM (one mask per sequence, as Keras; default 0.25). */
  dropout?: number;
  /** Stacked bidirectional layers (default 1); each feeds the next its whole output sequence. */
  rnnLayers?: number;
  /** Dropout on the BiLSTM's outputs, before the tag layer (default 0.3). */
  outputDropout?: number;
  /** Recurrent cell (default 'lstm'). */
  cell?: 'lstm' | 'gru';
}

/** The Sequential tagger for this featurizer (built, its padding row zeroed; not compiled). */
export function buildPosModel(featurizer: PosFeaturizer, numTags: number, args: PosModelArgs = {}): Sequential {
  const D = args.embeddingDim ?? POS_DEFAULTS.embeddingDim;
  const U = args.units ?? POS_DEFAULTS.units;
  const K = featurizer.featureCount;
  const outputDropout = args.outputDropout ?? POS_DEFAULTS.outputDropout;
  const depth = args.rnnLayers ?? POS_DEFAULTS.rnnLayers;
  if (!(Number.isInteger(depth) && depth >= 1)) throw new ValueError(`buildPosModel: rnnLayers must be an integer ≥ 1, got ${depth}`);
  const rnnArgs = { units: U, returnSequences: true, dropout: args.dropout ?? POS_DEFAULTS.dropout };
  const cell = () => ((args.cell ?? 'lstm') === 'gru' ? layers.gru(rnnArgs) : layers.lstm(rnnArgs));
  const recurrent = Array.from({ length: depth }, (_, i) => layers.bidirectional({ layer: cell(), name: i === 0 ? 'bilstm' : `bilstm_${i + 1}` }));
  const model = sequential({
    layers: [
      layers.timeDistributed({ layer: layers.embedding({ inputDim: featurizer.inputDim, outputDim: D }), inputShape: [null, K], name: 'features' }),
      layers.timeDistributed({ layer: layers.flatten(), name: 'concat_features' }),
      layers.masking({ maskValue: 0, name: 'padding_mask' }),
      ...recurrent,
      ...(outputDropout > 0 ? [layers.dropout({ rate: outputDropout, name: 'dropout' })] : []),
      layers.timeDistributed({ layer: layers.dense({ units: numTags, activation: 'softmax' }), name: 'tags' }),
    ],
  });
  const w = model.layers[0].weights[0];
  w.value.fill(0, 0, D); // padding row: zero, so Masking(0) sees padded steps
  return model;
}

// ---------------------------------------------------------------------------------------------
// The tagger

export interface PosTaggerJSON {
  format: 'tsrnn-pos-tagger';
  version: 1;
  /** Output class i is tags[i] (UPOS_TAGS order). */
  tags: string[];
  features: PosFeaturizerJSON;
}

/** A trained tagger: the model and the featurizer that feeds it. */
export class PosTagger {
  readonly tags: readonly string[];
  private readonly tagIndex: Map<string, number>;

  constructor(readonly model: Sequential, readonly featurizer: PosFeaturizer, tags: readonly string[] = UPOS_TAGS) {
    this.tags = tags.slice();
    this.tagIndex = new Map(this.tags.map((t, i) => [t, i]));
    const first = model.layers[0];
    const emb = (first as { layer?: { inputDim?: number } }).layer;
    if (emb?.inputDim !== undefined && emb.inputDim !== featurizer.inputDim) {
      throw new ValueError(
        `PosTagger: the model's embedding has ${emb.inputDim} rows but the features need ${featurizer.inputDim}; the model and the feature file do not belong together`,
      );
    }
    const out = model.outputShapeFull;
    if (out && out[out.length - 1] !== this.tags.length) {
      throw new ValueError(`PosTagger: the model outputs ${out[out.length - 1]} classes but there are ${this.tags.length} tags`);
    }
  }

  /** Probabilities [T,C] for each sentence (batched by length). */
  probabilities(sentences: readonly (readonly string[])[], batchSize = 64): Float32Array[] {
    const K = this.featurizer.featureCount, C = this.tags.length;
    const out: Float32Array[] = new Array(sentences.length);
    const lengths = sentences.map((s) => s.length);
    for (const idx of lengthBatches(lengths, batchSize)) {
      const T = Math.max(...idx.map((i) => lengths[i]));
      if (T === 0) {
        for (const i of idx) out[i] = new Float32Array(0);
        continue;
      }
      const x = new Float32Array(idx.length * T * K);
      idx.forEach((i, b) => x.set(this.featurizer.encodeSentence(sentences[i]), b * T * K));
      const y = this.model.predict(new Tensor(x, [idx.length, T, K]), { batchSize: idx.length }).data;
      idx.forEach((i, b) => (out[i] = y.slice(b * T * C, (b * T + lengths[i]) * C)));
    }
    return out;
  }

  /** The most probable tag of every word. */
  tag(sentences: readonly (readonly string[])[], batchSize = 64): string[][] {
    const C = this.tags.length;
    return this.probabilities(sentences, batchSize).map((p) => {
      const tags: string[] = [];
      for (let t = 0; t < p.length / C; t++) tags.push(this.tags[argmax(p, t * C, C)]);
      return tags;
    });
  }

  /** Raw text → words (wordTokenize) with their tags. */
  tagText(text: string): { word: string; tag: string }[] {
    const words = wordTokenize(text);
    if (words.length === 0) return [];
    const tags = this.tag([words])[0];
    return words.map((word, i) => ({ word, tag: tags[i] }));
  }

  tagId(tag: string): number | undefined {
    return this.tagIndex.get(tag);
  }

  toJSON(): PosTaggerJSON {
    return { format: 'tsrnn-pos-tagger', version: 1, tags: this.tags.slice(), features: this.featurizer.toJSON() };
  }

  /** From toJSON()'s object (or its text) and the model saved beside it. */
  static fromJSON(model: Sequential, json: PosTaggerJSON | string, source = 'the tagger config'): PosTagger {
    let obj: unknown = json;
    if (typeof json === 'string') {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        throw new ValueError(`${source}: not valid JSON (${(e as Error).message})`);
      }
    }
    const j = obj as Partial<PosTaggerJSON> | null;
    if (!j || j.format !== 'tsrnn-pos-tagger') throw new ValueError(`${source}: not a tsrnn POS tagger config (format ${JSON.stringify(j?.format)})`);
    if (j.version !== 1) throw new ValueError(`${source}: version ${j.version} is not supported (expected 1)`);
    if (!Array.isArray(j.tags) || !j.features) throw new ValueError(`${source}: missing tags or features`);
    return new PosTagger(model, PosFeaturizer.fromJSON(j.features), j.tags);
  }
}

function argmax(p: Float32Array, off: number, C: number): number {
  let best = 0;
  for (let c = 1; c < C; c++) if (p[off + c] > p[off + best]) best = c;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Training

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

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface TagScore {
  tag: string;
  /** Gold occurrences. */
  support: number;
  /** Words predicted as this tag. */
  predicted: number;
  correct: number;
  /** correct / support: the per-tag accuracy (recall). */
  accuracy: number;
  precision: number;
  f1: number;
}

export interface PosEvaluation {
  tokens: number;
  correct: number;
  accuracy: number;
  perTag: TagScore[];
  /** confusion[gold][predicted], in the tagger's tag order. */
  confusion: number[][];
  /** Words without their own vector (rare or unseen in training) and how well they were tagged. */
  unknownWords: { tokens: number; correct: number; accuracy: number };
  /** When `trainingWords` is given: words never seen in training at all (compared lower-cased). */
  unseenWords?: { tokens: number; correct: number; accuracy: number };
}

/**
 * Token accuracy, per-tag scores and the confusion matrix on gold-tagged sentences.
 * trainingWords: the training FORMs, lower-cased, to report the accuracy on words never seen in training.
 */
export function evaluatePosTagger(
  tagger: PosTagger, sentences: readonly (ConlluSentence | TaggedSentence)[], opts: { trainingWords?: ReadonlySet<string>; batchSize?: number } = {},
): PosEvaluation {
  const data = sentences.map(toTagged);
  const C = tagger.tags.length;
  const predicted = tagger.tag(data.map((s) => s.words), opts.batchSize);
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  let tokens = 0, correct = 0, unkN = 0, unkOk = 0, unseenN = 0, unseenOk = 0;
  data.forEach((s, i) => {
    s.tags.forEach((gold, t) => {
      const g = tagger.tagId(gold);
      if (g === undefined) throw new ValueError(`evaluatePosTagger: sentence ${i + 1}, word ${t + 1}: tag ${JSON.stringify(gold)} is not one of the tagger's tags`);
      const p = tagger.tagId(predicted[i][t])!;
      confusion[g][p]++;
      tokens++;
      const ok = g === p ? 1 : 0;
      correct += ok;
      if (!tagger.featurizer.isKnownWord(s.words[t])) {
        unkN++;
        unkOk += ok;
      }
      if (opts.trainingWords && !opts.trainingWords.has(s.words[t].toLowerCase())) {
        unseenN++;
        unseenOk += ok;
      }
    });
  });
  const perTag: TagScore[] = tagger.tags.map((tag, c) => {
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const pred = confusion.reduce((a, row) => a + row[c], 0);
    const ok = confusion[c][c];
    const accuracy = support ? ok / support : 0;
    const precision = pred ? ok / pred : 0;
    const f1 = accuracy + precision > 0 ? (2 * accuracy * precision) / (accuracy + precision) : 0;
    return { tag, support, predicted: pred, correct: ok, accuracy, precision, f1 };
  });
  const rate = (n: number, ok: number) => ({ tokens: n, correct: ok, accuracy: n ? ok / n : 0 });
  const result: PosEvaluation = { tokens, correct, accuracy: tokens ? correct / tokens : 0, perTag, confusion, unknownWords: rate(unkN, unkOk) };
  if (opts.trainingWords) result.unseenWords = rate(unseenN, unseenOk);
  return result;
}

/**
 * The most-frequent-tag baseline: each word (lower-cased) gets its commonest training tag; a word never
 * seen in training gets PROPN when it starts with a capital letter, else NOUN.
 */
export function mostFrequentTagBaseline(
  train: readonly (ConlluSentence | TaggedSentence)[], test: readonly (ConlluSentence | TaggedSentence)[],
): { tokens: number; correct: number; accuracy: number } {
  const byWord = new Map<string, Map<string, number>>();
  for (const s of train.map(toTagged)) {
    s.words.forEach((w, i) => {
      const k = w.toLowerCase();
      const m = byWord.get(k) ?? new Map<string, number>();
      m.set(s.tags[i], (m.get(s.tags[i]) ?? 0) + 1);
      byWord.set(k, m);
    });
  }
  const top = (m: Map<string, number>) => [...m.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  let tokens = 0, correct = 0;
  for (const s of test.map(toTagged)) {
    s.words.forEach((w, i) => {
      const m = byWord.get(w.toLowerCase());
      const guess = m ? top(m) : w[0] !== w[0].toLowerCase() ? 'PROPN' : 'NOUN';
      tokens++;
      if (guess === s.tags[i]) correct++;
    });
  }
  return { tokens, correct, accuracy: tokens ? correct / tokens : 0 };
}

const pct = (v: number) => (100 * v).toFixed(2);

/** The per-tag table as text lines: tag, gold count, accuracy (recall), precision, F1. */
export function formatTagTable(e: PosEvaluation): string[] {
  const lines = ['tag      gold   accuracy  precision      f1'];
  for (const s of e.perTag) {
    lines.push(`${s.tag.padEnd(6)} ${String(s.support).padStart(6)}   ${pct(s.accuracy).padStart(7)}%   ${pct(s.precision).padStart(7)}%  ${pct(s.f1).padStart(6)}%`);
  }
  lines.push(`${'all'.padEnd(6)} ${String(e.tokens).padStart(6)}   ${pct(e.accuracy).padStart(7)}%`);
  return lines;
}

/** The confusion matrix as text lines: rows gold, columns predicted; the diagonal in brackets-free cells, zeros as '.'. */
export function formatConfusionMatrix(e: PosEvaluation, tags: readonly string[]): string[] {
  const w = Math.max(5, ...e.confusion.flat().map((v) => String(v).length + 1));
  const abbrev = (t: string) => t.slice(0, w - 1).padStart(w);
  const lines = [`gold\\pred${tags.map(abbrev).join('')}`];
  e.confusion.forEach((row, g) => {
    lines.push(`${tags[g].padEnd(9)}${row.map((v) => (v === 0 ? '.' : String(v)).padStart(w)).join('')}`);
  });
  return lines;
}

/** ReduceLROnPlateau on dev accuracy, or nothing when patience is null. */
function lrSchedule(patience: number | null, factor: number): ReduceLROnPlateau[] {
  return patience === null ? [] : [new ReduceLROnPlateau({ monitor: 'val_accuracy', mode: 'max', patience, factor, minDelta: 0 })];
}
