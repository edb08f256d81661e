// Tokenizer and Vocabulary against Keras's documented behaviour (keras.preprocessing.text), with
// every expected id worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KERAS_FILTERS, textToWordSequence } from '../../src/data/text-to-word-sequence.js';
import { Tokenizer, tokenizerFromJSON } from '../../src/data/tokenizer.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { ValueError } from '../../src/errors.js';

// Counts in first-appearance order: b 1, a 2, c 3, d 1, e 1.
// Sorted by count (stable): c 3, a 2, then the ties b, d, e in the order they first appeared.
const TEXTS = ['b a c', 'c d c', 'a e'];

test('textToWordSequence: lower-cases, filters punctuation, tab and newline, keeps the apostrophe', () => {
  assert.deepEqual(textToWordSequence(`Hello, World! It's (really) "fine"...\tOK\nbye`), ['hello', 'world', "it's", 'really', 'fine', 'ok', 'bye']);
  assert.deepEqual(textToWordSequence('Hello World', { lower: false }), ['Hello', 'World']);
  // The filters map to `split`; spaces are not a filter, so with split ',' they stay inside words.
  assert.deepEqual(textToWordSequence('The cat, the hat', { split: ',' }), ['the cat', ' the hat']);
  assert.deepEqual(textToWordSequence('a-b_c', { filters: '' }), ['a-b_c']);
  assert.deepEqual(textToWordSequence('x😀y]z^w', { filters: '😀]^' }), ['x', 'y', 'z', 'w']); // code points, class metacharacters
  assert.deepEqual(textToWordSequence('a$b', { filters: '$', split: '$&' }), ['a', 'b']); // split is literal
  assert.equal(KERAS_FILTERS, '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n');
  assert.equal(KERAS_FILTERS.length, 33); // 31 ASCII punctuation marks (not the apostrophe), tab, newline
  assert.throws(() => textToWordSequence('a b', { split: '' }), ValueError);
});

test('fitOnTexts: counts, documents, 1-based index by descending count with ties in first-appearance order', () => {
  const t = new Tokenizer();
  t.fitOnTexts(TEXTS);
  assert.equal(t.documentCount, 3);
  assert.deepEqual([...t.wordCounts], [['b', 1], ['a', 2], ['c', 3], ['d', 1], ['e', 1]]);
  assert.deepEqual([...t.wordIndex], [['c', 1], ['a', 2], ['b', 3], ['d', 4], ['e', 5]]);
  assert.deepEqual([...t.indexWord], [[1, 'c'], [2, 'a'], [3, 'b'], [4, 'd'], [5, 'e']]);
  assert.deepEqual([...t.wordDocs], [['b', 1], ['a', 2], ['c', 2], ['d', 1], ['e', 1]]);
  assert.deepEqual([...t.indexDocs], [[3, 1], [2, 2], [1, 2], [4, 1], [5, 1]]);
  // Unknown words are dropped without an OOV token; 'E!' → 'e'.
  assert.deepEqual(t.textsToSequences(['a b z c', 'E!', '']), [[2, 3, 1], [5], []]);
  assert.deepEqual(t.sequencesToTexts([[2, 3, 1], [5, 0, 99]]), ['a b c', 'e']);
  // Fitting again adds to the counts: c 3, a 2 → a 4 > c 3.
  t.fitOnTexts(['a a']);
  assert.equal(t.documentCount, 4);
  assert.deepEqual([...t.wordIndex], [['a', 1], ['c', 2], ['b', 3], ['d', 4], ['e', 5]]);
});

test('numWords keeps ids < numWords; without an OOV token the rest are dropped', () => {
  const t = new Tokenizer({ numWords: 3 });
  t.fitOnTexts(TEXTS); // c 1, a 2, b 3, d 4, e 5: only c and a survive
  assert.equal(t.wordIndex.size, 5, 'the index keeps every word, as in Keras');
  assert.deepEqual(t.textsToSequences(['a b z c', 'd e']), [[2, 1], []]);
  assert.deepEqual(t.sequencesToTexts([[2, 3, 1, 0, 7]]), ['a c']);
  const t0 = new Tokenizer({ numWords: 0 }); // 0 is falsy in Python: no limit
  t0.fitOnTexts(TEXTS);
  assert.deepEqual(t0.textsToSequences(['e d']), [[5, 4]]);
});

