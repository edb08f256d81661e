// parseConllu on hand-written CoNLL-U, every error message (file and 1-based line), the file reader,
// and the real UD English-EWT files against the counts in their SOURCE.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConllu, uposId, UPOS_TAGS } from '../../src/data/conllu.js';
import { ValueError } from '../../src/errors.js';
import { readConlluFile } from '../../src/io/read-text.js';

const row = (...cols: string[]) => cols.join('\t');

// Lines (1-based):  1-4 comments, 5 range, 6-9 words, 10 blank, 11-12 comments, 13 word, 14 empty node, 15 word.
const SAMPLE = [
  '# newdoc id = doc1',
  '# sent_id = s1',
  "# text = Don't stop.",
  '# newpar',
  row('1-2', "Don't", '_', '_', '_', '_', '_', '_', '_', '_'),
  row('1', 'Do', 'do', 'AUX', 'VBP', 'Mood=Ind', '3', 'aux', '3:aux', '_'),
  row('2', "n't", 'not', 'PART', 'RB', '_', '3', 'advmod', '3:advmod', '_'),
  row('3', 'stop', 'stop', 'VERB', 'VB', 'VerbForm=Inf', '0', 'root', '0:root', 'SpaceAfter=No'),
  row('4', '.', '.', 'PUNCT', '.', '_', '3', 'punct', '3:punct', '_'),
  '',
  '# sent_id = s2',
  '# text = Go home',
  row('1', 'Go', 'go', 'VERB', 'VB', '_', '0', 'root', '0:root', '_'),
  row('1.1', 'went', 'go', 'VERB', 'VBD', '_', '_', '_', '0:root', 'CopyOf=1'),
  row('2', 'home', 'home', 'ADV', 'RB', '_', '1', 'advmod', '1:advmod', '_'),
].join('\n'); // no final blank line: the last sentence still ends

test('UPOS_TAGS: the 17 UD tags, alphabetical', () => {
  assert.deepEqual([...UPOS_TAGS], ['ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON', 'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X']);
  assert.deepEqual([...UPOS_TAGS].sort(), [...UPOS_TAGS]);
  assert.equal(uposId('ADJ'), 0);
  assert.equal(uposId('NOUN'), 7);
  assert.equal(uposId('X'), 16);
  assert.throws(() => uposId('noun'), /unknown UPOS tag "noun"/);
});

test('parseConllu: sentences, metadata, word rows; ranges and empty nodes skipped', () => {
  const s = parseConllu(SAMPLE);
  assert.equal(s.length, 2);
  assert.equal(s[0].id, 's1');
  assert.equal(s[0].text, "Don't stop.");
  assert.deepEqual({ ...s[0].comments }, { 'newdoc id': 'doc1', sent_id: 's1', text: "Don't stop.", newpar: '' });
  assert.equal(s[0].line, 1);
  assert.deepEqual(s[0].tokens.map((t) => t.form), ['Do', "n't", 'stop', '.']);
  assert.deepEqual(s[0].tokens.map((t) => t.upos), ['AUX', 'PART', 'VERB', 'PUNCT']);
  assert.deepEqual(s[0].tokens.map((t) => t.id), [1, 2, 3, 4]);
  assert.deepEqual(s[0].tokens[2], {
    id: 3, form: 'stop', lemma: 'stop', upos: 'VERB', xpos: 'VB', feats: 'VerbForm=Inf',
    head: '0', deprel: 'root', deps: '0:root', misc: 'SpaceAfter=No',
  });
  assert.equal(s[1].id, 's2');
  assert.equal(s[1].line, 11);
  assert.deepEqual(s[1].tokens.map((t) => [t.id, t.form, t.upos, t.xpos]), [[1, 'Go', 'VERB', 'VB'], [2, 'home', 'ADV', 'RB']]);
});

