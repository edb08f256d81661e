// Labelled sentences from delimited text: `sentence<TAB>label` (SST-2 with a header row, the UCI sentiment
// files without one), or CSV with RFC 4180 quoting. Takes a string so it runs in browsers;
// src/io/read-text.ts reads a file and calls it.
import { ValueError } from '../errors.js';

export interface ParseLabelledTextOptions {
  /** Named in error messages (default '<string>'). */
  file?: string;
  /**
   * Whether the first row names the columns. 'auto' (default): it does when its label field is not a
   * number (so SST-2's `sentence<TAB>label` is a header, `a fine film<TAB>1` is data). Naming a
   * column by string implies a header.
   */
  header?: boolean | 'auto';
  /** '\t' (default; no quoting, a quote is an ordinary character) or ',' (RFC 4180 quoting). */
  delimiter?: '\t' | ',';
  /** 0-based column index, or its name in the header (default 1). */
  labelColumn?: number | string;
  /** 0-based column index, or its name in the header (default 0). */
  textColumn?: number | string;
}

export interface LabelledText {
  /** Each row's text field as written (not trimmed: SST-2 and the UCI files end sentences with spaces). */
  texts: string[];
  labels: number[];
  /** The header row's fields, when there was one. */
  header?: string[];
}

/** One row's fields and the 1-based line it starts on. */
interface Row {
  fields: string[];
  line: number;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses labelled text into parallel lists. Empty lines are skipped; CRLF line ends and a UTF-8
 * byte-order mark are accepted; columns after the ones read are ignored.
 *
 * ValueError (naming the file and the 1-based line): a row without the text or label column, an empty
 * label, a label that is not a decimal number, an unterminated CSV quote; naming the file: no data rows,
 * a column name missing from the header.
 */
export function parseLabelledText(text: string, opts: ParseLabelledTextOptions = {}): LabelledText {
  const file = opts.file ?? '<string>';
  const delimiter = opts.delimiter ?? '\t';
  if (delimiter !== '\t' && delimiter !== ',') throw new ValueError(`${file}: delimiter must be '\\t' or ',', got ${JSON.stringify(delimiter)}`);
  if (typeof text !== 'string') throw new ValueError(`${file}: expected the file's text as a string, got ${typeof text}`);
  const labelSpec = opts.labelColumn ?? 1;
  const textSpec = opts.textColumn ?? 0;
  for (const [what, spec] of [['labelColumn', labelSpec], ['textColumn', textSpec]] as const) {
    if (typeof spec === 'number' && !(Number.isInteger(spec) && spec >= 0)) {
      throw new ValueError(`${file}: ${what} must be a column name or a non-negative integer, got ${spec}`);
    }
  }
  let header = opts.header ?? 'auto';
  if (header === 'auto' && (typeof labelSpec === 'string' || typeof textSpec === 'string')) header = true;

  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = delimiter === ',' ? csvRows(text, file) : tsvRows(text);
  if (rows.length === 0) throw new ValueError(`${file}: empty file (no rows)`);

  if (header === 'auto') {
    // A label column index is known here: names force header = true above.
    const f = rows[0].fields[labelSpec as number];
    header = f !== undefined && f.trim() !== '' && !NUMBER.test(f.trim());
  }
  let names: string[] | undefined;
  if (header) names = rows.shift()!.fields;
  if (rows.length === 0) throw new ValueError(`${file}: no data rows after the header`);

  const resolve = (spec: number | string, what: string): number => {
    if (typeof spec === 'number') return spec;
    const i = names!.indexOf(spec);
    if (i < 0) throw new ValueError(`${file}: ${what} ${JSON.stringify(spec)} is not in the header (columns: ${names!.map((n) => JSON.stringify(n)).join(', ')})`);
    return i;
  };
  const labelCol = resolve(labelSpec, 'label column');
  const textCol = resolve(textSpec, 'text column');

  const texts: string[] = [];
  const labels: number[] = [];
  for (const { fields, line } of rows) {
    const where = `${file}, line ${line}`;
    if (textCol >= fields.length) throw new ValueError(`${where}: missing text (column ${textCol + 1}; the row has ${fields.length} field${fields.length === 1 ? '' : 's'})`);
    const raw = fields[labelCol];
    if (raw === undefined || raw.trim() === '') {
      const has = raw === undefined ? `the row has ${fields.length} field${fields.length === 1 ? '' : 's'}` : 'it is empty';
      throw new ValueError(`${where}: missing label (column ${labelCol + 1}; ${has})`);
    }
    const l = raw.trim();
    if (!NUMBER.test(l)) throw new ValueError(`${where}: label ${JSON.stringify(raw)} (column ${labelCol + 1}) is not a number`);
    texts.push(fields[textCol]);
    labels.push(Number(l));
  }
  const out: LabelledText = { texts, labels };
  if (names) out.header = names;
  return out;
}

/** Tab-separated: one row per non-empty line, no quoting. */
function tsvRows(text: string): Row[] {
  const lines = text.split('\n');
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    rows.push({ fields: line.split('\t'), line: i + 1 });
  }
  return rows;
}

/**
 * RFC 4180: a field in double quotes may hold commas, newlines and "" (one quote). A quote inside an
 * unquoted field, or text after a closing quote, is kept as is (as Python's csv module does).
 */
function csvRows(text: string, file: string): Row[] {
  const rows: Row[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1; // current line
  let rowLine = 1; // line the current row started on
  let rowEmpty = true; // nothing read yet in this row
  let fieldStart = true; // at the first character of a field
  let i = 0;
  const n = text.length;
  const endRow = () => {
    if (!rowEmpty) {
      fields.push(field);
      rows.push({ fields, line: rowLine });
    }
    fields = [];
    field = '';
    rowEmpty = true;
    fieldStart = true;
  };
  while (i < n) {
    const c = text[i];
    if (c === '"' && fieldStart) {
      const quoteLine = line;
      rowEmpty = false;
      fieldStart = false;
      i++;
      for (;;) {
        if (i >= n) throw new ValueError(`${file}, line ${quoteLine}: unterminated quoted field (the closing " is missing)`);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      rowEmpty = false;
      fieldStart = true;
      i++;
      continue;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      endRow();
      i += c === '\r' ? 2 : 1;
      line++;
      rowLine = line;
      continue;
    }
    field += c;
    rowEmpty = false;
    fieldStart = false;
    i++;
  }
  endRow();
  return rows;
}
