// Text → integer ids, two ways:
//   Tokenizer   Keras's keras.preprocessing.text.Tokenizer (raw text, filters, lower-casing, word counts),
//               with its tokenizer_to_json layout so a tokenizer moves between Python and JavaScript.
//   Vocabulary  a plain token ↔ id table for text that is already tokenized (CoNLL-U FORMs, PTB tokens),
//               with 0 = padding and 1 = out-of-vocabulary reserved.
// Both keep words in Maps, never plain objects: a Map keeps insertion order for every key (an object
// puts integer-like keys such as "2" first) and has no prototype keys ("constructor", "__proto__").
import { ValueError } from '../errors.js';

/** Keras's default `filters`: punctuation, tab and newline (the apostrophe is kept). */
export const KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

export interface TextToWordSequenceArgs {
  /** Characters replaced by `split` before splitting (default KERAS_FILTERS). */
  filters?: string;
  /** Lower-case the text first (default true). */
  lower?: boolean;
  /** The separator (default ' '). */
  split?: string;
}

/**
 * Keras's text_to_word_sequence: lower-case, replace every filter character by `split`, split on
 * `split`, drop empty strings. 'Hello,  world!' → ['hello', 'world'].
 */
export function textToWordSequence(text: string, args: TextToWordSequenceArgs = {}): string[] {
  const filters = args.filters ?? KERAS_FILTERS;
  const lower = args.lower ?? true;
  const split = args.split ?? ' ';
  if (split === '') throw new ValueError('textToWordSequence: split must be a non-empty string (Python: "empty separator")');
  let s = lower ? text.toLowerCase() : text;
  if (filters.length > 0) s = translate(s, filters, split);
  return s.split(split).filter((w) => w.length > 0);
}

