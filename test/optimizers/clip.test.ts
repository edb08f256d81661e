// Gradient clipping against hand-computed values (Keras 3 semantics: clipnorm per variable,
// globalClipnorm over all variables, clipvalue element-wise; only one may be set). tfjs's optimizers
// have no clipping options, so there is no tfjs reference here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerVariable } from '../../src/layers/layer.js';
import { clipByGlobalNorm, clipByNorm, clipByValue, clipGradients, globalNorm } from '../../src/optimizers/clip.js';
import { Adam } from '../../src/optimizers/adam.js';
import { SGD } from '../../src/optimizers/sgd.js';

const f32 = (xs: number[]) => xs.map(Math.fround);
const close = (a: ArrayLike<number>, b: number[], tol = 1e-7) =>
  b.forEach((x, i) => assert.ok(Math.abs(a[i] - x) <= tol * Math.max(1, Math.abs(x)), `[${i}] ${a[i]} vs ${x}`));

function vars(...gs: number[][]): LayerVariable[] {
  return gs.map((g, i) => {
    const v = new LayerVariable(`v${i}`, [g.length], new Float32Array(g.length));
    v.grad.set(g);
    return v;
  });
}

test('clipnorm clips each variable to its own norm (Keras _clip_by_norm)', () => {
  const [a, b, z] = vars([3, 4], [0.3, 0.4], [0, 0]);
  clipGradients([a, b, z], { clipnorm: 1 });
  close(a.grad, [0.6, 0.8]); // norm 5 → scaled by 1/5
  assert.deepEqual(Array.from(b.grad), f32([0.3, 0.4])); // norm 0.5 ≤ 1: unchanged
  assert.deepEqual(Array.from(z.grad), [0, 0]); // zero gradient: no NaN
  // Keras 3's own test: clipnorm=1 on [100, 100] → [√2/2, √2/2]
  const g = Float32Array.from([100, 100]);
  clipByNorm(g, 1);
  close(g, [Math.SQRT1_2, Math.SQRT1_2]);
});

test('globalClipnorm scales all variables by clip / global norm', () => {
  const [a, b] = vars([3, 4], [12]);
  assert.equal(globalNorm([a.grad, b.grad]), 13);
  clipGradients([a, b], { globalClipnorm: 1 });
  close(a.grad, [3 / 13, 4 / 13]);
  close(b.grad, [12 / 13]);
  const [c, d] = vars([0.3], [0.4]);
  clipGradients([c, d], { globalClipnorm: 1 });
  assert.deepEqual([c.grad[0], d.grad[0]], f32([0.3, 0.4]));
  // An infinite or NaN norm poisons every gradient, as Keras's clip_by_global_norm does.
  const gs = [Float32Array.from([1, NaN]), Float32Array.from([2])];
  assert.ok(Number.isNaN(clipByGlobalNorm(gs, 1)));
  assert.ok(gs.every((g) => g.every(Number.isNaN)));
  const zeros = [new Float32Array(2)];
  clipByGlobalNorm(zeros, 1);
  assert.deepEqual(Array.from(zeros[0]), [0, 0]);
});

test('clipvalue clips element-wise', () => {
  const [a] = vars([-3, 0.5, 2, -0.25]);
  clipGradients([a], { clipvalue: 1 });
  assert.deepEqual(Array.from(a.grad), [-1, 0.5, 1, -0.25]);
  const g = Float32Array.from([100, 100, NaN]);
  clipByValue(g, 1);
  assert.deepEqual(Array.from(g.slice(0, 2)), [1, 1]);
  assert.ok(Number.isNaN(g[2]));
});

test('optimizers clip before the update', () => {
  const v = new LayerVariable('k', [2], new Float32Array(2));
  v.grad.set([3, 4]);
  new SGD({ learningRate: 1, clipnorm: 1 }).applyGradients([v]);
  close(v.value, [-0.6, -0.8]);
  const a = new LayerVariable('a', [1], new Float32Array(1));
  const b = new LayerVariable('b', [1], new Float32Array(1));
  a.grad[0] = 30;
  b.grad[0] = -40;
  new SGD({ learningRate: 2, globalClipnorm: 5 }).applyGradients([a, b]);
  close([a.value[0], b.value[0]], [-6, 8]); // scaled by 5/50, then −2·g
  const c = new LayerVariable('c', [2], new Float32Array(2));
  c.grad.set([10, -0.5]);
  new SGD({ learningRate: 1, clipvalue: 2 }).applyGradients([c]);
  close(c.value, [-2, 0.5]);
  // Adam after clipnorm: the first step is lr·ĝ/(|ĝ| + ε·…) ≈ lr·sign for any scale, so check the moments.
  const d = new LayerVariable('d', [2], new Float32Array(2));
  d.grad.set([30, 40]);
  const o = new Adam({ clipnorm: 5 });
  o.applyGradients([d]);
  close(o.getWeights()[1].value, [0.3, 0.4], 1e-6); // m = 0.1·[3, 4]
});

test('only one clipping option may be set, and it must be positive (Keras 3)', () => {
  assert.throws(() => new SGD({ clipnorm: 1, clipvalue: 1 }), /Only one of clipnorm, clipvalue and globalClipnorm can be set; got clipnorm=1, clipvalue=1/);
  assert.throws(() => new Adam({ clipnorm: 1, globalClipnorm: 2 }), /Only one of/);
  assert.throws(() => new SGD({ clipnorm: 0 }), /clipnorm must be a positive number, got 0/);
  assert.throws(() => new SGD({ clipvalue: -1 }), /clipvalue must be a positive number, got -1/);
  assert.deepEqual(new SGD({ globalClipnorm: 2 }).getConfig(), {
    learningRate: 0.01, momentum: 0, nesterov: false, clipnorm: null, globalClipnorm: 2, clipvalue: null,
  });
});
