// The sentiment task (src/tasks/sentiment.ts): text → words → ids, the model's layout, training on a
// tiny corpus (accuracy rises above 90%), class weights, save → load → the same probabilities, error
// messages, and (when present) the real SST-2 files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '../../src/errors.js';
import { loadModelDir, saveModelDir } from '../../src/io/model-dir.js';
import { readLabelledTextFile } from '../../src/io/read-text.js';
import { Tensor } from '../../src/tensor.js';
import {
  buildSentimentModel, evaluateSentiment, SentimentClassifier, sentimentWords, trainSentiment,
} from '../../src/tasks/sentiment.js';
import { wordTokenize } from '../../src/tasks/word-tokenize.js';
import { sentimentRows, tsvText } from './tiny-corpora.js';

const SST2 = join(process.cwd(), '..', 'shared', 'data', 'sst2');

test('wordTokenize: punctuation and clitics split as in the PTB; tokenized text unchanged', () => {
  assert.deepEqual(wordTokenize("Don't stop."), ['Do', "n't", 'stop', '.']);
  assert.deepEqual(wordTokenize('a gorgeous, witty film'), ['a', 'gorgeous', ',', 'witty', 'film']);
  assert.deepEqual(wordTokenize("I can't believe it's Google's!?"), ['I', 'ca', "n't", 'believe', 'it', "'s", 'Google', "'s", '!', '?']);
  assert.deepEqual(wordTokenize('The U.S. economy grew 3.5% in 2019 (fast).'), ['The', 'U.S.', 'economy', 'grew', '3.5', '%', 'in', '2019', '(', 'fast', ')', '.']);
  assert.deepEqual(wordTokenize('"Hello," she said -- e.g. at http://x.com/a'), ['"', 'Hello', ',', '"', 'she', 'said', '--', 'e.g.', 'at', 'http://x.com/a']);
  const sst = "it 's a charming and often affecting journey . ";
  assert.deepEqual(wordTokenize(sst), sst.trim().split(' '));
  assert.deepEqual(wordTokenize('does n\'t work ...'), ['does', "n't", 'work', '...']);
  assert.deepEqual(wordTokenize('  \t '), []);
  assert.equal(sentimentWords('A Gorgeous, WITTY film!'), 'a gorgeous , witty film !');
});

test('model: Embedding(maskZero) → Bidirectional(GRU) → Dropout → Dense(sigmoid); LSTM and one direction on request', () => {
  const m = buildSentimentModel(50, { embeddingDim: 8, units: 6 });
  assert.deepEqual(m.layers.map((l) => l.className), ['Embedding', 'Bidirectional', 'Dropout', 'Dense']);
  assert.deepEqual(m.outputShapeFull, [null, 1]);
  assert.equal((m.layers[1] as unknown as { forwardLayer: { className: string } }).forwardLayer.className, 'GRU');
  const g = buildSentimentModel(50, { cell: 'lstm', bidirectional: false, units: 6 });
  assert.deepEqual(g.layers.map((l) => l.className), ['Embedding', 'LSTM', 'Dropout', 'Dense']);
  // pre-padding changes nothing (masked steps keep the state)
  const a = m.predict(new Tensor(new Float32Array([3, 4, 5]), [1, 3])).data[0];
  const b = m.predict(new Tensor(new Float32Array([0, 0, 3, 4, 5]), [1, 5])).data[0];
  assert.ok(Math.abs(a - b) < 1e-6);
});

