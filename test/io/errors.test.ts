// What goes wrong with model files, and the messages that say so; and the atomic save: a save that
// fails (or a process that dies) before the files are swapped in leaves the old model loadable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile, truncate, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomInput, withTempDir } from './helpers.js';
import { Sequential } from '../../src/model/sequential.js';
import { SimpleRNN } from '../../src/layers/simple-rnn.js';
import { Dense } from '../../src/layers/dense.js';
import { setSeed } from '../../src/random.js';
import { loadLayersModel } from '../../src/io/load.js';
import { saveModel } from '../../src/io/save.js';
import { fileSystem, fromMemory } from '../../src/io/handlers.js';

function model(units: number, seed: number): Sequential {
  setSeed(seed);
  return new Sequential({ layers: [new SimpleRNN({ units, inputShape: [5, 3], name: 'rnn' }), new Dense({ units: 2, name: 'out' })] });
}

const isValueError = (re: RegExp) => (e: Error) => {
  assert.equal(e.name, 'ValueError', e.message);
  assert.match(e.message, re);
  return true;
};

async function editJson(file: string, edit: (j: any) => void): Promise<void> {
  const j = JSON.parse(await readFile(file, 'utf8'));
  edit(j);
  await writeFile(file, JSON.stringify(j));
}

test('missing model.json: the error names the path', async () => {
  await withTempDir(async (dir) => {
    const p = join(dir, 'nope', 'model.json');
    await assert.rejects(loadLayersModel(`file://${p}`), isValueError(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not exist`)));
    // an existing directory without model.json names the model.json it looked for
    await assert.rejects(loadLayersModel(dir), isValueError(/model\.json does not exist/));
  });
});

test('missing or truncated weights.bin: the error names the file, the byte counts and the weight', async () => {
  await withTempDir(async (dir) => {
    const m = model(4, 1);
    await m.save(`file://${dir}`);
    const bin = join(dir, 'weights.bin');
    const total = m.countParams() * 4; // rnn: 3x4 + 4x4 + 4, out: 4x2 + 2 → 42 values
    assert.equal(total, 168);
    await truncate(bin, 150);
    await assert.rejects(
      loadLayersModel(`file://${dir}/model.json`),
      isValueError(new RegExp(`weights\\.bin is truncated: expected ${total} bytes, got 150; weight 'out/kernel'`)),
    );
    await rm(bin);
    await assert.rejects(loadLayersModel(`file://${dir}/model.json`), isValueError(/Weights file .*weights\.bin \(listed in .*model\.json\) does not exist/));
  });
});

test('JSON that is not a layers model is refused with the reason', async () => {
  await withTempDir(async (dir) => {
    const f = join(dir, 'model.json');
    await writeFile(f, '{"modelTopology": ');
    await assert.rejects(loadLayersModel(f), isValueError(/is not valid JSON/));
    await writeFile(f, '[1, 2]');
    await assert.rejects(loadLayersModel(f), isValueError(/not a TensorFlow\.js layers model: it holds an array/));
    await writeFile(f, JSON.stringify({ hello: 'world' }));
    await assert.rejects(loadLayersModel(f), isValueError(/no modelTopology \(keys: hello\)/));
    await writeFile(f, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    await assert.rejects(loadLayersModel(f), isValueError(/graph model/));
    await writeFile(f, JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { name: 'x' } } }));
    await assert.rejects(loadLayersModel(f), isValueError(/Sequential config has no 'layers' list/));
    await writeFile(f, JSON.stringify({ modelTopology: { class_name: 'Pipeline', config: {} } }));
    await assert.rejects(loadLayersModel(f), isValueError(/its class is 'Pipeline'/));
  });
});