test('parseConllu: CRLF, a byte-order mark, extra blank lines, no comments', () => {
  const text = '\ufeff' + ['', row('1', 'Hi', 'hi', 'INTJ', 'UH', '_', '0', 'root', '0:root', '_'), '', '', row('1', '_', '_', 'SYM', 'NFP', '_', '0', 'root', '0:root', '_'), ''].join('\r\n');
  const s = parseConllu(text);
  assert.equal(s.length, 2);
  assert.equal(s[0].id, undefined);
  assert.equal(s[0].line, 2);
  assert.deepEqual(s[0].tokens.map((t) => [t.form, t.upos, t.misc]), [['Hi', 'INTJ', '_']]);
  assert.deepEqual(s[1].tokens.map((t) => [t.form, t.upos]), [['_', 'SYM']], "'_' is a valid FORM");
  assert.equal(s[1].line, 5);
});

test('parseConllu: each malformed row is a ValueError naming the file, the line and the problem', () => {
  const head = ['# sent_id = a', row('1', 'Fine', 'fine', 'ADJ', 'JJ', '_', '0', 'root', '0:root', '_')];
  const cases: [string, RegExp][] = [
    [row('2', 'x', 'x', 'NOUN', 'NN', '_', '1', 'dep', '_'), /^bad\.conllu, line 3: expected 10 tab-separated columns \(ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC\), found 9$/],
    ['2 x x NOUN NN _ 1 dep _ _', /^bad\.conllu, line 3: expected 10 tab-separated columns .*, found 1$/],
    [row('2a', 'x', 'x', 'NOUN', 'NN', '_', '1', 'dep', '_', '_'), /^bad\.conllu, line 3: ID "2a" is not a positive integer \(nor a range N-M or an empty node N\.M\)$/],
    [row('0', 'x', 'x', 'NOUN', 'NN', '_', '1', 'dep', '_', '_'), /^bad\.conllu, line 3: ID "0" is not a positive integer/],
    [row('3', 'x', 'x', 'NOUN', 'NN', '_', '1', 'dep', '_', '_'), /^bad\.conllu, line 3: word ID 3 out of order: expected 2 \(is a blank line missing between sentences\?\)$/],
    [row('2', '', 'x', 'NOUN', 'NN', '_', '1', 'dep', '_', '_'), /^bad\.conllu, line 3: FORM \(column 2\) is empty$/],
    [row('2', 'x', 'x', '', 'NN', '_', '1', 'dep', '_', '_'), /^bad\.conllu, line 3: UPOS \(column 4\) is empty$/],
    [row('2', 'x', 'x', 'NNS', 'NNS', '_', '1', 'dep', '_', '_'), /^bad\.conllu, line 3: unknown UPOS tag "NNS" \(column 4; expected one of ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X\)$/],
    [row('2', 'x', 'x', '_', 'NN', '_', '1', 'dep', '_', '_'), /^bad\.conllu, line 3: unknown UPOS tag "_"/],
    [row('2', 'x', 'x', 'noun', 'NN', '_', '1', 'dep', '_', '_'), /^bad\.conllu, line 3: unknown UPOS tag "noun"/],
  ];
  for (const [bad, re] of cases) {
    assert.throws(() => parseConllu([...head, bad, ''].join('\n'), { file: 'bad.conllu' }), (e: unknown) => {
      assert.ok(e instanceof ValueError, `${bad}: ${e}`);
      assert.match((e as Error).message, re);
      return true;
    });
  }
  // Later in a file: the line number counts comments and blank lines.
  assert.throws(() => parseConllu(`${SAMPLE}\n\n# sent_id = s3\n${row('1', 'x', 'x', 'VERV', '_', '_', '0', 'root', '_', '_')}\n`, { file: 'f.conllu' }),
    /^ValueError: f\.conllu, line 18: unknown UPOS tag "VERV"/);
  // No file name: '<string>'.
  assert.throws(() => parseConllu('1\tx\n'), /^ValueError: <string>, line 1: expected 10 tab-separated columns/);
  // Comments without word lines, reported at the block's first line.
  assert.throws(() => parseConllu(`${SAMPLE}\n\n# sent_id = lonely\n# text = nothing\n\n`, { file: 'c.conllu' }),
    /^ValueError: c\.conllu, line 17: sentence has comment lines but no word lines$/);
});

