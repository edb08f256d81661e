// Wrapper layers in files: nested configs ({layer: {class_name, config}}) deserialize recursively through
// the registry, and their weights carry tfjs's scoped names (bidirectional/forward_lstm/kernel,
// time_distributed/kernel), which tfjs's strict loader requires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { maxAbsDiff, randomInput } from './helpers.js';
import { loadLayersModel } from '../../src/io/load.js';
import { saveModel } from '../../src/io/save.js';
import { fromMemory } from '../../src/io/handlers.js';
import type { ModelArtifacts } from '../../src/io/types.js';

await tf.setBackend('cpu');

type Spec = { className: string; config: Record<string, unknown> };

async function capture(save: (h: { save: (a: ModelArtifacts) => Promise<never> }) => Promise<unknown>): Promise<ModelArtifacts> {
  let art: ModelArtifacts | null = null;
  await save({ save: async (a) => ((art = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) as never });
  return art!;
}

for (const [cell, make] of [
  ['LSTM', () => tf.layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' })],
  ['GRU', () => tf.layers.gru({ units: 3, returnSequences: true })],
  ['SimpleRNN', () => tf.layers.simpleRNN({ units: 4, returnSequences: false })],
] as const) {
  test(`Bidirectional(${cell}) (+ TimeDistributed(Dense) on sequences): tfjs → tsrnn → tfjs, same names, same predictions`, async () => {
    const tm = tf.sequential();
    tm.add(tf.layers.bidirectional({ layer: make() as unknown as tf.RNN, inputShape: [5, 3], mergeMode: 'concat' }));
    if (cell !== 'SimpleRNN') tm.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'tanh' }) }));
    tm.setWeights(tm.getWeights().map((w, i) => tf.add(w, tf.randomUniform(w.shape, -0.3, 0.3, 'float32', 300 + i))));
    const a = await capture((h) => tm.save(h as unknown as tf.io.IOHandler));
    const m = await loadLayersModel(fromMemory(a));
    const x = randomInput([3, 5, 3], 50, -2, 2);
    const ref = (tm.predict(tf.tensor(x.values, [3, 5, 3])) as tf.Tensor).dataSync();
    const d = maxAbsDiff(m.predict(x.t).data, ref);
    assert.ok(d < 1e-5, `max |tsrnn - tfjs| = ${d}`);

    const back = await capture((h) => saveModel(m, h));
    // tsrnn writes exactly tfjs's weight names, e.g. bidirectional_…/forward_lstm_…/kernel
    assert.deepEqual(back.weightSpecs!.map((s) => s.name), a.weightSpecs!.map((s) => s.name));
    assert.ok(back.weightSpecs![0].name.includes('/forward_'), back.weightSpecs![0].name);
    const tm2 = await tf.loadLayersModel(tf.io.fromMemory(back as tf.io.ModelArtifacts)); // strict: names must match
    const d2 = maxAbsDiff((tm2.predict(tf.tensor(x.values, [3, 5, 3])) as tf.Tensor).dataSync(), ref);
    assert.ok(d2 < 1e-6, `tfjs(tsrnn's file) vs tfjs = ${d2}`);
  });
}

test('nested configs deserialize recursively: the wrapper gets {className, config} of its layer, camelCase', async () => {
  const tm = tf.sequential();
  tm.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'hardSigmoid' }), inputShape: [4, 3] }));
  const a = await capture((h) => tm.save(h as unknown as tf.io.IOHandler));
  const m = await loadLayersModel(fromMemory(a));
  const cfg = m.layers[0].getConfig() as { layer: Spec };
  assert.equal(cfg.layer.className, 'Dense');
  assert.equal(cfg.layer.config.units, 2);
  const x = randomInput([2, 4, 3], 60);
  const d = maxAbsDiff(m.predict(x.t).data, (tm.predict(tf.tensor(x.values, [2, 4, 3])) as tf.Tensor).dataSync());
  assert.ok(d < 1e-6, `max |tsrnn - tfjs| = ${d}`);
});
