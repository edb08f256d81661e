// GRU layer: gradient checks over every option (both resetAfter forms), agreement with @tensorflow/tfjs 4.22
// for resetAfter=false (tfjs's only form: its GRUCell computes h̃ = act(x·W_h + b_h + (r⊙h)·U_h), checked in
// tfjs-layers/dist/layers/recurrent.js), resetAfter=true against onnxruntime-web's GRU with
// linear_before_reset=1 (an independent implementation), the ONNX backend and keras-js (Keras 2.0,
// reset-before) fixtures, stateful chunking, parameter counts, configs and bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { GRU, gru, GRUArgs } from '../../src/layers/gru.js';
import { resetLayerNames } from '../../src/layers/layer.js';
import { ValueError } from '../../src/errors.js';
import { Tensor, tensor } from '../../src/tensor.js';
import { skipUnless } from '../helpers/fixtures.js';
import { randomTensor } from '../helpers/gradcheck.js';
import { checkOnnxLastOutputs, kerasToOnnxKernel, ONNX_FIXTURES, onnxModel } from '../helpers/onnx.js';
import {
  assertHasTfjsConfigKeys, assertInputShapeErrors, checkHiddenGrads, checkKerasJsRnnCases, checkStatefulChunks,
  combinations, GATED_TFJS_CASES, gradCheckDropout, gradCheckOverOptions, MASK,
} from '../helpers/recurrent-cases.js';
import { assertAgreesWithTfjs, randomizeWeights, tfjsAgreementOverOptions, twinWithTfjs, WorstErrors } from '../helpers/rnn-compare.js';

await tf.setBackend('cpu');
ort.env.wasm.numThreads = 1;

test('gradient check: resetAfter × returnSequences × goBackwards × useBias × recurrentActivation × activation × mask', () => {
  const n = gradCheckOverOptions(
    {
      resetAfter: [true, false], returnSequences: [true, false], goBackwards: [false, true], useBias: [true, false],
      recurrentActivation: ['sigmoid', 'hardSigmoid'], activation: ['tanh', 'relu'],
    },
    (o) => gru({ units: 3, ...o }),
    // relu: a smaller step, so that fewer pre-activations sit within eps of the kink, where central
    // differences mean nothing (the float64 kernel tests check relu exactly); these seeds keep clear of it
    { eps: (o) => (o.activation === 'relu' ? 1e-4 : 1e-3), maxEntries: 20 },
  );
  assert.equal(n, 128);
});

test('gradient check: input and recurrent dropout (masks held fixed), both forms, with a mask and goBackwards', () => {
  for (const resetAfter of [true, false]) gradCheckDropout((o) => gru({ units: 4, resetAfter, ...o }));
});

test('stateful: chunks of a long sequence give the whole-sequence outputs; gradients at a carried state; resetStates', () => {
  for (const resetAfter of [true, false]) {
    checkStatefulChunks((o) => gru({ ...o, resetAfter }), (st, whole, x, yw) => {
      // the carried state is the whole pass's last output
      const B = 2, T = 12, U = 4;
      for (let b = 0; b < B; b++) for (let u = 0; u < U; u++) assert.ok(Math.abs(st.states[0][b * U + u] - yw[(b * T + T - 1) * U + u]) <= 1e-6);
    }, `resetAfter=${resetAfter}`);
  }
});

test('hiddenGrads: recorded when asked; at the last step of a last-output GRU it is dL/dy', () => {
  checkHiddenGrads(gru({ units: 3 }));
});

// ---- resetAfter=false against @tensorflow/tfjs ----

const worst = new WorstErrors();

test('tfjs agreement (resetAfter=false): outputs and gradients, recurrentActivation × returnSequences × goBackwards', () => {
  tfjsAgreementOverOptions(GATED_TFJS_CASES, (o) => [gru({ units: 5, ...o, resetAfter: false }), tf.layers.gru({ units: 5, ...o })], {
    shape: [3, 6, 4], seeds: (n) => ({ weights: 31 + n, input: 40 + n }), worst,
  });
});

