// Scoring a POS tagger on gold-tagged sentences: token accuracy, per-tag accuracy (recall),
// precision and F1, the confusion matrix, the accuracy on unknown and unseen words; the
// most-frequent-tag baseline to compare with; and both tables as text lines for the CLI.
import { ValueError } from '../errors.js';
import type { ConlluSentence } from '../data/conllu.js';
import { toTagged, type TaggedSentence } from './pos-data.js';
import type { PosTagger } from './pos-tagger.js';

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
