// callbacks.gradientFlow: the recorded ‖∂L/∂h_t‖ against finite differences of the loss in the
// hidden state itself, input time order under goBackwards, SimpleRNN vs LSTM decay through time,
// training left bit-for-bit unchanged by the probe, and the records / JSON it exposes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tsrnn from '../../src/index.js';
import { ValueError } from '../../src/errors.js';
import { Layer } from '../../src/layers/layer.js';
import { RecurrentLayer } from '../../src/layers/recurrent.js';
import { GradientFlow, GradientFlowRecord, measureGradientFlow } from '../../src/model/gradient-flow.js';
import { Random } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';

type Factory = (args: Record<string, unknown>) => Layer;
const CELLS: [string, Factory][] = [
  ['simpleRNN', tsrnn.layers.simpleRNN as unknown as Factory],
  ['lstm', tsrnn.layers.lstm as unknown as Factory],
  ['gru', tsrnn.layers.gru as unknown as Factory],
];

function uniform(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => r.uniformRange(lo, hi)), shape);
}

function rows(t: Tensor, b: number, from: number, to: number): Tensor {
  // sample b, steps [from, to) of a (B,T,I) tensor, as (1, to-from, I)
  const [, T, I] = t.shape;
  return new Tensor(t.data.slice((b * T + from) * I, (b * T + to) * I), [1, to - from, I]);
}