test('tfjs agreement (resetAfter=false): a mask (padded steps), and two stacked GRUs', () => {
  tfjsAgreementOverOptions(
    combinations({ returnSequences: [true, false], goBackwards: [false, true], recurrentActivation: ['sigmoid'] as const }),
    (o) => [gru({ units: 4, ...o, resetAfter: false }), tf.layers.gru({ units: 4, ...o })],
    { shape: [2, 5, 3], seeds: () => ({ weights: 50, input: 51 }), worst, mask: MASK },
  );
  const T = 7, I = 3;
  const mine = [
    gru({ units: 6, returnSequences: true, resetAfter: false }),
    gru({ units: 5, goBackwards: true, resetAfter: false, recurrentActivation: 'hardSigmoid' }),
  ];
  const theirs = [
    tf.layers.gru({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid' }),
    tf.layers.gru({ units: 5, goBackwards: true, recurrentActivation: 'hardSigmoid' }),
  ];
  twinWithTfjs(mine, theirs, T, I, 60);
  assertAgreesWithTfjs(mine, theirs, randomTensor([4, T, I], 61), 'stacked', worst);
});

test('tfjs agreement: worst relative errors (reported)', () => {
  worst.report('GRU (resetAfter=false)');
});

// ---- both forms against onnxruntime-web's GRU ----

test('onnxruntime-web GRU: resetAfter=true ≡ linear_before_reset=1, resetAfter=false ≡ linear_before_reset=0', async () => {
  const B = 3, T = 6, I = 4, U = 5, G = 3 * U;
  let w = 0;
  for (const resetAfter of [true, false]) {
    const layer = gru({ units: U, resetAfter, returnSequences: true });
    layer.ensureBuilt([null, T, I]);
    randomizeWeights(layer, resetAfter ? 80 : 90, 0.8);
    const [k, rk, b] = layer.getWeights();
    // ONNX gate order z, r, h is Keras's; W, R are [1, 3U, n] (transposed); B = [Wb; Rb]
    const order = [0, 1, 2];
    const onnxB = new Float32Array(2 * G);
    onnxB.set(b.data.subarray(0, G)); // reset-before: Keras's single bias goes on the input side, Rb = 0
    if (resetAfter) onnxB.set(b.data.subarray(G, 2 * G), G);
    const model = onnxModel({
      opType: 'GRU',
      inputs: [
        { name: 'X', dims: [T, B, I] },
        { name: 'W', dims: [1, G, I] },
        { name: 'R', dims: [1, G, U] },
        { name: 'B', dims: [1, 2 * G] },
      ],
      outputs: [
        { name: 'Y', dims: [T, 1, B, U] },
        { name: 'Y_h', dims: [1, B, U] },
      ],
      intAttributes: { hidden_size: U, linear_before_reset: resetAfter ? 1 : 0 },
    });
    const session = await ort.InferenceSession.create(model);
    const x = randomTensor([B, T, I], 81, 1.5);
    const xTB = new Float32Array(T * B * I);
    for (let bb = 0; bb < B; bb++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) xTB[(t * B + bb) * I + i] = x.data[(bb * T + t) * I + i];
    const res = await session.run({
      X: new ort.Tensor('float32', xTB, [T, B, I]),
      W: new ort.Tensor('float32', kerasToOnnxKernel(k.data, U, I, order), [1, G, I]),
      R: new ort.Tensor('float32', kerasToOnnxKernel(rk.data, U, U, order), [1, G, U]),
      B: new ort.Tensor('float32', onnxB, [1, 2 * G]),
    });
    const Y = res.Y.data as Float32Array, Yh = res.Y_h.data as Float32Array;
    const y = layer.apply(x) as Tensor;
    for (let bb = 0; bb < B; bb++) {
      for (let t = 0; t < T; t++) {
        for (let u = 0; u < U; u++) {
          const e = Math.abs(y.data[(bb * T + t) * U + u] - Y[(t * B + bb) * U + u]);
          w = Math.max(w, e);
          assert.ok(e <= 1e-5, `resetAfter=${resetAfter}: y[${bb},${t},${u}] = ${y.data[(bb * T + t) * U + u]}, onnxruntime gives ${Y[(t * B + bb) * U + u]}`);
        }
      }
      for (let u = 0; u < U; u++) assert.ok(Math.abs(y.data[(bb * T + T - 1) * U + u] - Yh[bb * U + u]) <= 1e-5);
    }
    // the two forms really differ on these weights, so the check tells them apart
    const other = gru({ units: U, resetAfter: !resetAfter, returnSequences: true });
    other.ensureBuilt([null, T, I]);
    other.setWeights([k, rk, resetAfter ? tensor(b.data.subarray(0, G), [G]) : tensor([...b.data, ...new Array(G).fill(0)], [2, G])]);
    const yo = (other.apply(x) as Tensor).data;
    assert.ok(yo.some((v, i) => Math.abs(v - y.data[i]) > 1e-3), 'the two GRU forms gave the same outputs');
    await session.release();
  }
  console.log(`GRU vs onnxruntime-web: worst abs err ${w.toExponential(2)}`);
});

// ---- fixtures ----

const ONNX_GRU = ['test_gru_defaults', 'test_gru_with_initial_bias', 'test_gru_seq_length', 'test_gru_batchwise'];

test('ONNX backend fixtures (linear_before_reset=0 ≡ resetAfter=false): test_gru_defaults, _with_initial_bias, _seq_length, _batchwise', skipUnless(ONNX_FIXTURES), () => {
  // ONNX gate order z, r, h is Keras's. Reset-before: Rb_h is added outside r⊙(·), so Keras's single bias is Wb + Rb for every gate
  const w = checkOnnxLastOutputs(ONNX_GRU, [0, 1, 2], (U, c) => {
    assert.equal(c.node.effective_attributes.linear_before_reset, 0);
    return gru({ units: U, resetAfter: false, returnSequences: true });
  });
  console.log(`GRU vs ONNX fixtures: worst abs err ${w.toExponential(2)}`);
});

const KERASJS = '../shared/fixtures/keras-js/GRU.json';

test('keras-js fixtures (Keras 2.0, reset-before ≡ resetAfter=false): GRU.0-.8, stateful cases predicted twice', skipUnless(KERASJS), () => {
  checkKerasJsRnnCases(KERASJS, 'GRU', (args, k) => {
    assert.equal(k.reset_after, false);
    return gru({ ...args, recurrentActivation: k.recurrent_activation as string, resetAfter: false });
  });
});

// ---- shapes, parameters, config, errors ----

test('parameter counts (resetAfter adds a recurrent bias row; false against tfjs), weight shapes, returnState [output, h]', () => {
  const count = (units: number, features: number, resetAfter: boolean) => {
    const l = gru({ units, resetAfter });
    l.ensureBuilt([null, 4, features]);
    return l.countParams();
  };
  assert.equal(count(30, 1, true), 2970);
  assert.equal(count(30, 1, false), 2880);
  assert.equal(count(30, 2, true), 3060);
  assert.equal(count(30, 2, false), 2970);
  for (const [u, f] of [[30, 1], [30, 2], [7, 5]]) {
    const t = tf.layers.gru({ units: u, recurrentInitializer: 'zeros' }); // tfjs's orthogonal init is slow
    t.apply(tf.zeros([1, 4, f]));
    assert.equal(count(u, f, false), t.countParams());
    assert.equal(count(u, f, true), t.countParams() + 3 * u);
  }
  const a = gru({ units: 3 });
  a.ensureBuilt([null, 4, 2]);
  assert.deepEqual(a.weights.map((w) => [w.name, w.shape]), [['kernel', [2, 9]], ['recurrent_kernel', [3, 9]], ['bias', [2, 9]]]);
  const b = gru({ units: 3, resetAfter: false });
  b.ensureBuilt([null, 4, 2]);
  assert.deepEqual(b.weights.map((w) => [w.name, w.shape]), [['kernel', [2, 9]], ['recurrent_kernel', [3, 9]], ['bias', [9]]]);
  const nb = gru({ units: 3, useBias: false });
  nb.ensureBuilt([null, 4, 2]);
  assert.equal(nb.countParams(), 3 * 3 * 5);
  const rs = gru({ units: 3, returnState: true, returnSequences: true });
  const out = rs.apply(randomTensor([2, 4, 2], 3)) as Tensor[];
  assert.equal(out.length, 2);
  assert.deepEqual(out.map((t) => t.shape), [[2, 4, 3], [2, 3]]);
  assert.deepEqual(Array.from(out[1].data), Array.from(out[0].data.subarray(9, 12)).concat(Array.from(out[0].data.subarray(21, 24))));
});

test('names and getConfig follow Keras (resetAfter, recurrentActivation, implementation 2) with every tfjs key', () => {
  resetLayerNames();
  const a = gru({ units: 3 });
  const b = new GRU({ units: 5, resetAfter: false, recurrentActivation: 'hard_sigmoid' });
  assert.equal(a.name, 'gru');
  assert.equal(b.name, 'gru_1');
  assert.equal(a.className, 'GRU');
  const ca = a.getConfig();
  assert.equal(ca.resetAfter, true);
  assert.equal(ca.recurrentActivation, 'sigmoid');
  assert.equal(ca.implementation, 2);
  const cb = b.getConfig();
  assert.equal(cb.resetAfter, false);
  assert.equal(cb.recurrentActivation, 'hard_sigmoid');
  assertHasTfjsConfigKeys(ca, tf.layers.gru({ units: 5 }));
  // the config builds the same layer again (what deserialization does)
  assert.deepEqual(new GRU(cb as unknown as GRUArgs).getConfig(), cb);
  // tfjs writes resetAfter: false, so a tfjs config gives tfjs's form
  const fromTf = new GRU({ ...(tf.layers.gru({ units: 2 }).getConfig() as object), name: 'from_tf' } as unknown as GRUArgs);
  assert.equal(fromTf.resetAfter, false);
  assert.equal(fromTf.recurrentActivation, 'hardSigmoid');
});

test('errors: wrong rank, wrong feature size, a bias in the other GRU form\'s shape, bad options', () => {
  const layer = gru({ units: 4, name: 'gru_err' });
  assertInputShapeErrors(layer);
  const [k, rk] = layer.getWeights();
  // resetAfter=true wants (2, 3U); a (3U) bias is the resetAfter=false layout
  assert.throws(
    () => layer.setWeights([k, rk, tensor(new Float32Array(12), [12])]),
    (e: Error) => e instanceof ValueError && /resetAfter=false layout/.test(e.message) && e.message.includes('[2,12]'),
  );
  const before = gru({ units: 4, resetAfter: false });
  before.ensureBuilt([null, 5, 3]);
  assert.throws(
    () => before.setWeights([k, rk, tensor(new Float32Array(24), [2, 12])]),
    (e: Error) => e instanceof ValueError && /resetAfter=true layout/.test(e.message) && e.message.includes('[12]'),
  );
  assert.throws(() => before.setWeights([k, rk, tensor(new Float32Array(10), [10])]), (e: Error) => e instanceof ValueError && e.message.includes('[10]'));
  assert.throws(() => gru({ units: -1 }), ValueError);
  assert.throws(() => gru({ units: 3, recurrentActivation: 'nope' }), /Unknown activation 'nope'/);
  assert.throws(() => gru({ units: 3, dropout: 1.5 }), /dropout/);
  const fresh = gru({ units: 2 });
  fresh.apply(randomTensor([1, 3, 2], 1));
  assert.throws(() => fresh.backward(randomTensor([1, 2], 2)), /training=true/);
});
