// Keras's text_to_word_sequence (keras.preprocessing.text): raw text → words by lower-casing,
// replacing every filter character with the separator and splitting. The Tokenizer (tokenizer.ts)
// splits every text it is given this way.
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
