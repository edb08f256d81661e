// Text models end to end: Embedding (maskZero) → Bidirectional(RNN, returnSequences) →
// TimeDistributed(Dense softmax), on post-padded batches.
//  - against @tensorflow/tfjs 4.22: outputs at real steps and weight gradients (SimpleRNN, LSTM, GRU
//    reset-before; maskZero on and off), and for unmasked models one SGD step of model.fit;
//  - Keras semantics where tfjs differs: tfjs does not mask losses (its training loop leaves masks as a
//    TODO); Keras 3, and tsrnn, do. Targets at padded steps change neither the loss nor the gradients,
//    and per-timestep sparse categorical crossentropy / accuracy are means over real steps only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '../../src/layers/index.js';
import { embedding } from '../../src/layers/embedding.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import { dense } from '../../src/layers/dense.js';
import { simpleRNN } from '../../src/layers/simple-rnn.js';
import { lstm } from '../../src/layers/lstm.js';
import { gru } from '../../src/layers/gru.js';
import { RecurrentLayer } from '../../src/layers/recurrent.js';
import { Sequential } from '../../src/model/sequential.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { setSeed, Random } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { compareModelWithTfjs, lengthsMask, ModelAsLayer, paddedIds } from '../helpers/text-models.js';

await tf.setBackend('cpu');

const VOCAB = 11, D = 4, U = 3, C = 3, T = 6;
const LENGTHS = [6, 3, 1, 4];

type Cell = 'SimpleRNN' | 'LSTM' | 'GRU';
function rnn(kind: Cell): RecurrentLayer {
  if (kind === 'SimpleRNN') return simpleRNN({ units: U, returnSequences: true });
  if (kind === 'LSTM') return lstm({ units: U, returnSequences: true, recurrentActivation: 'sigmoid' });
  return gru({ units: U, returnSequences: true, resetAfter: false, recurrentActivation: 'hardSigmoid' });
}
function tfRnn(kind: Cell): tf.RNN {
  if (kind === 'SimpleRNN') return tf.layers.simpleRNN({ units: U, returnSequences: true }) as tf.RNN;
  if (kind === 'LSTM') return tf.layers.lstm({ units: U, returnSequences: true, recurrentActivation: 'sigmoid' }) as tf.RNN;
  return tf.layers.gru({ units: U, returnSequences: true }) as tf.RNN;
}

/** The tagger: ids → vectors → both directions → a softmax over C tags at every step. */
function tagger(kind: Cell, maskZero: boolean, seed = 1): Sequential {
  setSeed(seed);
  const m = new Sequential({
    layers: [
      embedding({ inputDim: VOCAB, outputDim: D, maskZero, inputLength: T }),
      bidirectional({ layer: rnn(kind) }),
      timeDistributed({ layer: dense({ units: C, activation: 'softmax' }) }),
    ],
  });
  // larger weights than the initializers give, so every path matters
  m.weights.forEach((w, k) => w.value.set(randomTensor(w.shape, 90 + k, 0.5).data));
  return m;
}
function tfTagger(kind: Cell, maskZero: boolean): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: VOCAB, outputDim: D, maskZero, inputLength: T }),
      tf.layers.bidirectional({ layer: tfRnn(kind) }),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: C, activation: 'softmax' }) }),
    ],
  });
}

/** Tag ids [B,T] in [0, C), random everywhere (padded steps included). */
function tags(B: number, seed: number): Tensor {
  const r = new Random(seed);
  return new Tensor(Float32Array.from({ length: B * T }, () => r.int(C)), [B, T]);
}

const IDS = paddedIds(LENGTHS, T, VOCAB, 5);
const MASK = lengthsMask(LENGTHS, T);

test('Embedding → Bidirectional → TimeDistributed(Dense softmax) agrees with tfjs: outputs at real steps and weight gradients', () => {
  for (const kind of ['SimpleRNN', 'LSTM', 'GRU'] as Cell[]) {
    for (const maskZero of [false, true]) {
      const m = tagger(kind, maskZero);
      const r = compareModelWithTfjs(m, tfTagger(kind, maskZero), IDS, maskZero ? MASK : null);
      assert.ok(r.out < 1e-5, `${kind} maskZero=${maskZero}: output error ${r.out}`);
      assert.ok(r.grad < 1e-5, `${kind} maskZero=${maskZero}: gradient error ${r.grad} at weight ${r.gradIndex}`);
    }
  }
});

