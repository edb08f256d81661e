// Shared by the layer tests: running a stack of tsrnn layers and the same stack in @tensorflow/tfjs on
// one batch, and comparing outputs, dL/dx and every weight gradient for the loss L = Σ y ⊙ R (R a fixed
// random projection); also the table-driven form over option combinations the recurrent layers use.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Layer, Mask, Shape } from '../../src/layers/layer.js';
import { Tensor } from '../../src/tensor.js';
import { randomTensor } from './gradcheck.js';

export function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.data), t.shape);
}

/** max |a - b| / max |b|: the error relative to the array's scale. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-12);
}

export function tfVars(layer: tf.layers.Layer): tf.Variable[] {
  return layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

/** Random values in every weight (non-zero biases too, so every path is exercised). */
export function randomizeWeights(layer: Layer, seed: number, scale = 0.6): void {
  layer.weights.forEach((w, k) => w.value.set(randomTensor(w.shape, seed + k, scale).data));
}

/** Wraps a layer so that every forward first runs `before` (restore a state, reseed dropout). */
export class Pinned extends Layer {
  readonly className = 'Pinned';
  constructor(readonly inner: Layer, readonly before: () => void) {
    super({ name: `pinned_${inner.name}` });
    this.weights = inner.weights;
    this.built = inner.built;
  }
  override build(s: Shape): void {
    this.inner.ensureBuilt(s);
    this.weights = this.inner.weights;
    super.build(s);
  }
  computeOutputShape(s: Shape): Shape {
    return this.inner.computeOutputShape(s);
  }
  forward(x: Tensor, training: boolean, mask: Mask): Tensor {
    this.before();
    return this.inner.forward(x, training, mask);
  }
  backward(dy: Tensor): Tensor | null {
    return this.inner.backward(dy);
  }
}

export interface TfjsAgreement {
  out: number;
  dx: number;
  /** Worst relative error over the weight gradients, with the weight it was seen on. */
  grad: number;
  gradName: string;
}

/**
 * Runs x through `mine` (a stack, in training mode) and through `theirs` (the same stack in tfjs,
 * weights already copied), and returns the relative errors of outputs, dL/dx and weight gradients.
 * The mask, if any, goes to the first layer only.
 */
export function compareWithTfjs(mine: Layer[], theirs: tf.layers.Layer[], x: Tensor, mask: Mask = null, seed = 41): TfjsAgreement {
  let y = x;
  mine.forEach((l, i) => (y = l.forward(y, true, i === 0 ? mask : null)));
  const xt = toTf(x);
  const mt = mask ? tf.tensor2d(Array.from(mask), [x.shape[0], x.shape[1]], 'bool') : null;
  const run = (inp: tf.Tensor) => {
    let o = inp;
    theirs.forEach((l, i) => (o = l.apply(o, i === 0 && mt ? { mask: mt } : {}) as tf.Tensor));
    return o;
  };
  const res: TfjsAgreement = { out: relErr(y.dataSync(), run(xt).dataSync()), dx: 0, grad: 0, gradName: '' };

  const R = randomTensor(y.shape, seed);
  const Rt = toTf(R);
  for (const l of mine) for (const w of l.weights) w.grad.fill(0);
  let d: Tensor = R;
  for (let i = mine.length - 1; i >= 0; i--) d = mine[i].backward(d)!;
  const loss = (inp: tf.Tensor) => tf.sum(tf.mul(run(inp), Rt)) as tf.Scalar;
  res.dx = relErr(d.dataSync(), tf.grad(loss)(xt).dataSync());
  const vars = theirs.flatMap(tfVars);
  const mineW = mine.flatMap((l) => l.weights);
  assert.equal(vars.length, mineW.length);
  const { grads } = tf.variableGrads(() => loss(xt), vars);
  vars.forEach((v, k) => {
    const e = relErr(mineW[k].grad, grads[v.name].dataSync());
    if (e >= res.grad) {
      res.grad = e;
      res.gradName = mineW[k].name;
    }
  });
  return res;
}

/** The worst relative errors seen against tfjs over a test file, for the report line. */
export class WorstErrors {
  out = 0;
  dx = 0;
  grad = 0;
  note(r: { out: number; dx: number; grad: number }): void {
    this.out = Math.max(this.out, r.out);
    this.dx = Math.max(this.dx, r.dx);
    this.grad = Math.max(this.grad, r.grad);
  }
  /** Logs the figures and asserts they stay within 1e-5. */
  report(label: string): void {
    console.log(`${label} vs tfjs: worst rel err outputs ${this.out.toExponential(2)}, dx ${this.dx.toExponential(2)}, weight grads ${this.grad.toExponential(2)}`);
    assert.ok(this.out <= 1e-5 && this.dx <= 1e-5 && this.grad <= 1e-5);
  }
}

/**
 * Builds the stack `mine` for (T, I) inputs with random weights (layer k seeded weightSeed + 10k) and copies
 * them into `theirs`, the same stack in tfjs.
 */
export function twinWithTfjs(mine: Layer[], theirs: tf.layers.Layer[], T: number, I: number, weightSeed: number): void {
  let shape: Shape = [null, T, I];
  mine.forEach((l, k) => {
    l.ensureBuilt(shape);
    randomizeWeights(l, weightSeed + 10 * k);
    shape = l.computeOutputShape(shape) as Shape;
  });
  let o: tf.Tensor = tf.zeros([1, T, I]);
  for (const t of theirs) o = t.apply(o) as tf.Tensor;
  theirs.forEach((t, k) => t.setWeights(mine[k].getWeights().map(toTf)));
}

/** Asserts outputs, dL/dx and every weight gradient of `mine` and its tfjs twin agree to 1e-5 (compareWithTfjs); notes them in `worst`. */
export function assertAgreesWithTfjs(
  mine: Layer[], theirs: tf.layers.Layer[], x: Tensor, what: string, worst: WorstErrors, mask: Mask = null, projSeed = 41,
): TfjsAgreement {
  const r = compareWithTfjs(mine, theirs, x, mask, projSeed);
  assert.ok(r.out <= 1e-5, `${what}: outputs differ by ${r.out}`);
  assert.ok(r.dx <= 1e-5, `${what}: dx differs by ${r.dx}`);
  assert.ok(r.grad <= 1e-5, `${what}: ${r.gradName} gradient differs by ${r.grad}`);
  worst.note(r);
  return r;
}

export interface TfjsTableOptions {
  /** The input batch (B, T, I). */
  shape: [number, number, number];
  /** Seeds of case n: its random weights, its input and (default 41) the loss projection R. */
  seeds: (n: number) => { weights: number; input: number; proj?: number };
  worst: WorstErrors;
  mask?: Mask;
}

/**
 * Table-driven tfjs agreement: for each option set, `make` gives a fresh layer and its tfjs twin, which get
 * the same random weights (twinWithTfjs), then assertAgreesWithTfjs on one random batch. Returns the case count.
 */
export function tfjsAgreementOverOptions<O>(cases: O[], make: (o: O) => [Layer, tf.layers.Layer], opts: TfjsTableOptions): number {
  const [B, T, I] = opts.shape;
  cases.forEach((o, n) => {
    const [mine, theirs] = make(o);
    const s = opts.seeds(n);
    twinWithTfjs([mine], [theirs], T, I, s.weights);
    const what = `${opts.mask ? 'masked ' : ''}${JSON.stringify(o)}`;
    assertAgreesWithTfjs([mine], [theirs], randomTensor([B, T, I], s.input), what, opts.worst, opts.mask ?? null, s.proj ?? 41);
  });
  return cases.length;
}
