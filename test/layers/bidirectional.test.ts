// Bidirectional: finite differences for every merge mode × returnSequences × mask, the padded-sequence
// property (the backward pass starts at each sequence's true end), agreement with @tensorflow/tfjs
// (SimpleRNN, LSTM, GRU reset-before), the Keras 2.0 fixtures of keras-js, weights and names,
// mergeMode null and returnState through apply(), bad input, config round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '../../src/layers/index.js';
import { Bidirectional, bidirectional, MergeMode } from '../../src/layers/bidirectional.js';
import { simpleRNN, SimpleRNN } from '../../src/layers/simple-rnn.js';
import { lstm } from '../../src/layers/lstm.js';
import { gru } from '../../src/layers/gru.js';
import { dense } from '../../src/layers/dense.js';
import { Layer, Mask } from '../../src/layers/layer.js';
import { RecurrentLayer } from '../../src/layers/recurrent.js';
import { deserializeLayer, isLayerRegistered, registerLayer } from '../../src/layers/registry.js';
import { LSTM, LSTMArgs } from '../../src/layers/lstm.js';
import { GRU, GRUArgs } from '../../src/layers/gru.js';
import { Sequential } from '../../src/model/sequential.js';
import { NotImplementedError, ValueError } from '../../src/errors.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { loadKerasJsCases, skipUnless } from '../helpers/fixtures.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { compareWithTfjs, relErr, toTf } from '../helpers/rnn-compare.js';
import { lengthsMask, maxDiffAtRealSteps } from '../helpers/text-models.js';

await tf.setBackend('cpu');

// src/layers/index.ts registers the finished layers; LSTM and GRU are registered here until it does.
if (!isLayerRegistered('LSTM')) registerLayer('LSTM', (c) => new LSTM(c as unknown as LSTMArgs));
if (!isLayerRegistered('GRU')) registerLayer('GRU', (c) => new GRU(c as unknown as GRUArgs));

const FIXTURES = '../shared/fixtures/keras-js/Bidirectional.json';
const MODES: Exclude<MergeMode, null>[] = ['concat', 'sum', 'mul', 'ave'];
// (3, 5): post-padded (3 real steps), full, pre-padded (2 padding steps)
const LENGTHS_MASK = Uint8Array.from([1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1]);

type Cell = 'SimpleRNN' | 'LSTM' | 'GRU';
/** tsrnn layer and the same layer in tfjs (LSTM with sigmoid gates, GRU reset-before with hard sigmoid: both as tfjs computes them). */
function cell(kind: Cell, units: number, returnSequences: boolean): { mine: RecurrentLayer; theirs: () => tf.RNN } {
  switch (kind) {
    case 'SimpleRNN':
      return { mine: simpleRNN({ units, returnSequences }), theirs: () => tf.layers.simpleRNN({ units, returnSequences }) as tf.RNN };
    case 'LSTM':
      return {
        mine: lstm({ units, returnSequences, recurrentActivation: 'sigmoid' }),
        theirs: () => tf.layers.lstm({ units, returnSequences, recurrentActivation: 'sigmoid' }) as tf.RNN,
      };
    case 'GRU':
      return {
        mine: gru({ units, returnSequences, resetAfter: false, recurrentActivation: 'hardSigmoid' }),
        theirs: () => tf.layers.gru({ units, returnSequences }) as tf.RNN,
      };
  }
}

function randomize(l: Layer, seed: number, scale = 0.6) {
  l.weights.forEach((w, k) => w.value.set(randomTensor(w.shape, seed + k, scale).data));
}

function built(inner: RecurrentLayer, mergeMode: MergeMode, shape: [number | null, number], seed: number): Bidirectional {
  const b = bidirectional({ layer: inner, mergeMode });
  b.ensureBuilt([null, ...shape]);
  randomize(b, seed);
  return b;
}

