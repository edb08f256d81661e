// tsrnn → model.json + weights.bin → tsrnn: the same config, the same weights bit for bit, the same
// predictions bit for bit; through files, and through the in-memory handlers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomIds, randomInput, withTempDir } from './helpers.js';
import { Sequential } from '../../src/model/sequential.js';
import { SimpleRNN } from '../../src/layers/simple-rnn.js';
import { Dense } from '../../src/layers/dense.js';
import { Dropout } from '../../src/layers/dropout.js';
import { LSTM } from '../../src/layers/lstm.js';
import { GRU } from '../../src/layers/gru.js';
import { Embedding } from '../../src/layers/embedding.js';
import { Bidirectional } from '../../src/layers/bidirectional.js';
import { TimeDistributed } from '../../src/layers/time-distributed.js';
import { Adam } from '../../src/optimizers/adam.js';
import { RMSprop } from '../../src/optimizers/rmsprop.js';
import { setSeed } from '../../src/random.js';
import { loadLayersModel } from '../../src/io/load.js';
import { saveModel } from '../../src/io/save.js';
import { fromMemory, withSaveHandler } from '../../src/io/handlers.js';
import type { ModelArtifacts } from '../../src/io/types.js';

function stackedModel(): Sequential {
  setSeed(7);
  return new Sequential({
    name: 'stack',
    layers: [
      new SimpleRNN({ units: 5, returnSequences: true, inputShape: [6, 3], name: 'rnn_in' }),
      new LSTM({ units: 4, returnSequences: true, goBackwards: true }),
      new GRU({ units: 4 }), // Keras default: resetAfter true, bias (2, 12)
      new Dropout({ rate: 0.3 }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

test('save to a directory and load back: same config, weights and predictions, bit for bit', async () => {
  await withTempDir(async (dir) => {
    const m = stackedModel();
    const x = randomInput([4, 6, 3], 11).t;
    const before = m.predict(x);
    const res = (await m.save(`file://${dir}`)) as { modelArtifactsInfo: { weightDataBytes: number } };
    const nParams = m.countParams();
    assert.equal(res.modelArtifactsInfo.weightDataBytes, nParams * 4);
    assert.deepEqual((await readdir(dir)).sort(), ['model.json', 'weights.bin']);

    const loaded = await loadLayersModel(`file://${join(dir, 'model.json')}`);
    assert.deepEqual(loaded.getConfig(), m.getConfig());
    const w0 = m.getWeights(), w1 = loaded.getWeights();
    assert.equal(w1.length, w0.length);
    w0.forEach((w, i) => {
      assert.deepEqual(w1[i].shape, w.shape);
      assert.deepEqual(w1[i].data, w.data, `weight ${i}`);
    });
    assert.deepEqual(loaded.predict(x).data, before.data);

    // a directory path (no file://) loads the same model
    const again = await loadLayersModel(dir);
    assert.deepEqual(again.predict(x).data, before.data);
  });
});

test('model.json and weights.bin have the layout tfjs-node writes', async () => {
  await withTempDir(async (dir) => {
    const m = stackedModel();
    await m.save(`file://${dir}`);
    const mj = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    assert.equal(mj.format, 'layers-model');
    assert.equal(mj.modelTopology.class_name, 'Sequential');
    assert.equal(mj.modelTopology.keras_version, 'tfjs-layers 4.22.0');
    assert.equal(mj.modelTopology.backend, 'tensor_flow.js');
    assert.equal(mj.modelTopology.config.name, 'stack');
    const l0 = mj.modelTopology.config.layers[0];
    assert.equal(l0.class_name, 'SimpleRNN');
    assert.deepEqual(l0.config.batch_input_shape, [null, 6, 3]);
    assert.equal(l0.config.return_sequences, true);
    assert.equal(mj.modelTopology.config.layers[2].config.reset_after, true);
    assert.equal(mj.weightsManifest.length, 1);
    assert.deepEqual(mj.weightsManifest[0].paths, ['weights.bin']);
    const names = mj.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    const [, l1, l2, , l4] = m.layers.map((l) => l.name);
    assert.deepEqual(names, [
      'rnn_in/kernel', 'rnn_in/recurrent_kernel', 'rnn_in/bias',
      `${l1}/kernel`, `${l1}/recurrent_kernel`, `${l1}/bias`,
      `${l2}/kernel`, `${l2}/recurrent_kernel`, `${l2}/bias`,
      `${l4}/kernel`, `${l4}/bias`,
    ]);
    assert.deepEqual(mj.weightsManifest[0].weights[8].shape, [2, 12]);
    // weights.bin = every weight's float32 values, little-endian, back to back
    const bin = await readFile(join(dir, 'weights.bin'));
    const all = m.getWeights().flatMap((w) => Array.from(w.data));
    assert.equal(bin.byteLength, all.length * 4);
    for (let i = 0; i < all.length; i++) assert.equal(bin.readFloatLE(4 * i), all[i]);
  });
});

test('in memory: withSaveHandler captures the artifacts, fromMemory loads them', async () => {
  const m = stackedModel();
  const x = randomInput([3, 6, 3], 5).t;
  let captured: ModelArtifacts | null = null;
  const res = await saveModel(m, withSaveHandler(async (a) => {
    captured = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  assert.equal(res.modelArtifactsInfo.modelTopologyType, 'JSON');
  const a = captured as unknown as ModelArtifacts;
  assert.ok(a.weightData instanceof ArrayBuffer);
  assert.equal(a.weightSpecs!.length, 11);
  const loaded = await loadLayersModel(fromMemory(a));
  assert.deepEqual(loaded.predict(x).data, m.predict(x).data);
  // tfjs's older fromMemory(topology, specs, data) form
  const loaded2 = await loadLayersModel(fromMemory(a.modelTopology as Record<string, unknown>, a.weightSpecs, a.weightData as ArrayBuffer));
  assert.deepEqual(loaded2.predict(x).data, m.predict(x).data);
});

test('a model built lazily (no inputShape, built by predict) saves the shape it was built with', async () => {
  setSeed(3);
  const m = new Sequential({ layers: [new SimpleRNN({ units: 3 }), new Dense({ units: 2 })] });
  const x = randomInput([2, 4, 5], 9).t;
  const y = m.predict(x);
  let a: ModelArtifacts | null = null;
  await m.save(withSaveHandler(async (art) => ((a = art), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const topo = (a as unknown as ModelArtifacts).modelTopology as { config: { layers: { config: Record<string, unknown> }[] } };
  assert.deepEqual(topo.config.layers[0].config.batch_input_shape, [null, 4, 5]);
  const loaded = await loadLayersModel(fromMemory(a as unknown as ModelArtifacts));
  assert.deepEqual(loaded.predict(x).data, y.data);
});

test('saving a model whose weights do not exist yet is an error that says what to do', async () => {
  const m = new Sequential({ layers: [new SimpleRNN({ units: 3 })] });
  await assert.rejects(
    m.save(withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }))),
    /not built yet.*inputShape/,
  );
});

test('includeOptimizer writes the compile settings (tfjs trainingConfig) and loading compiles the model', async () => {
  for (const [opt, cls] of [[new Adam({ learningRate: 0.0123, beta1: 0.8 }), 'Adam'], [new RMSprop({ learningRate: 0.002, rho: 0.85 }), 'RMSProp']] as const) {
    const m = stackedModel();
    m.compile({ optimizer: opt, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    let a: ModelArtifacts | null = null;
    await saveModel(m, withSaveHandler(async (art) => ((a = art), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })), { includeOptimizer: true });
    const tc = (a as unknown as ModelArtifacts).trainingConfig!;
    assert.equal(tc.loss, 'categorical_crossentropy');
    assert.deepEqual(tc.metrics, ['accuracy']);
    assert.equal(tc.optimizer_config.class_name, cls);
    const loaded = await loadLayersModel(fromMemory(a as unknown as ModelArtifacts));
    assert.ok(loaded.optimizer && loaded.loss);
    assert.equal(loaded.optimizer!.className, opt.className);
    assert.equal(loaded.optimizer!.learningRate, opt.learningRate);
    assert.deepEqual(loaded.optimizer!.getConfig(), opt.getConfig());
    assert.equal(loaded.loss!.name, 'categorical_crossentropy');
    // without includeOptimizer (tfjs's default) nothing about training is written
    let b: ModelArtifacts | null = null;
    await m.save(withSaveHandler(async (art) => ((b = art), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    assert.equal((b as unknown as ModelArtifacts).trainingConfig, undefined);
    assert.equal((await loadLayersModel(fromMemory(b as unknown as ModelArtifacts))).optimizer, null);
  }
});

test('a save path ending in .json names the file: two models side by side in one directory', async () => {
  await withTempDir(async (dir) => {
    const a = stackedModel();
    setSeed(99);
    const b = new Sequential({ layers: [new SimpleRNN({ units: 2, inputShape: [6, 3] })] });
    await a.save(`file://${join(dir, 'a.json')}`);
    await b.save(join(dir, 'b.json'));
    assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'a.weights.bin', 'b.json', 'b.weights.bin']);
    const mj = JSON.parse(await readFile(join(dir, 'a.json'), 'utf8'));
    assert.deepEqual(mj.weightsManifest[0].paths, ['a.weights.bin']);
    const x = randomInput([2, 6, 3], 4).t;
    assert.deepEqual((await loadLayersModel(join(dir, 'a.json'))).predict(x).data, a.predict(x).data);
    assert.deepEqual((await loadLayersModel(`file://${join(dir, 'b.json')}`)).predict(x).data, b.predict(x).data);
  });
});

test('Embedding (maskZero) → Bidirectional(GRU, reset-after) → TimeDistributed(Dense): round trip bit for bit', async () => {
  await withTempDir(async (dir) => {
    setSeed(12);
    const m = new Sequential({
      layers: [
        new Embedding({ inputDim: 9, outputDim: 4, inputLength: 5, maskZero: true }),
        new Bidirectional({ layer: new GRU({ units: 3, returnSequences: true }), mergeMode: 'concat' }),
        new TimeDistributed({ layer: new Dense({ units: 2, activation: 'softmax' }) }),
      ],
    });
    const ids = randomIds([4, 5], 9, 13).t;
    ids.data.fill(0, 3, 5); // padding in the first sequence
    const before = m.predict(ids);
    await m.save(dir);
    const mj = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const bi = m.layers[1].name, inner = (mj.modelTopology.config.layers[1].config.layer.config.name as string);
    assert.deepEqual(mj.weightsManifest[0].weights.map((w: { name: string }) => w.name).slice(1, 4),
      [`${bi}/forward_${inner}/kernel`, `${bi}/forward_${inner}/recurrent_kernel`, `${bi}/forward_${inner}/bias`]);
    const loaded = await loadLayersModel(dir);
    assert.deepEqual(loaded.getConfig(), m.getConfig());
    assert.deepEqual(loaded.predict(ids).data, before.data);
  });
});