test('oovToken takes id 1 and replaces unknown and (with numWords) rare words', () => {
  const t = new Tokenizer({ oovToken: '<OOV>' });
  t.fitOnTexts(TEXTS); // <OOV> 1, c 2, a 3, b 4, d 5, e 6
  assert.deepEqual([...t.wordIndex], [['<OOV>', 1], ['c', 2], ['a', 3], ['b', 4], ['d', 5], ['e', 6]]);
  assert.deepEqual(t.textsToSequences(['a b z c']), [[3, 4, 1, 2]]);
  assert.deepEqual(t.sequencesToTexts([[3, 4, 1, 2, 99]]), ['a b <OOV> c <OOV>']);
  t.numWords = 4; // keeps ids 1..3: <OOV>, c, a
  assert.deepEqual(t.textsToSequences(['a b z c']), [[3, 1, 1, 2]]);
  assert.deepEqual(t.sequencesToTexts([[3, 4, 1, 2, 99]]), ['a <OOV> <OOV> c <OOV>']);
  // The OOV token is not lower-cased and not filtered.
  const u = new Tokenizer({ oovToken: 'UNK!' });
  u.fitOnTexts(['x']);
  assert.deepEqual([...u.wordIndex], [['UNK!', 1], ['x', 2]]);
  assert.deepEqual(u.textsToSequences(['x y']), [[2, 1]]);
});

test('an OOV token that is also a word keeps the later id, as dict(zip(...)) does in Keras', () => {
  const t = new Tokenizer({ oovToken: 'a' });
  t.fitOnTexts(['b a a']); // sorted_voc = [a, a, b] → {a: 2, b: 3}; id 1 is unused
  assert.deepEqual([...t.wordIndex], [['a', 2], ['b', 3]]);
  assert.deepEqual(t.textsToSequences(['a z b']), [[2, 2, 3]]);
});

test('charLevel: characters (spaces too) are tokens, no filters', () => {
  const t = new Tokenizer({ charLevel: true });
  t.fitOnTexts(['aAb', 'b a']); // a 3, b 2, ' ' 1
  assert.deepEqual([...t.wordIndex], [['a', 1], ['b', 2], [' ', 3]]);
  assert.deepEqual(t.textsToSequences(['ab!', 'B A']), [[1, 2], [2, 3, 1]]);
  // sequencesToTexts joins with ' ' whatever the level: 'a', ' ', 'b' → 'a   b'.
  assert.deepEqual(t.sequencesToTexts([[1, 3, 2]]), ['a   b']);
  const u = new Tokenizer({ charLevel: true, lower: false });
  u.fitOnTexts(['😀é😀']); // code points, not UTF-16 units
  assert.deepEqual([...u.wordIndex], [['😀', 1], ['é', 2]]);
});

test('token lists are lower-cased but not filtered or split', () => {
  const t = new Tokenizer();
  t.fitOnTexts([['The', 'Cat'], ['the', 'a.b']]); // the 2, cat 1, a.b 1
  assert.deepEqual([...t.wordIndex], [['the', 1], ['cat', 2], ['a.b', 3]]);
  assert.deepEqual(t.textsToSequences([['A.B', 'THE']]), [[3, 1]]);
});

test('bad arguments are ValueErrors', () => {
  assert.throws(() => new Tokenizer({ numWords: -1 }), /numWords must be a non-negative integer or null, got -1/);
  assert.throws(() => new Tokenizer({ numWords: 2.5 }), ValueError);
  assert.throws(() => new Tokenizer({ split: '' }), /split must be a non-empty string/);
  assert.throws(() => new Tokenizer().fitOnTexts('a b' as never), /expected a list of texts, got a single string/);
  assert.throws(() => new Tokenizer().textsToSequences('a b' as never), /expected a list of texts/);
});