test('weights: forward copy then backward copy, named forward_<name> / backward_<name>; the template is left alone', () => {
  const inner = simpleRNN({ units: 3, name: 'rnn' });
  const b = bidirectional({ layer: inner });
  b.ensureBuilt([null, 4, 2]);
  assert.equal(b.forwardLayer.name, 'forward_rnn');
  assert.equal(b.backwardLayer.name, 'backward_rnn');
  assert.equal(b.forwardLayer.goBackwards, false);
  assert.equal(b.backwardLayer.goBackwards, true);
  assert.equal(b.mergeMode, 'concat');
  assert.deepEqual(b.weights.map((w) => `${w.name}[${w.shape}]`), [
    'kernel[2,3]', 'recurrent_kernel[3,3]', 'bias[3]', 'kernel[2,3]', 'recurrent_kernel[3,3]', 'bias[3]',
  ]);
  assert.strictEqual(b.weights[0], b.forwardLayer.weights[0]);
  assert.strictEqual(b.weights[3], b.backwardLayer.weights[0]);
  assert.notEqual(b.weights[0].value, b.weights[3].value);
  assert.equal(inner.name, 'rnn');
  assert.equal(inner.built, false);
  assert.equal(b.countParams(), 2 * (6 + 9 + 3));
  assert.deepEqual(b.computeOutputShape([null, 4, 2]), [null, 6]);
  assert.deepEqual(bidirectional({ layer: simpleRNN({ units: 3, returnSequences: true }), mergeMode: 'sum' }).computeOutputShape([null, 4, 2]), [null, 4, 3]);
  // a template that goes backwards gives a forward copy going backwards and a backward copy going forwards (Keras 2, tfjs)
  const rev = bidirectional({ layer: simpleRNN({ units: 2, goBackwards: true }) });
  assert.deepEqual([rev.forwardLayer.goBackwards, rev.backwardLayer.goBackwards], [true, false]);
  // trainable: false reaches both copies
  const frozen = bidirectional({ layer: simpleRNN({ units: 2 }), trainable: false });
  frozen.ensureBuilt([null, 3, 2]);
  assert.equal(frozen.trainableWeights.length, 0);
});

test('gradient check (SimpleRNN): every mergeMode × returnSequences × mask', () => {
  let n = 0;
  for (const mergeMode of MODES) {
    for (const returnSequences of [true, false]) {
      for (const mask of [null, LENGTHS_MASK]) {
        const b = built(simpleRNN({ units: 3, returnSequences }), mergeMode, [5, 2], 100 + n);
        const worst = gradCheck(b, randomTensor([3, 5, 2], 10 + n), { mask, eps: 1e-3, seed: n, maxEntries: 30 });
        assert.ok(worst <= 1, `${mergeMode} rs=${returnSequences} mask=${!!mask}`);
        n++;
      }
    }
  }
  assert.equal(n, 16);
});

test('gradient check (LSTM, GRU reset-before and reset-after): concat and mul, returnSequences on/off, masked', () => {
  let n = 0;
  const makers: [string, (rs: boolean) => RecurrentLayer][] = [
    ['LSTM', (rs) => lstm({ units: 2, returnSequences: rs })],
    ['GRU', (rs) => gru({ units: 2, returnSequences: rs, resetAfter: false })],
    ['GRU resetAfter', (rs) => gru({ units: 2, returnSequences: rs })],
  ];
  for (const [name, make] of makers) {
    for (const [mergeMode, returnSequences] of [['concat', true], ['mul', false], ['ave', true]] as const) {
      const b = built(make(returnSequences), mergeMode, [5, 2], 200 + n);
      const worst = gradCheck(b, randomTensor([3, 5, 2], 30 + n), { mask: LENGTHS_MASK, eps: 1e-3, seed: n, maxEntries: 25 });
      assert.ok(worst <= 1, `${name} ${mergeMode} rs=${returnSequences}`);
      n++;
    }
  }
});