// One global regex per filters string, matching any of its characters (as code points, the way
// Python iterates a str); each is written as \u{...} so no character needs class escaping.
const filterRegExps = new Map<string, RegExp>();
function filterRegExp(filters: string): RegExp {
  let re = filterRegExps.get(filters);
  if (re === undefined) {
    const cls = Array.from(new Set(filters), (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('');
    re = new RegExp(`[${cls}]`, 'gu');
    filterRegExps.set(filters, re);
  }
  return re;
}

/** Python's str.translate with {c: split for c in filters}. */
function translate(s: string, filters: string, split: string): string {
  return s.replace(filterRegExp(filters), () => split);
}

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

/** Python's json.dumps(dict) for a flat map: ", " and ": " separators, non-ASCII escaped (ensure_ascii). */
function pyJsonDumps(m: Map<string | number, string | number>): string {
  const parts: string[] = [];
  for (const [k, v] of m) parts.push(`${pyJsonString(String(k))}: ${typeof v === 'string' ? pyJsonString(v) : String(v)}`);
  return `{${parts.join(', ')}}`;
}

function pyJsonString(s: string): string {
  // Python escapes everything outside ' '..'~' (DEL and non-ASCII too, as UTF-16 code units).
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const FLAT_ENTRY = /\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)\s*([,}])/y;

/** Parses a flat JSON object {"k": scalar, ...} keeping key order (JSON.parse would move integer-like keys first). */
function parseFlatJsonObject(s: string, what: string): [string, unknown][] {
  const bad = (at: number) => new ValueError(`tokenizerFromJSON: ${what} is not a flat JSON object (at character ${at})`);
  const open = /^\s*\{\s*/.exec(s);
  if (open === null) throw bad(0);
  let pos = open[0].length;
  const out: [string, unknown][] = [];
  if (s[pos] === '}') {
    if (s.slice(pos + 1).trim() !== '') throw bad(pos + 1);
    return out;
  }
  for (;;) {
    FLAT_ENTRY.lastIndex = pos;
    const m = FLAT_ENTRY.exec(s);
    if (m === null) throw bad(pos);
    out.push([JSON.parse(m[1]) as string, JSON.parse(m[2])]);
    pos = FLAT_ENTRY.lastIndex;
    if (m[3] === '}') break;
  }
  if (s.slice(pos).trim() !== '') throw bad(pos);
  return out;
}

export interface VocabularyArgs {
  /** Lower-case tokens before counting and encoding (default false: POS tagging needs case). */
  lower?: boolean;
  /** The string decode() gives for id 0 (default '<pad>'). */
  padToken?: string;
  /** The string decode() gives for id 1 (default '<unk>'). */
  oovToken?: string;
}

export interface VocabularyBuildArgs extends VocabularyArgs {
  /** Keep tokens seen at least this often (default 1). */
  minCount?: number;
  /** At most this many ids in all, the two reserved ones included (like TextVectorization's maxTokens). */
  maxTokens?: number;
}

export interface VocabularyJSON {
  class_name: 'Vocabulary';
  config: { pad_token: string; oov_token: string; lower: boolean; tokens: string[] };
}

/**
 * Token ↔ id for pre-tokenized text. Id 0 is padding, id 1 is out-of-vocabulary, real tokens start at 2,
 * most frequent first, ties in order of first appearance (the Tokenizer's rule).
 */
export class Vocabulary {
  static readonly PAD = 0;
  static readonly OOV = 1;
  readonly lower: boolean;
  readonly padToken: string;
  readonly oovToken: string;
  /** id → token, ids 0 and 1 included (their strings are padToken and oovToken). */
  readonly tokens: readonly string[];
  private readonly index: Map<string, number>;

  /** From the real tokens in id order (ids 2, 3, ...). */
  constructor(tokens: readonly string[], args: VocabularyArgs = {}) {
    this.lower = args.lower ?? false;
    this.padToken = args.padToken ?? '<pad>';
    this.oovToken = args.oovToken ?? '<unk>';
    this.index = new Map();
    tokens.forEach((t, i) => {
      if (typeof t !== 'string') throw new ValueError(`Vocabulary: token ${i} must be a string, got ${typeof t}`);
      if (this.index.has(t)) throw new ValueError(`Vocabulary: token ${JSON.stringify(t)} is listed twice (ids ${this.index.get(t)} and ${i + 2})`);
      this.index.set(t, i + 2);
    });
    this.tokens = [this.padToken, this.oovToken, ...tokens];
  }

  /** Counts tokens over sentences and keeps those with count ≥ minCount, most frequent first. */
  static build(sentences: Iterable<readonly string[]>, args: VocabularyBuildArgs = {}): Vocabulary {
    const minCount = args.minCount ?? 1;
    if (!(Number.isInteger(minCount) && minCount >= 1)) throw new ValueError(`Vocabulary.build: minCount must be an integer ≥ 1, got ${minCount}`);
    const maxTokens = args.maxTokens ?? Infinity;
    if (maxTokens !== Infinity && !(Number.isInteger(maxTokens) && maxTokens >= 2)) {
      throw new ValueError(`Vocabulary.build: maxTokens must be an integer ≥ 2 (ids 0 and 1 are reserved), got ${maxTokens}`);
    }
    const lower = args.lower ?? false;
    const counts = new Map<string, number>();
    for (const sentence of sentences) {
      for (const tok of sentence) {
        const t = lower ? tok.toLowerCase() : tok;
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    const kept = Array.from(counts.entries())
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1]) // stable: ties keep first-appearance order
      .slice(0, maxTokens - 2)
      .map(([t]) => t);
    return new Vocabulary(kept, args);
  }

  /** Number of ids, the two reserved ones included (the Embedding layer's inputDim). */
  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.index.has(this.lower ? token.toLowerCase() : token);
  }

  /** The id of one token (1 when unknown). */
  id(token: string): number {
    return this.index.get(this.lower ? token.toLowerCase() : token) ?? Vocabulary.OOV;
  }

  encode(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.id(t));
  }

  encodeAll(sentences: Iterable<readonly string[]>): number[][] {
    return Array.from(sentences, (s) => this.encode(s));
  }

  /** Ids back to tokens; skipPadding drops id 0. An id outside [0, size) is a ValueError. */
  decode(ids: ArrayLike<number>, opts: { skipPadding?: boolean } = {}): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(Number.isInteger(id) && id >= 0 && id < this.tokens.length)) {
        throw new ValueError(`Vocabulary.decode: id ${id} at position ${i} is outside [0, ${this.tokens.length})`);
      }
      if (id === Vocabulary.PAD && opts.skipPadding) continue;
      out.push(this.tokens[id]);
    }
    return out;
  }

  toJSON(): VocabularyJSON {
    return {
      class_name: 'Vocabulary',
      config: { pad_token: this.padToken, oov_token: this.oovToken, lower: this.lower, tokens: this.tokens.slice(2) },
    };
  }

  static fromJSON(json: string | VocabularyJSON): Vocabulary {
    let obj: unknown = json;
    if (typeof json === 'string') {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        throw new ValueError(`Vocabulary.fromJSON: not valid JSON (${(e as Error).message})`);
      }
    }
    const c = (obj as { config?: Partial<VocabularyJSON['config']> } | null)?.config;
    if (typeof c !== 'object' || c === null || !Array.isArray(c.tokens)) {
      throw new ValueError('Vocabulary.fromJSON: expected {"class_name": "Vocabulary", "config": {"tokens": [...], ...}}');
    }
    return new Vocabulary(c.tokens, { padToken: c.pad_token, oovToken: c.oov_token, lower: c.lower });
  }
}