test('toJSON gives Keras tokenizer_to_json layout with Python json.dumps strings; fromJSON round-trips', () => {
  const fitted = () => {
    const t = new Tokenizer({ oovToken: '<OOV>', numWords: 6 });
    // '2' is an integer-like key: a plain object would move it first, the Maps keep file order.
    t.fitOnTexts(['b a c 2', 'c d c', 'a e café']);
    return t;
  };
  const t = fitted();
  // counts: b 1, a 2, c 3, 2 1, d 1, e 1, café 1 → <OOV> 1, c 2, a 3, b 4, 2 5, d 6, e 7, café 8
  const j = t.toJSON();
  assert.equal(j.class_name, 'Tokenizer');
  assert.deepEqual(Object.keys(j.config), [
    'num_words', 'filters', 'lower', 'split', 'char_level', 'oov_token', 'document_count',
    'word_counts', 'word_docs', 'index_docs', 'index_word', 'word_index',
  ]);
  assert.equal(j.config.num_words, 6);
  assert.equal(j.config.filters, KERAS_FILTERS);
  assert.equal(j.config.document_count, 3);
  assert.equal(j.config.word_counts, '{"b": 1, "a": 2, "c": 3, "2": 1, "d": 1, "e": 1, "caf\\u00e9": 1}');
  assert.equal(j.config.word_index, '{"<OOV>": 1, "c": 2, "a": 3, "b": 4, "2": 5, "d": 6, "e": 7, "caf\\u00e9": 8}');
  assert.equal(j.config.index_word, '{"1": "<OOV>", "2": "c", "3": "a", "4": "b", "5": "2", "6": "d", "7": "e", "8": "caf\\u00e9"}');
  assert.equal(j.config.word_docs, '{"b": 1, "a": 2, "c": 2, "2": 1, "d": 1, "e": 1, "caf\\u00e9": 1}');
  assert.equal(j.config.index_docs, '{"4": 1, "3": 2, "2": 2, "5": 1, "6": 1, "7": 1, "8": 1}');

  for (const input of [JSON.stringify(t), t.toJSON()]) {
    const r = Tokenizer.fromJSON(input);
    assert.deepEqual(r.toJSON(), j);
    assert.deepEqual([...r.wordCounts], [...t.wordCounts]);
    assert.deepEqual([...r.wordDocs], [...t.wordDocs]);
    assert.deepEqual([...r.wordIndex], [...t.wordIndex]);
    assert.deepEqual([...r.indexWord], [...t.indexWord]);
    assert.deepEqual([...r.indexDocs], [...t.indexDocs]);
    assert.deepEqual(r.textsToSequences(['café 2 a zz e']), [[1, 5, 3, 1, 1]]); // ids ≥ 6 → <OOV>
    assert.deepEqual(r.sequencesToTexts([[5, 3, 8]]), ['2 a <OOV>']);
    // Refitting after loading sorts the loaded counts with the same tie order as the original.
    const again = fitted();
    r.fitOnTexts(['d d e']);
    again.fitOnTexts(['d d e']);
    assert.deepEqual([...r.wordIndex], [...again.wordIndex]);
    assert.deepEqual([...r.wordIndex].slice(0, 5), [['<OOV>', 1], ['c', 2], ['d', 3], ['a', 4], ['e', 5]]);
  }
});