test('padded sequences: at real steps the output equals the unpadded sequence alone (backward pass starts at the true end); padded steps output 0', () => {
  for (const kind of ['SimpleRNN', 'LSTM', 'GRU'] as Cell[]) {
    for (const returnSequences of [true, false]) {
      for (const mergeMode of ['concat', 'mul'] as const) {
        const T = 6, len = 3, I = 2;
        const b = built(cell(kind, 3, returnSequences).mine, mergeMode, [null, I], 300);
        const alone = randomTensor([1, len, I], 301);
        // post-padded: real steps first; pre-padded: real steps last (padding values are garbage on purpose)
        for (const pre of [false, true]) {
          const x = randomTensor([1, T, I], 302, 5);
          const off = pre ? T - len : 0;
          x.data.set(alone.data, off * I);
          const mask = new Uint8Array(T).fill(1, off, off + len);
          if (!pre) mask.fill(0, len);
          else mask.fill(0, 0, off);
          const y = b.forward(x, false, mask).clone();
          const y0 = b.forward(alone, false, null).clone();
          const M = y.shape[y.shape.length - 1];
          if (returnSequences) {
            for (let t = 0; t < T; t++) {
              for (let u = 0; u < M; u++) {
                const v = y.data[t * M + u];
                if (mask[t]) assert.ok(Math.abs(v - y0.data[(t - off) * M + u]) < 1e-6, `${kind} ${mergeMode} pre=${pre} t=${t}`);
                else assert.equal(v, 0, `${kind} padded step ${t} outputs 0 (Keras 3)`);
              }
            }
          } else {
            assert.ok(relErr(y.data, y0.data) < 1e-6, `${kind} ${mergeMode} pre=${pre} last output`);
          }
        }
      }
    }
  }
});

/** tsrnn vs tfjs Bidirectional on one batch with a mask: outputs, dx and weight gradients over real steps. */
function compareMasked(b: Bidirectional, t: tf.layers.Layer, x: Tensor, mask: Uint8Array): { out: number; dx: number; grad: number } {
  const y = b.forward(x, true, mask);
  const yMine = y.data.slice();
  const xt = toTf(x);
  const mt = tf.tensor2d(Array.from(mask), [x.shape[0], x.shape[1]], 'bool');
  const run = (inp: tf.Tensor) => t.apply(inp, { mask: mt }) as tf.Tensor;
  const seqOut = y.rank === 3;
  const C = y.shape[y.shape.length - 1];
  const stepMask = seqOut ? mask : null;
  const out = maxDiffAtRealSteps(yMine, run(xt).dataSync(), C, stepMask);
  const R = randomTensor(y.shape, 77);
  if (stepMask) for (let i = 0; i < R.size; i++) if (stepMask[Math.floor(i / C)] === 0) R.data[i] = 0;
  for (const w of b.weights) w.grad.fill(0);
  const dx = b.backward(R);
  const Rt = toTf(R);
  const loss = (inp: tf.Tensor) => tf.sum(tf.mul(run(inp), Rt)) as tf.Scalar;
  const dxErr = relErr(dx.dataSync(), tf.grad(loss)(xt).dataSync());
  const vars = t.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { grads } = tf.variableGrads(() => loss(xt), vars);
  let grad = 0;
  vars.forEach((v, k) => (grad = Math.max(grad, relErr(b.weights[k].grad, grads[v.name].dataSync()))));
  return { out, dx: dxErr, grad };
}

test('agrees with tfjs bidirectional: SimpleRNN (every merge mode), LSTM, GRU (reset-before) × returnSequences, without and with a mask', () => {
  const cases: [Cell, Exclude<MergeMode, null>, boolean][] = [
    ...MODES.flatMap((m) => [['SimpleRNN', m, true], ['SimpleRNN', m, false]] as [Cell, Exclude<MergeMode, null>, boolean][]),
    ['LSTM', 'concat', true], ['LSTM', 'mul', false], ['GRU', 'concat', true], ['GRU', 'sum', false],
  ];
  cases.forEach(([kind, mergeMode, returnSequences], n) => {
    const c = cell(kind, 3, returnSequences);
    const b = built(c.mine, mergeMode, [5, 2], 400 + n);
    const t = tf.layers.bidirectional({ layer: c.theirs(), mergeMode });
    const x = randomTensor([3, 5, 2], 500 + n);
    t.apply(toTf(x));
    t.setWeights(b.getWeights().map((w) => toTf(w)));
    const what = `${kind} ${mergeMode} rs=${returnSequences}`;
    const r = compareWithTfjs([b], [t], x);
    assert.ok(r.out < 1e-5 && r.dx < 1e-5 && r.grad < 1e-5, `${what}: ${JSON.stringify(r)}`);
    const rm = compareMasked(b, t, x, LENGTHS_MASK);
    assert.ok(rm.out < 1e-5 && rm.dx < 1e-5 && rm.grad < 1e-5, `${what} masked: ${JSON.stringify(rm)}`);
  });
});