test('training on a tiny corpus: dev accuracy above 90%, class weights, save → load → the same probabilities', async () => {
  const train = sentimentRows(96), dev = sentimentRows(24, 1000);
  const r = await trainSentiment(train, dev, { epochs: 12, patience: 12, checksPerEpoch: 1, lrPatience: null, batchSize: 16, embeddingDim: 8, units: 8, minCount: 1, dropout: 0, inputDropout: 0, learningRate: 0.02, seed: 3, cell: 'lstm' });
  const h = r.history;
  assert.deepEqual(Object.keys(h).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  assert.ok(h.val_accuracy[r.bestEpoch - 1] > 0.9, `dev accuracy ${h.val_accuracy}`);
  assert.ok(h.loss.at(-1)! < h.loss[0] / 3, `loss ${h.loss}`);
  const e = evaluateSentiment(r.classifier, dev);
  assert.equal(e.accuracy, h.val_accuracy[r.bestEpoch - 1], 'the best epoch is the one kept');
  assert.equal(h.accuracy.at(-1), 1, 'the training rows are learnt');
  // dev accuracy is already 1 after epoch 1, and a tie is no improvement: epoch 1's weights are kept
  assert.equal(r.bestEpoch, 1);
  const p = r.classifier.predict(['a gorgeous , witty film', 'a dull and ugly film']);
  assert.ok(p[0] > p[1], `P = ${p}`);
  // raw text goes through the same tokenization as the training rows
  assert.deepEqual(r.classifier.encode(['A gorgeous, witty film.']), r.classifier.encode(['a gorgeous , witty film .']));

  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-sentiment-'));
  try {
    await saveModelDir(dir, r.classifier.model, { 'sentiment.json': r.classifier.toJSON() });
    const { model, companion } = await loadModelDir(dir, 'sentiment.json');
    const loaded = SentimentClassifier.fromJSON(model, companion);
    const texts = [...dev.texts, 'never seen words here', ''];
    assert.deepEqual(loaded.predict(texts), r.classifier.predict(texts));
    assert.throws(() => SentimentClassifier.fromJSON(buildSentimentModel(3, { units: 8, embeddingDim: 8 }), companion),
      (err: Error) => err instanceof ValueError && /tokenizer gives ids up to \d+ but the model's embedding has 3 rows/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // class weights: with class 1 weighted 0, the loss only sees negatives and everything leans negative
  const skew = await trainSentiment(train, dev, { epochs: 3, checksPerEpoch: 1, batchSize: 16, embeddingDim: 8, units: 8, minCount: 1, learningRate: 0.02, seed: 3, classWeight: { 0: 1, 1: 0 } });
  const q = skew.classifier.predict(dev.texts);
  assert.ok(q.every((v) => v < 0.5), `all negative: ${q.map((v) => v.toFixed(2))}`);
});

test('bad input: a TSV row with a missing label names file and line; labels other than 0/1; an empty file; ids ≥ inputDim', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-sentiment-bad-'));
  try {
    const bad = join(dir, 'train.tsv');
    writeFileSync(bad, 'sentence\tlabel\na fine film \t1\na dull film \n');
    await assert.rejects(readLabelledTextFile(bad), (e: Error) => e instanceof ValueError && e.message === `${bad}, line 3: missing label (column 2; the row has 1 field)`);
    const empty = join(dir, 'empty.tsv');
    writeFileSync(empty, '');
    await assert.rejects(readLabelledTextFile(empty), (e: Error) => e instanceof ValueError && e.message === `${empty}: empty file (no rows)`);
    const three = join(dir, 'three.tsv');
    writeFileSync(three, tsvText({ texts: ['ok', 'fine'], labels: [1, 2] }));
    const data = await readLabelledTextFile(three);
    await assert.rejects(trainSentiment(data, data), /training data: row 2 has label 2; sentiment labels must be 0 \(negative\) or 1 \(positive\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const m = buildSentimentModel(10, { units: 4, embeddingDim: 4 });
  assert.throws(() => m.predict(new Tensor(new Float32Array([1, 12]), [1, 2])), (e: Error) => e instanceof ValueError && e.message.includes('token id 12 at position [0, 1] is outside [0, 10)'));
});

test('SST-2: the files parse, and the tokenizer leaves their tokenization alone', { skip: existsSync(SST2) ? false : `corpus absent: ${SST2}` }, async () => {
  const train = await readLabelledTextFile(join(SST2, 'train.tsv'));
  const dev = await readLabelledTextFile(join(SST2, 'dev.tsv'));
  assert.equal(train.texts.length, 67349);
  assert.equal(dev.texts.length, 872);
  assert.equal(dev.labels.filter((l) => l === 1).length, 444);
  let changed = 0;
  for (const t of dev.texts) if (sentimentWords(t) !== t.trim().split(/\s+/).join(' ')) changed++;
  assert.ok(changed <= 5, `${changed} dev sentences tokenized differently`);
});