test('parseConllu: an empty file is a ValueError naming the file', () => {
  for (const text of ['', '\n\n', '\ufeff', ' \r\n']) {
    assert.throws(() => parseConllu(text, { file: 'empty.conllu' }), (e: unknown) => {
      assert.ok(e instanceof ValueError);
      assert.equal((e as Error).message, 'empty.conllu: empty file (no sentences)');
      return true;
    });
  }
});

test('readConlluFile reads UTF-8 and names the path in errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-conllu-'));
  try {
    const good = join(dir, 'good.conllu');
    writeFileSync(good, `# text = café\n${row('1', 'café', 'café', 'NOUN', 'NN', '_', '0', 'root', '_', '_')}\n\n`, 'utf8');
    const s = await readConlluFile(good);
    assert.equal(s[0].text, 'café');
    assert.equal(s[0].tokens[0].form, 'café');
    const bad = join(dir, 'bad.conllu');
    writeFileSync(bad, `${SAMPLE}\n\n1\tonly-two\n`, 'utf8');
    await assert.rejects(readConlluFile(bad), (e: unknown) => {
      assert.ok(e instanceof ValueError);
      assert.equal((e as Error).message, `${bad}, line 17: expected 10 tab-separated columns (ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC), found 2`);
      return true;
    });
    const empty = join(dir, 'empty.conllu');
    writeFileSync(empty, '');
    await assert.rejects(readConlluFile(empty), { name: 'ValueError', message: `${empty}: empty file (no sentences)` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const EWT = '../shared/data/ud-english-ewt';
const skipEwt = existsSync(EWT) ? false : `data absent: ${EWT}`;

test('UD English-EWT dev: 2,001 sentences, 25,147 words, all 17 UPOS tags (SOURCE.md)', { skip: skipEwt }, async () => {
  const s = await readConlluFile(join(EWT, 'en_ewt-ud-dev.conllu'));
  assert.equal(s.length, 2001);
  assert.equal(s.reduce((n, x) => n + x.tokens.length, 0), 25147);
  assert.equal(Math.max(...s.map((x) => x.tokens.length)), 75);
  assert.ok(s.every((x) => x.id !== undefined && x.text !== undefined));
  assert.equal(new Set(s.map((x) => x.id)).size, 2001);
  assert.equal(new Set(s.flatMap((x) => x.tokens.map((t) => t.upos))).size, 17);
  assert.equal(s[0].id, 'weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713-0001');
  assert.equal(s[0].text, 'From the AP comes this story :');
  assert.deepEqual(s[0].tokens.map((t) => t.upos), ['ADP', 'DET', 'PROPN', 'VERB', 'DET', 'NOUN', 'PUNCT']);
});

test('UD English-EWT train: 12,544 sentences, 204,577 words, UPOS counts as in SOURCE.md', { skip: skipEwt }, async () => {
  const s = await readConlluFile(join(EWT, 'en_ewt-ud-train.conllu'));
  assert.equal(s.length, 12544);
  assert.equal(s.reduce((n, x) => n + x.tokens.length, 0), 204577);
  assert.equal(Math.max(...s.map((x) => x.tokens.length)), 159);
  const counts: Record<string, number> = {};
  for (const x of s) for (const t of x.tokens) counts[t.upos] = (counts[t.upos] ?? 0) + 1;
  assert.deepEqual(counts, {
    NOUN: 34751, PUNCT: 23596, VERB: 22576, PRON: 18677, ADP: 17742, DET: 16299, ADJ: 13137, AUX: 12815, PROPN: 12620,
    ADV: 10167, CCONJ: 6687, PART: 5748, NUM: 4126, SCONJ: 3819, SYM: 722, INTJ: 695, X: 400,
  });
});
