// Loading real Keras files (../shared/fixtures/keras-files: 9 legacy .h5, 1 Keras 3 .keras) with
// src/io/keras: the layer stack and weight shapes against manifest.json, every weight against the HDF5
// dataset read directly with jsfive (not through tsrnn's wrapper), finite predictions of the right
// shape, the dl4j upstream `predictions`; then the Keras 3 layout for layers no fixture has
// (Embedding, Bidirectional(GRU reset_after), TimeDistributed) through an in-memory weights tree; then
// bad files and unsupported layers/options, each with its error.
// (The Keras 3 reference runs in computed-keras3/ are checked in keras-fixtures.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { File as H5File, Dataset as H5RawDataset, Group as H5RawGroup } from 'jsfive';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { NotImplementedError, ValueError } from '../../src/errors.js';
import { keras3ModelFromParts, loadKerasModel, loadKerasModelFile, readKerasModel, readKerasModelFile } from '../../src/io/keras/index.js';
import type { H5Dataset, H5Group } from '../../src/io/keras/hdf5.js';
import { openHdf5 } from '../../src/io/keras/hdf5.js';
import { kerasSnakeCase } from '../../src/io/keras/weights.js';
import { prepareKerasConfig } from '../../src/io/keras/keras-config.js';
import { toCamelCase } from '../../src/io/case.js';
import { Bidirectional } from '../../src/layers/bidirectional.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { gru } from '../../src/layers/gru.js';
import { LSTM, lstm } from '../../src/layers/lstm.js';
import { artifactsToModel } from '../../src/io/load.js';
import type { Layer } from '../../src/layers/layer.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import { Sequential } from '../../src/model/sequential.js';
import { Random, setSeed } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';
import { skipUnless } from '../helpers/fixtures.js';

const ROOT = '../shared/fixtures/keras-files';
const fixtures = skipUnless(join(ROOT, 'manifest.json'));
type ManifestLayer = Record<string, unknown> & { class_name: string; layer?: ManifestLayer };
interface ManifestFile {
  path: string;
  keras_version?: string;
  layers?: ManifestLayer[];
  weights?: ({ layer: string; weight_names_in_order: [string, number[]][] } | [string, number[]])[];
}
const manifest: { files: ManifestFile[] } = fixtures.skip ? { files: [] } : JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
const models = manifest.files.filter((f) => Array.isArray(f.layers));
const quiet = { onWarning: () => {} };