test('the recorded norms equal finite differences of each sample\'s loss in h_t (SimpleRNN, LSTM, GRU)', () => {
  const T = 5, I = 2, U = 3, B = 2;
  const x = uniform([B, T, I], 11);
  const y = uniform([B, 1], 12, -0.5, 0.5);
  for (const [cellName, L] of CELLS) {
    tsrnn.setSeed(3);
    const model = tsrnn.sequential({ layers: [L({ units: U, inputShape: [T, I] }), tsrnn.layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const [rec] = measureGradientFlow(model, x, y);
    assert.equal(rec.norms.length, T);
    const cellW = model.layers[0].getWeights(), denseW = model.layers[1].getWeights();
    const dense = tsrnn.layers.dense({ units: 1 });
    dense.ensureBuilt([null, U]);
    dense.setWeights(denseW);
    // a stateful copy of the cell over steps [from, to) of one sample, starting from given states
    const stateful = (from: number, to: number) => {
      const l = L({ units: U, stateful: true, batchInputShape: [1, to - from, I] }) as RecurrentLayer;
      l.ensureBuilt([1, to - from, I]);
      l.setWeights(cellW);
      return l;
    };
    const expected = new Array<number>(T).fill(0);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        // the states after step t (h_t, and c_t for the LSTM, held fixed)
        const head = stateful(0, t + 1);
        head.forward(rows(x, b, 0, t + 1), false, null);
        const states = head.states.map((s) => Float64Array.from(s));
        const tail = t < T - 1 ? stateful(t + 1, T) : null;
        const rest = t < T - 1 ? rows(x, b, t + 1, T) : null;
        const lossAt = (h: Float64Array): number => {
          let last: Tensor;
          if (tail) {
            tail.resetStates();
            tail.forward(rest!, false, null); // fixes the stateful batch size, then the states are set
            tail.states = [Float32Array.from(h), ...states.slice(1).map((s) => Float32Array.from(s))];
            last = tail.forward(rest!, false, null);
          } else last = new Tensor(Float32Array.from(h), [1, U]);
          const out = dense.forward(last, false, null).data[0];
          return (out - y.data[b]) ** 2;
        };
        const eps = 1e-2;
        let sq = 0;
        for (let u = 0; u < U; u++) {
          const hp = states[0].slice(), hm = states[0].slice();
          hp[u] += eps;
          hm[u] -= eps;
          sq += ((lossAt(hp) - lossAt(hm)) / (2 * eps)) ** 2;
        }
        expected[t] += Math.sqrt(sq) / B;
      }
    }
    for (let t = 0; t < T; t++) {
      const err = Math.abs(rec.norms[t] - expected[t]);
      assert.ok(err <= 1e-4 + 1e-2 * expected[t], `${cellName} t=${t}: recorded ${rec.norms[t]}, finite differences ${expected[t]}`);
    }
    // the loss recorded is the model's own (mean) loss on the probe
    const pred = model.predict(x).data;
    const mse = ((pred[0] - y.data[0]) ** 2 + (pred[1] - y.data[1]) ** 2) / 2;
    assert.ok(Math.abs(rec.loss - mse) < 1e-6, `${cellName}: loss ${rec.loss} vs ${mse}`);
  }
});

test('goBackwards: norms and hidden states come back in input time order', () => {
  const T = 6, I = 2, U = 4;
  const x = uniform([3, T, I], 21);
  const y = uniform([3, 1], 22);
  const xr = new Tensor(new Float32Array(x.size), x.shape);
  for (let b = 0; b < 3; b++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) xr.data[(b * T + t) * I + i] = x.data[(b * T + T - 1 - t) * I + i];
  for (const [cellName, L] of CELLS) {
    tsrnn.setSeed(4);
    const back = tsrnn.sequential({ layers: [L({ units: U, goBackwards: true, inputShape: [T, I] }), tsrnn.layers.dense({ units: 1 })] });
    const fwd = tsrnn.sequential({ layers: [L({ units: U, inputShape: [T, I] }), tsrnn.layers.dense({ units: 1 })] });
    fwd.setWeights(back.getWeights());
    for (const m of [back, fwd]) m.compile({ optimizer: 'sgd', loss: 'mse' });
    // the backwards layer on x processes exactly what the forwards layer processes on reversed x
    const [rb] = measureGradientFlow(back, x, y, { sample: 1 });
    const [rf] = measureGradientFlow(fwd, xr, y, { sample: 1 });
    assert.equal(rb.goBackwards, true);
    assert.deepEqual(rb.norms, rf.norms.slice().reverse(), cellName);
    assert.deepEqual(rb.hidden, rf.hidden!.slice().reverse(), cellName);
    // with goBackwards the gradient is largest at input step 0 (processed last, nearest the output)
    assert.ok(rb.norms[0] > rb.norms[T - 1], `${cellName}: ${rb.norms}`);
  }
});

test('hidden states kept for one probe sequence are the layer\'s outputs', () => {
  const T = 7, I = 2, U = 3;
  const x = uniform([4, T, I], 31);
  const y = uniform([4, 1], 32);
  tsrnn.setSeed(5);
  const model = tsrnn.sequential({ layers: [tsrnn.layers.lstm({ units: U, returnSequences: true, inputShape: [T, I] }), tsrnn.layers.gru({ units: U }), tsrnn.layers.dense({ units: 1 })] });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const recs = measureGradientFlow(model, x, y, { sample: 2 });
  assert.deepEqual(recs.map((r) => [r.layer, r.cell]), [[model.layers[0].name, 'LSTM'], [model.layers[1].name, 'GRU']]);
  const seq = model.layers[0].apply(rows(x, 2, 0, T)) as Tensor;
  for (let t = 0; t < T; t++) for (let u = 0; u < U; u++) assert.equal(recs[0].hidden![t][u], seq.data[t * U + u]);
  // the last-output GRU: its last hidden state is its output
  const last = (model.layers[1].apply(seq) as Tensor).data;
  assert.deepEqual(recs[1].hidden![T - 1], Array.from(last));
  // layers: picks by name; sample null keeps no hidden states
  const only = measureGradientFlow(model, x, y, { layers: [model.layers[1].name], sample: null });
  assert.equal(only.length, 1);
  assert.equal(only[0].layer, model.layers[1].name);
  assert.equal(only[0].hidden, null);
  assert.deepEqual(only[0].norms, recs[1].norms);
});

/** Geometric-mean factor by which ‖∂L/∂h_t‖ shrinks per step going back from the last step. */
function perStep(norms: number[]): number {
  return (norms[0] / norms[norms.length - 1]) ** (1 / (norms.length - 1));
}

test('through time: a SimpleRNN\'s gradient vanishes faster than an LSTM\'s once its units are driven (and not at rest)', () => {
  // Untrained Keras-default layers (16 units, last output → Dense), 40 steps of 4 features.
  const T = 40, I = 4, N = 32;
  const run = (cell: Factory, scale: number) => {
    const x = uniform([N, T, I], 41, -scale, scale);
    const y = new Tensor(Float32Array.from({ length: N }, (_, b) => x.data[b * T * I]), [N, 1]);
    tsrnn.setSeed(1);
    const m = tsrnn.sequential({ layers: [cell({ units: 16, inputShape: [T, I] }), tsrnn.layers.dense({ units: 1 })] });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    return measureGradientFlow(m, x, y)[0].norms;
  };
  const [, simple] = CELLS[0], [, lstmF] = CELLS[1];
  // inputs in [-3, 3]: tanh saturates, tanh' ≪ 1 at most steps, and each step back multiplies the
  // SimpleRNN's gradient by diag(tanh')·Whᵀ; the LSTM's cell path multiplies by the forget gate (≈ σ(1))
  const rnn3 = run(simple, 3), lstm3 = run(lstmF, 3);
  assert.ok(perStep(rnn3) < 0.66, `SimpleRNN per-step factor ${perStep(rnn3)}`);
  assert.ok(perStep(lstm3) > 0.72, `LSTM per-step factor ${perStep(lstm3)}`);
  const rRnn = rnn3[0] / rnn3[T - 1], rLstm = lstm3[0] / lstm3[T - 1];
  assert.ok(rRnn < 1e-7 && rLstm > 1e-6 && rLstm > 100 * rRnn, `‖∂L/∂h_0‖/‖∂L/∂h_39‖: SimpleRNN ${rRnn}, LSTM ${rLstm}`);
  // The other side, measured and kept honest: with small inputs the tanh units stay near-linear and the
  // orthogonal recurrent kernel (Keras's default) preserves norms, so at initialisation the SimpleRNN's
  // gradient reaches further back than the LSTM's (whose forget gates start at σ(1) ≈ 0.73).
  const rnn1 = run(simple, 1), lstm1 = run(lstmF, 1);
  assert.ok(perStep(rnn1) > perStep(lstm1), `scale 1: SimpleRNN ${perStep(rnn1)}, LSTM ${perStep(lstm1)}`);
});

/** A model with every source of randomness in play: dropout and recurrent dropout, a Dropout layer, shuffles. */
function noisyModel(): tsrnn.Sequential {
  tsrnn.setSeed(77);
  const m = tsrnn.sequential({
    layers: [
      tsrnn.layers.lstm({ units: 5, returnSequences: true, dropout: 0.2, recurrentDropout: 0.3, inputShape: [6, 3] }),
      tsrnn.layers.dropout({ rate: 0.25 }),
      tsrnn.layers.bidirectional({ layer: tsrnn.layers.gru({ units: 3, dropout: 0.1 }) }),
      tsrnn.layers.dense({ units: 2 }),
    ],
  });
  m.compile({ optimizer: 'adam', loss: 'mse' });
  return m;
}

test('the probe leaves training unchanged: same weights, same history, with or without the callback', async () => {
  const x = uniform([40, 6, 3], 51), y = uniform([40, 2], 52);
  const fit = async (cbs: tsrnn.CallbackHooks[]) => {
    const m = noisyModel();
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: 0, callbacks: cbs });
    return { m, h };
  };
  const plain = await fit([]);
  const flow = tsrnn.callbacks.gradientFlow({ probe: { x: uniform([5, 6, 3], 53), y: uniform([5, 2], 54) } });
  const probed = await fit([flow]);
  assert.deepEqual(probed.h.history, plain.h.history);
  const a = plain.m.getWeights(), b = probed.m.getWeights();
  a.forEach((w, i) => assert.deepEqual(b[i].data, w.data, `weight ${i}`));
  // and the probe really ran: 4 probes (before training, after each epoch) × 3 recurrent layers
  assert.equal(flow.records.length, 4 * 3);
  assert.deepEqual(flow.epochs, [0, 1, 2, 3]);
  const bi = probed.m.layers[2] as unknown as { name: string; forwardLayer: Layer; backwardLayer: Layer };
  assert.deepEqual([...new Set(flow.records.map((r) => r.layer))], [probed.m.layers[0].name, bi.forwardLayer.name, bi.backwardLayer.name]);
  assert.ok(flow.records.every((r) => r.norms.length === 6 && r.norms.every((v) => Number.isFinite(v) && v > 0)));
  // the options the probe lowered are back
  const l0 = probed.m.layers[0] as RecurrentLayer;
  assert.equal(l0.dropout, 0.2);
  assert.equal(l0.recurrentDropout, 0.3);
  assert.equal(l0.recordHiddenGrads, false);
  assert.equal((probed.m.layers[1] as unknown as { rate: number }).rate, 0.25);
  // a Bidirectional's name selects both its copies
  const sel = measureGradientFlow(probed.m, uniform([2, 6, 3], 55), uniform([2, 2], 56), { layers: [bi.name] });
  assert.equal(sel.length, 2);
  assert.deepEqual(sel.map((r) => r.goBackwards), [false, true]);
});

