// The key checks under EACH backend ('js': the TypeScript reference kernels; 'wasm': WebAssembly SIMD in the
// shared arena): gradient checks of every recurrent layer and Dense, agreement with @tensorflow/tfjs (outputs,
// dL/dx, weight gradients), and the two backends against each other on a short training run. Layers are made
// after setBackendSync, so under 'wasm' their weights and workspaces live in the arena (the zero-copy path),
// and shapes are chosen so the SIMD kernels' vector and tail paths (U % 4, rows % 4, columns % 8) all run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as tsrnn from '../../src/index.js';
import { BackendName, getBackend, setBackendSync } from '../../src/kernels/backend.js';
import { inArena } from '../../src/kernels/arena.js';
import { Layer } from '../../src/layers/layer.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { compareWithTfjs, Pinned, randomizeWeights, toTf } from '../helpers/rnn-compare.js';

await tf.setBackend('cpu');

const BACKENDS: BackendName[] = ['js', 'wasm'];
// (3, 6): sequence 0 post-padded, 1 pre-padded with a hole, 2 unpadded
const MASK = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1]);

function use(b: BackendName): void {
  assert.ok(setBackendSync(b), `backend ${b} unavailable`);
  assert.equal(getBackend(), b);
}

function built<L extends Layer>(l: L, T: number, I: number, seed: number): L {
  l.ensureBuilt([null, T, I]);
  randomizeWeights(l, seed, 0.5);
  return l;
}

for (const backend of BACKENDS) {
  test(`[${backend}] weights live in the arena exactly under wasm`, () => {
    use(backend);
    const l = built(tsrnn.layers.lstm({ units: 5 }), 6, 3, 1);
    for (const w of l.weights) {
      assert.equal(inArena(w.value), backend === 'wasm', `${w.name} value`);
      assert.equal(inArena(w.grad), backend === 'wasm', `${w.name} grad`);
    }
  });

  test(`[${backend}] gradient checks: SimpleRNN, LSTM, GRU (both forms), masks, goBackwards, recurrent dropout`, () => {
    use(backend);
    tsrnn.setSeed(3);
    const x = randomTensor([3, 6, 5], 11);
    const layers: [string, Layer][] = [
      ['simpleRNN', tsrnn.layers.simpleRNN({ units: 9, returnSequences: true })],
      ['simpleRNN relu back', tsrnn.layers.simpleRNN({ units: 6, activation: 'relu', goBackwards: true })],
      ['lstm', tsrnn.layers.lstm({ units: 9, returnSequences: true })],
      ['lstm hardSigmoid back', tsrnn.layers.lstm({ units: 5, recurrentActivation: 'hardSigmoid', goBackwards: true })],
      ['gru', tsrnn.layers.gru({ units: 9, returnSequences: true })],
      ['gru resetBefore', tsrnn.layers.gru({ units: 6, resetAfter: false, returnSequences: true })],
    ];
    layers.forEach(([what, l], k) => {
      built(l, 6, 5, 20 + k);
      for (const mask of [null, MASK]) {
        const worst = gradCheck(l, x, { mask, eps: 1e-3, seed: k, maxEntries: 30 });
        assert.ok(worst <= 1, `${what}: ${worst}`);
      }
    });
    // recurrent and input dropout, masks held fixed by reseeding the layer's stream before each forward
    for (const make of [
      () => tsrnn.layers.lstm({ units: 6, dropout: 0.2, recurrentDropout: 0.3, seed: 9, returnSequences: true }),
      () => tsrnn.layers.gru({ units: 6, recurrentDropout: 0.3, seed: 9 }),
      () => tsrnn.layers.gru({ units: 5, recurrentDropout: 0.3, resetAfter: false, seed: 9 }),
      () => tsrnn.layers.simpleRNN({ units: 6, recurrentDropout: 0.3, seed: 9, returnSequences: true }),
    ]) {
      const l = built(make(), 6, 5, 40);
      const pinned = new Pinned(l, () => (l as unknown as { ownRng: { seed(s: number): void } }).ownRng.seed(9));
      gradCheck(pinned, x, { mask: MASK, eps: 1e-3, maxEntries: 30 });
    }
  });

  test(`[${backend}] gradient check: Dense with relu, sigmoid, softmax and swish on (B,T,F) inputs`, () => {
    use(backend);
    for (const [k, activation] of ['relu', 'sigmoid', 'softmax', 'swish'].entries()) {
      const l = tsrnn.layers.dense({ units: 11, activation });
      l.ensureBuilt([null, 5, 7]);
      randomizeWeights(l, 60 + k);
      gradCheck(l, randomTensor([3, 5, 7], 70 + k), { eps: 1e-3, maxEntries: 30 });
    }
  });

  test(`[${backend}] tfjs agreement: stacked SimpleRNN, LSTM and GRU with a mask: outputs, dL/dx, weight gradients`, () => {
    use(backend);
    const B = 3, T = 6, I = 5;
    const cases: [string, Layer[], tf.layers.Layer[]][] = [
      ['simpleRNN', [tsrnn.layers.simpleRNN({ units: 9, returnSequences: true }), tsrnn.layers.simpleRNN({ units: 6, goBackwards: true })],
        [tf.layers.simpleRNN({ units: 9, returnSequences: true }), tf.layers.simpleRNN({ units: 6, goBackwards: true })]],
      ['lstm', [tsrnn.layers.lstm({ units: 9, returnSequences: true }), tsrnn.layers.lstm({ units: 6, recurrentActivation: 'hardSigmoid' })],
        [tf.layers.lstm({ units: 9, returnSequences: true, recurrentActivation: 'sigmoid' }), tf.layers.lstm({ units: 6, recurrentActivation: 'hardSigmoid' })]],
      // tfjs has only the reset-before GRU
      ['gru', [tsrnn.layers.gru({ units: 9, resetAfter: false, returnSequences: true }), tsrnn.layers.gru({ units: 6, resetAfter: false, goBackwards: true })],
        [tf.layers.gru({ units: 9, returnSequences: true, recurrentActivation: 'sigmoid' }), tf.layers.gru({ units: 6, goBackwards: true, recurrentActivation: 'sigmoid' })]],
    ];
    cases.forEach(([what, mine, theirs], k) => {
      let shape = [null, T, I] as (number | null)[];
      mine.forEach((l, j) => {
        l.ensureBuilt(shape);
        randomizeWeights(l, 80 + 10 * k + j, 0.5);
        shape = l.computeOutputShape(shape);
      });
      let t: tf.SymbolicTensor | tf.Tensor = tf.zeros([1, T, I]);
      for (const l of theirs) t = l.apply(t) as tf.Tensor;
      theirs.forEach((l, j) => l.setWeights(mine[j].getWeights().map(toTf)));
      for (const mask of [null, MASK]) {
        const r = compareWithTfjs(mine, theirs, randomTensor([B, T, I], 90 + k), mask);
        assert.ok(r.out <= 1e-5 && r.dx <= 1e-5 && r.grad <= 1e-5, `${what} mask=${!!mask}: ${JSON.stringify(r)}`);
      }
    });
  });
}