test('one SGD step of model.fit (batch = all, no shuffle) gives the weights tfjs gives (unmasked models)', async () => {
  const Y = tags(LENGTHS.length, 8);
  for (const kind of ['SimpleRNN', 'LSTM', 'GRU'] as Cell[]) {
    const m = tagger(kind, false);
    const tm = tfTagger(kind, false);
    tm.setWeights(m.getWeights().map((w) => tf.tensor(Array.from(w.data), w.shape)));
    m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy' });
    tm.compile({ optimizer: tf.train.sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
    const h = await m.fit(IDS, Y, { epochs: 1, batchSize: LENGTHS.length, shuffle: false, verbose: 0 });
    const th = await tm.fit(tf.tensor(Array.from(IDS.data), IDS.shape), tf.tensor(Array.from(Y.data), [LENGTHS.length, T, 1]), {
      epochs: 1, batchSize: LENGTHS.length, shuffle: false, verbose: 0,
    });
    assert.ok(Math.abs(h.history.loss[0] - (th.history.loss[0] as number)) < 1e-5, `${kind} loss`);
    const theirs = tm.getWeights();
    m.getWeights().forEach((w, i) => {
      const t = theirs[i].dataSync();
      let d = 0;
      for (let j = 0; j < w.size; j++) d = Math.max(d, Math.abs(w.data[j] - t[j]));
      assert.ok(d < 1e-5, `${kind}: weight ${i} differs by ${d}`);
    });
  }
});

test('gradient check of the whole masked tagger (weights, finite differences)', () => {
  for (const kind of ['SimpleRNN', 'GRU'] as Cell[]) {
    const m = tagger(kind, true);
    assert.ok(gradCheck(new ModelAsLayer(m), IDS, { checkInput: false, eps: 1e-3, maxEntries: 12 }) <= 1, kind);
  }
});

test('Keras semantics (tfjs differs): targets at padded steps change neither the loss nor the updated weights', async () => {
  const Y1 = tags(LENGTHS.length, 8);
  const Y2 = Y1.clone();
  let changed = 0;
  for (let i = 0; i < Y2.size; i++) if (MASK[i] === 0) (Y2.data[i] = (Y2.data[i] + 1) % C), changed++;
  assert.equal(changed, 6 * 4 - 14);
  const run = async (Y: Tensor) => {
    const m = tagger('GRU', true, 3);
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const before = m.evaluate(IDS, Y) as Tensor[];
    const h = await m.fit(IDS, Y, { epochs: 3, batchSize: 2, seed: 4, verbose: 0 });
    return { before: before.map((t) => t.data[0]), h: h.history, w: m.getWeights().map((t) => Array.from(t.data)) };
  };
  const a = await run(Y1);
  const b = await run(Y2);
  assert.deepEqual(a.before, b.before);
  assert.deepEqual(a.h, b.h);
  assert.deepEqual(a.w, b.w);
  // while tfjs, which ignores the mask in its loss, sees a difference
  const tm = tfTagger('GRU', true);
  const m = tagger('GRU', true, 3);
  tm.setWeights(m.getWeights().map((w) => tf.tensor(Array.from(w.data), w.shape)));
  tm.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const xt = tf.tensor(Array.from(IDS.data), IDS.shape);
  const l1 = (tm.evaluate(xt, tf.tensor(Array.from(Y1.data), [4, T, 1])) as tf.Scalar).dataSync()[0];
  const l2 = (tm.evaluate(xt, tf.tensor(Array.from(Y2.data), [4, T, 1])) as tf.Scalar).dataSync()[0];
  assert.ok(Math.abs(l1 - l2) > 1e-3, `tfjs: ${l1} vs ${l2}`);
});

/** Keras 3's values by hand from the predictions: per batch, the masked mean; over batches, weighted by batch size (loss) or pooled over real steps (accuracy). */
function handComputed(p: Float32Array, Y: Tensor, mask: Uint8Array, batchSize: number): { loss: number; acc: number } {
  const N = Y.shape[0];
  let lossSum = 0, hits = 0, real = 0;
  for (let s = 0; s < N; s += batchSize) {
    const e = Math.min(N, s + batchSize);
    let bl = 0, bn = 0;
    for (let i = s * T; i < e * T; i++) {
      if (!mask[i]) continue;
      const row = p.subarray(i * C, i * C + C);
      const y = Y.data[i];
      bl += -Math.log(Math.min(Math.max(row[y], 1e-7), 1 - 1e-7));
      bn++;
      let arg = 0;
      for (let c = 1; c < C; c++) if (row[c] > row[arg]) arg = c;
      if (arg === y) hits++;
    }
    lossSum += (bl / bn) * (e - s);
    real += bn;
  }
  return { loss: lossSum / N, acc: hits / real };
}

test('per-timestep sparse categorical crossentropy and accuracy are means over real steps (hand-computed), one batch', () => {
  const m = tagger('SimpleRNN', true, 6);
  m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const Y = tags(LENGTHS.length, 9);
  const p = m.predict(IDS).data;
  const want = handComputed(p, Y, MASK, LENGTHS.length);
  const [loss, acc] = (m.evaluate(IDS, Y, { batchSize: LENGTHS.length }) as Tensor[]).map((t) => t.data[0]);
  assert.ok(Math.abs(loss - want.loss) < 1e-6, `loss ${loss} vs ${want.loss}`);
  assert.ok(Math.abs(acc - want.acc) < 1e-6, `accuracy ${acc} vs ${want.acc}`);
  // and the unmasked mean is something else (what tfjs would report)
  let all = 0;
  for (let i = 0; i < LENGTHS.length * T; i++) all += -Math.log(p[i * C + Y.data[i]]);
  assert.ok(Math.abs(all / (LENGTHS.length * T) - loss) > 1e-3);
});

test('the same over several batches with different numbers of real steps (accuracy pooled over all real steps)', () => {
  const m = tagger('SimpleRNN', true, 6);
  m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const Y = tags(LENGTHS.length, 9);
  const p = m.predict(IDS).data;
  const want = handComputed(p, Y, MASK, 2); // batches: 6+3 real steps, then 1+4
  const [loss, acc] = (m.evaluate(IDS, Y, { batchSize: 2 }) as Tensor[]).map((t) => t.data[0]);
  assert.ok(Math.abs(loss - want.loss) < 1e-6, `loss ${loss} vs ${want.loss}`);
  assert.ok(Math.abs(acc - want.acc) < 1e-6, `accuracy ${acc} vs ${want.acc}`);
});
