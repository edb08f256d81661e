// The library in a real browser (headless Chromium through playwright-core): the ES-module bundle of
// src/index.ts, served by a local http server, loads the wasm kernels with `await setBackend('wasm')` on a
// cross-origin-isolated page, runs kernel chunks on a Web Worker (a Blob-URL worker on the shared memory),
// and trains to the same numbers as the 'js' kernels and as Node. A page without the isolation headers has
// no SharedArrayBuffer: setBackend('wasm') resolves false, the 'js' kernels stay, and training still works.
//
// Skips when no Chromium is installed: /usr/bin/chromium (Debian's `apt install chromium`), or the binary
// named by TSRNN_CHROMIUM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import * as tsrnn from '../../src/index.js';
import { bundle } from '../helpers/bundle.js';

const CHROMIUM = process.env.TSRNN_CHROMIUM || '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium binary at ${CHROMIUM} (apt install chromium, or set TSRNN_CHROMIUM)`;

interface RunResult {
  ok: boolean;
  backend: string;
  isolated: boolean | null;
  loss: number[];
  pred: number[];
  info: { backend: string; threads: number; workersReady: number; workerChunks: number; reason: string };
}

// One experiment, as JavaScript source so that the page and Node run exactly the same code. LSTM(32) →
// Dense(1) on the multiplication task, batches of 32 over 40 steps: an LSTM call does 32·40·4·32·34 ≈ 5.6 M
// multiply-adds forward, above the wasm kernels' parallel threshold (2 M, src/kernels/wasm.ts), so on two
// threads each call is split into 4 chunks (chunksFor) and the worker takes some of them. The first split
// call starts the worker; the warm-up waits until it is ready, so the timed part really shares the work
// (the numbers do not depend on that: they depend on the chunk count only, see src/kernels/threads.ts).
const SCENARIO = `async (tsrnn, backend) => {
  const ok = await tsrnn.setBackend(backend);
  tsrnn.setNumThreads(2);
  const T = 40;
  if (tsrnn.getBackend() === 'wasm') {
    const warm = tsrnn.sequential({ layers: [tsrnn.layers.lstm({ units: 32, inputShape: [T, 2] })] });
    warm.predict(tsrnn.zeros([32, T, 2]), { batchSize: 32 });
    for (let i = 0; i < 200 && tsrnn.backendInfo().workersReady < 1; i++) await new Promise((r) => setTimeout(r, 25));
  }
  tsrnn.setSeed(11);
  const train = tsrnn.multiplicationTask({ n: 192, timesteps: T, seed: 1 });
  const probe = tsrnn.multiplicationTask({ n: 32, timesteps: T, seed: 2 });
  const m = tsrnn.sequential({
    layers: [tsrnn.layers.lstm({ units: 32, inputShape: [T, 2] }), tsrnn.layers.dense({ units: 1 })],
  });
  m.compile({ optimizer: tsrnn.train.adam(0.01), loss: 'mse' });
  const h = await m.fit(train.x, train.y, { epochs: 4, batchSize: 32, verbose: 0 });
  const pred = Array.from(m.predict(probe.x, { batchSize: 32 }).dataSync());
  const i = tsrnn.backendInfo();
  return {
    ok, backend: tsrnn.getBackend(), isolated: typeof crossOriginIsolated === 'boolean' ? crossOriginIsolated : null,
    loss: h.history.loss, pred,
    info: { backend: i.backend, threads: i.threads, workersReady: i.workersReady, workerChunks: i.workerChunks, reason: i.reason },
  };
}`;

