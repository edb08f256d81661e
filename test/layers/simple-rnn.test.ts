// SimpleRNN: gradient checks of inputs and weights over every option combination, agreement with
// @tensorflow/tfjs (outputs, gradients, one SGD step), the Keras 2.0 fixtures of keras-js,
// bad-input errors, initializer defaults and configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { SimpleRNN, simpleRNN } from '../../src/layers/simple-rnn.js';
import { Layer, Mask, resetLayerNames, Shape } from '../../src/layers/layer.js';
import { ValueError } from '../../src/errors.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';

await tf.setBackend('cpu');

const ACTS = ['tanh', 'relu', 'sigmoid', 'linear'] as const;
// (2, 5): sequence 0 is post-padded, sequence 1 pre-padded with a hole in the middle
const MASK = Uint8Array.from([1, 1, 1, 0, 0, 0, 1, 0, 1, 1]);

/** Wraps a layer so that every forward first runs `before` (restore a state, reseed dropout). */
class Pinned extends Layer {
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

/** Random non-zero bias so the bias path is exercised by the checks. */
function randomizeWeights(layer: Layer, seed: number) {
  layer.weights.forEach((w, k) => {
    const r = randomTensor(w.shape, seed + k, 0.6);
    w.value.set(r.data);
  });
}

test('gradient check: returnSequences × goBackwards × useBias × activation, with and without a mask', () => {
  setSeed(1);
  let worst = 0;
  let n = 0;
  for (const returnSequences of [true, false]) {
    for (const goBackwards of [false, true]) {
      for (const useBias of [true, false]) {
        for (const activation of ACTS) {
          for (const mask of [null, MASK]) {
            const layer = simpleRNN({ units: 4, returnSequences, goBackwards, useBias, activation });
            const x = randomTensor([2, 5, 3], 10 + n);
            layer.ensureBuilt([null, 5, 3]);
            randomizeWeights(layer, 100 + n);
            worst = Math.max(worst, gradCheck(layer, x, { mask, eps: 1e-3, seed: n }));
            n++;
          }
        }
      }
    }
  }
  assert.equal(n, 64);
  assert.ok(worst <= 1);
});

test('gradient check: input dropout and recurrent dropout (masks held fixed), with a mask and goBackwards', () => {
  for (const [goBackwards, returnSequences] of [[false, true], [true, false]] as const) {
    const layer = simpleRNN({ units: 4, dropout: 0.3, recurrentDropout: 0.4, goBackwards, returnSequences, seed: 9 });
    layer.ensureBuilt([null, 5, 3]);
    randomizeWeights(layer, 3);
    // reseed the layer's own stream before every forward so each draws the same dropout masks
    const pinned = new Pinned(layer, () => (layer as unknown as { ownRng: { seed(s: number): void } }).ownRng.seed(9));
    gradCheck(pinned, randomTensor([2, 5, 3], 4), { mask: MASK, eps: 1e-3 });
    // and the masks really drop something: the output differs from inference
    const x = randomTensor([2, 5, 3], 4);
    const yTrain = layer.forward(x, true, null).dataSync();
    const yInfer = layer.forward(x, false, null).dataSync();
    assert.ok(yTrain.some((v, i) => Math.abs(v - yInfer[i]) > 1e-3), 'dropout changed nothing in training');
  }
});

test('stateful: the second batch starts from the first batch\'s final state; gradients at that state', () => {
  setSeed(2);
  const U = 4;
  const layer = simpleRNN({ units: U, stateful: true, returnSequences: true, batchInputShape: [2, 5, 3] });
  layer.ensureBuilt([2, 5, 3]);
  randomizeWeights(layer, 7);
  const x1 = randomTensor([2, 5, 3], 21);
  const x2 = randomTensor([2, 5, 3], 22);
  layer.forward(x1, false, null);
  const carried = layer.states[0].slice();
  assert.ok(carried.some((v) => Math.abs(v) > 1e-3));
  const y2 = layer.forward(x2, false, null).dataSync();

  // the same as one non-stateful pass over the 10-step concatenation, second half
  const whole = simpleRNN({ units: U, returnSequences: true });
  whole.ensureBuilt([null, 10, 3]);
  whole.setWeights(layer.getWeights());
  const cat = new Float32Array(2 * 10 * 3);
  for (let b = 0; b < 2; b++) {
    cat.set(x1.data.subarray(b * 15, (b + 1) * 15), b * 30);
    cat.set(x2.data.subarray(b * 15, (b + 1) * 15), b * 30 + 15);
  }
  const yw = whole.forward(new Tensor(cat, [2, 10, 3]), false, null).dataSync();
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < 5 * U; i++) {
      assert.ok(Math.abs(y2[b * 5 * U + i] - yw[b * 10 * U + 5 * U + i]) < 1e-6, 'stateful continuation differs from one long pass');
    }
  }

