// Node-only: read a text file (UTF-8) and hand it to the browser-safe parsers in src/data/,
// with the path as the file name in their error messages.
import { readFile } from 'node:fs/promises';
import { ConlluSentence, parseConllu } from '../data/conllu.js';
import { LabelledText, parseLabelledText, ParseLabelledTextOptions } from '../data/tsv.js';

/** parseConllu on the file at `path`. */
export async function readConlluFile(path: string): Promise<ConlluSentence[]> {
  return parseConllu(await readFile(path, 'utf8'), { file: path });
}

/** parseLabelledText on the file at `path` (opts.file, if given, replaces the path in messages). */
export async function readLabelledTextFile(path: string, opts: ParseLabelledTextOptions = {}): Promise<LabelledText> {
  return parseLabelledText(await readFile(path, 'utf8'), { ...opts, file: opts.file ?? path });
}
