// Interchange with TensorFlow.js 4.22: a model saved by tsrnn loads in tfjs and predicts the same
// (to 1e-5), and a model saved by tfjs loads in tsrnn and predicts the same. Files are written and
// read in tfjs-node's layout by the test itself, so neither side's file handler is trusted blindly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { maxAbsDiff, randomIds, randomInput, withTempDir, writeTfjsFiles } from './helpers.js';
import { Sequential } from '../../src/model/sequential.js';
import { SimpleRNN } from '../../src/layers/simple-rnn.js';
import { Dense } from '../../src/layers/dense.js';
import { Dropout } from '../../src/layers/dropout.js';
import { LSTM } from '../../src/layers/lstm.js';
import { GRU } from '../../src/layers/gru.js';
import { Adam } from '../../src/optimizers/adam.js';
import { setSeed } from '../../src/random.js';
import { loadLayersModel } from '../../src/io/load.js';
import { saveModel } from '../../src/io/save.js';
import { fileSystem } from '../../src/io/handlers.js';

await tf.setBackend('cpu');

type Artifacts = tf.io.ModelArtifacts;

async function tfjsArtifacts(m: tf.LayersModel, includeOptimizer = false): Promise<Artifacts> {
  let art: Artifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (a) => ((art = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })), { includeOptimizer });
  return art!;
}