  // gradients of the second batch, the carried state held fixed (truncated BPTT, as Keras)
  const pinned = new Pinned(layer, () => layer.states[0].set(carried));
  gradCheck(pinned, x2, { eps: 1e-3 });

  layer.resetStates();
  assert.ok(layer.states[0].every((v) => v === 0));
  // a different batch size is an error for a stateful layer
  assert.throws(() => layer.forward(randomTensor([3, 5, 3], 1), false, null), ValueError);
});

test('hiddenGrads: the total dL/dh_t is recorded when asked, and at the last step it is dL/dy', () => {
  const layer = simpleRNN({ units: 3 });
  const x = randomTensor([2, 4, 2], 5);
  layer.ensureBuilt([null, 4, 2]);
  layer.forward(x, true, null);
  layer.backward(randomTensor([2, 3], 6));
  assert.equal(layer.hiddenGrads, null);
  layer.recordHiddenGrads = true;
  layer.forward(x, true, null);
  const dy = randomTensor([2, 3], 6);
  layer.backward(dy);
  const hg = layer.hiddenGrads!;
  for (let b = 0; b < 2; b++) for (let u = 0; u < 3; u++) assert.equal(hg[(b * 4 + 3) * 3 + u], dy.data[b * 3 + u]);
  // earlier steps get gradient only through the recurrence, and it is not zero
  assert.ok(Math.abs(hg[0]) > 0);
});

// ---- agreement with @tensorflow/tfjs ----

