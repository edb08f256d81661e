// LSTM layer: gradient checks over every option, agreement with @tensorflow/tfjs 4.22 (outputs and
// gradients), the Keras 2.0 fixtures of keras-js, the ONNX backend fixtures, stateful chunking,
// parameter counts, initialisation (unitForgetBias), configs and bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LSTM, lstm, LSTMArgs } from '../../src/layers/lstm.js';
import { resetLayerNames } from '../../src/layers/layer.js';
import { ValueError } from '../../src/errors.js';
import { setSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { skipUnless } from '../helpers/fixtures.js';
import { randomTensor } from '../helpers/gradcheck.js';
import { checkOnnxLastOutputs, ONNX_FIXTURES } from '../helpers/onnx.js';
import {
  assertHasTfjsConfigKeys, assertInputShapeErrors, checkHiddenGrads, checkKerasJsRnnCases, checkStatefulChunks,
  combinations, GATED_TFJS_CASES, gradCheckDropout, gradCheckOverOptions, MASK,
} from '../helpers/recurrent-cases.js';
import { assertAgreesWithTfjs, tfjsAgreementOverOptions, twinWithTfjs, WorstErrors } from '../helpers/rnn-compare.js';

await tf.setBackend('cpu');

test('gradient check: returnSequences × goBackwards × useBias × recurrentActivation × activation × mask', () => {
  const n = gradCheckOverOptions(
    {
      returnSequences: [true, false], goBackwards: [false, true], useBias: [true, false],
      recurrentActivation: ['sigmoid', 'hardSigmoid'], activation: ['tanh', 'relu'],
    },
    (o) => lstm({ units: 3, ...o }),
    // relu: a smaller step, so that fewer pre-activations sit within eps of the kink, where central
    // differences mean nothing (the float64 kernel tests check relu exactly); these seeds keep clear of it
    { eps: (o) => (o.activation === 'relu' ? 1e-4 : 1e-3), maxEntries: 24 },
  );
  assert.equal(n, 64);
});

test('gradient check: input and recurrent dropout (masks held fixed), with a mask and goBackwards', () => {
  gradCheckDropout((o) => lstm({ units: 4, ...o }));
});

test('stateful: chunks of a long sequence give the whole-sequence outputs; gradients at a carried state; resetStates', () => {
  checkStatefulChunks((o) => lstm(o), (st, whole, x) => {
    // the carried states are the whole pass's final states
    const rs = lstm({ units: 4, returnState: true });
    rs.ensureBuilt([null, 12, 3]);
    rs.setWeights(whole.getWeights());
    const [, h, c] = rs.apply(x) as Tensor[];
    assert.ok(Array.from(h.data).every((v, i) => Math.abs(v - st.states[0][i]) <= 1e-6));
    assert.ok(Array.from(c.data).every((v, i) => Math.abs(v - st.states[1][i]) <= 1e-6));
    assert.ok(st.states[1].some((v) => Math.abs(v) > 1e-2));
  }, 'LSTM');
});

test('hiddenGrads: recorded when asked; at the last step of a last-output LSTM it is dL/dy', () => {
  checkHiddenGrads(lstm({ units: 3 }));
});

// ---- agreement with @tensorflow/tfjs ----

const worst = new WorstErrors();

test('tfjs agreement: outputs and gradients, recurrentActivation sigmoid/hardSigmoid × returnSequences × goBackwards', () => {
  tfjsAgreementOverOptions(GATED_TFJS_CASES, (o) => [lstm({ units: 5, ...o }), tf.layers.lstm({ units: 5, ...o })], {
    shape: [3, 6, 4], seeds: (n) => ({ weights: 31 + n, input: 40 + n }), worst,
  });
});

test('tfjs agreement: a mask (padded steps), outputs and gradients', () => {
  tfjsAgreementOverOptions(
    combinations({ returnSequences: [true, false], goBackwards: [false, true] }),
    (o) => [lstm({ units: 4, ...o }), tf.layers.lstm({ units: 4, ...o, recurrentActivation: 'sigmoid' })],
    { shape: [2, 5, 3], seeds: () => ({ weights: 50, input: 51 }), worst, mask: MASK },
  );
});

test('tfjs agreement: two stacked LSTMs (sequences into a goBackwards LSTM), outputs and gradients through both', () => {
  const B = 4, T = 7, I = 3;
  const mine = [lstm({ units: 6, returnSequences: true }), lstm({ units: 5, goBackwards: true, recurrentActivation: 'hardSigmoid' })];
  const theirs = [
    tf.layers.lstm({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid' }),
    tf.layers.lstm({ units: 5, goBackwards: true, recurrentActivation: 'hardSigmoid' }),
  ];
  twinWithTfjs(mine, theirs, T, I, 60);
  assertAgreesWithTfjs(mine, theirs, randomTensor([B, T, I], 61), 'stacked', worst);
});

test('tfjs agreement: worst relative errors (reported)', () => {
  worst.report('LSTM');
});

// ---- fixtures ----

const KERASJS = '../shared/fixtures/keras-js/LSTM.json';

test('keras-js fixtures (Keras 2.0): LSTM.0-.8, stateful cases predicted twice', skipUnless(KERASJS), () => {
  checkKerasJsRnnCases(KERASJS, 'LSTM', (args, k) => lstm({ ...args, recurrentActivation: k.recurrent_activation as string }));
});

const ONNX_LSTM = ['test_lstm_defaults', 'test_lstm_with_initial_bias', 'test_lstm_batchwise'];

test('ONNX backend fixtures: test_lstm_defaults, _with_initial_bias, _batchwise (ONNX gates i,o,f,c → Keras i,f,c,o)', skipUnless(ONNX_FIXTURES), () => {
  const w = checkOnnxLastOutputs(ONNX_LSTM, [0, 2, 3, 1], (U) => lstm({ units: U, returnSequences: true }));
  console.log(`LSTM vs ONNX fixtures: worst abs err ${w.toExponential(2)}`);
});

// ---- shapes, parameters, initialisation, config, errors ----

test('parameter counts (against tfjs), weight names and shapes, output shapes, returnState [output, h, c]', () => {
  const count = (units: number, features: number) => {
    const l = lstm({ units });
    l.ensureBuilt([null, 4, features]);
    return l.countParams();
  };
  const tfCount = (units: number, features: number) => {
    const l = tf.layers.lstm({ units, recurrentInitializer: 'zeros' }); // tfjs's orthogonal init is slow
    l.apply(tf.zeros([1, 4, features]));
    return l.countParams();
  };
  assert.equal(count(30, 1), 3840);
  assert.equal(count(30, 2), 3960);
  for (const [u, f] of [[30, 1], [30, 2], [7, 5]]) assert.equal(count(u, f), tfCount(u, f));
  const nb = lstm({ units: 3, useBias: false });
  nb.ensureBuilt([null, 4, 2]);
  assert.equal(nb.countParams(), 4 * 3 * 5);
  assert.deepEqual(nb.weights.map((w) => w.name), ['kernel', 'recurrent_kernel']);
  const l = lstm({ units: 3 });
  l.ensureBuilt([null, 4, 2]);
  assert.deepEqual(l.weights.map((w) => [w.name, w.shape]), [['kernel', [2, 12]], ['recurrent_kernel', [3, 12]], ['bias', [12]]]);
  assert.deepEqual(lstm({ units: 3 }).computeOutputShape([null, 7, 2]), [null, 3]);
  assert.deepEqual(lstm({ units: 3, returnSequences: true }).computeOutputShape([8, null, 2]), [8, null, 3]);

  const rs = lstm({ units: 3, returnState: true, returnSequences: true });
  const out = rs.apply(randomTensor([2, 4, 2], 3)) as Tensor[];
  assert.equal(out.length, 3);
  assert.deepEqual(out.map((t) => t.shape), [[2, 4, 3], [2, 3], [2, 3]]);
  assert.deepEqual(Array.from(out[1].data), Array.from(out[0].data.subarray(9, 12)).concat(Array.from(out[0].data.subarray(21, 24))));
  // c differs from h (h = o ⊙ tanh(c)) and |h| <= |tanh(c)|
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(out[1].data[i]) <= Math.abs(Math.tanh(out[2].data[i])) + 1e-7);
  assert.ok(Array.from(out[2].data).some((v, i) => v !== out[1].data[i]));
});

test('initialisation: unitForgetBias sets the forget slice of the bias to 1 (Keras default), seeds reproduce', () => {
  setSeed(5);
  const a = lstm({ units: 4 });
  a.ensureBuilt([null, 3, 2]);
  const b = a.getWeights()[2].data;
  assert.deepEqual(Array.from(b), [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  const off = lstm({ units: 4, unitForgetBias: false });
  off.ensureBuilt([null, 3, 2]);
  assert.ok(off.getWeights()[2].data.every((v) => v === 0));
  // a random bias initializer is drawn for i (U values) and for c, o (2U values), the forget slice is 1
  const rnd = lstm({ units: 4, biasInitializer: 'randomUniform' });
  rnd.ensureBuilt([null, 3, 2]);
  const rb = rnd.getWeights()[2].data;
  assert.ok(rb.subarray(4, 8).every((v) => v === 1));
  assert.ok(rb.subarray(0, 4).every((v) => v !== 0 && Math.abs(v) <= 0.05));
  assert.ok(rb.subarray(8).every((v) => v !== 0 && Math.abs(v) <= 0.05));
  // orthogonal recurrent kernel (U, 4U): its rows are orthonormal
  const wh = a.getWeights()[1].data;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 16; k++) s += wh[i * 16 + k] * wh[j * 16 + k];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-5);
    }
  }
  setSeed(5);
  const again = lstm({ units: 4 });
  again.ensureBuilt([null, 3, 2]);
  assert.deepEqual(again.getWeights()[0].data, a.getWeights()[0].data);
});

