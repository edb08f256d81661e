// Text → integer ids the Keras way: keras.preprocessing.text.Tokenizer (raw text, filters, lower-casing,
// word counts), with its tokenizer_to_json layout so a tokenizer moves between Python and JavaScript.
// (For text that is already tokenized, see vocabulary.ts.)
// Words live in Maps, never plain objects: a Map keeps insertion order for every key (an object
// puts integer-like keys such as "2" first) and has no prototype keys ("constructor", "__proto__").
import { ValueError } from '../errors.js';
import { parseFlatJsonObject, pyJsonDumps } from './python-json.js';
import { KERAS_FILTERS, textToWordSequence } from './text-to-word-sequence.js';

export interface TokenizerArgs {
  /**
   * Keep only ids below numWords when converting (the numWords − 1 most frequent words, or
   * numWords − 2 and the OOV token). The word index itself always holds every word, as in Keras.
   * null, undefined or 0: no limit.
   */
  numWords?: number | null;
  filters?: string;
  lower?: boolean;
  split?: string;
  /** Every character is a token (filters and split are not applied, spaces are tokens). */
  charLevel?: boolean;
  /** Takes id 1 and replaces unknown (and, with numWords, rare) words; without it they are dropped. */
  oovToken?: string | null;
  documentCount?: number;
}

/** Keras's tokenizer_to_json layout: the dictionaries are JSON strings inside the JSON. */
export interface TokenizerJSON {
  class_name: 'Tokenizer';
  config: {
    num_words: number | null;
    filters: string;
    lower: boolean;
    split: string;
    char_level: boolean;
    oov_token: string | null;
    document_count: number;
    word_counts: string;
    word_docs: string;
    index_docs: string;
    index_word: string;
    word_index: string;
  };
}

/** A text, or a text already split into tokens (lower-cased when `lower`, never filtered), as Keras accepts. */
export type TokenizerInput = string | readonly string[];

/**
 * Keras's Tokenizer. wordIndex is 1-based (0 is left for padding), by descending count, ties in
 * order of first appearance (Python's sort is stable, and reverse=True keeps ties in order).
 *
 * Differences from Keras, all in corners: word_docs (and so index_docs) list words in order of first
 * appearance, where Python's set() iteration order depends on string hashes; lower-casing uses
 * JavaScript's toLowerCase (Unicode default case mapping, as Python's str.lower for nearly every
 * character); converting before fitOnTexts with an oovToken drops unknown words, where Keras appends None.
 * textsToMatrix and fitOnSequences are not implemented.
 */
export class Tokenizer {
  numWords: number | null;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | null;
  documentCount: number;
  /** Occurrences of each word, in order of first appearance. */
  wordCounts = new Map<string, number>();
  /** Number of documents each word occurs in. */
  wordDocs = new Map<string, number>();
  /** word → id, 1-based, most frequent first (OOV token at 1 when given). */
  wordIndex = new Map<string, number>();
  /** id → word. */
  indexWord = new Map<number, string>();
  /** id → number of documents. */
  indexDocs = new Map<number, number>();

  constructor(args: TokenizerArgs = {}) {
    const n = args.numWords ?? null;
    if (n !== null && !(Number.isInteger(n) && n >= 0)) {
      throw new ValueError(`Tokenizer: numWords must be a non-negative integer or null, got ${n}`);
    }
    this.numWords = n;
    this.filters = args.filters ?? KERAS_FILTERS;
    this.lower = args.lower ?? true;
    this.split = args.split ?? ' ';
    this.charLevel = args.charLevel ?? false;
    if (this.split === '' && !this.charLevel) {
      throw new ValueError('Tokenizer: split must be a non-empty string (or use charLevel: true)');
    }
    this.oovToken = args.oovToken ?? null;
    const dc = args.documentCount ?? 0;
    if (!(Number.isInteger(dc) && dc >= 0)) throw new ValueError(`Tokenizer: documentCount must be a non-negative integer, got ${dc}`);
    this.documentCount = dc;
  }

  /** The tokens of one text, as fitOnTexts and textsToSequences see them. */
  tokenize(text: TokenizerInput): string[] {
    if (typeof text !== 'string') {
      if (!Array.isArray(text)) throw new ValueError(`Tokenizer: a text must be a string or an array of strings, got ${typeof text}`);
      return this.lower ? text.map((t) => t.toLowerCase()) : text.slice();
    }
    if (this.charLevel) return Array.from(this.lower ? text.toLowerCase() : text);
    return textToWordSequence(text, { filters: this.filters, lower: this.lower, split: this.split });
  }

  /** Counts the words of `texts` (adding to earlier counts) and rebuilds wordIndex. */
  fitOnTexts(texts: Iterable<TokenizerInput>): void {
    if (typeof texts === 'string') throw new ValueError('Tokenizer.fitOnTexts: expected a list of texts, got a single string');
    for (const text of texts) {
      this.documentCount++;
      const seq = this.tokenize(text);
      for (const w of seq) this.wordCounts.set(w, (this.wordCounts.get(w) ?? 0) + 1);
      for (const w of new Set(seq)) this.wordDocs.set(w, (this.wordDocs.get(w) ?? 0) + 1);
    }
    // Array.prototype.sort is stable: equal counts stay in order of first appearance, as in Python.
    const wcounts = Array.from(this.wordCounts.entries()).sort((a, b) => b[1] - a[1]);
    const sortedVoc = this.oovToken === null ? [] : [this.oovToken];
    for (const [w] of wcounts) sortedVoc.push(w);
    // dict(zip(sorted_voc, range(1, ...))): a word that is also the OOV token keeps its later id.
    this.wordIndex = new Map();
    sortedVoc.forEach((w, i) => this.wordIndex.set(w, i + 1));
    this.indexWord = new Map();
    for (const [w, i] of this.wordIndex) this.indexWord.set(i, w);
    for (const [w, c] of this.wordDocs) this.indexDocs.set(this.wordIndex.get(w)!, c);
  }