test('a manifest weight whose shape does not fit the layer: the error names the weight, the layer and both shapes', async () => {
  await withTempDir(async (dir) => {
    await model(4, 2).save(`file://${dir}`);
    // same byte count, other shape
    await editJson(join(dir, 'model.json'), (j) => (j.weightsManifest[0].weights[0].shape = [4, 3]));
    await assert.rejects(
      loadLayersModel(dir),
      isValueError(/weight 'rnn\/kernel' has shape \[4,3\], but layer 'rnn' \(SimpleRNN\) expects \[3,4\] for its kernel/),
    );
  });
  // the topology and the weights disagree on units: counts match, shapes do not
  const big = model(6, 3);
  let art: any;
  await saveModel(big, { save: async (a) => ((art = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) });
  art.modelTopology.config.layers[0].config.units = 5;
  await assert.rejects(loadLayersModel(fromMemory(art)), isValueError(/expects \[3,5\] for its kernel/));
});

test('weights that do not match the model by name or count are listed', async () => {
  let art: any;
  await saveModel(model(4, 4), { save: async (a) => ((art = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) });
  art.weightSpecs = art.weightSpecs.slice(0, 4);
  art.weightData = art.weightData.slice(0, (12 + 16 + 4 + 8) * 4);
  await assert.rejects(loadLayersModel(fromMemory(art)), isValueError(/manifest has 4 model weights but the model has 5 variables; not found by name: 'out\/bias' \[2\]/));
});

test('an unknown layer class: the error lists the registered classes', async () => {
  await withTempDir(async (dir) => {
    await model(4, 5).save(`file://${dir}`);
    await editJson(join(dir, 'model.json'), (j) => (j.modelTopology.config.layers[0].class_name = 'FancyRNN'));
    await assert.rejects(loadLayersModel(dir), isValueError(/Unknown layer class 'FancyRNN'\. Registered layer classes: .*Dense.*SimpleRNN/));
  });
});

test('atomic save: a failure after the temp files are written leaves the old files byte for byte, and no temp files', async () => {
  await withTempDir(async (dir) => {
    const a = model(4, 6);
    await a.save(`file://${dir}`);
    const oldJson = await readFile(join(dir, 'model.json'));
    const oldBin = await readFile(join(dir, 'weights.bin'));
    const b = model(7, 7);
    let tempsSeen: string[] = [];
    const failing = fileSystem(dir, {
      hooks: {
        afterTempWrite: async () => {
          tempsSeen = (await readdir(dir)).filter((f) => f.includes('.tmp-'));
          throw new Error('disk on fire');
        },
      },
    });
    await assert.rejects(saveModel(b, failing), /disk on fire/);
    assert.equal(tempsSeen.length, 2, 'both temp files were written before the failure');
    assert.deepEqual((await readdir(dir)).sort(), ['model.json', 'weights.bin']);
    assert.deepEqual(await readFile(join(dir, 'model.json')), oldJson);
    assert.deepEqual(await readFile(join(dir, 'weights.bin')), oldBin);
    const x = randomInput([2, 5, 3], 1).t;
    assert.deepEqual((await loadLayersModel(dir)).predict(x).data, a.predict(x).data);
    // and a save that succeeds replaces both
    await b.save(`file://${dir}`);
    assert.deepEqual((await loadLayersModel(dir)).predict(x).data, b.predict(x).data);
  });
});

test('a crash between the two renames (new weights.bin, old model.json) is caught at load by the recorded CRC-32', async () => {
  await withTempDir(async (dir) => {
    await model(4, 8).save(`file://${dir}`);
    const same = model(4, 9); // same shapes: only the checksum can tell the files apart
    const failing = fileSystem(dir, { hooks: { betweenRenames: () => { throw new Error('power cut'); } } });
    await assert.rejects(saveModel(same, failing), /power cut/);
    await assert.rejects(loadLayersModel(dir), isValueError(/weights\.bin does not match .*model\.json \(CRC-32 .*different saves/));
  });
});

test('a process killed mid-save (after the temp writes) leaves the old model intact and loadable', async () => {
  await withTempDir(async (dir) => {
    const a = model(4, 10);
    await a.save(`file://${dir}`);
    const oldJson = await readFile(join(dir, 'model.json'));
    const oldBin = await readFile(join(dir, 'weights.bin'));
    const root = resolve('.');
    const script = join(dir, 'crash.mts'); // .mts: ESM outside the package
    await writeFile(script, `
      import { Sequential } from '${root}/src/model/sequential.js';
      import { SimpleRNN } from '${root}/src/layers/simple-rnn.js';
      import { Dense } from '${root}/src/layers/dense.js';
      import { fileSystem } from '${root}/src/io/handlers.js';
      import { saveModel } from '${root}/src/io/save.js';
      const m = new Sequential({ layers: [new SimpleRNN({ units: 9, inputShape: [5, 3] }), new Dense({ units: 2 })] });
      await saveModel(m, fileSystem(${JSON.stringify(dir)}, { hooks: { afterTempWrite: () => process.kill(process.pid, 'SIGKILL') } }));
    `);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const left = (await readdir(dir)).filter((f) => f !== 'crash.mts').sort();
    assert.equal(left.filter((f) => f.includes('.tmp-')).length, 2, `the dead process's temp files stay: ${left}`);
    assert.deepEqual(await readFile(join(dir, 'model.json')), oldJson);
    assert.deepEqual(await readFile(join(dir, 'weights.bin')), oldBin);
    const x = randomInput([2, 5, 3], 2).t;
    assert.deepEqual((await loadLayersModel(dir)).predict(x).data, a.predict(x).data);
  });
});

test('URL schemes other than file:// are refused by name', async () => {
  await assert.rejects(loadLayersModel('indexeddb://my-model'), /No tsrnn handler for 'indexeddb:\/\/'/);
  await assert.rejects(model(3, 11).save('localstorage://m'), /No tsrnn handler for 'localstorage:\/\/'/);
});

test('saving to a path that is a file is refused by name', async () => {
  await withTempDir(async (dir) => {
    const f = join(dir, 'taken');
    await writeFile(f, 'x');
    await assert.rejects(model(3, 12).save(`file://${f}`), isValueError(/Cannot save to .*taken: it exists and is not a directory/));
  });
});
