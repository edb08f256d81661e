// The POS tagger's word features: each word is K ids, one per feature (the lower-cased word, its
// first 1-3 or last 1-4 letters, its shape such as 'Xx' or 'd.d'), all rows of ONE embedding table
// (feature k owns a block of rows), so the model (pos-model.ts) concatenates K embeddings per word
// with standard Keras layers. The affix and shape features are what a word unseen in training
// (7.5% of EWT's test words) is tagged from; the word id alone would give them one shared vector.
// Id 0 is padding in every slot (its embedding row is zero and Masking(0) turns it into the mask).
import { ValueError } from '../errors.js';
import { Vocabulary, type VocabularyJSON } from '../data/vocabulary.js';
import { POS_DEFAULTS } from './pos-defaults.js';

/** The features a word can be described by. */
export const POS_FEATURES = ['word', 'prefix1', 'prefix2', 'prefix3', 'suffix1', 'suffix2', 'suffix3', 'suffix4', 'shape'] as const;
export type PosFeature = (typeof POS_FEATURES)[number];

/** The default feature set (measured on EWT: see README). */
export const DEFAULT_POS_FEATURES: readonly PosFeature[] = ['word', 'prefix2', 'suffix1', 'suffix2', 'suffix3', 'shape'];

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