test('the backends agree on training: 3 epochs of a stacked LSTM → GRU → Dense model with adam', async () => {
  const run = async (backend: BackendName) => {
    use(backend);
    tsrnn.setSeed(5);
    const data = tsrnn.multiplicationTask({ n: 96, timesteps: 20, seed: 2 });
    const m = tsrnn.sequential({
      layers: [
        tsrnn.layers.lstm({ units: 10, returnSequences: true, inputShape: [20, 2] }),
        tsrnn.layers.gru({ units: 7 }),
        tsrnn.layers.dense({ units: 1 }),
      ],
    });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const h = await m.fit(data.x, data.y, { epochs: 3, batchSize: 16, validationSplit: 0.25, verbose: 0 });
    return { loss: h.history.loss as number[], weights: m.getWeights().map((w) => w.dataSync()) };
  };
  const js = await run('js');
  const wa = await run('wasm');
  js.loss.forEach((l, e) => assert.ok(Math.abs(l - wa.loss[e]) <= 1e-4 * Math.abs(l), `epoch ${e + 1}: js ${l}, wasm ${wa.loss[e]}`));
  js.weights.forEach((w, k) => {
    let d = 0, s = 0;
    for (let i = 0; i < w.length; i++) {
      d = Math.max(d, Math.abs(w[i] - wa.weights[k][i]));
      s = Math.max(s, Math.abs(w[i]));
    }
    assert.ok(d <= 1e-4 * s, `weight ${k}: max difference ${d} (scale ${s})`);
  });
});