/** Saves with tsrnn to `dir`, reads the two files back by hand and loads them into tfjs. */
async function tsrnnFilesToTfjs(m: Sequential, dir: string): Promise<tf.LayersModel> {
  await m.save(`file://${dir}`);
  const mj = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const bin = await readFile(join(dir, 'weights.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: mj.modelTopology, weightSpecs: mj.weightsManifest[0].weights, weightData, trainingConfig: mj.trainingConfig }));
}

function tfPredict(m: tf.LayersModel, values: number[], shape: number[]): Float32Array {
  return (m.predict(tf.tensor(values, shape)) as tf.Tensor).dataSync() as Float32Array;
}

test('tsrnn → tfjs: SimpleRNN, LSTM (backwards), GRU (reset-before), Dropout, Dense predict the same in tfjs', async () => {
  await withTempDir(async (dir) => {
    setSeed(21);
    const m = new Sequential({
      layers: [
        new SimpleRNN({ units: 5, returnSequences: true, inputShape: [7, 3], activation: 'relu' }),
        new LSTM({ units: 4, returnSequences: true, goBackwards: true }),
        new GRU({ units: 4, resetAfter: false, recurrentActivation: 'hardSigmoid' }),
        new Dropout({ rate: 0.25 }),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const x = randomInput([5, 7, 3], 1, -2, 2);
    const tm = await tsrnnFilesToTfjs(m, dir);
    assert.deepEqual(tm.layers.map((l) => l.getClassName()), ['SimpleRNN', 'LSTM', 'GRU', 'Dropout', 'Dense']);
    // tfjs holds exactly our weights
    const ours = m.getWeights();
    tm.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), ours[i].data, `weight ${i}`));
    const d = maxAbsDiff(m.predict(x.t).data, tfPredict(tm, x.values, [5, 7, 3]));
    assert.ok(d < 1e-5, `max |tsrnn - tfjs| = ${d}`);
  });
});

test('tsrnn → tfjs: a stateless sequence-to-sequence model (returnSequences + TimeDistributed-free Dense on 3-D)', async () => {
  setSeed(5);
  const m = new Sequential({
    layers: [new LSTM({ units: 6, returnSequences: true, inputShape: [4, 2] }), new Dense({ units: 2, activation: 'tanh' })],
  });
  const x = randomInput([3, 4, 2], 2);
  const a = await new Promise<Artifacts>((resolve) =>
    void saveModel(m, { save: async (art) => (resolve(art as Artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) }),
  );
  const tm = await tf.loadLayersModel(tf.io.fromMemory(a));
  const d = maxAbsDiff(m.predict(x.t).data, tfPredict(tm, x.values, [3, 4, 2]));
  assert.ok(d < 1e-5, `max |tsrnn - tfjs| = ${d}`);
});

test('tfjs → tsrnn: a tfjs-saved SimpleRNN/LSTM/GRU/Dropout/Dense model loads from files and predicts the same', async () => {
  await withTempDir(async (dir) => {
    const tm = tf.sequential();
    tm.add(tf.layers.simpleRNN({ units: 5, returnSequences: true, inputShape: [6, 3] }));
    tm.add(tf.layers.lstm({ units: 4, returnSequences: true })); // tfjs default recurrentActivation: hardSigmoid
    tm.add(tf.layers.gru({ units: 3, goBackwards: true }));
    tm.add(tf.layers.dropout({ rate: 0.5 }));
    tm.add(tf.layers.dense({ units: 2, activation: 'sigmoid' }));
    // non-zero biases so that a bias mix-up shows
    tm.setWeights(tm.getWeights().map((w, i) => tf.add(w, tf.randomUniform(w.shape, -0.3, 0.3, 'float32', 100 + i))));
    await writeTfjsFiles(dir, (await tfjsArtifacts(tm)) as unknown as Record<string, unknown>);
    const m = await loadLayersModel(`file://${join(dir, 'model.json')}`);
    assert.deepEqual(m.layers.map((l) => l.className), ['SimpleRNN', 'LSTM', 'GRU', 'Dropout', 'Dense']);
    assert.deepEqual(m.layers.map((l) => l.name), tm.layers.map((l) => l.name));
    const theirs = tm.getWeights();
    m.getWeights().forEach((w, i) => assert.deepEqual(w.data, theirs[i].dataSync(), `weight ${i}`));
    const x = randomInput([4, 6, 3], 3, -2, 2);
    const d = maxAbsDiff(m.predict(x.t).data, tfPredict(tm, x.values, [4, 6, 3]));
    assert.ok(d < 1e-5, `max |tsrnn - tfjs| = ${d}`);
  });
});

test('tfjs → tsrnn → tfjs: Embedding (maskZero) → LSTM → TimeDistributed(Dense), and Masking → GRU', async () => {
  // Bidirectional is covered in wrappers.test.ts
  const tm = tf.sequential();
  tm.add(tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6, maskZero: true }));
  tm.add(tf.layers.lstm({ units: 3, returnSequences: true }));
  tm.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'softmax' }) }));
  tm.setWeights(tm.getWeights().map((w, i) => tf.add(w, tf.randomUniform(w.shape, -0.3, 0.3, 'float32', 200 + i))));
  const a = await tfjsArtifacts(tm);
  const m = await loadLayersModel(tf.io.fromMemory(a) as Parameters<typeof loadLayersModel>[0]);
  assert.deepEqual(m.layers.map((l) => l.className), ['Embedding', 'LSTM', 'TimeDistributed']);
  const ids = randomIds([3, 6], 12, 4);
  for (const [b, from] of [[0, 4], [1, 2]]) for (let t = from; t < 6; t++) ids.values[b * 6 + t] = ids.t.data[b * 6 + t] = 0; // post-padding
  const d = maxAbsDiff(m.predict(ids.t).data, tfPredict(tm, ids.values, [3, 6]));
  assert.ok(d < 1e-5, `max |tsrnn - tfjs| = ${d}`);
  // and back: tsrnn's file loads in tfjs's strict loader (names as tfjs writes them)
  let back: Artifacts | null = null;
  await saveModel(m, { save: async (art) => ((back = art as Artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) });
  assert.deepEqual(back!.weightSpecs!.map((s) => s.name), a.weightSpecs!.map((s) => s.name));
  const tm2 = await tf.loadLayersModel(tf.io.fromMemory(back!));
  const d2 = maxAbsDiff(tfPredict(tm2, ids.values, [3, 6]), tfPredict(tm, ids.values, [3, 6]));
  assert.ok(d2 < 1e-6, `tfjs(tsrnn save) vs tfjs = ${d2}`);

  const tk = tf.sequential();
  tk.add(tf.layers.masking({ maskValue: 0, inputShape: [5, 2] }));
  tk.add(tf.layers.gru({ units: 3 }));
  tk.setWeights(tk.getWeights().map((w, i) => tf.add(w, tf.randomUniform(w.shape, -0.3, 0.3, 'float32', 250 + i))));
  const mk = await loadLayersModel(tf.io.fromMemory(await tfjsArtifacts(tk)) as Parameters<typeof loadLayersModel>[0]);
  const x = randomInput([2, 5, 2], 6);
  for (let t = 3; t < 5; t++) for (let f = 0; f < 2; f++) x.values[t * 2 + f] = x.t.data[t * 2 + f] = 0; // sample 0 padded after step 3
  const dk = maxAbsDiff(mk.predict(x.t).data, tfPredict(tk, x.values, [2, 5, 2]));
  assert.ok(dk < 1e-5, `masking: max |tsrnn - tfjs| = ${dk}`);
});

