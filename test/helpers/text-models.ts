// Shared by the text-model tests (Embedding, Masking, Bidirectional, TimeDistributed, masked training):
// post-padded id batches, and a whole-model comparison with @tensorflow/tfjs (tfjs propagates masks
// between layers inside a model, not between eager layer calls, so the reference is a tf.Sequential).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Layer, Mask, Shape } from '../../src/layers/layer.js';
import { Sequential } from '../../src/model/sequential.js';
import { Random } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';
import { randomTensor } from './gradcheck.js';
import { relErr } from './rnn-compare.js';

/** [B,T] ids in [1, vocab) with post-padding (id 0) after lengths[b] steps. */
export function paddedIds(lengths: number[], T: number, vocab: number, seed: number): Tensor {
  const r = new Random(seed);
  const d = new Float32Array(lengths.length * T);
  lengths.forEach((len, b) => {
    for (let t = 0; t < len; t++) d[b * T + t] = 1 + r.int(vocab - 1);
  });
  return new Tensor(d, [lengths.length, T]);
}

/** The (B·T) step mask of post-padded lengths. */
export function lengthsMask(lengths: number[], T: number): Uint8Array {
  const m = new Uint8Array(lengths.length * T);
  lengths.forEach((len, b) => m.fill(1, b * T, b * T + len));
  return m;
}

/** Largest |a - b| over the entries (C values each) whose step is real (mask 1), or over all when mask is null. */
export function maxDiffAtRealSteps(a: ArrayLike<number>, b: ArrayLike<number>, C: number, mask: Uint8Array | null): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (mask && mask[Math.floor(i / C)] === 0) continue;
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d;
}

export interface ModelAgreement {
  /** max |y - y_tfjs| over real steps. */
  out: number;
  /** Worst relative error of a weight gradient, and which weight (index in getWeights order). */
  grad: number;
  gradIndex: number;
}

/**
 * Copies mine's weights into theirs, runs both on x (training mode for mine, so caches exist), and
 * compares outputs at real steps and every weight's gradient of L = Σ y ⊙ R, with R zero on padded
 * steps (so L reads real steps only: tfjs outputs carried states there, Keras 3 and tsrnn zeros).
 * `stepMask` gives the padded steps of a 3-D output (null for 2-D outputs or no padding).
 */
export function compareModelWithTfjs(mine: Sequential, theirs: tf.Sequential, x: Tensor, stepMask: Uint8Array | null, seed = 17): ModelAgreement {
  theirs.setWeights(mine.getWeights().map((w) => tf.tensor(Array.from(w.data), w.shape)));
  const X = mine.toInput(x);
  for (const w of mine.weights) w.grad.fill(0);
  const { y } = mine.forwardBatch(X, true);
  const yMine = y.data.slice();
  const C = y.shape[y.shape.length - 1];
  const R = randomTensor(y.shape, seed);
  if (stepMask) for (let i = 0; i < R.size; i++) if (stepMask[Math.floor(i / C)] === 0) R.data[i] = 0;
  mine.backwardBatch(new Tensor(R.data.slice(), y.shape));

  const xt = tf.tensor(Array.from(x.data), x.shape);
  const yt = theirs.apply(xt) as tf.Tensor;
  const out = maxDiffAtRealSteps(yMine, yt.dataSync(), C, stepMask);
  const Rt = tf.tensor(Array.from(R.data), R.shape);
  const vars = theirs.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(theirs.apply(xt) as tf.Tensor, Rt)) as tf.Scalar, vars);
  const mineW = mine.trainableWeights;
  assert.equal(vars.length, mineW.length, 'same number of trainable weights');
  let grad = 0, gradIndex = -1;
  vars.forEach((v, k) => {
    const e = relErr(mineW[k].grad, grads[v.name].dataSync());
    if (e >= grad) {
      grad = e;
      gradIndex = k;
    }
  });
  return { out, grad, gradIndex };
}

/**
 * A model seen as one layer, so gradCheck can perturb its weights while the model makes the masks
 * itself (Embedding maskZero, Masking) and carries them between layers.
 */
export class ModelAsLayer extends Layer {
  readonly className = 'ModelAsLayer';
  constructor(readonly model: Sequential) {
    super({ name: `as_layer_${model.name}` });
    this.weights = model.weights;
    this.built = true;
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  forward(x: Tensor, training: boolean, _mask: Mask): Tensor {
    return this.model.forwardBatch(x, training).y;
  }
  backward(dy: Tensor): Tensor | null {
    this.model.backwardBatch(dy);
    return null;
  }
}