test('mergeMode null: apply() gives [forward, backward] (backward in input order); a model refuses it with the reason', () => {
  const inner = simpleRNN({ units: 2, returnSequences: true });
  const both = built(inner, null, [4, 3], 600);
  const cat = bidirectional({ layer: inner, mergeMode: 'concat' });
  cat.ensureBuilt([null, 4, 3]);
  cat.setWeights(both.getWeights());
  const x = randomTensor([2, 4, 3], 601);
  const [f, r] = both.apply(x) as Tensor[];
  const y = cat.apply(x) as Tensor;
  assert.deepEqual(f.shape, [2, 4, 2]);
  for (let s = 0; s < 8; s++) {
    for (let u = 0; u < 2; u++) {
      assert.equal(f.data[s * 2 + u], y.data[s * 4 + u]);
      assert.equal(r.data[s * 2 + u], y.data[s * 4 + 2 + u]);
    }
  }
  assert.throws(() => new Sequential({ layers: [bidirectional({ layer: simpleRNN({ units: 2 }), mergeMode: null, inputShape: [4, 3] })] }),
    (e: Error) => e instanceof NotImplementedError && /mergeMode null gives two outputs/.test(e.message));
  assert.throws(() => both.forward(x, false, null), /mergeMode null gives two outputs/);
});

test('returnState through apply(): [output, forward states..., backward states...] as Keras', () => {
  const b = built(lstm({ units: 2, returnState: true }), 'concat', [4, 3], 700);
  const x = randomTensor([2, 4, 3], 701);
  const out = b.apply(x) as Tensor[];
  assert.equal(out.length, 5);
  const [y, hF, cF, hB, cB] = out;
  assert.deepEqual([y.shape, hF.shape, cF.shape, hB.shape, cB.shape], [[2, 4], [2, 2], [2, 2], [2, 2], [2, 2]]);
  for (let bi = 0; bi < 2; bi++) {
    for (let u = 0; u < 2; u++) {
      assert.equal(hF.data[bi * 2 + u], y.data[bi * 4 + u]);
      assert.equal(hB.data[bi * 2 + u], y.data[bi * 4 + 2 + u]);
    }
  }
  assert.ok(cF.data.some((v) => v !== 0) && cB.data.some((v) => v !== 0));
});

test('stateful copies carry their states between calls; resetStates clears both', () => {
  const b = bidirectional({ layer: simpleRNN({ units: 2, stateful: true, batchInputShape: [1, 3, 2] }) });
  b.ensureBuilt([1, 3, 2]);
  randomize(b, 800);
  const x = randomTensor([1, 3, 2], 801);
  const first = (b.apply(x) as Tensor).data.slice();
  const second = (b.apply(x) as Tensor).data.slice();
  assert.ok(relErr(first, second) > 1e-3, 'the second call starts from the first one\'s states');
  b.resetStates();
  assert.ok(relErr((b.apply(x) as Tensor).data, first) < 1e-7);
});

test('bad input: rank other than 3, a layer that is not recurrent, an unknown mergeMode, a bad backwardLayer', () => {
  const b = bidirectional({ layer: simpleRNN({ units: 2 }), name: 'bi' });
  assert.throws(() => b.forward(tensor([[1, 2, 3]]), false, null), /bi: expected input of rank 3 \[batch, timesteps, features\], got rank 2/);
  assert.throws(() => b.forward(tensor([[[[1]]]]), false, null), /got rank 4/);
  assert.throws(() => bidirectional({ layer: dense({ units: 2 }) as unknown as RecurrentLayer }), (e: Error) => e instanceof ValueError && /must be a recurrent layer instance.*a Dense layer/.test(e.message));
  assert.throws(() => bidirectional({ layer: simpleRNN({ units: 2 }), mergeMode: 'max' as MergeMode }), /mergeMode must be one of concat, sum, mul, ave or null, got "max"/);
  assert.throws(() => bidirectional({ layer: simpleRNN({ units: 2 }), backwardLayer: simpleRNN({ units: 2 }) }), /backwardLayer must have goBackwards true/);
  const mask: Mask = new Uint8Array(5);
  assert.throws(() => b.forward(randomTensor([2, 3, 2], 1), false, mask), /mask has 5 entries, expected 2×3/);
});

