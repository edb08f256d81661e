// The POS tagger's training data: gold-tagged sentences (from CoNLL-U or plain word/tag lists),
// encoded once into feature ids (T·K per sentence, pos-features.ts) and tag ids (T), then cut into
// padded batches x [B,T,K], y [B,T] for bucketed-fit.ts, with word dropout applied per batch.
import { ValueError } from '../errors.js';
import type { ConlluSentence } from '../data/conllu.js';
import { Tensor } from '../tensor.js';
import type { Batch } from './bucketed-fit.js';
import type { PosFeaturizer } from './pos-features.js';

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
export interface EncodedSet {
  ids: Int32Array[];
  tags: Int32Array[];
  lengths: number[];
  tokens: number;
}

export function encodeSet(featurizer: PosFeaturizer, tagIndex: Map<string, number>, sentences: TaggedSentence[], what: string): EncodedSet {
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
export function makeBatch(
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
