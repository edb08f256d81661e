import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MULTIPLICATION_BASELINE_MSE, multiplicationTask, sequenceTask } from '../../src/data/seed-tasks.js';
import { setSeed } from '../../src/random.js';
import { ValueError } from '../../src/errors.js';

test('sequenceTask: shapes and the exact values of the seed experiment', () => {
  const { x, y } = sequenceTask();
  assert.deepEqual(x.shape, [6, 4, 1]);
  assert.deepEqual(y.shape, [6, 1]);
  for (let i = 0; i < 6; i++) {
    for (let t = 0; t < 4; t++) assert.equal(x.data[i * 4 + t], Math.fround((i + t) / 10), `x[${i}][${t}]`);
    assert.equal(y.data[i], Math.fround((i + 4) / 10), `y[${i}]`);
  }
  assert.deepEqual(x.arraySync(), [0, 1, 2, 3, 4, 5].map((i) => [0, 1, 2, 3].map((t) => [Math.fround((i + t) / 10)])));
  // first and last rows spelled out
  assert.deepEqual((x.arraySync() as number[][][])[0].flat(), [0, 0.1, 0.2, 0.3].map(Math.fround));
  assert.deepEqual((x.arraySync() as number[][][])[5].flat(), [0.5, 0.6, 0.7, 0.8].map(Math.fround));
  assert.deepEqual(y.arraySync(), [[0.4], [0.5], [0.6], [0.7], [0.8], [0.9]].map((r) => [Math.fround(r[0])]));
});

test('multiplicationTask: shapes, value ranges, two distinct marks and the exact product per sample', () => {
  const n = 3000, T = 100;
  const { x, y, positions } = multiplicationTask({ n, timesteps: T, seed: 7 });
  assert.deepEqual(x.shape, [n, T, 2]);
  assert.deepEqual(y.shape, [n, 1]);
  assert.equal(positions.length, 2 * n);
  let sumY = 0, sumY2 = 0;
  for (let s = 0; s < n; s++) {
    const marks: number[] = [];
    for (let t = 0; t < T; t++) {
      const v = x.data[(s * T + t) * 2];
      const m = x.data[(s * T + t) * 2 + 1];
      assert.ok(v >= 0 && v < 1, `value ${v} out of [0,1) at sample ${s} step ${t}`);
      assert.ok(m === 0 || m === 1, `mark ${m} at sample ${s} step ${t}`);
      if (m === 1) marks.push(t);
    }
    assert.equal(marks.length, 2, `sample ${s} has ${marks.length} marks`);
    assert.notEqual(marks[0], marks[1]);
    assert.deepEqual([positions[2 * s], positions[2 * s + 1]], marks);
    const a = x.data[(s * T + marks[0]) * 2], b = x.data[(s * T + marks[1]) * 2];
    assert.equal(y.data[s], Math.fround(a * b), `sample ${s}: y should be ${a}·${b}`);
    sumY += y.data[s];
    sumY2 += y.data[s] * y.data[s];
  }
  // E[UV] = 1/4, Var(UV) = 7/144 ≈ 0.0486: 3000 samples land within a few standard errors
  const mean = sumY / n, variance = sumY2 / n - mean * mean;
  assert.ok(Math.abs(mean - 0.25) < 0.015, `mean ${mean}`);
  assert.ok(Math.abs(variance - MULTIPLICATION_BASELINE_MSE) < 0.005, `variance ${variance}`);
  assert.ok(Math.abs(MULTIPLICATION_BASELINE_MSE - 0.0486) < 1e-4);
});

test('multiplicationTask: marks cover the whole sequence (uniform positions, first and last steps included)', () => {
  const T = 10;
  const { positions } = multiplicationTask({ n: 2000, timesteps: T, seed: 3 });
  const counts = new Array(T).fill(0);
  for (const p of positions) counts[p]++;
  // 4000 marks over 10 steps: 400 expected per step
  for (let t = 0; t < T; t++) assert.ok(counts[t] > 300 && counts[t] < 500, `step ${t} marked ${counts[t]} times`);
  // the smallest case: two steps, both always marked
  const two = multiplicationTask({ n: 50, timesteps: 2, seed: 1 });
  for (let s = 0; s < 50; s++) assert.deepEqual([two.positions[2 * s], two.positions[2 * s + 1]], [0, 1]);
});

test('multiplicationTask: deterministic by seed, different across seeds, global stream without one', () => {
  const a = multiplicationTask({ n: 50, timesteps: 20, seed: 11 });
  const b = multiplicationTask({ n: 50, timesteps: 20, seed: 11 });
  const c = multiplicationTask({ n: 50, timesteps: 20, seed: 12 });
  assert.deepEqual(a.x.data, b.x.data);
  assert.deepEqual(a.y.data, b.y.data);
  assert.notDeepEqual(a.x.data, c.x.data);
  // a longer run with the same seed starts with the same sequences
  const longer = multiplicationTask({ n: 80, timesteps: 20, seed: 11 });
  assert.deepEqual(longer.x.data.subarray(0, a.x.size), a.x.data);
  // no seed: follows tsrnn.setSeed
  setSeed(5);
  const g1 = multiplicationTask({ n: 10, timesteps: 20 });
  setSeed(5);
  const g2 = multiplicationTask({ n: 10, timesteps: 20 });
  assert.deepEqual(g1.x.data, g2.x.data);
  // defaults: 3000 × 100 × 2
  assert.deepEqual(multiplicationTask({ seed: 1 }).x.shape, [3000, 100, 2]);
});

test('multiplicationTask: bad sizes are ValueErrors naming the option', () => {
  assert.throws(() => multiplicationTask({ n: 0 }), (e: Error) => e instanceof ValueError && /n must be a positive integer, got 0/.test(e.message));
  assert.throws(() => multiplicationTask({ n: 2.5 }), ValueError);
  assert.throws(() => multiplicationTask({ timesteps: 1 }), (e: Error) => e instanceof ValueError && /timesteps must be an integer ≥ 2.*got 1/.test(e.message));
});