test('training config: tfjs includeOptimizer → tsrnn compiles; tsrnn includeOptimizer → tfjs compiles', async () => {
  const tm = tf.sequential();
  tm.add(tf.layers.simpleRNN({ units: 3, inputShape: [4, 2] }));
  tm.add(tf.layers.dense({ units: 1 }));
  tm.compile({ optimizer: tf.train.adam(0.005, 0.85, 0.995), loss: 'meanSquaredError' });
  await tm.fit(tf.ones([2, 4, 2]), tf.ones([2, 1]), { epochs: 1, verbose: 0 }); // optimizer state → 'optimizer' weights group
  const a = await tfjsArtifacts(tm, true);
  assert.ok(a.weightSpecs!.some((s) => s.group === 'optimizer'));
  const m = await loadLayersModel(tf.io.fromMemory(a) as Parameters<typeof loadLayersModel>[0]);
  assert.equal(m.optimizer!.className, 'Adam');
  assert.equal(m.optimizer!.learningRate, 0.005);
  assert.equal((m.optimizer as Adam).beta1, 0.85);
  assert.equal(m.loss!.name, 'mean_squared_error');
  const x = randomInput([2, 4, 2], 8);
  assert.ok(maxAbsDiff(m.predict(x.t).data, tfPredict(tm, x.values, [2, 4, 2])) < 1e-5);

  let back: Artifacts | null = null;
  await saveModel(m, { save: async (art) => ((back = art as Artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) }, { includeOptimizer: true });
  const tm2 = await tf.loadLayersModel(tf.io.fromMemory(back!));
  assert.ok(tm2.optimizer, 'tfjs compiled the loaded model');
  assert.equal(tm2.optimizer.getClassName(), 'Adam');
  assert.equal((tm2.optimizer.getConfig() as { learningRate: number }).learningRate, 0.005);
});

test('handlers interchange: tfjs saves through tsrnn\'s file handler, tsrnn loads the files', async () => {
  await withTempDir(async (dir) => {
    const tm = tf.sequential();
    tm.add(tf.layers.gru({ units: 4, inputShape: [3, 2], returnSequences: true }));
    tm.add(tf.layers.dense({ units: 1 }));
    const res = await tm.save(fileSystem(dir) as unknown as tf.io.IOHandler);
    assert.equal(res.modelArtifactsInfo.weightDataBytes, tm.countParams() * 4);
    const m = await loadLayersModel(`file://${dir}`);
    const x = randomInput([2, 3, 2], 12);
    const d = maxAbsDiff(m.predict(x.t).data, tfPredict(tm, x.values, [2, 3, 2]));
    assert.ok(d < 1e-5, `max |tsrnn - tfjs| = ${d}`);
  });
});
