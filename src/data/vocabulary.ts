// A plain token ↔ id table for text that is already tokenized (CoNLL-U FORMs, PTB tokens), with
// 0 = padding and 1 = out-of-vocabulary reserved. (For raw text, see tokenizer.ts.)
// Tokens live in a Map, never a plain object: a Map keeps insertion order for every key (an object
// puts integer-like keys such as "2" first) and has no prototype keys ("constructor", "__proto__").
import { ValueError } from '../errors.js';

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
