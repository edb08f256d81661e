// Topologies as the various Keras and tfjs writers give them: case conversion as tfjs does it, a real
// Keras 3 config.json (from a .keras file), Keras 2 / Keras 3 functional chains, converter output with
// ':0' and TF 2.2 cell-scoped weight names, legacy GRU configs; and the models that cannot load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isLayerRegistered, randomInput, readZipEntry } from './helpers.js';
import { convertPythonicToTs, convertTsToPythonic, toCamelCase, toSnakeCase } from '../../src/io/case.js';
import { parseTopology } from '../../src/io/model-json.js';
import { encodeWeights } from '../../src/io/weights.js';
import { fromMemory } from '../../src/io/handlers.js';
import { loadLayersModel } from '../../src/io/load.js';
import { Sequential } from '../../src/model/sequential.js';
import { SimpleRNN } from '../../src/layers/simple-rnn.js';
import { Dense } from '../../src/layers/dense.js';
import { GRU } from '../../src/layers/gru.js';
import { setSeed } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';

const KERAS3_FILE = '../shared/fixtures/keras-files/cdt406/model_120ms.keras';

test('snake_case ↔ camelCase follow tfjs (keys and string values; names kept)', () => {
  assert.equal(toSnakeCase('recurrentKernel'), 'recurrent_kernel');
  assert.equal(toSnakeCase('batchInputShape'), 'batch_input_shape');
  assert.equal(toSnakeCase('hardSigmoid'), 'hard_sigmoid');
  assert.equal(toSnakeCase('GRU'), 'gru');
  assert.equal(toSnakeCase('SimpleRNN'), 'simple_rnn');
  assert.equal(toCamelCase('recurrent_kernel'), 'recurrentKernel');
  assert.equal(toCamelCase('fan_avg'), 'fanAvg');
  assert.equal(toCamelCase('float32'), 'float32');
  const ts = { name: 'myLayer', goBackwards: true, activation: 'hardSigmoid', kernelInitializer: { className: 'VarianceScaling', config: { mode: 'fanAvg', distribution: 'truncatedNormal', seed: null } } };
  const py = convertTsToPythonic(ts);
  assert.deepEqual(py, {
    name: 'myLayer', go_backwards: true, activation: 'hard_sigmoid',
    kernel_initializer: { class_name: 'VarianceScaling', config: { mode: 'fan_avg', distribution: 'truncated_normal', seed: null } },
  });
  assert.deepEqual(convertPythonicToTs(py), ts);
});

test('a real Keras 3.9 config.json (.keras file) parses: InputLayer shape moved to the first layer, Keras 3 wrappers removed', { skip: existsSync(KERAS3_FILE) ? false : `fixtures absent: ${KERAS3_FILE}` }, async () => {
  const config = JSON.parse(readZipEntry(KERAS3_FILE, 'config.json').toString('utf8'));
  const p = parseTopology(config, 'config.json');
  assert.equal(p.name, 'sequential_10');
  assert.deepEqual(p.layers.map((l) => l.className), ['Reshape', 'LSTM', 'Dense', 'Dense']);
  assert.deepEqual(p.layers[0].config.batchInputShape, [null, 12]);
  assert.deepEqual(p.layers[0].config.targetShape, [3, 4]);
  const lstm = p.layers[1].config;
  assert.equal(lstm.name, 'lstm');
  assert.equal(lstm.units, 16);
  assert.equal(lstm.recurrentActivation, 'sigmoid');
  assert.equal(lstm.dtype, 'float32'); // the DTypePolicy object reduced to its name
  assert.deepEqual(lstm.kernelInitializer, { className: 'GlorotUniform', config: { seed: null } });
  assert.deepEqual(lstm.recurrentInitializer, { className: 'Orthogonal', config: { seed: null, gain: 1 } });
  assert.equal(lstm.unitForgetBias, true);
  assert.equal(p.layers[3].config.name, 'output');
  // Keras 3 compile_config becomes a tfjs-style training config
  const tc = p.trainingConfig as { loss: string; metrics: string[]; optimizer_config: { class_name: string; config: Record<string, number> } };
  assert.equal(tc.loss, 'sparse_categorical_crossentropy');
  assert.deepEqual(tc.metrics, ['accuracy']);
  assert.equal(tc.optimizer_config.class_name, 'Adam');
  assert.ok(Math.abs(tc.optimizer_config.config.learning_rate - 0.001) < 1e-9);
  assert.equal(tc.optimizer_config.config.beta_1, 0.9);
  if (isLayerRegistered('Reshape')) {
    // topology only (the weights are in model.weights.h5, HDF5, which tsrnn does not read)
    const m = await loadLayersModel(fromMemory({ modelTopology: config }));
    assert.deepEqual(m.layers.map((l) => l.className), ['Reshape', 'LSTM', 'Dense', 'Dense']);
    assert.equal(m.countParams(), 4 * 64 + 16 * 64 + 64 + 16 * 32 + 32 + 32 * 4 + 4);
    assert.equal(m.optimizer!.className, 'Adam');
  }
});