test('the probe keeps each weight\'s gradient as it was (a callback reading grads sees fit\'s)', () => {
  const m = noisyModel();
  m.build([null, 6, 3]);
  const rng = new Random(3);
  for (const v of m.weights) for (let i = 0; i < v.grad.length; i++) v.grad[i] = rng.uniform();
  const before = m.weights.map((v) => v.grad.slice());
  const values = m.getWeights();
  measureGradientFlow(m, uniform([3, 6, 3], 57), uniform([3, 2], 58));
  m.weights.forEach((v, i) => assert.deepEqual(v.grad, before[i]));
  m.getWeights().forEach((w, i) => assert.deepEqual(w.data, values[i].data));
});

test('a stateful model keeps the states it carries across the probe', () => {
  const T = 4, I = 2, B = 3;
  tsrnn.setSeed(9);
  const m = tsrnn.sequential({ layers: [
    tsrnn.layers.lstm({ units: 3, stateful: true, returnSequences: true, batchInputShape: [B, T, I] }),
    tsrnn.layers.simpleRNN({ units: 2, stateful: true }),
    tsrnn.layers.dense({ units: 1 }),
  ] });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const x1 = uniform([B, T, I], 81), x2 = uniform([B, T, I], 82);
  m.predict(x1, { batchSize: B });
  const carried = m.layers.slice(0, 2).map((l) => (l as RecurrentLayer).states.map((s) => Array.from(s)));
  assert.ok(carried[0][1].some((v) => v !== 0), 'the LSTM carries a cell state');
  measureGradientFlow(m, uniform([B, T, I], 83), uniform([B, 1], 84));
  m.layers.slice(0, 2).forEach((l, i) => assert.deepEqual((l as RecurrentLayer).states.map((s) => Array.from(s)), carried[i]));
  // so the next batch continues from x1's states, as without the probe
  const withProbe = Array.from(m.predict(x2, { batchSize: B }).data);
  tsrnn.setSeed(9);
  const ref = tsrnn.sequential({ layers: [
    tsrnn.layers.lstm({ units: 3, stateful: true, returnSequences: true, batchInputShape: [B, T, I] }),
    tsrnn.layers.simpleRNN({ units: 2, stateful: true }),
    tsrnn.layers.dense({ units: 1 }),
  ] });
  ref.predict(x1, { batchSize: B });
  assert.deepEqual(withProbe, Array.from(ref.predict(x2, { batchSize: B }).data));
});