function bytesOf(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function rawH5(bytes: Uint8Array): H5File {
  return new H5File(bytes.slice().buffer as ArrayBuffer, 'test');
}

/** A dataset's values straight from jsfive. */
function rawValues(f: H5RawGroup, path: string): { shape: number[]; values: Float32Array } {
  const d = f.get(path);
  assert.ok(d instanceof H5RawDataset, `${path} is a dataset`);
  return { shape: d.shape, values: Float32Array.from(d.value as ArrayLike<number>) };
}

/** The Keras config keys a manifest layer lists, compared with tsrnn's getConfig (camelCase). */
function checkLayerConfig(where: string, layer: Layer, want: ManifestLayer): void {
  assert.equal(layer.className, want.class_name, `${where}: class`);
  const c = layer.getConfig();
  for (const [k, v] of Object.entries(want)) {
    if (['class_name', 'layer', 'batch_input_shape', 'batch_shape', 'implementation'].includes(k)) continue;
    const got = c[toCamelCase(k)];
    const norm = (x: unknown) => (typeof x === 'string' ? toCamelCase(x) : x);
    assert.deepEqual(norm(got), norm(v), `${where}: ${k}`);
  }
  if (want.layer) {
    const b = layer as Bidirectional;
    checkLayerConfig(`${where} forward`, b.forwardLayer, want.layer);
    checkLayerConfig(`${where} backward`, b.backwardLayer, { ...want.layer, go_backwards: !want.layer.go_backwards });
  }
}

/** A random input batch for the model (token ids for an Embedding, steps of zeros at the end for Masking). */
function inputFor(model: Sequential, B: number, seed: number): Tensor {
  const shape = [B, ...(model.layers[0].batchInputShape!.slice(1) as number[])];
  const n = shape.reduce((a, b) => a * b, 1);
  const r = new Random(seed);
  const first = model.layers[0];
  const data = new Float32Array(n);
  if (first.className === 'Embedding') for (let i = 0; i < n; i++) data[i] = r.int((first as unknown as { inputDim: number }).inputDim);
  else for (let i = 0; i < n; i++) data[i] = r.uniformRange(-1, 1);
  if (first.className === 'Masking') data.fill(0, n - (n / B) * 0.4); // the last 40% of the last sample's steps are padding
  return new Tensor(data, shape);
}

test('the fixture folder holds the 10 model files the manifest lists', fixtures, () => {
  assert.equal(models.length, 10);
  for (const f of models) assert.ok(existsSync(join(ROOT, f.path)), f.path);
});

for (const f of models) {
  test(`${f.path}: loads; layers and weight shapes as in manifest.json; weights equal the HDF5 datasets; finite predictions`, fixtures, async () => {
    const path = join(ROOT, f.path);
    const info = await readKerasModelFile(path);
    const warnings = info.warnings;
    const m = info.model;
    assert.equal(info.format, f.path.endsWith('.keras') ? 'keras' : 'h5');
    assert.equal(info.kerasVersion, f.keras_version);
    // the layer stack (tsrnn has no InputLayer: its shape is on the first layer)
    const want = f.layers!.filter((l) => l.class_name !== 'InputLayer');
    assert.deepEqual(m.layers.map((l) => l.className), want.map((l) => l.class_name));
    want.forEach((w, i) => checkLayerConfig(`${f.path} layer ${i}`, m.layers[i], w));
    const inputLayer = f.layers!.find((l) => l.class_name === 'InputLayer') ?? f.layers![0];
    const declared = (inputLayer.batch_input_shape ?? inputLayer.batch_shape) as (number | null)[];
    assert.deepEqual(m.layers[0].batchInputShape, declared);

    // every weight: shape from the manifest, values from the HDF5 dataset itself, in Keras order
    if (info.format === 'h5') {
      const h5 = rawH5(bytesOf(path));
      for (const entry of f.weights as { layer: string; weight_names_in_order: [string, number[]][] }[]) {
        const names = entry.weight_names_in_order;
        const layer = m.layers.find((l) => l.name === entry.layer);
        if (names.length === 0) {
          assert.ok(!layer || layer.weights.length === 0, `${entry.layer} has no weights`);
          continue;
        }
        assert.ok(layer, `layer ${entry.layer} is in the model`);
        assert.deepEqual(layer.weights.map((w) => w.shape), names.map(([, s]) => s), `${entry.layer} weight shapes`);
        names.forEach(([wname], i) => {
          const raw = rawValues(h5, `model_weights/${entry.layer}/${wname}`);
          assert.deepEqual(layer.weights[i].value, raw.values, `${entry.layer} ${wname}`);
        });
      }
    } else {
      const zip = unzipSync(bytesOf(path));
      const h5 = rawH5(zip['model.weights.h5']);
      // Keras 3 groups are keyed by class, not name: lstm → 'lstm', the Dense 'dense1' → 'dense', 'output' → 'dense_1'
      const byKey: Record<string, string> = { lstm: 'lstm', dense: 'dense1', dense_1: 'output' };
      const entries = f.weights as [string, number[]][];
      assert.equal(entries.length, m.weights.length);
      for (const [p, shape] of entries) {
        const [, key, ...rest] = p.split('/');
        const layer = m.getLayer(byKey[key]);
        const i = Number(rest[rest.length - 1]);
        assert.deepEqual(layer.weights[i].shape, shape, p);
        assert.deepEqual(layer.weights[i].value, rawValues(h5, p).values, p);
      }
    }

    // predictions: finite, of the shape the model declares
    const x = inputFor(m, 3, 5);
    const y = m.predict(x);
    const outShape = m.layers.reduce((s, l) => l.computeOutputShape(s), m.layers[0].batchInputShape!);
    assert.deepEqual(y.shape, [3, ...outShape.slice(1)]);
    assert.ok(y.data.every(Number.isFinite), 'finite predictions');
    assert.ok(y.data.some((v) => v !== 0), 'not all zero');
    // warnings only where the file has options tsrnn drops (the GRU model's L1 regularizers)
    assert.equal(warnings.length, f.path.includes('KERAS_gru') ? 3 : 0, warnings.join('\n'));
  });
}

test('masking_zero_lstm.h5: the Masking layer masks: a zero-padded sequence gives the LSTM output of the unpadded one', fixtures, async () => {
  const m = await loadKerasModelFile(join(ROOT, 'dl4j/masking_zero_lstm.h5'), quiet);
  const x = inputFor(m, 1, 9); // 1 sample; its last 4 of 10 steps are zeros
  const y = m.predict(x).dataSync();
  const short = new Sequential({ layers: [lstm({ units: 32, recurrentActivation: 'hardSigmoid', inputShape: [6, 42] })] });
  short.setWeights(m.layers[1].getWeights());
  const ys = short.predict(new Tensor(x.data.slice(0, 6 * 42), [1, 6, 42])).dataSync();
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(y[i] - ys[i]) < 1e-6, `unit ${i}: ${y[i]} vs ${ys[i]}`);
  // and the padding matters when not masked: zeros as data change the result
  const unmasked = new Sequential({ layers: [lstm({ units: 32, recurrentActivation: 'hardSigmoid', inputShape: [10, 42] })] });
  unmasked.setWeights(m.layers[1].getWeights());
  const yu = unmasked.predict(x).dataSync();
  assert.ok(yu.some((v, i) => Math.abs(v - ys[i]) > 1e-3));
});

