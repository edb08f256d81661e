// Shared by the LSTM and GRU layer tests: running a stack of tsrnn layers and the same stack in
// @tensorflow/tfjs on one batch, and comparing outputs, dL/dx and every weight gradient for the loss
// L = Σ y ⊙ R (R a fixed random projection).
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