test('records and JSON: epochs probed (every, last epoch, early stop), fields, probeSize', async () => {
  const T = 5;
  const x = uniform([24, T, 2], 61), y = uniform([24, 1], 62);
  tsrnn.setSeed(8);
  const m = tsrnn.sequential({ layers: [tsrnn.layers.simpleRNN({ units: 3, returnSequences: true, inputShape: [T, 2] }), tsrnn.layers.simpleRNN({ units: 2 }), tsrnn.layers.dense({ units: 1 })] });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const flow = new GradientFlow({ probe: { x, y }, probeSize: 4, every: 2 });
  await m.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [flow] });
  assert.deepEqual(flow.epochs, [0, 2, 4, 5]);
  assert.equal(flow.probeX.shape[0], 4);
  const json = JSON.parse(JSON.stringify(flow)) as ReturnType<GradientFlow['toJSON']>;
  assert.equal(json.kind, 'gradientFlow');
  assert.deepEqual(json.probe, { samples: 4, timesteps: T, sample: 0 });
  assert.equal(json.every, 2);
  assert.equal(json.records.length, 8);
  const r = json.records[0] as GradientFlowRecord;
  assert.deepEqual(Object.keys(r).sort(), ['cell', 'epoch', 'goBackwards', 'hidden', 'layer', 'loss', 'norms']);
  assert.equal(r.cell, 'SimpleRNN');
  assert.equal(r.norms.length, T);
  assert.equal(r.hidden!.length, T);
  assert.equal(r.hidden![0].length, 3);
  assert.equal(json.records[1].hidden![0].length, 2);
  assert.deepEqual(flow.record(m.layers[1].name, 2)!.norms, json.records[3].norms);
  // the probe loss after training is the model's loss on the probe
  const last = flow.record(m.layers[0].name)!;
  assert.equal(last.epoch, 5);
  const ev = (m.evaluate(flow.probeX, flow.probeY) as Tensor).data[0];
  assert.ok(Math.abs(last.loss - ev) < 1e-6, `${last.loss} vs ${ev}`);

  // stopped early between probes: the epoch it stopped at is probed too
  const stopper = { onEpochEnd: (e: number) => { if (e === 1) m.stopTraining = true; } };
  const flow2 = tsrnn.callbacks.gradientFlow({ probe: { x, y }, every: 5 });
  await m.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, callbacks: [stopper, flow2] });
  assert.deepEqual(flow2.epochs, [0, 2]);
});