test('names and getConfig follow Keras (recurrentActivation, unitForgetBias, implementation 2) with every tfjs key', () => {
  resetLayerNames();
  const a = lstm({ units: 3 });
  const b = new LSTM({ units: 5, recurrentActivation: 'hardSigmoid', unitForgetBias: false, returnSequences: true });
  assert.equal(a.name, 'lstm');
  assert.equal(b.name, 'lstm_1');
  assert.equal(a.className, 'LSTM');
  const ca = a.getConfig();
  assert.equal(ca.recurrentActivation, 'sigmoid');
  assert.equal(ca.unitForgetBias, true);
  assert.equal(ca.implementation, 2);
  assert.equal(ca.activation, 'tanh');
  const cb = b.getConfig();
  assert.equal(cb.recurrentActivation, 'hard_sigmoid');
  assert.equal(cb.unitForgetBias, false);
  assert.equal(cb.units, 5);
  assertHasTfjsConfigKeys(ca, tf.layers.lstm({ units: 5 }));
  // the config builds the same layer again (what deserialization does)
  const again = new LSTM(cb as unknown as LSTMArgs);
  assert.deepEqual(again.getConfig(), cb);
  // and tfjs's own config (hardSigmoid, no unitForgetBias written as undefined) is accepted
  const fromTf = new LSTM({ ...(tf.layers.lstm({ units: 2 }).getConfig() as object), name: 'from_tf' } as unknown as LSTMArgs);
  assert.equal(fromTf.recurrentActivation, 'hardSigmoid');
});

test('errors: wrong rank, wrong feature size, bad setWeights, bad options', () => {
  const layer = lstm({ units: 4, name: 'lstm_err' });
  assertInputShapeErrors(layer);
  assert.throws(() => layer.apply(randomTensor([2, 5, 3, 1], 1)), ValueError);
  const w = layer.getWeights();
  assert.throws(
    () => layer.setWeights([w[0], w[1], tensor(new Float32Array(12), [12])]),
    (e: Error) => e instanceof ValueError && e.message.includes('bias') && e.message.includes('[16]') && e.message.includes('[12]'),
  );
  assert.throws(() => lstm({ units: 0 }), ValueError);
  assert.throws(() => lstm({ units: 3, recurrentActivation: 'nope' }), /Unknown activation 'nope'/);
  assert.throws(() => lstm({ units: 3, recurrentDropout: 1 }), /recurrentDropout/);
  assert.throws(() => lstm({ units: 3, stateful: true, inputShape: [5, 3] }), /fixed batch size/);
  // backward before a training forward
  const fresh = lstm({ units: 2 });
  fresh.apply(randomTensor([1, 3, 2], 1));
  assert.throws(() => fresh.backward(randomTensor([1, 2], 2)), /training=true/);
});
