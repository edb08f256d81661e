// The POS tagger task (src/tasks/pos-*.ts): word features, the featurizer's vocabularies and ids, the
// model's layout, end-to-end training on a tiny corpus, save → load → the same tags, evaluation
// arithmetic, error messages, and (when present) the real UD English-EWT files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPOS_TAGS } from '../../src/data/conllu.js';
import { ValueError } from '../../src/errors.js';
import { loadModelDir, saveModelDir } from '../../src/io/model-dir.js';
import { readConlluFile } from '../../src/io/read-text.js';
import { Tensor } from '../../src/tensor.js';
import { evaluatePosTagger, formatConfusionMatrix, formatTagTable, mostFrequentTagBaseline } from '../../src/tasks/pos-evaluate.js';
import { DEFAULT_POS_FEATURES, featureValue, PosFeaturizer, wordKey, wordShape } from '../../src/tasks/pos-features.js';
import { buildPosModel } from '../../src/tasks/pos-model.js';
import { PosTagger } from '../../src/tasks/pos-tagger.js';
import { trainPosTagger } from '../../src/tasks/pos-train.js';
import { conlluText, TAGGED, TAGGED_DEV, taggedSentences } from './tiny-corpora.js';

const EWT = join(process.cwd(), '..', 'shared', 'data', 'ud-english-ewt');

test('word features: key, shape, prefixes and suffixes', () => {
  assert.equal(wordKey('Google'), 'google');
  assert.equal(wordKey('1999'), '0000');
  assert.equal(wordKey('COVID-19'), 'covid-00');
  assert.equal(wordShape('Google'), 'Xxx');
  assert.equal(wordShape('USA'), 'XX');
  assert.equal(wordShape('I'), 'X');
  assert.equal(wordShape('3.5'), 'd.d');
  assert.equal(wordShape('1999'), 'dd');
  assert.equal(wordShape('e-mail'), 'x-xx');
  assert.equal(wordShape('U.S.'), 'X.X.');
  assert.equal(wordShape('Éric'), 'Xxx', 'non-ASCII letters have case too');
  assert.equal(wordShape('http://example.com/a'), 'xx://xx.', 'cut to 8 characters');
  assert.equal(featureValue('suffix3', 'Running'), 'ing');
  assert.equal(featureValue('suffix1', 'Cats'), 's');
  assert.equal(featureValue('prefix2', 'Unhappy'), 'un');
  assert.equal(featureValue('suffix4', 'is'), 'is', 'a word shorter than the affix is the whole word');
  assert.equal(featureValue('suffix2', 'café'), 'fé', 'affixes count characters, not UTF-16 units');
  assert.equal(featureValue('word', 'The'), 'the');
  assert.equal(featureValue('shape', 'The'), 'Xxx');
});

test('featurizer: vocabularies with minCount, one id block per feature, unknown values, JSON round trip', () => {
  const sentences = [['The', 'cat', 'sat'], ['the', 'Cat', 'ran'], ['a', 'dog', 'sat']];
  const f = PosFeaturizer.build(sentences, { features: ['word', 'suffix2', 'shape'], minCount: 2, affixMinCount: 2 });
  // words: the ×2, cat ×2, sat ×2 kept; ran, a, dog (×1) unknown
  assert.deepEqual(f.vocabularies[0].tokens.slice(2), ['the', 'cat', 'sat']);
  // suffix2: he ×2, at ×4 (cat cat sat sat), an 1, a 1, og 1 → at, he
  assert.deepEqual(f.vocabularies[1].tokens.slice(2), ['at', 'he']);
  // shapes: Xxx ×2 (The, Cat), xx ×6 (runs of x are cut to two; 'a' is 'x') → xx, Xxx
  assert.deepEqual(f.vocabularies[2].tokens.slice(2), ['xx', 'Xxx']);
  // rows: 0 padding; word block 1..4 (unknown, the, cat, sat); suffix2 5..7; shape 8..10
  assert.deepEqual(f.offsets, [1, 5, 8]);
  assert.equal(f.inputDim, 11);
  assert.equal(f.unknownWordId, 1);
  const ids = f.encodeSentence(['The', 'zebra', 'Sat']);
  assert.deepEqual(Array.from(ids), [2, 7, 10, 1, 5, 9, 4, 6, 10]);
  assert.ok(f.isKnownWord('CAT') && !f.isKnownWord('dog'));
  const g = PosFeaturizer.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
  assert.deepEqual(Array.from(g.encodeSentence(['The', 'zebra', 'Sat'])), Array.from(ids));
  assert.deepEqual(DEFAULT_POS_FEATURES[0], 'word');
  assert.throws(() => new PosFeaturizer(['suffix2', 'word'], f.vocabularies.slice(0, 2)), /first feature must be 'word'/);
  assert.throws(() => PosFeaturizer.build(sentences, { features: ['word', 'suffix9' as never] }), /unknown feature "suffix9"/);
});

