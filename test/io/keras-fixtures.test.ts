// ../shared/fixtures/keras-files/computed-keras3/*.json hold Keras 3 reference runs (input and output) of
// the .h5 / .keras model files beside them. Each model file is loaded with tsrnn's Keras importer
// (src/io/keras) and must reproduce Keras's output to 1e-5; the GRU fixture also holds the GRU layer's
// own output, checked the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maxAbsDiff } from './helpers.js';
import { readKerasModelFile } from '../../src/io/keras/index.js';
import { Tensor } from '../../src/tensor.js';

const ROOT = '../shared/fixtures/keras-files';
const DIR = join(ROOT, 'computed-keras3');
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')).sort() : [];

if (files.length === 0) test('computed-keras3 fixtures', { skip: `fixtures absent: ${DIR}` }, () => {});

/** The model file a fixture names (by base name), wherever it lies under keras-files/. */
function modelPath(base: string): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
  const hit = manifest.files.find((f) => f.path.split('/').pop() === base);
  assert.ok(hit, `manifest.json lists ${base}`);
  return join(ROOT, hit.path);
}

for (const f of files) {
  test(`Keras 3 reference run ${f}: the model file loaded by tsrnn gives Keras's output`, async () => {
    const fx = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
    const { model, warnings } = await readKerasModelFile(modelPath(fx.model_file));
    assert.ok(warnings.every((w) => /regularizer/.test(w)), warnings.join('\n'));
    const x = new Tensor(Float32Array.from(fx.input.data), fx.input.shape);
    const y = model.predict(x);
    assert.deepEqual(y.shape, fx.output.shape);
    const d = maxAbsDiff(y.data, fx.output.data);
    assert.ok(d < 1e-5, `${f}: max |tsrnn - Keras| = ${d}`);
    if (fx.gru_layer_output) {
      const g = model.layers[0].apply(x) as Tensor;
      assert.deepEqual(g.shape, fx.gru_layer_output.shape);
      const dg = maxAbsDiff(g.data, fx.gru_layer_output.data);
      assert.ok(dg < 1e-5, `${f}: GRU layer: max |tsrnn - Keras| = ${dg}`);
    }
  });
}
