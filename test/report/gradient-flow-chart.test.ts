// Gradient-flow charts: which lines are drawn (epochs picked, one colour per run, one dash per epoch),
// log axis and data in the .json, the hidden-state heatmap of a probe record, files written, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gradientFlowChart, gradientFlowCompareChart, probeHiddenHeatmap, spreadPick } from '../../src/report/gradient-flow-chart.js';
import { LineChartData, HeatmapData } from '../../src/report/chart.js';
import { writeChart } from '../../src/report/write-chart.js';
import type { GradientFlowRecord } from '../../src/model/gradient-flow.js';
import { ValueError } from '../../src/errors.js';

function rec(layer: string, cell: string, epoch: number, decay: number, T = 5): GradientFlowRecord {
  return {
    epoch, layer, cell, goBackwards: false, loss: 0.1,
    norms: Array.from({ length: T }, (_, t) => decay ** (T - 1 - t)),
    hidden: Array.from({ length: T }, (_, t) => [t / 10, -t / 10]),
  };
}

test('spreadPick keeps the first and the last, evenly spread', () => {
  assert.deepEqual(spreadPick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3), [0, 5, 10]);
  assert.deepEqual(spreadPick([0, 1, 2], 6), [0, 1, 2]);
  assert.deepEqual(spreadPick(Array.from({ length: 101 }, (_, i) => i), 6), [0, 20, 40, 60, 80, 100]);
});

test('gradientFlowChart: one line per probed epoch of one layer, t from 0, log y', () => {
  const records = [0, 1, 2, 3, 4, 5, 6, 7, 8].flatMap((e) => [rec('lstm', 'LSTM', e, 0.5 + e / 20), rec('lstm_1', 'LSTM', e, 0.1)]);
  const c = gradientFlowChart({ records });
  const d = c.data as LineChartData;
  assert.equal(d.logY, true);
  assert.equal(d.xTitle, 'timestep t');
  assert.deepEqual(d.series.map((s) => s.name), ['before training', 'after epoch 2', 'after epoch 3', 'after epoch 5', 'after epoch 6', 'after epoch 8']);
  assert.deepEqual(d.series[0].x, [0, 1, 2, 3, 4]);
  assert.deepEqual(d.series[5].y, rec('lstm', 'LSTM', 8, 0.9).norms);
  const two = gradientFlowChart(records, { layer: 'lstm_1', epochs: [0, 8] }).data as LineChartData;
  assert.deepEqual(two.series.map((s) => s.name), ['before training', 'after epoch 8']);
  assert.deepEqual(two.series[1].y, rec('lstm_1', 'LSTM', 8, 0.1).norms);
  assert.match(two.title!, /LSTM layer 'lstm_1'/);
  // zeros cannot go on a log axis: gaps, not errors
  const z = rec('x', 'GRU', 0, 0.5);
  z.norms[0] = 0;
  assert.equal((gradientFlowChart([z]).data as LineChartData).series[0].y[0], null);
  assert.throws(() => gradientFlowChart(records, { epochs: [3, 99] }), /no record at epoch 99 \(recorded: 0, 1, 2/);
  assert.throws(() => gradientFlowChart(records, { layer: 'gru' }), (e: Error) => e instanceof ValueError && /no records for layer 'gru' \(recorded: lstm, lstm_1\)/.test(e.message));
  assert.throws(() => gradientFlowChart([]), /no records/);
});

test('gradientFlowCompareChart: a colour per cell, a dash per epoch (first and last probe)', () => {
  const runs = [
    { name: 'SimpleRNN', records: [0, 1, 2].map((e) => rec('simple_rnn', 'SimpleRNN', e, 0.3)) },
    { name: 'LSTM', records: [0, 1, 2].map((e) => rec('lstm', 'LSTM', e, 0.9)) },
  ];
  const d = gradientFlowCompareChart(runs).data as LineChartData;
  assert.deepEqual(d.series.map((s) => [s.name, s.group, s.style]), [
    ['SimpleRNN, before training', 'SimpleRNN', 'before training'],
    ['SimpleRNN, after epoch 2', 'SimpleRNN', 'after epoch 2'],
    ['LSTM, before training', 'LSTM', 'before training'],
    ['LSTM, after epoch 2', 'LSTM', 'after epoch 2'],
  ]);
  assert.deepEqual(d.series[3].y, rec('lstm', 'LSTM', 2, 0.9).norms);
  // runs that stopped at different epochs: the style says 'last probe', the names the epoch
  const uneven = gradientFlowCompareChart([runs[0], { name: 'GRU', records: [0, 1].map((e) => rec('gru', 'GRU', e, 0.5)) }]).data as LineChartData;
  assert.deepEqual(uneven.series.map((s) => [s.name, s.style]), [
    ['SimpleRNN, before training', 'before training'], ['SimpleRNN, after epoch 2', 'last probe'],
    ['GRU, before training', 'before training'], ['GRU, after epoch 1', 'last probe'],
  ]);
  assert.throws(() => gradientFlowCompareChart(runs, { epochs: [7] }), /run 'SimpleRNN' has no record at epoch 7/);
  assert.throws(() => gradientFlowCompareChart([]), /no runs/);
});

test('probeHiddenHeatmap and writeChart: units × timesteps; .svg, .png and .json written', async () => {
  const r = rec('lstm', 'LSTM', 3, 0.5);
  const h = probeHiddenHeatmap(r);
  const d = h.data as HeatmapData;
  assert.equal(d.rows, 2);
  assert.equal(d.cols, 5);
  assert.deepEqual(d.values[0], [0, 0.1, 0.2, 0.3, 0.4].map(Math.fround));
  assert.deepEqual(d.values[1], [-0, -0.1, -0.2, -0.3, -0.4].map(Math.fround));
  assert.match(d.title!, /LSTM layer 'lstm' hidden state, after epoch 3/);
  assert.throws(() => probeHiddenHeatmap({ ...r, hidden: null }), /kept no hidden states/);
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-gf-'));
  try {
    const w = await writeChart(gradientFlowChart([rec('lstm', 'LSTM', 0, 0.5), r]), join(dir, 'gf'), { scale: 1 });
    for (const p of [w.svg, w.png, w.json]) assert.ok(existsSync(p), p);
    const json = JSON.parse(readFileSync(w.json, 'utf8'));
    assert.equal(json.kind, 'line');
    assert.deepEqual(json.series[1].y, r.norms);
    assert.match(readFileSync(w.svg, 'utf8'), /timestep t/);
    assert.deepEqual([...readFileSync(w.png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