// A reference tsrnn model and its weights, to express the same network in other writers' formats.
function reference() {
  setSeed(17);
  const m = new Sequential({ layers: [new SimpleRNN({ units: 5, inputShape: [3, 4] }), new Dense({ units: 2, activation: 'softmax' })] });
  // shift every weight a little so that zero biases cannot hide a mix-up
  m.setWeights(m.getWeights().map((w) => new Tensor(w.data.map((v, i) => v + 0.01 * (i % 7) - 0.02), w.shape)));
  const [k, rk, b, dk, db] = m.getWeights();
  return { m, k, rk, b, dk, db };
}

const rnnConfigK2 = { name: 'simple_rnn', trainable: true, dtype: 'float32', return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, time_major: false, units: 5, activation: 'tanh', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0 };
const denseConfigK2 = { name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'softmax', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null };

test('tf.keras 2 functional model (InputLayer → SimpleRNN → Dense), converter output with cell-scoped ":0" names in another order', async () => {
  const { m, k, rk, b, dk, db } = reference();
  // layers listed out of order: the chain is followed through inbound_nodes, not list order
  const topology = {
    keras_version: '2.4.0', backend: 'tensorflow',
    model_config: {
      class_name: 'Functional',
      config: {
        name: 'model', layers: [
          { class_name: 'Dense', config: denseConfigK2, name: 'dense', inbound_nodes: [[['simple_rnn', 0, 0, {}]]] },
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 3, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, name: 'input_1', inbound_nodes: [] },
          { class_name: 'SimpleRNN', config: rnnConfigK2, name: 'simple_rnn', inbound_nodes: [[['input_1', 0, 0, {}]]] },
        ],
        input_layers: [['input_1', 0, 0]], output_layers: [['dense', 0, 0]],
      },
    },
    training_config: { loss: 'categorical_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { name: 'Adam', learning_rate: 0.003, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false } } },
  };
  const { data, specs } = encodeWeights([
    { name: 'dense/kernel:0', shape: dk.shape, values: dk.data },
    { name: 'dense/bias:0', shape: db.shape, values: db.data },
    { name: 'simple_rnn/simple_rnn_cell/kernel:0', shape: k.shape, values: k.data },
    { name: 'simple_rnn/simple_rnn_cell/recurrent_kernel:0', shape: rk.shape, values: rk.data },
    { name: 'simple_rnn/simple_rnn_cell/bias:0', shape: b.shape, values: b.data },
  ]);
  const loaded = await loadLayersModel(fromMemory({ modelTopology: topology, weightSpecs: specs, weightData: data, format: 'layers-model', convertedBy: 'TensorFlow.js Converter v4.22.0' }));
  assert.equal(loaded.name, 'model');
  assert.deepEqual(loaded.layers.map((l) => l.name), ['simple_rnn', 'dense']);
  const x = randomInput([3, 3, 4], 31).t;
  assert.deepEqual(loaded.predict(x).data, m.predict(x).data);
  assert.equal(loaded.optimizer!.learningRate, 0.003);
});