/** Flattens the nested `data` lists of the dl4j JSON. */
function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

for (const name of ['simple_rnn', 'simple_flatten_lstm']) {
  test(`dl4j ${name}: predictions equal the upstream Keras 2 'predictions' (the LSTM's Keras 2 hard_sigmoid included)`, fixtures, async () => {
    const base = join(ROOT, 'dl4j', `${name}_tf_keras_2`);
    const m = await loadKerasModelFile(`${base}_model.h5`, quiet);
    const fx = JSON.parse(readFileSync(`${base}_inputs_and_outputs.json`, 'utf8'));
    const inp = Object.values(fx.inputs)[0] as { shape: number[]; data: unknown };
    const pred = Object.values(fx.predictions)[0] as { shape: number[]; data: unknown };
    const y = m.predict(new Tensor(Float32Array.from(flat(inp.data)), inp.shape));
    assert.deepEqual(y.shape, pred.shape);
    const e = flat(pred.data);
    let worst = 0;
    e.forEach((v, i) => (worst = Math.max(worst, Math.abs(y.data[i] - v) / Math.max(1, Math.abs(v)))));
    assert.ok(worst < 1e-5, `max |tsrnn - Keras| / max(1, |Keras|) = ${worst}`);
    // the .h5 the JSON came from, read with tsrnn's HDF5 reader: the same predictions
    const h5 = openHdf5(bytesOf(`${base}_inputs_and_outputs.h5`), 'io.h5');
    const ds = h5.get(`predictions/${Object.keys(fx.predictions)[0]}`) as H5Dataset;
    assert.deepEqual(Array.from(ds.read()), Array.from(Float32Array.from(e)));
  });
}

// ---- the Keras 3 layout for Embedding, Bidirectional(GRU), TimeDistributed: an in-memory weights tree ----

type Tree = { [k: string]: Tree | { shape: number[]; values: Float32Array } } & { '@name'?: string };

/** An H5Group over a plain object (keys listed alphabetically, as HDF5 does). */
function fakeH5(tree: Tree, path = '/'): H5Group {
  const isData = (v: unknown): v is { shape: number[]; values: Float32Array } => !!v && typeof v === 'object' && 'values' in v;
  return {
    kind: 'group',
    path,
    keys: () => Object.keys(tree).filter((k) => !k.startsWith('@')).sort(),
    attr: (n) => (n === 'name' ? tree['@name'] : undefined),
    attrNames: () => (tree['@name'] ? ['name'] : []),
    get: (rel) => {
      let cur: unknown = tree;
      const parts = rel.split('/');
      for (const p of parts) {
        if (!cur || typeof cur !== 'object' || isData(cur) || !(p in (cur as Tree))) return null;
        cur = (cur as Tree)[p];
      }
      const full = `${path === '/' ? '' : path}/${rel}`;
      if (isData(cur)) return { kind: 'dataset', path: full, shape: cur.shape, dtype: '<f4', read: () => cur.values.slice() } as H5Dataset;
      return fakeH5(cur as Tree, full);
    },
  };
}

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const k3 = (cls: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ module: 'keras.layers', class_name: cls, config, registered_name: null, ...extra });
const INIT = (cls: string) => ({ module: 'keras.initializers', class_name: cls, config: { seed: null }, registered_name: null });
const gruConfig = (name: string, goBackwards: boolean, activation = 'tanh') =>
  k3('GRU', {
    name, trainable: true, dtype: POLICY, return_sequences: true, return_state: false, go_backwards: goBackwards, stateful: false, unroll: false,
    zero_output_for_mask: true, units: 4, activation, recurrent_activation: 'sigmoid', use_bias: true,
    kernel_initializer: INIT('GlorotUniform'), recurrent_initializer: INIT('Orthogonal'), bias_initializer: INIT('Zeros'),
    kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0, recurrent_dropout: 0, reset_after: true, seed: null,
  });