test('model: standard Keras layers, a zero padding row, the mask reaching the output', () => {
  const f = PosFeaturizer.build(taggedSentences(TAGGED).map((s) => s.words), { minCount: 1, affixMinCount: 1 });
  const model = buildPosModel(f, UPOS_TAGS.length, { embeddingDim: 4, units: 5 });
  assert.deepEqual(model.layers.map((l) => l.className), ['TimeDistributed', 'TimeDistributed', 'Masking', 'Bidirectional', 'Dropout', 'TimeDistributed']);
  assert.equal(buildPosModel(f, UPOS_TAGS.length, { outputDropout: 0 }).layers.length, 5, 'no Dropout layer at rate 0');
  const emb = model.getWeights()[0];
  assert.deepEqual(emb.shape, [f.inputDim, 4]);
  assert.deepEqual(Array.from(emb.data.slice(0, 4)), [0, 0, 0, 0]);
  assert.ok(emb.data.slice(4).some((v) => v !== 0));
  assert.deepEqual(model.outputShapeFull, [null, null, UPOS_TAGS.length]);
  // a padded step: no state change, so the real steps' outputs equal the unpadded sentence's
  const K = f.featureCount;
  const one = f.encodeSentence(['The', 'cat', 'sleeps']);
  const padded = new Float32Array(5 * K);
  padded.set(one);
  const a = model.predict(new Tensor(Float32Array.from(one), [1, 3, K])).data;
  const b = model.predict(new Tensor(padded, [1, 5, K])).data;
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `step ${Math.floor(i / 17)} differs`);
});

