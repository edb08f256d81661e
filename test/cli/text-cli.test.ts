// `tsrnn pos train|tag` and `tsrnn sentiment train|predict` on tiny temp corpora, in-process: exit codes,
// what they print, the files they write, and the messages for bad options and data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPOS_TAGS } from '../../src/data/conllu.js';
import { conlluText, sentimentRows, TAGGED, TAGGED_DEV, tsvText } from '../tasks/tiny-corpora.js';
import { runCli } from '../helpers/cli.js';

test('pos train on a tiny CoNLL-U folder, then pos tag with the saved model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-cli-pos-'));
  try {
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'tiny-ud-train.conllu'), conlluText(TAGGED));
    writeFileSync(join(data, 'tiny-ud-dev.conllu'), conlluText(TAGGED_DEV));
    writeFileSync(join(data, 'tiny-ud-test.conllu'), conlluText(TAGGED.slice(0, 4)));
    const out = join(dir, 'model');
    const r = await runCli('pos', 'train', '--data', data, '--out', out, '--epochs', '3', '--units', '8', '--embedding-dim', '4', '--seed', '7');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /tiny-ud-train\.conllu \(12 sentences, 57 words\), dev 2 sentences, test 4 sentences/);
    assert.match(r.out, /Model: "sequential/);
    assert.match(r.out, /pos {2}epoch 3\/3 .*loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_accuracy \d\.\d{4}/);
    assert.match(r.out, /Test accuracy: \d+\.\d\d% \(\d+\/17 words\); most-frequent-tag baseline \d+\.\d\d%/);
    assert.match(r.out, /\ntag\s+gold\s+accuracy\s+precision\s+f1\n/);
    assert.match(r.out, /Confusion matrix \(rows: gold tag, columns: predicted tag\)\ngold\\pred/);
    for (const f of ['model.json', 'weights.bin', 'pos-tagger.json', 'loss.svg', 'loss.png', 'accuracy.svg', 'accuracy.json', 'results.json']) {
      assert.ok(existsSync(join(out, f)), `${f} written`);
    }
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.equal(results.task, 'pos');
    assert.equal(results.testTokens, 17);
    assert.equal(results.confusion.length, 17);
    assert.equal(results.history.loss.length, 3);

    const t = await runCli('pos', 'tag', '--model', out, 'The dog sleeps.', 'i work at google');
    assert.equal(t.code, 0, t.err);
    const lines = t.out.split('\n');
    assert.equal(lines.length, 4 + 1 + 4);
    assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), ['The', 'dog', 'sleeps', '.', '', 'i', 'work', 'at', 'google']);
    for (const l of lines.filter((x) => x !== '')) assert.ok((UPOS_TAGS as readonly string[]).includes(l.split(/\s+/)[1]), l);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pos: bad data folders, bad model folders and bad options give exit code 1 and say why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-cli-pos-bad-'));
  try {
    const missing = join(dir, 'nothing');
    let r = await runCli('pos', 'train', '--data', missing);
    assert.equal(r.code, 1);
    assert.equal(r.err, `error: --data ${missing}: no such folder`);
    writeFileSync(join(dir, 'x-train.conllu'), conlluText(TAGGED));
    r = await runCli('pos', 'train', '--data', dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /no \*-dev\.conllu file \(the folder should hold \*-train\.conllu, \*-dev\.conllu and \*-test\.conllu\)/);
    writeFileSync(join(dir, 'x-dev.conllu'), '1\tword\n');
    r = await runCli('pos', 'train', '--data', dir, '--epochs', '1');
    assert.equal(r.code, 1);
    assert.equal(r.err, `error: ${join(dir, 'x-dev.conllu')}, line 1: expected 10 tab-separated columns (ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC), found 2`);
    r = await runCli('pos', 'tag', '--model', dir, 'hello');
    assert.equal(r.code, 1);
    assert.match(r.err, /pos-tagger\.json not found: is .* a folder written by the matching 'train' command\?/);
    r = await runCli('pos', 'train', '--data', dir, '--epochs', '0');
    assert.equal(r.code, 1);
    assert.match(r.err, /option '-e, --epochs <n>' argument '0' is invalid\. expected an integer ≥ 1, got 0\./);
    r = await runCli('pos', 'tag', 'hello');
    assert.equal(r.code, 1);
    assert.match(r.err, /required option '-m, --model <dir>' not specified/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sentiment train on tiny TSV files, then sentiment predict with the saved model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-cli-sentiment-'));
  try {
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'train.tsv'), tsvText(sentimentRows(64)));
    writeFileSync(join(data, 'dev.tsv'), tsvText(sentimentRows(16, 500)));
    const out = join(dir, 'model');
    const r = await runCli('sentiment', 'train', '--data', data, '--out', out, '--epochs', '2', '--units', '4', '--embedding-dim', '4', '--cell', 'gru', '--class-weight', 'balanced');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /train\.tsv \(64 rows, 50\.00% positive\), .*dev\.tsv \(16 rows\)/);
    assert.match(r.out, /bidirectional gru, up to 2 epochs \(early stopping on dev accuracy\), seed 42, class weight "balanced"/);
    assert.match(r.out, /Dev accuracy: \d+\.\d\d% \(16 sentences; the weights after [\d.]+ epochs? kept\), trained in \d+s/);
    for (const f of ['model.json', 'weights.bin', 'sentiment.json', 'loss.svg', 'accuracy.png', 'results.json']) assert.ok(existsSync(join(out, f)), `${f} written`);
    const cfg = JSON.parse(readFileSync(join(out, 'sentiment.json'), 'utf8'));
    assert.equal(cfg.tokenizer.class_name, 'Tokenizer');

    const p = await runCli('sentiment', 'predict', '--model', out, 'a gorgeous, witty film', 'a dull film');
    assert.equal(p.code, 0, p.err);
    const lines = p.out.split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^P\(positive\) = [01]\.\d{4} {2}a gorgeous, witty film$/);
    assert.match(lines[1], /^P\(positive\) = [01]\.\d{4} {2}a dull film$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sentiment: a missing dev.tsv, a row without a label, a bad --class-weight', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-cli-sentiment-bad-'));
  try {
    writeFileSync(join(dir, 'train.tsv'), tsvText(sentimentRows(8)));
    let r = await runCli('sentiment', 'train', '--data', dir);
    assert.equal(r.code, 1);
    assert.equal(r.err, `error: --data ${dir}: ${join(dir, 'dev.tsv')} not found (the folder should hold train.tsv and dev.tsv, 'sentence<TAB>label' rows)`);
    writeFileSync(join(dir, 'dev.tsv'), 'sentence\tlabel\nfine \t1\nno label here\n');
    r = await runCli('sentiment', 'train', '--data', dir);
    assert.equal(r.code, 1);
    assert.equal(r.err, `error: ${join(dir, 'dev.tsv')}, line 3: missing label (column 2; the row has 1 field)`);
    r = await runCli('sentiment', 'train', '--data', dir, '--class-weight', '2:1');
    assert.equal(r.code, 1);
    assert.match(r.err, /option '--class-weight <w>' argument '2:1' is invalid\. expected 'balanced', 'none' or weights like '0:1,1:2'/);
    r = await runCli('sentiment', 'predict', '--model', join(dir, 'none'), 'text');
    assert.equal(r.code, 1);
    assert.match(r.err, /sentiment\.json not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
