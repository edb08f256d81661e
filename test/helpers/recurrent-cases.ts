// What the SimpleRNN, LSTM and GRU layer tests check the same way: gradient checks over option
// combinations and with dropout, stateful chunking, the hiddenGrads record, the keras-js (Keras 2.0)
// fixtures, input-shape errors and the tfjs config keys. Each test file passes its own factory; the
// cases, seeds and tolerances live here once.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../src/errors.js';
import { Layer, Shape } from '../../src/layers/layer.js';
import { RecurrentLayer } from '../../src/layers/recurrent.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { loadKerasJsCases } from './fixtures.js';
import { gradCheck, randomTensor } from './gradcheck.js';
import { Pinned, randomizeWeights } from './rnn-compare.js';

// (2, 5): sequence 0 is post-padded, sequence 1 pre-padded with a hole in the middle
export const MASK = Uint8Array.from([1, 1, 1, 0, 0, 0, 1, 0, 1, 1]);

type Axes = Record<string, readonly unknown[]>;
export type Combination<A extends Axes> = { -readonly [K in keyof A]: A[K][number] };

/** Every combination of the axes' values, the first axis outermost (so case n, and the seeds derived from n, stay put). */
export function combinations<A extends Axes>(axes: A): Combination<A>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [k, values] of Object.entries(axes)) out = out.flatMap((o) => values.map((v) => ({ ...o, [k]: v })));
  return out as Combination<A>[];
}

/**
 * The options LSTM and GRU are compared with tfjs over: recurrentActivation × returnSequences × goBackwards, each
 * with tanh and a bias, and with relu and no bias (16 cases).
 */
export const GATED_TFJS_CASES = combinations({
  recurrentActivation: ['sigmoid', 'hardSigmoid'] as const, returnSequences: [true, false], goBackwards: [false, true],
}).flatMap((o) => [{ ...o, activation: 'tanh' as const, useBias: true }, { ...o, activation: 'relu' as const, useBias: false }]);

/**
 * Gradient-checks `make(o)` for every combination of `axes`, each without and with MASK, on a (2, 5, 3) batch:
 * case n has weights seeded 100 + n, input seeded 10 + n, gradCheck seed n. Returns the number of cases.
 */
export function gradCheckOverOptions<A extends Axes>(
  axes: A, make: (o: Combination<A>) => Layer, opts: { eps: (o: Combination<A>) => number; maxEntries?: number },
): number {
  setSeed(1);
  let n = 0, worst = 0;
  for (const o of combinations(axes)) {
    for (const mask of [null, MASK]) {
      const layer = make(o);
      layer.ensureBuilt([null, 5, 3]);
      randomizeWeights(layer, 100 + n);
      worst = Math.max(worst, gradCheck(layer, randomTensor([2, 5, 3], 10 + n), { mask, eps: opts.eps(o), seed: n, maxEntries: opts.maxEntries }));
      n++;
    }
  }
  assert.ok(worst <= 1);
  return n;
}

export interface DropoutArgs { dropout: number; recurrentDropout: number; goBackwards: boolean; returnSequences: boolean; seed: number }

/**
 * Input dropout 0.3 and recurrent dropout 0.4 (the masks held fixed by reseeding the layer's own stream before every
 * forward) pass a gradient check with MASK, forwards and goBackwards; and the masks really change the training output.
 */
export function gradCheckDropout(make: (o: DropoutArgs) => Layer): void {
  for (const [goBackwards, returnSequences] of [[false, true], [true, false]] as const) {
    const layer = make({ dropout: 0.3, recurrentDropout: 0.4, goBackwards, returnSequences, seed: 9 });
    layer.ensureBuilt([null, 5, 3]);
    randomizeWeights(layer, 3);
    const pinned = new Pinned(layer, () => (layer as unknown as { ownRng: { seed(s: number): void } }).ownRng.seed(9));
    gradCheck(pinned, randomTensor([2, 5, 3], 4), { mask: MASK, eps: 1e-3 });
    const x = randomTensor([2, 5, 3], 4);
    const yTrain = layer.forward(x, true, null).dataSync();
    const yInfer = layer.forward(x, false, null).dataSync();
    assert.ok(yTrain.some((v, i) => Math.abs(v - yInfer[i]) > 1e-3), 'dropout changed nothing in training');
  }
}

export interface StatefulArgs { units: number; returnSequences: true; stateful?: true; batchInputShape?: Shape }

/**
 * A stateful layer fed a (2, 12, 3) sequence in chunks of 4, 5 and 3 steps gives the whole-sequence outputs (1e-6);
 * `checkFinal` checks its carried states; one more chunk passes a gradient check at those states (held fixed, truncated
 * BPTT as Keras); after resetStates the states are zero and the first chunk equals the stateless pass; another batch size throws.
 */
