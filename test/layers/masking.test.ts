// Masking: which steps are masked (ALL features equal maskValue), the zeroed output, the emitted mask
// (it replaces an incoming one), the gradient, and a Masking → RNN model against @tensorflow/tfjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '../../src/layers/index.js';
import { Masking, masking } from '../../src/layers/masking.js';
import { simpleRNN } from '../../src/layers/simple-rnn.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { Layer } from '../../src/layers/layer.js';
import { deserializeLayer } from '../../src/layers/registry.js';
import { Sequential } from '../../src/model/sequential.js';
import { tensor } from '../../src/tensor.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { compareModelWithTfjs, ModelAsLayer } from '../helpers/text-models.js';

await tf.setBackend('cpu');

// (2, 4, 2): sample 0 is padded (value -1) after step 1; step 2 of sample 1 has ONE feature at -1 (not masked)
const X = tensor([
  [[0.5, 1], [2, -1], [-1, -1], [-1, -1]],
  [[-1, -1], [0, 3], [-1, 4], [1, 1]],
]);

test('a step is masked when all its features equal maskValue; its output is zeroed; others pass unchanged', () => {
  const l = masking({ maskValue: -1 });
  const y = l.forward(X, false, null);
  assert.deepEqual(Array.from(l.computeMask(X, null)!), [1, 1, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(y.data), [0.5, 1, 2, -1, 0, 0, 0, 0, 0, 0, 0, 3, -1, 4, 1, 1]);
  assert.deepEqual(y.shape, [2, 4, 2]);
  // default maskValue 0
  const z = masking();
  assert.equal(z.maskValue, 0);
  const x0 = tensor([[[0, 0], [0, 1]]]);
  assert.deepEqual(Array.from(z.computeMask(x0, null)!), [0, 1]);
});

test('the mask it emits replaces an incoming one (Keras compute_mask ignores the input mask)', () => {
  const l = masking({ maskValue: -1 });
  l.forward(X, false, Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1]));
  assert.deepEqual(Array.from(l.computeMask(X, Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1]))!), [1, 1, 0, 0, 0, 1, 1, 1]);
});

test('backward: dx = dy on real steps and 0 on masked ones (the output there is a constant)', () => {
  const l = masking({ maskValue: -1 });
  l.forward(X, true, null);
  const dy = randomTensor([2, 4, 2], 3);
  const dx = l.backward(dy);
  const keep = [1, 1, 0, 0, 0, 1, 1, 1];
  for (let i = 0; i < 16; i++) assert.equal(dx.data[i], keep[i >> 1] ? dy.data[i] : 0);
  // finite differences where the mask does not flip (real steps of generic values)
  const g = masking({ maskValue: 7 });
  assert.ok(gradCheck(g, randomTensor([2, 3, 4], 8), { eps: 1e-3 }) <= 1);
});

test('Masking → SimpleRNN in a model: finite differences of the RNN weights with padded steps', () => {
  const m = new Sequential({ layers: [masking({ maskValue: -1, inputShape: [4, 2] }), simpleRNN({ units: 3, returnSequences: true })] });
  const rnn = m.layers[1];
  rnn.weights.forEach((w, k) => w.value.set(randomTensor(w.shape, 40 + k, 0.7).data));
  // the model's Masking makes the mask the RNN sees; perturbing weights never flips it
  assert.ok(gradCheck(new ModelAsLayer(m), X, { checkInput: false, eps: 1e-3 }) <= 1);
});

test('Masking → SimpleRNN / GRU / LSTM models agree with tfjs: outputs and weight gradients', async () => {
  const cases: [string, (rs: boolean) => Layer, (rs: boolean) => tf.layers.Layer][] = [
    ['SimpleRNN', (rs) => simpleRNN({ units: 3, returnSequences: rs }), (rs) => tf.layers.simpleRNN({ units: 3, returnSequences: rs })],
    ['GRU', (rs) => gru({ units: 3, returnSequences: rs, resetAfter: false, recurrentActivation: 'hardSigmoid' }), (rs) => tf.layers.gru({ units: 3, returnSequences: rs })],
    ['LSTM', (rs) => lstm({ units: 3, returnSequences: rs, recurrentActivation: 'sigmoid' }), (rs) => tf.layers.lstm({ units: 3, returnSequences: rs, recurrentActivation: 'sigmoid' })],
  ];
  for (const [name, mine, theirs] of cases) {
    for (const returnSequences of [false, true]) {
      const m = new Sequential({ layers: [masking({ maskValue: -1, inputShape: [4, 2] }), mine(returnSequences)] });
      m.layers[1].weights.forEach((w, k) => w.value.set(randomTensor(w.shape, 60 + k, 0.7).data));
      const tm = tf.sequential({ layers: [tf.layers.masking({ maskValue: -1, inputShape: [4, 2] }), theirs(returnSequences)] });
      // tfjs outputs the carried state at masked steps, as tsrnn's recurrent layers do: compare every step
      const r = compareModelWithTfjs(m, tm, X, null);
      assert.ok(r.out < 1e-5, `${name} returnSequences ${returnSequences}: output error ${r.out}`);
      assert.ok(r.grad < 1e-5, `${name} returnSequences ${returnSequences}: gradient error ${r.grad} (weight ${r.gradIndex})`);
    }
  }
});

test('bad input: rank other than 3; config round trip', () => {
  const l = masking({ maskValue: 2 });
  assert.throws(() => l.forward(tensor([[1, 2]]), false, null), /expected input of rank 3 \[batch, timesteps, features\], got rank 2/);
  assert.throws(() => masking({ maskValue: NaN }), /maskValue must be a number/);
  const c = l.getConfig();
  assert.equal(c.maskValue, 2);
  const back = deserializeLayer({ className: 'Masking', config: c }) as Masking;
  assert.equal(back.maskValue, 2);
  assert.equal(back.name, l.name);
});
