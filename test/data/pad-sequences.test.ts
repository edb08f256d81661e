// padSequences against Keras's pad_sequences. The expected rows were worked out by hand from Keras's
// slicing rules (truncate: 'pre' keeps s[-maxlen:], 'post' keeps s[:maxlen]; pad: 'pre' fills
// x[i, -len:], 'post' fills x[i, :len]) and agree with a numpy transcription of Keras's function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { padSequences } from '../../src/data/pad-sequences.js';
import { ValueError } from '../../src/errors.js';
import { Random } from '../../src/random.js';

test('padSequences: truncation and padding on either side', () => {
  const cases: [number[][], Parameters<typeof padSequences>[1], number[][]][] = [
    [[[1, 2, 3], [4, 5]], { maxlen: 2 }, [[2, 3], [4, 5]]],
    [[[1, 2, 3], [4, 5]], { maxlen: 2, truncating: 'post' }, [[1, 2], [4, 5]]],
    [[[1, 2, 3], [4, 5], []], {}, [[1, 2, 3], [0, 4, 5], [0, 0, 0]]],
    [[[1, 2, 3], [4, 5], []], { padding: 'post' }, [[1, 2, 3], [4, 5, 0], [0, 0, 0]]],
    [[[1], [2, 3]], { maxlen: 4, padding: 'post', value: -1 }, [[1, -1, -1, -1], [2, 3, -1, -1]]],
    [[[1, 2, 3, 4, 5], [6]], { maxlen: 3, padding: 'post', truncating: 'post' }, [[1, 2, 3], [6, 0, 0]]],
    [[[1, 2, 3, 4, 5], [6]], { maxlen: 3, padding: 'pre', truncating: 'post' }, [[1, 2, 3], [0, 0, 6]]],
    [[[1, 2, 3, 4, 5], [6]], { maxlen: 3, padding: 'post', truncating: 'pre' }, [[3, 4, 5], [6, 0, 0]]],
    // int32 casts truncate toward zero, as numpy does: 1.7 → 1, -2.5 → -2, value 0.5 → 0.
    [[[1.7, -2.5]], {}, [[1, -2]]],
    [[[1], [2]], { maxlen: 3, value: 0.5 }, [[0, 0, 1], [0, 0, 2]]],
  ];
  for (const [seqs, args, want] of cases) {
    const t = padSequences(seqs, args);
    assert.equal(t.dtype, 'int32', JSON.stringify(args));
    assert.deepEqual(t.shape, [want.length, want[0].length]);
    assert.deepEqual(t.arraySync(), want, `${JSON.stringify(seqs)} ${JSON.stringify(args)}`);
  }
});

test('padSequences: float32 keeps fractions; typed-array rows; empty inputs', () => {
  const f = padSequences([[1.7, -2.5]], { dtype: 'float32', maxlen: 3, value: 0.5 });
  assert.equal(f.dtype, 'float32');
  assert.deepEqual(Array.from(f.data), [0.5, Math.fround(1.7), -2.5]);
  const typed = padSequences([Int32Array.from([7, 8, 9]), Float32Array.from([1])], { maxlen: 2 });
  assert.deepEqual(typed.arraySync(), [[8, 9], [0, 1]]);
  assert.deepEqual(padSequences([], { maxlen: 3 }).shape, [0, 3]);
  assert.deepEqual(padSequences([[], []]).shape, [2, 0]);
  // maxlen 0: an [N, 0] tensor (Keras fails here: s[-0:] keeps the whole sequence).
  assert.deepEqual(padSequences([[1, 2], [3]], { maxlen: 0 }).shape, [2, 0]);
});

test('padSequences agrees with a direct transcription of the Keras slicing on random inputs', () => {
  const rng = new Random(7);
  const pick = (n: number) => Math.floor(rng.uniform() * n);
  for (let trial = 0; trial < 200; trial++) {
    const seqs = Array.from({ length: 1 + pick(4) }, () => Array.from({ length: pick(7) }, () => 1 + pick(50)));
    const maxlen = pick(3) === 0 ? undefined : 1 + pick(6);
    const padding = pick(2) ? 'pre' : 'post';
    const truncating = pick(2) ? 'pre' : 'post';
    const value = pick(2) ? 0 : -1;
    const L = maxlen ?? Math.max(...seqs.map((s) => s.length));
    const want = seqs.map((s) => {
      const row = new Array<number>(L).fill(value);
      if (s.length === 0) return row;
      const trunc = truncating === 'pre' ? s.slice(-L) : s.slice(0, L); // s[-maxlen:] / s[:maxlen]
      if (padding === 'post') row.splice(0, trunc.length, ...trunc);
      else row.splice(L - trunc.length, trunc.length, ...trunc);
      return row;
    });
    const got = padSequences(seqs, { maxlen, padding, truncating, value });
    assert.deepEqual(got.shape, [seqs.length, L]);
    assert.deepEqual(Array.from(got.data), want.flat(), `trial ${trial}`);
  }
});

test('padSequences: bad arguments are ValueErrors naming the problem', () => {
  assert.throws(() => padSequences([[1]], { padding: 'middle' as never }), /padding type "middle" not understood/);
  assert.throws(() => padSequences([[1]], { truncating: 'both' as never }), /truncating type "both" not understood/);
  assert.throws(() => padSequences([[1]], { maxlen: -1 }), /maxlen must be a non-negative integer, got -1/);
  assert.throws(() => padSequences([[1]], { maxlen: 2.5 }), /maxlen must be a non-negative integer, got 2.5/);
  assert.throws(() => padSequences([[1]], { dtype: 'int64' as never }), /dtype must be 'int32' or 'float32'/);
  assert.throws(() => padSequences([[1], 5 as never]), /sequences\[1\] is not a sequence/);
  assert.throws(() => padSequences([]), /no sequences and no maxlen/);
  assert.throws(() => padSequences([[1, NaN]]), /sequences\[0\]\[1\] is NaN, not a finite number/);
  assert.throws(() => padSequences([[2 ** 25]]), /beyond ±2\^24/);
  assert.throws(() => padSequences([[1]], { value: Infinity }), ValueError);
});
