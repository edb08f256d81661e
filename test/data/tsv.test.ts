// parseLabelledText on hand-written TSV and CSV, every error message (file and 1-based line), the file
// reader, and the real SST-2 dev split and UCI sentiment files against the counts in their SOURCE.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLabelledText } from '../../src/data/tsv.js';
import { ValueError } from '../../src/errors.js';
import { readLabelledTextFile } from '../../src/io/read-text.js';

/** Asserts a ValueError with exactly this message. */
function throwsValue(fn: () => unknown, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ValueError, `expected a ValueError, got ${e}`);
    assert.equal((e as Error).message, message);
    return true;
  });
}

test('SST-2 layout: header row detected, texts kept as written (trailing space included)', () => {
  const r = parseLabelledText("sentence\tlabel\nit 's a charming film . \t1\nbleak and desperate \t0\n");
  assert.deepEqual(r, { texts: ["it 's a charming film . ", 'bleak and desperate '], labels: [1, 0], header: ['sentence', 'label'] });
});

test('UCI layout: no header; CRLF, a byte-order mark, quotes and U+0085 are ordinary text', () => {
  const r = parseLabelledText('\ufeffGreat "phone"!  \t1\r\nNot\u0085good.\t0\r\n\r\n');
  assert.deepEqual(r, { texts: ['Great "phone"!  ', 'Not\u0085good.'], labels: [1, 0] });
  // header: true / false override the guess.
  assert.deepEqual(parseLabelledText('a\t1\nb\t0\n', { header: true }), { texts: ['b'], labels: [0], header: ['a', '1'] });
  throwsValue(() => parseLabelledText('sentence\tlabel\nb\t0\n', { header: false, file: 'h.tsv' }), 'h.tsv, line 1: label "label" (column 2) is not a number');
});

test('columns by index or by header name; extra columns ignored; decimal labels', () => {
  assert.deepEqual(parseLabelledText('label\tsentence\textra\n1\tgood\tx\n-0.5\tmeh\ty\n', { labelColumn: 'label', textColumn: 'sentence' }),
    { texts: ['good', 'meh'], labels: [1, -0.5], header: ['label', 'sentence', 'extra'] });
  assert.deepEqual(parseLabelledText('3\tfine\n1e1\tok\n', { labelColumn: 0, textColumn: 1 }), { texts: ['fine', 'ok'], labels: [3, 10] });
  throwsValue(() => parseLabelledText('text\tlabel\nx\t1\n', { labelColumn: 'polarity', file: 'n.tsv' }),
    'n.tsv: label column "polarity" is not in the header (columns: "text", "label")');
  throwsValue(() => parseLabelledText('x\t1\n', { labelColumn: -1 }), '<string>: labelColumn must be a column name or a non-negative integer, got -1');
});

test('CSV: quoted fields with commas, doubled quotes and newlines; line numbers count the newlines', () => {
  const csv = 'text,label\n"Hello, world",1\n"She said ""hi""\nthen left",0\r\nplain,1\n\n"",0\n';
  assert.deepEqual(parseLabelledText(csv, { delimiter: ',' }), {
    texts: ['Hello, world', 'She said "hi"\nthen left', 'plain', ''],
    labels: [1, 0, 1, 0],
    header: ['text', 'label'],
  });
  // The bad row starts on line 5, after a quoted field that spans lines 3-4.
  throwsValue(() => parseLabelledText('text,label\n"a",1\n"b\nc",0\n"d",x\n', { delimiter: ',', file: 'q.csv' }), 'q.csv, line 5: label "x" (column 2) is not a number');
  throwsValue(() => parseLabelledText('text,label\n"a",1\n"b,0\nc,1\n', { delimiter: ',', file: 'q.csv' }), 'q.csv, line 3: unterminated quoted field (the closing " is missing)');
  // Without quotes at the field start, a quote is literal text (as Python's csv module reads it).
  assert.deepEqual(parseLabelledText('say "hi" now,1\n', { delimiter: ',' }).texts, ['say "hi" now']);
});