test('bad arguments name the problem', () => {
  const x = uniform([4, 3, 2], 71), y = uniform([4, 1], 72);
  assert.throws(() => tsrnn.callbacks.gradientFlow({} as never), /give a probe batch/);
  assert.throws(() => tsrnn.callbacks.gradientFlow({ probe: { x, y }, every: 0 }), /every must be an integer ≥ 1, got 0/);
  assert.throws(() => tsrnn.callbacks.gradientFlow({ probe: { x, y }, probeSize: 9 }), /probeSize 9 is larger than the probe \(4 samples\)/);
  assert.throws(() => tsrnn.callbacks.gradientFlow({ probe: { x, y: uniform([3, 1], 1) } }), /same number of samples/);
  tsrnn.setSeed(1);
  const m = tsrnn.sequential({ layers: [tsrnn.layers.gru({ units: 2, inputShape: [3, 2] }), tsrnn.layers.dense({ units: 1 })] });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  assert.throws(() => measureGradientFlow(m, x, y, { layers: ['nope'] }), (e: Error) => e instanceof ValueError && /no recurrent layer named 'nope' \(recurrent layers: gru/.test(e.message));
  assert.throws(() => measureGradientFlow(m, x, y, { sample: 4 }), /sample 4 is out of range for a probe of 4 sequences/);
  assert.throws(() => measureGradientFlow(m, uniform([4, 3, 5], 1), y), /expects input of shape/);
  const dense = tsrnn.sequential({ layers: [tsrnn.layers.dense({ units: 1, inputShape: [2] })] });
  dense.compile({ optimizer: 'sgd', loss: 'mse' });
  assert.throws(() => measureGradientFlow(dense, uniform([4, 2], 1), y), /the model has no recurrent layer \(layers: dense/);
});
