// CoNLL-U (Universal Dependencies) from text: sentences of word rows with ten tab-separated columns
//   ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC
// Takes a string so it runs in browsers; src/io/read-text.ts reads a file and calls it.
import { ValueError } from '../errors.js';

/**
 * The 17 Universal POS tags in the alphabetical order of the UD documentation
 * (universaldependencies.org/u/pos/). A tag's position here is its class id for tagging.
 */
export const UPOS_TAGS = [
  'ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM',
  'PART', 'PRON', 'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X',
] as const;
export type UposTag = (typeof UPOS_TAGS)[number];

const UPOS_ID = new Map<string, number>(UPOS_TAGS.map((t, i) => [t, i]));

/** The position of a UPOS tag in UPOS_TAGS; a ValueError for anything else. */
export function uposId(tag: string): number {
  const i = UPOS_ID.get(tag);
  if (i === undefined) throw new ValueError(`unknown UPOS tag ${JSON.stringify(tag)} (expected one of ${UPOS_TAGS.join(' ')})`);
  return i;
}

/** One word row. Columns other than ID are kept as written ('_' = unspecified). */
export interface ConlluToken {
  /** 1-based position in the sentence. */
  id: number;
  form: string;
  lemma: string;
  upos: UposTag;
  xpos: string;
  feats: string;
  head: string;
  deprel: string;
  deps: string;
  misc: string;
}

export interface ConlluSentence {
  /** From `# sent_id = ...`. */
  id?: string;
  /** From `# text = ...`. */
  text?: string;
  /**
   * Every `# key = value` comment (`# key` without '=' gives ''), in file order; a later repeat of a
   * key wins. A prototype-less object, so any key is safe.
   */
  comments: Record<string, string>;
  /** 1-based line of the sentence's first line (comment or word) in the file. */
  line: number;
  /** Word rows only: multiword ranges (N-M) and empty nodes (N.M) are skipped. */
  tokens: ConlluToken[];
}

export interface ParseConlluOptions {
  /** Named in error messages (default '<string>'). */
  file?: string;
}

const COLUMNS = 'ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC';
const INT_ID = /^[1-9][0-9]*$/;
const RANGE_ID = /^[1-9][0-9]*-[1-9][0-9]*$/;
const EMPTY_ID = /^(?:0|[1-9][0-9]*)\.[1-9][0-9]*$/;

/**
 * Parses CoNLL-U text. Blank lines end sentences (extra blank lines are allowed, a final one is not
 * required); CRLF line ends and a UTF-8 byte-order mark are accepted.
 *
 * ValueError (naming the file and the 1-based line): a row without 10 tab-separated columns; an ID that is
 * not an integer, N-M range or N.M empty node; word IDs not numbered 1, 2, 3, ... within a sentence; an
 * empty FORM or UPOS; a UPOS outside UPOS_TAGS; a sentence of comments without word rows; a file with no sentences.
 */
export function parseConllu(text: string, opts: ParseConlluOptions = {}): ConlluSentence[] {
  const file = opts.file ?? '<string>';
  if (typeof text !== 'string') throw new ValueError(`${file}: expected the file's text as a string, got ${typeof text}`);
  const lines = text.split('\n');
  const sentences: ConlluSentence[] = [];
  let cur: ConlluSentence | null = null;
  const fail = (lineNo: number, what: string): never => {
    throw new ValueError(`${file}, line ${lineNo}: ${what}`);
  };
  const finish = (): void => {
    if (cur === null) return;
    if (cur.tokens.length === 0) fail(cur.line, 'sentence has comment lines but no word lines');
    sentences.push(cur);
    cur = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.trim() === '') {
      finish();
      continue;
    }
    if (cur === null) cur = { comments: Object.create(null) as Record<string, string>, line: lineNo, tokens: [] };
    const s: ConlluSentence = cur;
    if (line.startsWith('#')) {
      const body = line.slice(1).trim();
      const eq = body.indexOf('=');
      const key = (eq < 0 ? body : body.slice(0, eq)).trim();
      const value = eq < 0 ? '' : body.slice(eq + 1).trim();
      s.comments[key] = value;
      if (key === 'sent_id') s.id = value;
      else if (key === 'text') s.text = value;
      continue;
    }
    const cols = line.split('\t');
    if (cols.length !== 10) fail(lineNo, `expected 10 tab-separated columns (${COLUMNS}), found ${cols.length}`);
    const id = cols[0];
    if (RANGE_ID.test(id) || EMPTY_ID.test(id)) continue; // multiword token or empty node: not a word row
    if (!INT_ID.test(id)) fail(lineNo, `ID ${JSON.stringify(id)} is not a positive integer (nor a range N-M or an empty node N.M)`);
    const n = Number(id);
    const expected = s.tokens.length + 1;
    if (n !== expected) fail(lineNo, `word ID ${n} out of order: expected ${expected} (is a blank line missing between sentences?)`);
    const [, form, lemma, upos, xpos, feats, head, deprel, deps, misc] = cols;
    if (form === '') fail(lineNo, 'FORM (column 2) is empty');
    if (upos === '') fail(lineNo, 'UPOS (column 4) is empty');
    if (!UPOS_ID.has(upos)) fail(lineNo, `unknown UPOS tag ${JSON.stringify(upos)} (column 4; expected one of ${UPOS_TAGS.join(' ')})`);
    s.tokens.push({ id: n, form, lemma, upos: upos as UposTag, xpos, feats, head, deprel, deps, misc });
  }
  finish();
  if (sentences.length === 0) throw new ValueError(`${file}: empty file (no sentences)`);
  return sentences;
}
