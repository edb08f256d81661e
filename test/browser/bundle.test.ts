// The core library must run unchanged in browsers: bundle src/index.ts for the browser platform and
// train a small model inside a fresh V8 context that has no `process`, `require` or Node modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { bundle } from '../helpers/bundle.js';

test('the browser bundle has no static Node imports', async () => {
  const code = await bundle('esm');
  const staticNode = code.match(/^\s*import\s[^;]*from\s*["']node:[^"']+["']/gm) ?? [];
  assert.deepEqual(staticNode, [], `static node: imports in the bundle: ${staticNode.join(', ')}`);
  assert.ok(!/\brequire\(["'](fs|path|os|worker_threads)["']\)/.test(code), 'a CommonJS require of a Node module');
});

test('the bundle trains and predicts in a context without Node globals', async () => {
  const code = await bundle('iife');
  const sandbox: Record<string, unknown> = {
    console: { log() {}, warn() {}, error() {} },
    setTimeout, clearTimeout, performance, queueMicrotask, TextEncoder, TextDecoder,
  };
  vm.createContext(sandbox);
  vm.runInContext(code, sandbox);
  assert.equal(vm.runInContext('typeof process', sandbox), 'undefined');
  const result = await vm.runInContext(
    `(async () => {
      tsrnn.setSeed(0);
      const m = tsrnn.sequential({ layers: [tsrnn.layers.lstm({ units: 4, inputShape: [3, 1] }), tsrnn.layers.dense({ units: 1 })] });
      m.compile({ optimizer: 'adam', loss: 'mse' });
      const h = await m.fit([[[0.1], [0.2], [0.3]], [[0.2], [0.3], [0.4]]], [[0.4], [0.5]], { epochs: 3, verbose: 0 });
      return { loss: h.history.loss, pred: Array.from(m.predict([[[0.1], [0.2], [0.3]]]).dataSync()) };
    })()`,
    sandbox,
  );
  const r = result as { loss: number[]; pred: number[] };
  assert.equal(r.loss.length, 3);
  assert.ok(r.loss[2] < r.loss[0], `loss falls: ${r.loss}`);
  assert.equal(r.pred.length, 1);
  assert.ok(Number.isFinite(r.pred[0]));
});