test('config as tfjs writes it ({layer: {className, config}, mergeMode}); round trip through the registry', () => {
  const b = bidirectional({ layer: lstm({ units: 3, returnSequences: true, name: 'lstm_x' }), mergeMode: 'ave', name: 'bi' });
  const c = b.getConfig() as { layer: { className: string; config: Record<string, unknown> }; mergeMode: string };
  assert.equal(c.layer.className, 'LSTM');
  assert.equal(c.layer.config.name, 'lstm_x');
  assert.equal(c.layer.config.goBackwards, false);
  assert.equal(c.mergeMode, 'ave');
  assert.ok(!('backwardLayer' in c));
  const t = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }) as tf.RNN, mergeMode: 'ave' });
  for (const k of Object.keys(t.getConfig())) assert.ok(k in c, `tfjs config key ${k}`);
  const back = deserializeLayer({ className: 'Bidirectional', config: JSON.parse(JSON.stringify(c)) }) as Bidirectional;
  assert.equal(back.name, 'bi');
  assert.equal(back.forwardLayer.name, 'forward_lstm_x');
  assert.equal(back.backwardLayer.className, 'LSTM');
  assert.equal(back.mergeMode, 'ave');
  assert.deepEqual(back.getConfig(), c);
  // Keras 3 writes the copies: layer = the forward copy, backward_layer = the backward copy
  const k3 = deserializeLayer({
    className: 'Bidirectional',
    config: {
      name: 'bi3', mergeMode: 'concat',
      layer: { className: 'SimpleRNN', config: { name: 'forward_rnn', units: 2, goBackwards: false } },
      backwardLayer: { className: 'SimpleRNN', config: { name: 'backward_rnn', units: 2, goBackwards: true } },
    },
  }) as Bidirectional;
  assert.deepEqual([k3.forwardLayer.name, k3.backwardLayer.name], ['forward_rnn', 'backward_rnn']);
  assert.deepEqual([k3.forwardLayer.goBackwards, k3.backwardLayer.goBackwards], [false, true]);
  assert.throws(() => deserializeLayer({ className: 'Bidirectional', config: { layer: { className: 'Dense', config: { units: 2 } } } }), /not a recurrent layer/);
});

test('keras-js fixtures (Keras 2.0): Bidirectional SimpleRNN / GRU / LSTM, every merge mode', skipUnless(FIXTURES), () => {
  const cases = loadKerasJsCases<{ merge_mode: MergeMode; layer: { class_name: string; config: Record<string, unknown> } }>(FIXTURES);
  assert.equal(cases.length, 8);
  for (const c of cases) {
    const ic = c.config.layer.config;
    const common = { units: ic.units as number, activation: ic.activation as string, returnSequences: ic.return_sequences as boolean };
    const inner =
      c.config.layer.class_name === 'SimpleRNN' ? simpleRNN(common)
        : c.config.layer.class_name === 'LSTM' ? lstm({ ...common, recurrentActivation: ic.recurrent_activation as string })
          : gru({ ...common, recurrentActivation: ic.recurrent_activation as string, resetAfter: false });
    const b = bidirectional({ layer: inner, mergeMode: c.config.merge_mode });
    b.ensureBuilt([null, ...c.input.shape]);
    b.setWeights(c.weights.map((w) => new Tensor(Float32Array.from(w.data), w.shape)));
    const y = b.apply(new Tensor(Float32Array.from(c.input.data), [1, ...c.input.shape])) as Tensor;
    assert.deepEqual(y.shape, [1, ...c.expected.shape], c.id);
    let d = 0;
    for (let i = 0; i < y.size; i++) d = Math.max(d, Math.abs(y.data[i] - c.expected.data[i]));
    assert.ok(d <= 1e-5, `${c.id}: max |error| ${d}`);
  }
});

test('the template may be a layer already used (built, weights set): the copies are fresh and still agree with its class', () => {
  const inner = simpleRNN({ units: 2 });
  inner.ensureBuilt([null, 3, 2]);
  const b = bidirectional({ layer: inner });
  b.ensureBuilt([null, 3, 2]);
  assert.ok(b.forwardLayer instanceof SimpleRNN && b.forwardLayer !== inner);
  assert.notEqual(b.forwardLayer.weights[0], inner.weights[0]);
});