export function checkStatefulChunks(
  make: (o: StatefulArgs) => RecurrentLayer,
  checkFinal: (st: RecurrentLayer, whole: RecurrentLayer, x: Tensor, yw: Float32Array) => void,
  label: string,
): void {
  setSeed(2);
  const B = 2, I = 3, U = 4, lengths = [4, 5, 3];
  const T = lengths.reduce((a, b) => a + b);
  const whole = make({ units: U, returnSequences: true });
  whole.ensureBuilt([null, T, I]);
  randomizeWeights(whole, 7);
  const x = randomTensor([B, T, I], 21);
  const yw = whole.forward(x, false, null).dataSync();

  const st = make({ units: U, returnSequences: true, stateful: true, batchInputShape: [B, null, I] });
  st.ensureBuilt([B, null, I]);
  st.setWeights(whole.getWeights());
  let t0 = 0;
  for (const len of lengths) {
    const chunk = new Float32Array(B * len * I);
    for (let b = 0; b < B; b++) chunk.set(x.data.subarray((b * T + t0) * I, (b * T + t0 + len) * I), b * len * I);
    const y = st.forward(new Tensor(chunk, [B, len, I]), false, null).dataSync();
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < len * U; i++) {
        const e = Math.abs(y[b * len * U + i] - yw[(b * T + t0) * U + i]);
        assert.ok(e <= 1e-6, `${label}, chunk at step ${t0}: differs from the whole-sequence pass by ${e}`);
      }
    }
    t0 += len;
  }
  checkFinal(st, whole, x, yw);

  const carried = st.states.map((s) => s.slice());
  const pinned = new Pinned(st, () => st.states.forEach((s, k) => s.set(carried[k])));
  gradCheck(pinned, randomTensor([B, 4, I], 22), { eps: 1e-3 });

  st.resetStates();
  assert.ok(st.states.every((s) => s.every((v) => v === 0)));
  const first = new Float32Array(B * 4 * I);
  for (let b = 0; b < B; b++) first.set(x.data.subarray(b * T * I, (b * T + 4) * I), b * 4 * I);
  const y = st.forward(new Tensor(first, [B, 4, I]), false, null).dataSync();
  for (let b = 0; b < B; b++) for (let i = 0; i < 4 * U; i++) assert.ok(Math.abs(y[b * 4 * U + i] - yw[b * T * U + i]) <= 1e-6);
  assert.throws(() => st.forward(randomTensor([3, 4, I], 1), false, null), ValueError);
}

/**
 * hiddenGrads stays null unless recordHiddenGrads is set; then, for a last-output layer of 3 units on a (2, 4, 2) batch,
 * the last step's dL/dh is dL/dy and an earlier step gets a non-zero gradient through the recurrence.
 */
export function checkHiddenGrads(layer: RecurrentLayer): void {
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
  assert.ok(Math.abs(hg[0]) > 0);
}

/** The RecurrentArgs every keras-js RNN case sets from its Keras config. */
export interface KerasJsRnnArgs {
  units: number; activation: string; useBias: boolean; returnSequences: boolean; goBackwards: boolean; stateful: boolean;
  batchInputShape: Shape;
}

/**
 * The nine keras-js cases of one RNN class: `make` builds the layer from the common args (and its own config keys),
 * the case's weights are set and the output matches Keras to 1e-5. Stateful cases are predicted twice without a
 * reset, as the notebook did: expected is the second predict, from the carried states. Returns the worst abs error.
 */
export function checkKerasJsRnnCases(path: string, label: string, make: (args: KerasJsRnnArgs, config: Record<string, unknown>) => Layer): number {
  const cases = loadKerasJsCases(path);
  assert.equal(cases.length, 9);
  let worst = 0;
  for (const c of cases) {
    const k = c.config;
    const [T, F] = c.input.shape;
    const layer = make({
      units: k.units as number,
      activation: k.activation as string,
      useBias: k.use_bias as boolean,
      returnSequences: k.return_sequences as boolean,
      goBackwards: k.go_backwards as boolean,
      stateful: k.stateful as boolean,
      batchInputShape: (k.batch_input_shape as number[] | undefined) ?? [null, T, F],
    }, k);
    layer.ensureBuilt([1, T, F]);
    layer.setWeights(c.weights.map((w) => tensor(w.data, w.shape)));
    const x = tensor(c.input.data, [1, T, F]);
    let y = layer.apply(x) as Tensor;
    if (k.stateful) y = layer.apply(x) as Tensor;
    assert.deepEqual(y.shape, [1, ...c.expected.shape], `${c.id}: output shape`);
    for (let i = 0; i < c.expected.data.length; i++) {
      const e = Math.abs(y.data[i] - c.expected.data[i]);
      worst = Math.max(worst, e);
      assert.ok(e <= 1e-5, `${c.id}: output[${i}] = ${y.data[i]}, Keras gives ${c.expected.data[i]}`);
    }
  }
  console.log(`${label} vs keras-js fixtures: worst abs err ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-5);
  return worst;
}

/** A fresh layer rejects a rank-2 input (naming both ranks); once built on (2, 5, 3) it rejects 7 features (naming both shapes). */
export function assertInputShapeErrors(layer: Layer): void {
  assert.throws(() => layer.apply(randomTensor([2, 3], 1)), (e: Error) => e instanceof ValueError && /rank 3/.test(e.message) && /rank 2/.test(e.message));
  layer.apply(randomTensor([2, 5, 3], 1));
  assert.throws(
    () => layer.apply(randomTensor([2, 5, 7], 1)),
    (e: Error) => e instanceof ValueError && e.message.includes('(None, None, 3)') && e.message.includes('[2, 5, 7]'),
  );
}

/** getConfig() has every key tfjs writes for the same layer (but its 'cell'). */
export function assertHasTfjsConfigKeys(config: Record<string, unknown>, theirs: tf.layers.Layer): void {
  const tfKeys = Object.keys(theirs.getConfig()).filter((k) => k !== 'cell');
  for (const k of tfKeys) assert.ok(k in config, `getConfig lacks '${k}'`);
}