test('every malformed row is a ValueError naming the file, the line and the problem', () => {
  const h = 'sentence\tlabel\n';
  throwsValue(() => parseLabelledText(`${h}good\t1\nno label here\n`, { file: 'd.tsv' }), 'd.tsv, line 3: missing label (column 2; the row has 1 field)');
  throwsValue(() => parseLabelledText(`${h}good\t1\nempty label\t\n`, { file: 'd.tsv' }), 'd.tsv, line 3: missing label (column 2; it is empty)');
  throwsValue(() => parseLabelledText(`${h}good\t1\n\nspaces\t  \n`, { file: 'd.tsv' }), 'd.tsv, line 4: missing label (column 2; it is empty)');
  throwsValue(() => parseLabelledText(`${h}good\tpositive\n`, { file: 'd.tsv' }), 'd.tsv, line 2: label "positive" (column 2) is not a number');
  throwsValue(() => parseLabelledText(`${h}good\t0x1\n`, { file: 'd.tsv' }), 'd.tsv, line 2: label "0x1" (column 2) is not a number');
  throwsValue(() => parseLabelledText(`${h}good\t1,0\n`, { file: 'd.tsv' }), 'd.tsv, line 2: label "1,0" (column 2) is not a number');
  throwsValue(() => parseLabelledText('1\n', { labelColumn: 0, textColumn: 1, file: 'd.tsv' }), 'd.tsv, line 1: missing text (column 2; the row has 1 field)');
  throwsValue(() => parseLabelledText('a,1\nb\n', { delimiter: ',', file: 'd.csv' }), 'd.csv, line 2: missing label (column 2; the row has 1 field)');
  throwsValue(() => parseLabelledText('x\t1', { delimiter: ';' as never, file: 'd.txt' }), `d.txt: delimiter must be '\\t' or ',', got ";"`);
});

test('an empty file, or a header without rows, is a ValueError naming the file', () => {
  for (const text of ['', '\n\n', '\ufeff', '\r\n']) throwsValue(() => parseLabelledText(text, { file: 'e.tsv' }), 'e.tsv: empty file (no rows)');
  throwsValue(() => parseLabelledText('', { file: 'e.csv', delimiter: ',' }), 'e.csv: empty file (no rows)');
  throwsValue(() => parseLabelledText('sentence\tlabel\n', { file: 'e.tsv' }), 'e.tsv: no data rows after the header');
  throwsValue(() => parseLabelledText(''), '<string>: empty file (no rows)');
});

test('readLabelledTextFile reads UTF-8 and names the path in errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-tsv-'));
  try {
    const good = join(dir, 'good.tsv');
    writeFileSync(good, 'sentence\tlabel\nun film très réussi \t1\n', 'utf8');
    assert.deepEqual(await readLabelledTextFile(good), { texts: ['un film très réussi '], labels: [1], header: ['sentence', 'label'] });
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'text,label\n"fine",1\n"bad",?\n', 'utf8');
    await assert.rejects(readLabelledTextFile(bad, { delimiter: ',' }), { name: 'ValueError', message: `${bad}, line 3: label "?" (column 2) is not a number` });
    const empty = join(dir, 'empty.tsv');
    writeFileSync(empty, '');
    await assert.rejects(readLabelledTextFile(empty), { name: 'ValueError', message: `${empty}: empty file (no rows)` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const SST2 = '../shared/data/sst2';
test('SST-2 dev: 872 rows, 428 negative / 444 positive, header (SOURCE.md)', { skip: existsSync(SST2) ? false : `data absent: ${SST2}` }, async () => {
  const r = await readLabelledTextFile(join(SST2, 'dev.tsv'));
  assert.deepEqual(r.header, ['sentence', 'label']);
  assert.equal(r.texts.length, 872);
  assert.equal(r.labels.filter((l) => l === 0).length, 428);
  assert.equal(r.labels.filter((l) => l === 1).length, 444);
  assert.equal(r.texts[0], "it 's a charming and often affecting journey . ");
  assert.equal(r.labels[0], 1);
  assert.ok(r.texts.every((t) => t.endsWith(' ')), 'every SST-2 sentence ends with one space');
  assert.equal(r.texts.reduce((n, t) => n + t.split(' ').filter((w) => w).length, 0), 17046);
});

const UCI = '../shared/data/sentiment-labelled-sentences';
test('UCI sentiment files: 1,000 rows each, 500 / 500, no header detected (SOURCE.md)', { skip: existsSync(UCI) ? false : `data absent: ${UCI}` }, async () => {
  const tokens: Record<string, number> = { amazon_cells: 10246, imdb: 14354, yelp: 10894 };
  for (const name of ['amazon_cells', 'imdb', 'yelp']) {
    const r = await readLabelledTextFile(join(UCI, `${name}_labelled.txt`));
    assert.equal(r.header, undefined, name);
    assert.equal(r.texts.length, 1000, name);
    assert.equal(r.labels.filter((l) => l === 0).length, 500, name);
    assert.equal(r.labels.filter((l) => l === 1).length, 500, name);
    assert.equal(r.texts.reduce((n, t) => n + t.split(/\s+/).filter((w) => w).length, 0), tokens[name], name);
  }
});