test('training on a tiny corpus: accuracy rises above 90%; save → load → the same tags', async () => {
  const train = taggedSentences(TAGGED), dev = taggedSentences(TAGGED_DEV);
  const r = await trainPosTagger(train, dev, {
    epochs: 40, patience: 40, batchSize: 4, embeddingDim: 8, units: 16, minCount: 1, affixMinCount: 1, wordDropout: 0, dropout: 0, learningRate: 0.02, seed: 1,
  });
  const h = r.history;
  assert.deepEqual(Object.keys(h).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  assert.ok(h.loss[h.loss.length - 1] < h.loss[0] / 4, `loss fell from ${h.loss[0]} to ${h.loss.at(-1)}`);
  const e = evaluatePosTagger(r.tagger, train);
  assert.ok(e.accuracy > 0.9, `training accuracy ${e.accuracy}`);
  assert.ok(h.accuracy[0] < 0.6, `first epoch accuracy ${h.accuracy[0]}`);
  assert.equal(h.val_accuracy[r.bestEpoch - 1], Math.max(...h.val_accuracy), 'the best dev epoch is kept');

  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-pos-'));
  try {
    await saveModelDir(dir, r.tagger.model, { 'pos-tagger.json': r.tagger.toJSON() });
    const { model, companion } = await loadModelDir(dir, 'pos-tagger.json');
    const loaded = PosTagger.fromJSON(model, companion);
    const words = [...train, ...dev].map((s) => s.words).concat([['Unseen', 'words', 'everywhere', '!']]);
    assert.deepEqual(loaded.tag(words), r.tagger.tag(words));
    const p0 = r.tagger.probabilities(words), p1 = loaded.probabilities(words);
    p0.forEach((p, i) => p.forEach((v, j) => assert.equal(v, p1[i][j])));
    // the saved model is plain Keras layers: TensorFlow.js loads it and gives the same probabilities
    await tf.setBackend('cpu');
    const mj = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const bin = readFileSync(join(dir, 'weights.bin'));
    const tm = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: mj.modelTopology, weightSpecs: mj.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }));
    const sentence = words[words.length - 1];
    const theirs = (tm.predict(tf.tensor3d(Array.from(r.tagger.featurizer.encodeSentence(sentence)), [1, sentence.length, r.tagger.featurizer.featureCount])) as tf.Tensor).dataSync();
    p0[p0.length - 1].forEach((v, j) => assert.ok(Math.abs(v - theirs[j]) < 1e-6, `tfjs probability ${j}: ${theirs[j]} vs ${v}`));
    assert.deepEqual(loaded.tagText('The dog sleeps.').map((t) => t.word), ['The', 'dog', 'sleeps', '.']);
    // a model with other features does not load with this config
    const other = buildPosModel(PosFeaturizer.build([['x']], { minCount: 1 }), UPOS_TAGS.length, { embeddingDim: 8, units: 16 });
    assert.throws(() => PosTagger.fromJSON(other, companion), (err: Error) => err instanceof ValueError && /embedding has \d+ rows but the features need \d+/.test(err.message));
    assert.throws(() => PosTagger.fromJSON(model, '{"format": "something-else"}', 'x.json'), /x\.json: not a tsrnn POS tagger config/);
    assert.throws(() => PosTagger.fromJSON(model, '{oops', 'x.json'), /x\.json: not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('evaluation: accuracy, per-tag scores, confusion matrix, unseen words, the baseline', async () => {
  const train = taggedSentences(TAGGED);
  const f = PosFeaturizer.build(train.map((s) => s.words), { minCount: 1 });
  const tagger = new PosTagger(buildPosModel(f, UPOS_TAGS.length, { embeddingDim: 4, units: 4 }), f);
  const gold = [{ words: ['The', 'cat', 'zzz'], tags: ['DET', 'NOUN', 'VERB'] }];
  const predicted = tagger.tag(gold.map((s) => s.words))[0];
  const e = evaluatePosTagger(tagger, gold, { trainingWords: new Set(['the', 'cat']) });
  const C = UPOS_TAGS.length;
  assert.equal(e.tokens, 3);
  assert.equal(e.correct, predicted.filter((t, i) => t === gold[0].tags[i]).length);
  assert.equal(e.confusion.length, C);
  assert.equal(e.confusion.flat().reduce((a, b) => a + b, 0), 3);
  gold[0].tags.forEach((g, i) => assert.ok(e.confusion[UPOS_TAGS.indexOf(g as never)][UPOS_TAGS.indexOf(predicted[i] as never)] >= 1));
  assert.deepEqual(e.unseenWords, { tokens: 1, correct: predicted[2] === 'VERB' ? 1 : 0, accuracy: predicted[2] === 'VERB' ? 1 : 0 });
  assert.equal(e.unknownWords.tokens, 1);
  const det = e.perTag.find((s) => s.tag === 'DET')!;
  assert.equal(det.support, 1);
  const table = formatTagTable(e);
  assert.match(table[0], /^tag\s+gold\s+accuracy\s+precision\s+f1$/);
  assert.equal(table.length, C + 2);
  const cm = formatConfusionMatrix(e, UPOS_TAGS);
  assert.equal(cm.length, C + 1);
  assert.match(cm[0], /^gold\\pred\s+ADJ\s+ADP/);
  // baseline: each word's commonest training tag (lower-cased); unseen words: PROPN if capitalized, else NOUN
  const b = mostFrequentTagBaseline(train, [{ words: ['THE', 'dogs', 'ran', 'Zzz', 'zzz'], tags: ['DET', 'NOUN', 'VERB', 'PROPN', 'NOUN'] }]);
  assert.deepEqual(b, { tokens: 5, correct: 4, accuracy: 0.8 });
});

test('bad input: the file and line of a malformed CoNLL-U row, an empty file, a token id ≥ inputDim, mismatched tags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-pos-bad-'));
  try {
    const bad = join(dir, 'bad-train.conllu');
    const text = conlluText(TAGGED.slice(0, 2)).split('\n');
    text[3] = text[3].split('\t').slice(0, 6).join('\t'); // line 4: a word row with 6 columns
    writeFileSync(bad, text.join('\n'));
    await assert.rejects(readConlluFile(bad), (e: Error) => e instanceof ValueError && e.message === `${bad}, line 4: expected 10 tab-separated columns (ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC), found 6`);
    const empty = join(dir, 'empty.conllu');
    writeFileSync(empty, '\n\n');
    await assert.rejects(readConlluFile(empty), (e: Error) => e instanceof ValueError && e.message === `${empty}: empty file (no sentences)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const f = PosFeaturizer.build(taggedSentences(TAGGED).map((s) => s.words), { minCount: 1 });
  const model = buildPosModel(f, UPOS_TAGS.length, { embeddingDim: 4, units: 4 });
  const K = f.featureCount;
  const x = new Float32Array(2 * K).fill(1);
  x[K + 1] = f.inputDim; // one past the last row
  assert.throws(() => model.predict(new Tensor(x, [1, 2, K])), (e: Error) => e instanceof ValueError && e.message.includes(`token id ${f.inputDim} at position [1, 1]`) && e.message.includes(`inputDim = ${f.inputDim}`));
  await assert.rejects(trainPosTagger([{ words: ['a', 'b'], tags: ['DET'] }], taggedSentences(TAGGED_DEV)), /training sentence 1: 2 words but 1 tags/);
  await assert.rejects(trainPosTagger([{ words: ['a'], tags: ['DETERMINER'] }], taggedSentences(TAGGED_DEV)), /training sentence 1, word 1 \("a"\): unknown tag "DETERMINER"/);
  await assert.rejects(trainPosTagger([], taggedSentences(TAGGED_DEV)), /no training sentences/);
});

test('UD English-EWT: unseen-word rate and the most-frequent-tag baseline (the figures the README compares with)', { skip: existsSync(EWT) ? false : `corpus absent: ${EWT}` }, async () => {
  const train = await readConlluFile(join(EWT, 'en_ewt-ud-train.conllu'));
  const test = await readConlluFile(join(EWT, 'en_ewt-ud-test.conllu'));
  const words = new Set(train.flatMap((s) => s.tokens.map((t) => t.form.toLowerCase())));
  const testWords = test.flatMap((s) => s.tokens.map((t) => t.form));
  const unseen = testWords.filter((w) => !words.has(w.toLowerCase())).length / testWords.length;
  assert.equal(unseen.toFixed(4), '0.0750');
  const b = mostFrequentTagBaseline(train, test);
  assert.equal(b.tokens, 25094);
  assert.equal(b.accuracy.toFixed(4), '0.8820');
});