function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.data), t.shape);
}
/** max |a - b| / max |b|: relative to the array's scale. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-12);
}
function tfVars(layer: tf.layers.Layer): tf.Variable[] {
  return layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

interface RnnOpts { units: number; returnSequences: boolean; goBackwards: boolean; activation: string; useBias: boolean }

function pair(o: RnnOpts, I: number, T: number) {
  const mine = simpleRNN({ ...o });
  mine.ensureBuilt([null, T, I]);
  randomizeWeights(mine, 31);
  const theirs = tf.layers.simpleRNN({ ...o, activation: o.activation as 'tanh' });
  theirs.apply(tf.zeros([1, T, I]));
  theirs.setWeights(mine.getWeights().map(toTf));
  return { mine, theirs };
}

let worstTf = { out: 0, grad: 0 };

test('tfjs agreement: outputs and gradients (dx, kernel, recurrent kernel, bias), every option', () => {
  const B = 3, T = 6, I = 4, U = 5;
  for (const returnSequences of [true, false]) {
    for (const goBackwards of [false, true]) {
      for (const activation of ACTS) {
        for (const useBias of [true, false]) {
          const { mine, theirs } = pair({ units: U, returnSequences, goBackwards, activation, useBias }, I, T);
          const x = randomTensor([B, T, I], 40);
          const y = mine.forward(x, true, null);
          const xt = toTf(x);
          const yt = theirs.apply(xt) as tf.Tensor;
          const eo = relErr(y.dataSync(), yt.dataSync());
          assert.ok(eo <= 1e-5, `${JSON.stringify({ returnSequences, goBackwards, activation, useBias })}: outputs differ by ${eo}`);
          worstTf.out = Math.max(worstTf.out, eo);

          const R = randomTensor(y.shape, 41);
          const Rt = toTf(R);
          for (const w of mine.weights) w.grad.fill(0);
          const dx = mine.backward(R)!.dataSync();
          const loss = (inp: tf.Tensor) => tf.sum(tf.mul(theirs.apply(inp) as tf.Tensor, Rt)) as tf.Scalar;
          const { grads } = tf.variableGrads(() => loss(xt), tfVars(theirs));
          const dxt = tf.grad(loss)(xt);
          const ex = relErr(dx, dxt.dataSync());
          assert.ok(ex <= 1e-5, `dx differs by ${ex}`);
          worstTf.grad = Math.max(worstTf.grad, ex);
          tfVars(theirs).forEach((v, k) => {
            const e = relErr(mine.weights[k].grad, grads[v.name].dataSync());
            assert.ok(e <= 1e-5, `${mine.weights[k].name} gradient differs by ${e} (${activation}, rs=${returnSequences}, gb=${goBackwards})`);
            worstTf.grad = Math.max(worstTf.grad, e);
          });
        }
      }
    }
  }
});

test('tfjs agreement: a mask (padded steps) gives the same outputs and gradients', () => {
  const B = 2, T = 5, I = 3, U = 4;
  for (const returnSequences of [true, false]) {
    for (const goBackwards of [false, true]) {
      const { mine, theirs } = pair({ units: U, returnSequences, goBackwards, activation: 'tanh', useBias: true }, I, T);
      const x = randomTensor([B, T, I], 50);
      const y = mine.forward(x, true, MASK);
      const xt = toTf(x);
      const mt = tf.tensor2d(Array.from(MASK), [B, T], 'bool');
      const run = (inp: tf.Tensor) => theirs.apply(inp, { mask: mt }) as tf.Tensor;
      const eo = relErr(y.dataSync(), run(xt).dataSync());
      assert.ok(eo <= 1e-5, `masked outputs differ by ${eo}`);
      const R = randomTensor(y.shape, 51);
      const Rt = toTf(R);
      for (const w of mine.weights) w.grad.fill(0);
      const dx = mine.backward(R)!.dataSync();
      const loss = (inp: tf.Tensor) => tf.sum(tf.mul(run(inp), Rt)) as tf.Scalar;
      const { grads } = tf.variableGrads(() => loss(xt), tfVars(theirs));
      assert.ok(relErr(dx, tf.grad(loss)(xt).dataSync()) <= 1e-5, 'masked dx differs');
      tfVars(theirs).forEach((v, k) => {
        const e = relErr(mine.weights[k].grad, grads[v.name].dataSync());
        assert.ok(e <= 1e-5, `masked ${mine.weights[k].name} gradient differs by ${e}`);
      });
    }
  }
});

test('tfjs agreement: two stacked SimpleRNNs, outputs, gradients through both, and one SGD step', () => {
  const B = 4, T = 7, I = 3;
  setSeed(3);
  const l1 = simpleRNN({ units: 6, returnSequences: true });
  const l2 = simpleRNN({ units: 5, goBackwards: true });
  l1.ensureBuilt([null, T, I]);
  l2.ensureBuilt([null, T, 6]);
  randomizeWeights(l1, 60);
  randomizeWeights(l2, 70);
  const t1 = tf.layers.simpleRNN({ units: 6, returnSequences: true });
  const t2 = tf.layers.simpleRNN({ units: 5, goBackwards: true });
  const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [T, I] }), t1, t2] });
  t1.setWeights(l1.getWeights().map(toTf));
  t2.setWeights(l2.getWeights().map(toTf));

  const x = randomTensor([B, T, I], 61);
  const xt = toTf(x);
  const y = l2.forward(l1.forward(x, true, null), true, null);
  assert.ok(relErr(y.dataSync(), (model.predict(xt) as tf.Tensor).dataSync()) <= 1e-5, 'stacked outputs differ');

  const R = randomTensor([B, 5], 62);
  const Rt = toTf(R);
  for (const w of [...l1.weights, ...l2.weights]) w.grad.fill(0);
  const dx = l1.backward(l2.backward(R))!.dataSync();
  const loss = (inp: tf.Tensor) => tf.sum(tf.mul(model.apply(inp) as tf.Tensor, Rt)) as tf.Scalar;
  const vars = [...tfVars(t1), ...tfVars(t2)];
  const mineW = [...l1.weights, ...l2.weights];
  const { grads } = tf.variableGrads(() => loss(xt), vars);
  assert.ok(relErr(dx, tf.grad(loss)(xt).dataSync()) <= 1e-5, 'stacked dx differs');
  vars.forEach((v, k) => {
    const e = relErr(mineW[k].grad, grads[v.name].dataSync());
    assert.ok(e <= 1e-5, `stacked ${mineW[k].name} gradient differs by ${e}`);
  });

  // one plain SGD step on both sides, then the weights and the outputs agree again
  const lr = 0.1;
  for (const w of mineW) for (let i = 0; i < w.size; i++) w.value[i] -= lr * w.grad[i];
  tf.train.sgd(lr).minimize(() => loss(xt), false, vars);
  vars.forEach((v, k) => {
    const e = relErr(mineW[k].value, v.dataSync());
    assert.ok(e <= 1e-5, `after one SGD step ${mineW[k].name} differs by ${e}`);
  });
  const y2 = l2.forward(l1.forward(x, false, null), false, null).dataSync();
  assert.ok(relErr(y2, (model.predict(xt) as tf.Tensor).dataSync()) <= 1e-5, 'outputs after one SGD step differ');
});

// ---- the Keras 2.0 fixtures of keras-js ----

const FIXTURE = '../shared/fixtures/keras-js/SimpleRNN.json';

test('keras-js fixtures (Keras 2.0): SimpleRNN.0-.8, stateful cases predicted twice', { skip: existsSync(FIXTURE) ? false : `fixtures absent: ${FIXTURE}` }, () => {
  interface Case {
    id: string;
    config: Record<string, unknown>;
    input: { data: number[]; shape: number[] };
    weights: { data: number[]; shape: number[] }[];
    expected: { data: number[]; shape: number[] };
  }
  const cases = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Case[];
  assert.equal(cases.length, 9);
  let worst = 0;
  for (const c of cases) {
    const k = c.config;
    const [T, F] = c.input.shape;
    const layer = simpleRNN({
      units: k.units as number,
      activation: k.activation as string,
      useBias: k.use_bias as boolean,
      returnSequences: k.return_sequences as boolean,
      goBackwards: k.go_backwards as boolean,
      stateful: k.stateful as boolean,
      batchInputShape: (k.batch_input_shape as number[] | undefined) ?? [null, T, F],
    });
    layer.ensureBuilt([1, T, F]);
    layer.setWeights(c.weights.map((w) => tensor(w.data, w.shape)));
    const x = tensor(c.input.data, [1, T, F]);
    let y = layer.apply(x) as Tensor;
    // the notebook called predict twice without resetting: expected is the second call
    if (k.stateful) y = layer.apply(x) as Tensor;
    assert.deepEqual(y.shape, [1, ...c.expected.shape], `${c.id}: output shape`);
    for (let i = 0; i < c.expected.data.length; i++) {
      const e = Math.abs(y.data[i] - c.expected.data[i]);
      worst = Math.max(worst, e);
      assert.ok(e <= 1e-5, `${c.id}: output[${i}] = ${y.data[i]}, Keras gives ${c.expected.data[i]}`);
    }
  }
  console.log(`SimpleRNN vs keras-js fixtures: worst abs err ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-5);
});

// ---- bad input ----

test('errors: wrong rank, wrong feature size, wrong timesteps, bad setWeights, bad options', () => {
  const layer = simpleRNN({ units: 4, name: 'rnn_err' });
  assert.throws(() => layer.apply(randomTensor([2, 3], 1)), (e: Error) => e instanceof ValueError && /rank 3/.test(e.message) && /rank 2/.test(e.message));
  assert.throws(() => layer.computeOutputShape([null, 5]), ValueError);
  layer.apply(randomTensor([2, 5, 3], 1));
  assert.throws(
    () => layer.apply(randomTensor([2, 5, 7], 1)),
    (e: Error) => e instanceof ValueError && e.message.includes('(None, None, 3)') && e.message.includes('[2, 5, 7]'),
  );
  // the time axis is free for a stateless RNN (Keras): another length runs on the same weights
  assert.deepEqual((layer.apply(randomTensor([2, 9, 3], 1)) as { shape: number[] }).shape, [2, 4]);
  assert.throws(() => layer.setWeights([tensor([[1]])]), (e: Error) => e instanceof ValueError && /expects 3 arrays/.test(e.message) && /got 1/.test(e.message));
  const w = layer.getWeights();
  assert.throws(
    () => layer.setWeights([w[1], w[1], w[2]]),
    (e: Error) => e instanceof ValueError && e.message.includes('kernel') && e.message.includes('[3,4]') && e.message.includes('[4,4]'),
  );
  assert.throws(() => simpleRNN({ units: 0 }), ValueError);
  assert.throws(() => simpleRNN({ units: 2.5 }), ValueError);
  assert.throws(() => simpleRNN({ units: 3, activation: 'nope' }), /Unknown activation 'nope'/);
  assert.throws(() => simpleRNN({ units: 3, dropout: 1 }), /dropout must be in \[0, 1\)/);
  assert.throws(() => simpleRNN({ units: 3, recurrentDropout: -0.1 }), /recurrentDropout/);
  assert.throws(() => simpleRNN({ units: 3, stateful: true, inputShape: [5, 3] }), /fixed batch size/);
});

// ---- initializers, parameters, config ----

test('initializer defaults: orthogonal recurrent kernel, glorot-uniform kernel, zero bias, reproducible by seed', () => {
  setSeed(123);
  const I = 30, U = 30;
  const layer = simpleRNN({ units: U });
  layer.ensureBuilt([null, 8, I]);
  const [W, Wh, b] = layer.getWeights();
  let worst = 0;
  for (let i = 0; i < U; i++) {
    for (let j = 0; j < U; j++) {
      let s = 0;
      for (let k = 0; k < U; k++) s += Wh.data[k * U + i] * Wh.data[k * U + j];
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  assert.ok(worst < 1e-5, `WhᵀWh differs from I by ${worst}`);
  const limit = Math.sqrt(6 / (I + U));
  let sq = 0;
  for (const v of W.data) {
    assert.ok(Math.abs(v) <= limit, `kernel value ${v} outside the glorot limit ${limit}`);
    sq += v * v;
  }
  // uniform on [-limit, limit] has variance limit²/3
  const variance = sq / W.size;
  assert.ok(Math.abs(variance - (limit * limit) / 3) < 0.15 * (limit * limit) / 3, `kernel variance ${variance}`);
  assert.ok(b.data.every((v) => v === 0));

  setSeed(123);
  const again = simpleRNN({ units: U });
  again.ensureBuilt([null, 8, I]);
  again.getWeights().forEach((t, k) => assert.deepEqual(t.data, layer.getWeights()[k].data));
  setSeed(124);
  const other = simpleRNN({ units: U });
  other.ensureBuilt([null, 8, I]);
  assert.notDeepEqual(other.getWeights()[0].data, W.data);
});

test('parameter counts and output shapes', () => {
  const count = (units: number, features: number) => {
    const l = simpleRNN({ units });
    l.ensureBuilt([null, 4, features]);
    return l.countParams();
  };
  assert.equal(count(10, 1), 120);
  assert.equal(count(30, 2), 990);
  assert.equal(count(30, 30), 1830);
  const nb = simpleRNN({ units: 3, useBias: false });
  nb.ensureBuilt([null, 4, 2]);
  assert.equal(nb.countParams(), 15);
  assert.deepEqual(nb.weights.map((w) => w.name), ['kernel', 'recurrent_kernel']);
  assert.deepEqual(simpleRNN({ units: 3 }).computeOutputShape([null, 7, 2]), [null, 3]);
  assert.deepEqual(simpleRNN({ units: 3, returnSequences: true }).computeOutputShape([8, null, 2]), [8, null, 3]);
  // returnState: [output, h]
  const rs = simpleRNN({ units: 3, returnState: true, returnSequences: true });
  const out = rs.apply(randomTensor([2, 4, 2], 3)) as Tensor[];
  assert.equal(out.length, 2);
  assert.deepEqual(out[0].shape, [2, 4, 3]);
  assert.deepEqual(out[1].shape, [2, 3]);
  assert.deepEqual(Array.from(out[1].data), Array.from(out[0].data.subarray(9, 12)).concat(Array.from(out[0].data.subarray(21, 24))));
});

test('names and getConfig follow Keras/tfjs', () => {
  resetLayerNames();
  const a = simpleRNN({ units: 3 });
  const b = new SimpleRNN({ units: 5, activation: 'relu', returnSequences: true, goBackwards: true, useBias: false, dropout: 0.25 });
  assert.equal(a.name, 'simple_rnn');
  assert.equal(b.name, 'simple_rnn_1');
  assert.equal(a.className, 'SimpleRNN');
  const c = b.getConfig();
  assert.equal(c.units, 5);
  assert.equal(c.activation, 'relu');
  assert.equal(c.useBias, false);
  assert.equal(c.returnSequences, true);
  assert.equal(c.goBackwards, true);
  assert.equal(c.dropout, 0.25);
  assert.deepEqual(c.kernelInitializer, { className: 'GlorotUniform', config: { seed: null } });
  assert.deepEqual(c.recurrentInitializer, { className: 'Orthogonal', config: { gain: 1, seed: null } });
  assert.deepEqual(c.biasInitializer, { className: 'Zeros', config: {} });
  // every key tfjs writes for a SimpleRNN is there
  const tfKeys = Object.keys(tf.layers.simpleRNN({ units: 5 }).getConfig()).filter((k) => k !== 'cell');
  for (const k of tfKeys) assert.ok(k in c, `getConfig lacks '${k}'`);
});

test('worst tfjs disagreement (reported)', () => {
  // figures for the report; the bounds were asserted above
  console.log(`SimpleRNN vs tfjs: worst output rel err ${worstTf.out.toExponential(2)}, worst gradient rel err ${worstTf.grad.toExponential(2)}`);
  assert.ok(worstTf.out <= 1e-5 && worstTf.grad <= 1e-5);
});