/** A config.json as Keras 3.9 writes it for Input(6) → Embedding(7, 3, mask_zero) → Bidirectional(GRU(4, seq), sum) → TimeDistributed(Dense(2, softmax)). */
function keras3Config(backwardActivation = 'tanh'): Record<string, unknown> {
  return {
    module: 'keras', class_name: 'Sequential', registered_name: null,
    config: {
      name: 'sequential', trainable: true, dtype: POLICY,
      layers: [
        k3('InputLayer', { batch_shape: [null, 6], dtype: 'int32', sparse: false, ragged: false, name: 'input_layer', optional: false }),
        k3('Embedding', { name: 'embedding', trainable: true, dtype: POLICY, input_dim: 7, output_dim: 3, embeddings_initializer: INIT('RandomUniform'), embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: true }, { build_config: { input_shape: [null, 6] } }),
        k3('Bidirectional', { name: 'bidirectional', trainable: true, dtype: POLICY, merge_mode: 'sum', layer: gruConfig('forward_gru', false), backward_layer: gruConfig('backward_gru', true, backwardActivation) }, { build_config: { input_shape: [null, 6, 3] } }),
        k3('TimeDistributed', {
          name: 'time_distributed', trainable: true, dtype: POLICY,
          layer: k3('Dense', { name: 'dense', trainable: true, dtype: POLICY, units: 2, activation: 'softmax', use_bias: true, kernel_initializer: INIT('GlorotUniform'), bias_initializer: INIT('Zeros'), kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null }),
        }, { build_config: { input_shape: [null, 6, 4] } }),
      ],
      build_input_shape: [null, 6],
    },
    build_config: { input_shape: [null, 6] },
  };
}

/** The reference model built with tsrnn's own layers, random weights (a backward GRU of its own when backwardActivation is given). */
function referenceModel(backwardActivation?: string): Sequential {
  setSeed(31);
  const backwardLayer = backwardActivation ? gru({ units: 4, resetAfter: true, returnSequences: true, goBackwards: true, activation: backwardActivation }) : undefined;
  const m = new Sequential({
    layers: [
      embedding({ inputDim: 7, outputDim: 3, maskZero: true, inputShape: [6] }),
      bidirectional({ layer: gru({ units: 4, resetAfter: true, returnSequences: true }), mergeMode: 'sum', backwardLayer }),
      timeDistributed({ layer: dense({ units: 2, activation: 'softmax' }) }),
    ],
  });
  const r = new Random(3);
  m.setWeights(m.getWeights().map((w) => new Tensor(w.data.map(() => r.uniformRange(-0.8, 0.8)), w.shape)));
  return m;
}

/** Its weights in the Keras 3 model.weights.h5 layout (vars listed in reverse, to show the order is numeric). */
function keras3Tree(m: Sequential): Tree {
  const v = (ws: Tensor[], name?: string): Tree => {
    const t: Tree = {};
    for (let i = ws.length - 1; i >= 0; i--) t[String(i)] = { shape: ws[i].shape, values: ws[i].data };
    if (name) t['@name'] = name;
    return t;
  };
  const [emb, bi, td] = m.layers.map((l) => l.getWeights());
  return {
    layers: {
      input_layer: { vars: v([], 'input_layer') },
      embedding: { vars: v(emb, 'embedding') },
      bidirectional: {
        vars: v([], 'bidirectional'),
        forward_layer: { vars: v([]), cell: { vars: v(bi.slice(0, 3)) } },
        backward_layer: { vars: v([]), cell: { vars: v(bi.slice(3)) } },
      },
      time_distributed: { vars: v([], 'time_distributed'), layer: { vars: v(td) } },
    },
    optimizer: { vars: v([new Tensor(new Float32Array(1), [1])]) },
    vars: v([]),
  };
}