const PAGE = `<!doctype html>
<meta charset="utf-8"><title>tsrnn in the browser</title>
<script type="module">
import * as tsrnn from './tsrnn.mjs';
window.tsrnn = tsrnn;
window.scenario = ${SCENARIO};
window.loaded = true;
</script>
`;

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Serves the page and the bundle at /isolated/ (with the two headers) and /plain/ (without). */
async function serve(code: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const m = /^\/(isolated|plain)\/(index\.html|tsrnn\.mjs)?$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    const js = m[2] === 'tsrnn.mjs';
    res.writeHead(200, {
      'Content-Type': js ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...(m[1] === 'isolated' ? ISOLATION : {}),
    });
    res.end(js ? code : PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Opens a page in a fresh context, runs the scenario for each backend in turn; page errors fail the test. */
async function inPage(browser: Browser, url: string, backends: string[]): Promise<{ runs: RunResult[]; workers: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  let workers = 0;
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('worker', () => workers++); // Web Workers' console errors and uncaught errors reach the page's events too
  try {
    const res = await page.goto(url);
    assert.equal(res?.status(), 200, `GET ${url}`);
    await page.waitForFunction('window.loaded === true', null, { timeout: 10_000 });
    const runs: RunResult[] = [];
    for (const b of backends) runs.push((await page.evaluate(`window.scenario(window.tsrnn, ${JSON.stringify(b)})`)) as RunResult);
    assert.deepEqual(errors, [], `errors in the page:\n${errors.join('\n')}`);
    return { runs, workers };
  } catch (e) {
    if (errors.length && e instanceof Error) e.message += `\nerrors in the page:\n${errors.join('\n')}`;
    throw e;
  } finally {
    await context.close();
  }
}

function maxDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

test('Chromium: wasm kernels on a Web Worker, the js kernels, and Node all train to the same numbers', { skip, timeout: 60_000 }, async (t) => {
  const t0 = performance.now();
  const code = await bundle('esm');
  const { server, origin } = await serve(code);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  try {
    const t1 = performance.now();
    const iso = await inPage(browser, `${origin}/isolated/index.html`, ['wasm', 'js']);
    const t2 = performance.now();
    const plain = await inPage(browser, `${origin}/plain/index.html`, ['wasm']);
    const t3 = performance.now();

    // Node: the same scenario on the sources, same seed, same backends and threads
    const scenario = new Function(`return (${SCENARIO});`)() as (lib: typeof tsrnn, b: string) => Promise<RunResult>;
    const nodeWasm = await scenario(tsrnn, 'wasm');
    const nodeJs = await scenario(tsrnn, 'js');
    const t4 = performance.now();

    const [wasm, js] = iso.runs;
    // the isolated page: wasm on, on two threads, with a worker that really ran chunks
    assert.equal(wasm.isolated, true, 'crossOriginIsolated on the page with COOP/COEP');
    assert.equal(wasm.ok, true, `setBackend('wasm') resolved false: ${wasm.info.reason}`);
    assert.equal(wasm.backend, 'wasm');
    assert.equal(wasm.info.threads, 2);
    assert.ok(wasm.info.workersReady >= 1, `workers ready: ${wasm.info.workersReady}`);
    assert.ok(wasm.info.workerChunks > 0, `chunks run by workers: ${wasm.info.workerChunks}`);
    assert.ok(iso.workers >= 1, 'the page started no Web Worker');
    assert.equal(js.ok, true);
    assert.equal(js.backend, 'js');
    for (const r of [wasm, js]) {
      assert.equal(r.loss.length, 4);
      assert.ok(r.loss.every(Number.isFinite), `finite losses: ${r.loss}`);
      assert.ok(r.loss[3] < r.loss[0], `[${r.backend}] loss falls: ${r.loss}`);
      assert.equal(r.pred.length, 32);
    }
    // the two backends agree (float32 rounding in a different order, through 24 adam steps)
    const dPredBackends = maxDiff(wasm.pred, js.pred);
    const dLossBackends = maxDiff(wasm.loss, js.loss);
    assert.ok(dPredBackends <= 1e-5, `browser wasm vs js predictions: max difference ${dPredBackends}`);
    assert.ok(dLossBackends <= 1e-5, `browser wasm vs js losses: max difference ${dLossBackends}`);
    // and Chromium agrees with Node, backend by backend
    assert.equal(nodeWasm.backend, 'wasm');
    assert.equal(nodeJs.backend, 'js');
    const dNode = {
      wasmLoss: maxDiff(wasm.loss, nodeWasm.loss), wasmPred: maxDiff(wasm.pred, nodeWasm.pred),
      jsLoss: maxDiff(js.loss, nodeJs.loss), jsPred: maxDiff(js.pred, nodeJs.pred),
    };
    for (const [k, d] of Object.entries(dNode)) assert.ok(d <= 1e-5, `Chromium vs Node, ${k}: max difference ${d}`);

    // the page without the isolation headers: no shared memory, so setBackend('wasm') resolves false and
    // the js kernels stay (src/kernels/backend.ts); backendInfo().reason says why; training works unchanged
    const [p] = plain.runs;
    assert.equal(p.isolated, false, 'crossOriginIsolated without the headers');
    assert.equal(p.ok, false, "setBackend('wasm') without cross-origin isolation");
    assert.equal(p.backend, 'js');
    assert.equal(p.info.backend, 'js');
    assert.match(p.info.reason, /SharedArrayBuffer is not available .*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    assert.equal(p.info.workerChunks, 0);
    assert.equal(plain.workers, 0);
    assert.ok(p.loss[3] < p.loss[0], `loss falls without isolation: ${p.loss}`);
    assert.deepEqual(p.loss, js.loss, "the fallback is the 'js' backend: the same losses to the bit");

    t.diagnostic(
      `bundle+server+launch ${((t1 - t0) / 1000).toFixed(1)} s, isolated page ${((t2 - t1) / 1000).toFixed(1)} s, ` +
        `plain page ${((t3 - t2) / 1000).toFixed(1)} s, node ${((t4 - t3) / 1000).toFixed(1)} s; ` +
        `worker chunks ${wasm.info.workerChunks}; wasm-js pred ${dPredBackends.toExponential(1)}, loss ${dLossBackends.toExponential(1)}; ` +
        `chromium-node ${Object.entries(dNode).map(([k, d]) => `${k} ${d.toExponential(1)}`).join(', ')}; ` +
        `losses wasm ${wasm.loss.map((l) => l.toFixed(4)).join(' ')}; reason without isolation: ${p.info.reason}`,
    );
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
});