test('fromJSON reads a string as Keras tokenizer.to_json() writes it', () => {
  // Python: t = Tokenizer(num_words=None); t.fit_on_texts(['Hello world', 'hello']); t.to_json()
  const keras = String.raw`{"class_name": "Tokenizer", "config": {"num_words": null, "filters": "!\"#$%&()*+,-./:;<=>?@[\\]^_` + '`' + String.raw`{|}~\t\n", "lower": true, "split": " ", "char_level": false, "oov_token": null, "document_count": 2, "word_counts": "{\"hello\": 2, \"world\": 1}", "word_docs": "{\"world\": 1, \"hello\": 2}", "index_docs": "{\"2\": 1, \"1\": 2}", "index_word": "{\"1\": \"hello\", \"2\": \"world\"}", "word_index": "{\"hello\": 1, \"world\": 2}"}}`;
  const t = tokenizerFromJSON(keras);
  assert.equal(t.filters, KERAS_FILTERS);
  assert.equal(t.numWords, null);
  assert.equal(t.documentCount, 2);
  assert.deepEqual([...t.wordIndex], [['hello', 1], ['world', 2]]);
  assert.deepEqual([...t.indexDocs], [[2, 1], [1, 2]]);
  assert.deepEqual(t.textsToSequences(['World, hello!']), [[2, 1]]);
  assert.throws(() => tokenizerFromJSON('{'), /not valid JSON/);
  assert.throws(() => tokenizerFromJSON('{"class_name": "Tokenizer"}'), /found no config object/);
  const broken = JSON.parse(keras);
  broken.config.word_index = '{"hello": 1, ';
  assert.throws(() => tokenizerFromJSON(broken), /word_index is not a flat JSON object/);
});

test('Vocabulary.build: 0 = padding, 1 = OOV, then by descending count with ties in first-appearance order', () => {
  const sents = [['The', 'dog', 'barks'], ['The', 'cat'], ['a', 'dog']];
  const v = Vocabulary.build(sents); // The 2, dog 2, barks 1, cat 1, a 1
  assert.deepEqual(v.tokens, ['<pad>', '<unk>', 'The', 'dog', 'barks', 'cat', 'a']);
  assert.equal(v.size, 7);
  assert.deepEqual(v.encode(['The', 'cat', 'unicorn', 'the']), [2, 5, 1, 1]);
  assert.deepEqual(v.encodeAll(sents), [[2, 3, 4], [2, 5], [6, 3]]);
  assert.deepEqual(v.decode([2, 5, 1, 0]), ['The', 'cat', '<unk>', '<pad>']);
  assert.deepEqual(v.decode(Int32Array.from([0, 0, 2, 3]), { skipPadding: true }), ['The', 'dog']);
  assert.equal(v.has('dog'), true);
  assert.equal(v.has('Dog'), false);
  assert.throws(() => v.decode([2, 7]), /id 7 at position 1 is outside \[0, 7\)/);
  assert.throws(() => v.decode([-1]), ValueError);

  assert.deepEqual(Vocabulary.build(sents, { minCount: 2 }).tokens, ['<pad>', '<unk>', 'The', 'dog']);
  assert.deepEqual(Vocabulary.build(sents, { maxTokens: 3 }).tokens, ['<pad>', '<unk>', 'The']);
  const lower = Vocabulary.build([['The', 'the', 'A']], { lower: true, padToken: 'PAD', oovToken: 'UNK' });
  assert.deepEqual(lower.tokens, ['PAD', 'UNK', 'the', 'a']);
  assert.deepEqual(lower.encode(['THE', 'a', 'b']), [2, 3, 1]);
  assert.throws(() => Vocabulary.build(sents, { minCount: 0 }), /minCount must be an integer ≥ 1, got 0/);
  assert.throws(() => Vocabulary.build(sents, { maxTokens: 1 }), /maxTokens must be an integer ≥ 2/);
  assert.throws(() => new Vocabulary(['x', 'y', 'x']), /token "x" is listed twice \(ids 2 and 4\)/);
});

test('Vocabulary JSON round-trip', () => {
  const v = Vocabulary.build([['b', 'a', 'a', '2']], { lower: true, oovToken: '[UNK]' });
  const s = JSON.stringify(v);
  assert.deepEqual(JSON.parse(s), { class_name: 'Vocabulary', config: { pad_token: '<pad>', oov_token: '[UNK]', lower: true, tokens: ['a', 'b', '2'] } });
  const r = Vocabulary.fromJSON(s);
  assert.deepEqual(r.tokens, v.tokens);
  assert.deepEqual(r.encode(['A', '2', 'z']), [2, 4, 1]);
  assert.deepEqual(Vocabulary.fromJSON(v.toJSON()).tokens, v.tokens);
  assert.throws(() => Vocabulary.fromJSON('{"config": {}}'), /expected \{"class_name": "Vocabulary"/);
});