  /** Each text as a list of ids; unknown words (and ids ≥ numWords) become the OOV id, or are dropped without one. */
  textsToSequences(texts: Iterable<TokenizerInput>): number[][] {
    if (typeof texts === 'string') throw new ValueError('Tokenizer.textsToSequences: expected a list of texts, got a single string');
    const numWords = this.numWords;
    const oovIndex = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    const out: number[][] = [];
    for (const text of texts) {
      const vect: number[] = [];
      for (const w of this.tokenize(text)) {
        const i = this.wordIndex.get(w);
        if (i !== undefined && !(numWords && i >= numWords)) vect.push(i);
        else if (oovIndex !== undefined) vect.push(oovIndex);
      }
      out.push(vect);
    }
    return out;
  }

  /** Ids back to space-joined words (Keras joins with ' ' whatever `split` is, and for charLevel too). */
  sequencesToTexts(sequences: Iterable<ArrayLike<number>>): string[] {
    const numWords = this.numWords;
    const oovIndex = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    const oovWord = oovIndex === undefined ? undefined : this.indexWord.get(oovIndex);
    const out: string[] = [];
    for (const seq of sequences) {
      const vect: string[] = [];
      for (let k = 0; k < seq.length; k++) {
        const num = seq[k];
        const word = this.indexWord.get(num);
        if (word !== undefined && !(numWords && num >= numWords)) vect.push(word);
        else if (oovWord !== undefined) vect.push(oovWord);
      }
      out.push(vect.join(' '));
    }
    return out;
  }

  /** Keras's get_config wrapped as tokenizer_to_json does; JSON.stringify(tokenizer) gives a string Keras can load. */
  toJSON(): TokenizerJSON {
    return {
      class_name: 'Tokenizer',
      config: {
        num_words: this.numWords,
        filters: this.filters,
        lower: this.lower,
        split: this.split,
        char_level: this.charLevel,
        oov_token: this.oovToken,
        document_count: this.documentCount,
        word_counts: pyJsonDumps(this.wordCounts),
        word_docs: pyJsonDumps(this.wordDocs),
        index_docs: pyJsonDumps(this.indexDocs),
        index_word: pyJsonDumps(this.indexWord),
        word_index: pyJsonDumps(this.wordIndex),
      },
    };
  }

  /** From toJSON()'s object, or from its JSON string (e.g. Keras's tokenizer.to_json()). */
  static fromJSON(json: string | TokenizerJSON): Tokenizer {
    return tokenizerFromJSON(json);
  }
}

/** Keras's tokenizer_from_json. */
export function tokenizerFromJSON(json: string | TokenizerJSON): Tokenizer {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new ValueError(`tokenizerFromJSON: not valid JSON (${(e as Error).message})`);
    }
  }
  const config = (obj as { config?: unknown } | null)?.config as Record<string, unknown> | undefined;
  if (typeof config !== 'object' || config === null) {
    throw new ValueError('tokenizerFromJSON: expected {"class_name": "Tokenizer", "config": {...}}, found no config object');
  }
  const str = (key: string): string => {
    const v = config[key];
    if (typeof v !== 'string') throw new ValueError(`tokenizerFromJSON: config.${key} must be a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const t = new Tokenizer({
    numWords: (config.num_words as number | null | undefined) ?? null,
    filters: (config.filters as string | undefined) ?? KERAS_FILTERS,
    lower: (config.lower as boolean | undefined) ?? true,
    split: (config.split as string | undefined) ?? ' ',
    charLevel: (config.char_level as boolean | undefined) ?? false,
    oovToken: (config.oov_token as string | null | undefined) ?? null,
    documentCount: (config.document_count as number | undefined) ?? 0,
  });
  const num = (what: string) => (v: unknown): number => {
    if (typeof v !== 'number') throw new ValueError(`tokenizerFromJSON: ${what} values must be numbers, got ${JSON.stringify(v)}`);
    return v;
  };
  const intKey = (what: string) => (k: string): number => {
    const n = Number(k);
    if (!Number.isInteger(n)) throw new ValueError(`tokenizerFromJSON: ${what} keys must be integers, got ${JSON.stringify(k)}`);
    return n;
  };
  const text = (what: string) => (v: unknown): string => {
    if (typeof v !== 'string') throw new ValueError(`tokenizerFromJSON: ${what} values must be strings, got ${JSON.stringify(v)}`);
    return v;
  };
  const id = (k: string) => k;
  t.wordCounts = toMap(parseFlatJsonObject(str('word_counts'), 'word_counts'), id, num('word_counts'));
  t.wordDocs = toMap(parseFlatJsonObject(str('word_docs'), 'word_docs'), id, num('word_docs'));
  t.indexDocs = toMap(parseFlatJsonObject(str('index_docs'), 'index_docs'), intKey('index_docs'), num('index_docs'));
  t.indexWord = toMap(parseFlatJsonObject(str('index_word'), 'index_word'), intKey('index_word'), text('index_word'));
  t.wordIndex = toMap(parseFlatJsonObject(str('word_index'), 'word_index'), id, num('word_index'));
  return t;
}

function toMap<K, V>(entries: [string, unknown][], key: (k: string) => K, value: (v: unknown) => V): Map<K, V> {
  const m = new Map<K, V>();
  for (const [k, v] of entries) m.set(key(k), value(v));
  return m;
}