test('Keras 3 layout: Embedding, Bidirectional(GRU reset_after, sum), TimeDistributed(Dense) predict as the same tsrnn model', () => {
  const ref = referenceModel();
  const info = keras3ModelFromParts(keras3Config(), '3.9.2', fakeH5(keras3Tree(ref)), {}, 'synthetic.keras');
  const m = info.model;
  assert.deepEqual(m.layers.map((l) => l.className), ['Embedding', 'Bidirectional', 'TimeDistributed']);
  const bi = m.layers[1] as Bidirectional;
  assert.equal(bi.mergeMode, 'sum');
  // Keras 3 writes backward_layer even for the automatic mirror copy: read as the plain form
  assert.equal(bi.getConfig().backwardLayer, undefined);
  assert.deepEqual([bi.forwardLayer.name, bi.backwardLayer.name], ['forward_gru', 'backward_gru']);
  assert.deepEqual(bi.weights.map((w) => w.shape), [[3, 12], [4, 12], [2, 12], [3, 12], [4, 12], [2, 12]]);
  m.getWeights().forEach((w, i) => assert.deepEqual(w.data, ref.getWeights()[i].data, `weight ${i}`));
  const x = new Tensor(Float32Array.from([1, 2, 3, 4, 0, 0, 6, 5, 4, 3, 2, 1]), [2, 6]);
  assert.deepEqual(m.predict(x).dataSync(), ref.predict(x).dataSync());
  assert.equal(info.compiled, false);
  assert.deepEqual(info.warnings, []);

  // a backward layer that differs from the forward one (here its activation) is kept as given
  const refCustom = referenceModel('relu');
  const custom = keras3ModelFromParts(keras3Config('relu'), '3.9.2', fakeH5(keras3Tree(refCustom)), {}, 'synthetic.keras').model;
  const cbi = custom.layers[1] as Bidirectional;
  assert.equal(cbi.backwardLayer.activation, 'relu');
  assert.equal(cbi.forwardLayer.activation, 'tanh');
  assert.deepEqual(custom.predict(x).dataSync(), refCustom.predict(x).dataSync());
  assert.notDeepEqual(custom.predict(x).dataSync(), ref.predict(x).dataSync());
});

