// `tsrnn convert`: Keras fixtures (../shared/fixtures/keras-files) → model.json + weights.bin, loaded back
// by tsrnn and by @tensorflow/tfjs (from memory), both predicting Keras's reference outputs to 1e-5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readKerasModelFile } from '../../src/io/keras/index.js';
import { loadLayersModel } from '../../src/io/load.js';
import { Tensor } from '../../src/tensor.js';
import { runCli } from '../helpers/cli.js';
import { skipUnless } from '../helpers/fixtures.js';

await tf.setBackend('cpu');

const ROOT = '../shared/fixtures/keras-files';
const fixtures = skipUnless(join(ROOT, 'manifest.json'));

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tsrnn-convert-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const cases: [string, string, number][] = [
  ['cdt406/model_120ms.keras', 'model_120ms', 0],
  ['dl4j/tfkeras_rnn_25.h5', 'tfkeras_rnn_25', 0],
  ['hls4ml/KERAS_gru_model_weights.h5', 'KERAS_gru_model_weights', 3],
];

for (const [file, ref, warnings] of cases) {
  test(`tsrnn convert ${file}: model.json + weights.bin that tsrnn and tfjs load, predicting Keras's outputs to 1e-5`, fixtures, async () => {
    await withTemp(async (dir) => {
      const out = join(dir, 'converted');
      const r = await runCli('convert', join(ROOT, file), '--out', out);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`${file.replace(/[./]/g, '\\$&')}: .* model saved by Keras [23]\\.`));
      assert.match(r.out, /wrote .*converted\/model\.json and .*converted\/weights\.bin \(TensorFlow\.js layers format\)/);
      assert.equal(r.err.split('\n').filter((l) => l.startsWith('warning: ')).length, warnings, r.err);
      assert.deepEqual(readdirSync(out).sort(), ['model.json', 'weights.bin']); // no temp files left

      const fx = JSON.parse(await readFile(join(ROOT, 'computed-keras3', `${ref}.keras3.json`), 'utf8'));
      const x = new Tensor(Float32Array.from(fx.input.data), fx.input.shape);
      const direct = (await readKerasModelFile(join(ROOT, file))).model.predict(x).dataSync();
      const back = await loadLayersModel(`file://${out}`);
      const y = back.predict(x);
      assert.deepEqual(y.shape, fx.output.shape);
      assert.deepEqual(y.dataSync(), direct, 'the converted model computes exactly what the imported one does');
      assert.ok(maxDiff(y.data, fx.output.data) < 1e-5);

      const mj = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
      const bin = await readFile(join(out, 'weights.bin'));
      const tm = await tf.loadLayersModel(tf.io.fromMemory({
        modelTopology: mj.modelTopology, weightSpecs: mj.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }));
      const ty = (tm.predict(tf.tensor(fx.input.data, fx.input.shape)) as tf.Tensor).dataSync();
      const d = maxDiff(ty, fx.output.data);
      assert.ok(d < 1e-5, `tfjs on the converted model: max |tfjs - Keras| = ${d}`);
    });
  });
}

test('tsrnn convert: --include-optimizer writes the training config; --strict refuses dropped options; errors exit 1 with the reason', fixtures, async () => {
  await withTemp(async (dir) => {
    const r = await runCli('convert', join(ROOT, 'cdt406/model_120ms.keras'), '--out', join(dir, 'a'), '--include-optimizer');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /with the training config/);
    const mj = JSON.parse(await readFile(join(dir, 'a', 'model.json'), 'utf8'));
    assert.equal(mj.trainingConfig.optimizer_config.class_name, 'Adam');
    assert.equal(mj.trainingConfig.loss, 'sparse_categorical_crossentropy');
    assert.ok((await loadLayersModel(`file://${join(dir, 'a')}`)).optimizer);

    const strict = await runCli('convert', join(ROOT, 'hls4ml/KERAS_gru_model_weights.h5'), '--out', join(dir, 'b'), '--strict');
    assert.equal(strict.code, 1);
    assert.match(strict.err, /^error: .*KERAS_gru_model_weights\.h5: Keras layer 'GRU' \(gru_selu\): recurrent_regularizer L1L2/);
    assert.ok(!existsSync(join(dir, 'b')), 'nothing written');

    const missing = await runCli('convert', join(dir, 'nope.h5'), '--out', join(dir, 'c'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /error: Cannot load the Keras model: .*nope\.h5 does not exist/);
    await writeFile(join(dir, 'x.h5'), 'not a model');
    const junk = await runCli('convert', join(dir, 'x.h5'), '--out', join(dir, 'c'));
    assert.equal(junk.code, 1);
    assert.match(junk.err, /x\.h5 is not a Keras model file: it starts with 6e 6f 74/);
    const noOut = await runCli('convert', join(ROOT, 'cdt406/model_120ms.keras'));
    assert.equal(noOut.code, 1);
    assert.match(noOut.err, /required option '-o, --out <dir>' not specified/);
    const help = await runCli('--help');
    assert.match(help.out, /\n {2}convert \[options\] <model>/);
  });
});