test('Keras 3 functional model JSON (batch_shape, DTypePolicy, __keras_tensor__ nodes) loads as the chain it is', async () => {
  const { m, k, rk, b, dk, db } = reference();
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const init = (c: string, cfg: Record<string, unknown> = { seed: null }) => ({ module: 'keras.initializers', class_name: c, config: cfg, registered_name: null });
  const tensor = (from: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [from, 0, 0] } });
  const topology = {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional', build_config: { input_shape: null },
    config: {
      name: 'functional', trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 3, 4], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
        { module: 'keras.layers', class_name: 'SimpleRNN', registered_name: null, build_config: { input_shape: [null, 3, 4] }, name: 'simple_rnn',
          config: { ...rnnConfigK2, time_major: undefined, dtype: policy, seed: null, kernel_initializer: init('GlorotUniform'), recurrent_initializer: init('Orthogonal', { gain: 1.0, seed: null }), bias_initializer: init('Zeros', {}) },
          inbound_nodes: [{ args: [tensor('input_layer', [null, 3, 4])], kwargs: { training: false, mask: null } }] },
        { module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: { input_shape: [null, 5] }, name: 'dense',
          config: { ...denseConfigK2, dtype: policy, kernel_initializer: init('GlorotUniform'), bias_initializer: init('Zeros', {}) },
          inbound_nodes: [{ args: [tensor('simple_rnn', [null, 5])], kwargs: {} }] },
      ],
      input_layers: [['input_layer', 0, 0]], output_layers: [['dense', 0, 0]],
    },
  };
  // Keras 3 variable paths are positional ('layers/simple_rnn/cell/vars/0'): matched by order
  const { data, specs } = encodeWeights([k, rk, b, dk, db].map((w, i) => ({ name: `w${i}`, shape: w.shape, values: w.data })));
  const loaded = await loadLayersModel(fromMemory({ modelTopology: JSON.parse(JSON.stringify(topology)), weightSpecs: specs, weightData: data }));
  assert.equal(loaded.layers[0].getConfig().dtype, 'float32');
  const x = randomInput([2, 3, 4], 32).t;
  assert.deepEqual(loaded.predict(x).data, m.predict(x).data);
});

test('Keras 2.0 Sequential as a bare list of layers, and a GRU config without reset_after (Keras < 2.1.5) is reset-before', async () => {
  setSeed(40);
  const ref = new Sequential({ layers: [new GRU({ units: 3, resetAfter: false, recurrentActivation: 'hardSigmoid', inputShape: [4, 2] })] });
  const gru = { name: 'gru_1', trainable: true, batch_input_shape: [null, 4, 2], dtype: 'float32', units: 3, activation: 'tanh', recurrent_activation: 'hard_sigmoid', use_bias: true, return_sequences: false, go_backwards: false, stateful: false, unroll: false, implementation: 1, dropout: 0, recurrent_dropout: 0 };
  const ws = ref.getWeights();
  const { data, specs } = encodeWeights(['kernel', 'recurrent_kernel', 'bias'].map((n, i) => ({ name: `gru_1/${n}:0`, shape: ws[i].shape, values: ws[i].data })));
  const loaded = await loadLayersModel(fromMemory({ modelTopology: { class_name: 'Sequential', config: [{ class_name: 'GRU', config: gru }], keras_version: '2.1.3' }, weightSpecs: specs, weightData: data }));
  assert.equal((loaded.layers[0] as GRU).resetAfter, false);
  assert.deepEqual(loaded.layers[0].weights[2].shape, [9]);
  const x = randomInput([2, 4, 2], 41).t;
  assert.deepEqual(loaded.predict(x).data, ref.predict(x).data);
});

test('functional models that are not a single chain are refused with the reason', () => {
  const L = (name: string, cls: string, from: string[][]) => ({ class_name: cls, name, config: { name, units: 2 }, inbound_nodes: from.length ? [from.map((f) => [f[0], 0, 0, {}])] : [] });
  const inp = { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 3], name: 'in' }, inbound_nodes: [] };
  const branch = { class_name: 'Model', config: { name: 'm', layers: [inp, L('a', 'Dense', [['in']]), L('b', 'Dense', [['in']]), L('c', 'Concatenate', [['a'], ['b']])], input_layers: [['in', 0, 0]], output_layers: [['c', 0, 0]] } };
  assert.throws(() => parseTopology(branch), (e: Error) => e.name === 'NotImplementedError' && /layer 'c' \(Concatenate\) takes 2 inputs \(a, b\)/.test(e.message));
  const twoOut = { class_name: 'Model', config: { name: 'm', layers: [inp, L('a', 'Dense', [['in']])], input_layers: [['in', 0, 0]], output_layers: [['a', 0, 0], ['in', 0, 0]] } };
  assert.throws(() => parseTopology(twoOut), /1 inputs and 2 outputs/);
  const dangling = { class_name: 'Model', config: { name: 'm', layers: [inp, L('a', 'Dense', [['in']]), L('z', 'Dense', [['in']])], input_layers: [['in', 0, 0]], output_layers: [['a', 0, 0]] } };
  assert.throws(() => parseTopology(dangling), /layer 'in' feeds 2 layers \(a, z\)/);
});