test('Keras 3 layout: groups found by the recorded layer name when the class key differs; missing or extra weights are errors', () => {
  const ref = referenceModel();
  const tree = keras3Tree(ref);
  const layers = tree.layers as Tree;
  layers.emb_renamed = layers.embedding;
  delete layers.embedding;
  const m = keras3ModelFromParts(keras3Config(), '3.9.2', fakeH5(tree), {}, 's.keras').model;
  assert.deepEqual(m.layers[0].getWeights()[0].data, ref.layers[0].getWeights()[0].data);

  const noBackward = keras3Tree(ref);
  delete ((noBackward.layers as Tree).bidirectional as Tree).backward_layer;
  assert.throws(() => keras3ModelFromParts(keras3Config(), '3.9.2', fakeH5(noBackward), {}, 's.keras'), (e: Error) => e instanceof ValueError && /layers\/bidirectional\/backward_layer is missing/.test(e.message));

  const extra = keras3Tree(ref);
  ((extra.layers as Tree).time_distributed as Tree).lora = { vars: { 0: { shape: [1], values: new Float32Array(1) } } };
  assert.throws(() => keras3ModelFromParts(keras3Config(), '3.9.2', fakeH5(extra), {}, 's.keras'), /layers\/time_distributed\/lora holds weights that tsrnn's TimeDistributed layer 'time_distributed' has no place for/);

  const missing = keras3Tree(ref);
  delete (missing.layers as Tree).embedding;
  assert.throws(() => keras3ModelFromParts(keras3Config(), '3.9.2', fakeH5(missing), {}, 's.keras'), /no weights for layer 'embedding' \(Embedding\) in model.weights.h5: expected layers\/embedding/);

  const wrongShape = keras3Tree(ref);
  const cell = ((((wrongShape.layers as Tree).bidirectional as Tree).forward_layer as Tree).cell as Tree).vars as Tree;
  cell['2'] = { shape: [12], values: new Float32Array(12) };
  assert.throws(() => keras3ModelFromParts(keras3Config(), '3.9.2', fakeH5(wrongShape), {}, 's.keras'), /has shape \[12\], but layer 'bidirectional' \(Bidirectional\) expects \[2, 12\] for its bias \(a GRU bias is/);
});

test("Keras's snake_case keys for the weight groups", () => {
  assert.deepEqual(['SimpleRNN', 'LSTM', 'GRU', 'Dense', 'TimeDistributed', 'RepeatVector', 'InputLayer'].map(kerasSnakeCase), ['simple_rnn', 'lstm', 'gru', 'dense', 'time_distributed', 'repeat_vector', 'input_layer']);
});

// ---- bad files ----

/** A .keras zip with the fixture's weights and this config / metadata. */
function kerasZip(config: unknown, version: string | null = '3.9.2', weights?: Uint8Array): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  if (version !== null) files['metadata.json'] = strToU8(JSON.stringify({ keras_version: version, date_saved: '2025-05-22@20:29:16' }));
  if (config !== undefined) files['config.json'] = strToU8(typeof config === 'string' ? config : JSON.stringify(config));
  if (weights) files['model.weights.h5'] = weights;
  return zipSync(files);
}

function cdt(): { config: Record<string, any>; weights: Uint8Array } {
  const z = unzipSync(bytesOf(join(ROOT, 'cdt406/model_120ms.keras')));
  return { config: JSON.parse(strFromU8(z['config.json'])), weights: z['model.weights.h5'] };
}

async function rejects(p: Promise<unknown>, type: typeof ValueError | typeof NotImplementedError, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof type, `${e.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

test('bad files: truncated .h5 and .keras, a non-Keras HDF5, a weights-only file, zips without config.json or weights, other bytes', fixtures, async () => {
  const h5 = bytesOf(join(ROOT, 'dl4j/tfkeras_rnn_21.h5'));
  await rejects(readKerasModel(h5.slice(0, 12000), { source: 'cut.h5' }), ValueError, /^cut\.h5 is truncated: 12000 bytes, but its HDF5 superblock declares 16016 bytes/);
  await rejects(readKerasModel(h5.slice(0, 40), { source: 'cut.h5' }), ValueError, /cut\.h5 is truncated/);
  const keras = bytesOf(join(ROOT, 'cdt406/model_120ms.keras'));
  await rejects(readKerasModel(keras.slice(0, 30000), { source: 'cut.keras' }), ValueError, /^cut\.keras starts like a zip \(\.keras\) file but cannot be unzipped .*truncated/);
  await rejects(loadKerasModelFile(join(ROOT, 'dl4j/simple_rnn_tf_keras_2_inputs_and_outputs.h5')), ValueError, /inputs_and_outputs\.h5 is an HDF5 file but not a Keras model: it has no model_config attribute .*members: activations, inputs, outputs, predictions, scores/);
  await rejects(readKerasModel(cdt().weights, { source: 'model.weights.h5' }), ValueError, /model\.weights\.h5 holds Keras weights without a model config/);
  await rejects(readKerasModel(zipSync({ 'readme.txt': strToU8('hi') }), { source: 'x.keras' }), ValueError, /^x\.keras is a zip file without config\.json, so it is not a Keras \.keras model \(members: readme\.txt\)/);
  await rejects(readKerasModel(kerasZip('{not json', '3.9.2', cdt().weights), { source: 'x.keras' }), ValueError, /x\.keras: config\.json is not valid JSON/);
  await rejects(readKerasModel(kerasZip(cdt().config), { source: 'x.keras' }), ValueError, /x\.keras has no model\.weights\.h5/);
  await rejects(readKerasModel(new Uint8Array(0)), ValueError, /the Keras model file is not a Keras model file: it is empty/);
  await rejects(readKerasModel(strToU8('{"modelTopology": {}}'), { source: 'model.json' }), ValueError, /model\.json is not a Keras model file: it starts with 7b 22 .*looks like JSON/);
  await rejects(loadKerasModelFile(join(ROOT, 'nope.h5')), ValueError, /nope\.h5 does not exist/);
  await rejects(loadKerasModelFile(ROOT), ValueError, /is a directory/);
  // ArrayBuffer input, and a Uint8Array view with an offset, load the same model
  const ab = h5.slice().buffer as ArrayBuffer;
  const padded = new Uint8Array(h5.length + 3);
  padded.set(h5, 3);
  const a = await loadKerasModel(ab, quiet);
  const b = await loadKerasModel(padded.subarray(3), quiet);
  assert.deepEqual(a.getWeights().map((w) => w.data), b.getWeights().map((w) => w.data));
});

// ---- unsupported layers and options ----

test('unsupported layers and options fail naming the layer and the option; switched-off unknown options pass', fixtures, async () => {
  const { config, weights } = cdt();
  const load = (c: unknown, version: string | null = '3.9.2', opts = {}) => readKerasModel(kerasZip(c, version, weights), { source: 'm.keras', ...opts });
  const edit = (f: (c: Record<string, any>) => void) => {
    const c = structuredClone(config);
    f(c);
    return c;
  };
  const lstmCfg = (c: Record<string, any>) => c.config.layers[2].config;
  await rejects(load(edit((c) => ((c.config.layers[1].class_name = 'Conv1D'), (c.config.layers[1].config.name = 'conv1d_1')))), NotImplementedError, /^m\.keras: Keras layer 'Conv1D' \(conv1d_1\) is not supported by tsrnn \(supported: Activation, Bidirectional, Dense, .*\)/);
  await rejects(load(edit((c) => (lstmCfg(c).return_state = true))), NotImplementedError, /Keras layer 'LSTM' \(lstm\): option return_state=true is not supported by tsrnn/);
  await rejects(load(edit((c) => (lstmCfg(c).zero_output_for_mask = true))), NotImplementedError, /'LSTM' \(lstm\): option zero_output_for_mask=true/);
  await rejects(load(edit((c) => (lstmCfg(c).dtype.config.name = 'mixed_float16'))), NotImplementedError, /'LSTM' \(lstm\): option dtype="mixed_float16" is not supported by tsrnn: tsrnn computes in float32/);
  await rejects(load(edit((c) => (c.config.layers[3].config.activation = 'gelu'))), NotImplementedError, /Keras layer 'Dense' \(dense1\): option activation="gelu" is not supported by tsrnn: tsrnn has no such activation/);
  await rejects(load(edit((c) => (c.config.layers[3].config.activation = { module: 'my', class_name: 'Swishy', config: {} }))), NotImplementedError, /'Dense' \(dense1\): option activation=.*custom or serialized activation object/);
  await rejects(load(edit((c) => (lstmCfg(c).peepholes = 3))), NotImplementedError, /'LSTM' \(lstm\): option peepholes=3 is not supported by tsrnn: tsrnn has no such option/);
  await rejects(load(edit((c) => (c.config.layers[3].config.lora_rank = 4))), NotImplementedError, /'Dense' \(dense1\): option lora_rank=4/);
  // hard_sigmoid: Keras 3's is x/6 + 1/2, tsrnn's (Keras 2's) 0.2x + 0.5
  await rejects(load(edit((c) => (lstmCfg(c).recurrent_activation = 'hard_sigmoid'))), NotImplementedError, /option recurrent_activation="hard_sigmoid" is not supported by tsrnn: Keras 3's hard_sigmoid is clip\(x\/6 \+ 0\.5, 0, 1\)/);
  const k2 = await load(edit((c) => (lstmCfg(c).recurrent_activation = 'hard_sigmoid')), '2.15.0');
  assert.equal(k2.model.layers[1].getConfig().recurrentActivation, 'hard_sigmoid');
  // a key a newer Keras writes switched off is fine
  const ok = await load(edit((c) => ((lstmCfg(c).peepholes = null), (lstmCfg(c).use_magic = false))));
  assert.deepEqual(ok.model.layers.map((l) => l.className), ['Reshape', 'LSTM', 'Dense', 'Dense']);
  assert.equal(ok.compiled, true);
  assert.equal(ok.model.optimizer?.className, 'Adam');
  // an unknown initializer never runs (weights come from the file): dropped, the model loads
  const init = await load(edit((c) => (lstmCfg(c).kernel_initializer = { module: 'keras.initializers', class_name: 'Fancy', config: {}, registered_name: null })));
  assert.equal(init.model.layers[1].weights[0].value[0], ok.model.layers[1].weights[0].value[0]);
  // compile: a loss tsrnn lacks leaves the model uncompiled with a warning ('auto'), or fails (true)
  const badLoss = edit((c) => (c.compile_config.loss = 'huber'));
  const auto = await load(badLoss);
  assert.equal(auto.compiled, false);
  assert.match(auto.warnings.join('\n'), /m\.keras: not compiled from the saved training config \(Unknown loss 'huber'/);
  await rejects(load(badLoss, '3.9.2', { compile: true }), ValueError, /cannot compile from the saved training config \(Unknown loss 'huber'/);
  assert.equal((await load(badLoss, '3.9.2', { compile: false })).warnings.length, 0);
  const logits = edit((c) => (c.compile_config.loss = { module: 'keras.losses', class_name: 'SparseCategoricalCrossentropy', config: { from_logits: true }, registered_name: null }));
  assert.match((await load(logits)).warnings.join('\n'), /takes logits \(from_logits=True\)/);
  // nested models and other model classes
  await rejects(load(edit((c) => (c.config.layers[3] = { module: 'keras', class_name: 'Sequential', config: { name: 'inner', layers: [] } }))), NotImplementedError, /Keras layer 'Sequential' \(inner\) is a nested model/);
});

test('legacy .h5 configs: Bidirectional merge_mode None, time_major, stateful + go_backwards, regularizers (warning, or error with strict)', fixtures, async () => {
  const cfg = (p: string) => JSON.parse(rawH5(bytesOf(join(ROOT, p))).attrs.model_config as string);
  const bi = cfg('dl4j/tfkeras_rnn_21.h5');
  bi.config.layers[1].config.merge_mode = null;
  assert.throws(() => prepareKerasConfig(bi, { source: 'rnn_21.h5', keras3: false, strict: false }), (e: Error) => e instanceof NotImplementedError && /Keras layer 'Bidirectional' \(bidirectional_8\): option merge_mode=null is not supported by tsrnn: merge_mode None returns the two directions as separate outputs/.test(e.message));
  const inner = cfg('dl4j/tfkeras_rnn_21.h5');
  inner.config.layers[1].config.layer.config.time_major = true;
  assert.throws(() => prepareKerasConfig(inner, { source: 'rnn_21.h5', keras3: false, strict: false }), /Keras layer 'LSTM' \(lstm_9\): option time_major=true is not supported by tsrnn: only false is supported \(inputs are batch-major/);
  // stateful and go_backwards pass through: a stateful LSTM carries its state from one batch to the next
  const st = cfg('dl4j/masking_zero_lstm.h5');
  const stLayers = Array.isArray(st.config) ? st.config : st.config.layers;
  stLayers[0].config.batch_input_shape = [2, 10, 42];
  Object.assign(stLayers[1].config, { stateful: true, go_backwards: true });
  const sm = artifactsToModel({ modelTopology: prepareKerasConfig(st, { source: 's.h5', keras3: false, strict: false }).topology }, { compile: false });
  const sl = sm.layers[1] as LSTM;
  assert.deepEqual([sl.stateful, sl.goBackwards, sm.layers[0].batchInputShape], [true, true, [2, 10, 42]]);
  const sx = new Tensor(new Float32Array(2 * 10 * 42).map((_, i) => Math.sin(i)), [2, 10, 42]);
  const first = sm.predict(sx).dataSync();
  assert.notDeepEqual(sm.predict(sx).dataSync(), first);
  sm.resetStates();
  assert.deepEqual(sm.predict(sx).dataSync(), first);
  const gruPath = join(ROOT, 'hls4ml/KERAS_gru_model_weights.h5');
  await rejects(readKerasModelFile(gruPath, { strict: true }), NotImplementedError, /KERAS_gru_model_weights\.h5: Keras layer 'GRU' \(gru_selu\): recurrent_regularizer L1L2\(l2=0, l1=0\.001\d*\) is not supported by tsrnn/);
  const warnings: string[] = [];
  const m = await loadKerasModelFile(gruPath, { onWarning: (w) => warnings.push(w) });
  assert.equal(warnings.length, 3);
  assert.match(warnings[1], /'GRU' \(gru_selu\): kernel_regularizer L1L2\(l2=0, l1=0\.0000999\d*\) .*dropped: predictions are unaffected, but training the loaded model would not apply it/);
  // the Keras 2.1.3 GRU has no reset_after key: the reset-before GRU, bias (60,)
  assert.equal(m.layers[0].getConfig().resetAfter, false);
  assert.deepEqual(m.layers[0].weights[2].shape, [60]);
  // its Keras 2 training config (loss as a one-element list) compiles
  assert.equal(m.optimizer?.className, 'Adam');
});
