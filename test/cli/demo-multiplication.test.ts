// `tsrnn demo multiplication`: the defaults in the help, and the gradient-flow output of a
// small --compare run (charts per cell and the comparison chart, the probe's numbers in results.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

test('help: 100 epochs by default, the gradient-flow probe interval', async () => {
  const r = await runCli('demo', 'multiplication', '--help');
  assert.equal(r.code, 0);
  assert.match(r.out, /-e, --epochs <n> +training epochs \(default: 100\)/);
  assert.match(r.out, /--probe-every <n>\s+measure the gradient flow through time every n epochs\s+\(default: 1\)/);
  assert.match(r.out, /--samples <n> +sequences in all \(default: 3000\)/);
  assert.match(r.out, /--test-size <n>\s+sequences held out for the test set \(the last ones\)\s+\(default: 440\)/);
});

test('demo multiplication --compare --epochs 1 (small): gradient-flow charts per cell and compared, numbers in results.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-mulgf-'));
  try {
    const r = await runCli('demo', 'multiplication', '--compare', '--samples', '60', '--timesteps', '8', '--test-size', '20',
      '--epochs', '1', '--units', '4', '--seed', '5', '--out', dir);
    assert.equal(r.code, 0, r.err);
    for (const cls of ['SimpleRNN', 'LSTM', 'GRU']) {
      assert.match(r.out, new RegExp(`${cls}: test MSE [\\d.]+ .*\\n  gradient flow, layer 1: ‖∂L/∂h_0‖ / ‖∂L/∂h_7‖ = \\d\\.\\de[-+]\\d+ before training, \\d\\.\\de[-+]\\d+ after epoch 1`));
    }
    const bases = ['simpleRNN', 'lstm', 'gru'].flatMap((c) => [`${c}-loss`, `${c}-gradient-flow`, `${c}-hidden`]);
    for (const base of [...bases, 'compare-loss', 'compare-gradient-flow']) {
      for (const ext of ['svg', 'png', 'json']) assert.ok(existsSync(join(dir, `${base}.${ext}`)), `${base}.${ext}`);
    }
    assert.match(r.out, /lstm-gradient-flow, lstm-hidden, .*compare-loss, compare-gradient-flow \(\.svg, \.png, \.json\); results\.json/);

    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    assert.equal(results.epochs, 1);
    for (const cell of ['simpleRNN', 'lstm', 'gru']) {
      const gf = results.cells[cell].gradientFlow as { epoch: number; layer: string; loss: number; norms: number[] }[];
      // probed before training and after the epoch, both recurrent layers; 8 steps each, all finite and positive
      assert.deepEqual(gf.map((g) => g.epoch), [0, 0, 1, 1], cell);
      assert.equal(new Set(gf.map((g) => g.layer)).size, 2);
      for (const g of gf) {
        assert.equal(g.norms.length, 8);
        assert.ok(g.norms.every((v) => Number.isFinite(v) && v > 0), `${cell} ${g.layer}: ${g.norms}`);
      }
      // the per-cell chart draws layer 1 at both probes, with the same numbers
      const chart = JSON.parse(readFileSync(join(dir, `${cell}-gradient-flow.json`), 'utf8'));
      assert.equal(chart.logY, true);
      assert.deepEqual(chart.series.map((s: { name: string }) => s.name), ['before training', 'after epoch 1']);
      assert.deepEqual(chart.series[0].y, gf[0].norms);
      assert.deepEqual(chart.series[1].y, gf[2].norms);
      assert.deepEqual(chart.series[0].x, [0, 1, 2, 3, 4, 5, 6, 7]);
    }
    // one line per cell before and after training, coloured by cell, dashed by epoch
    const cmp = JSON.parse(readFileSync(join(dir, 'compare-gradient-flow.json'), 'utf8'));
    assert.deepEqual(cmp.series.map((s: { name: string; group: string; style: string }) => [s.name, s.group, s.style]), [
      ['SimpleRNN, before training', 'SimpleRNN', 'before training'], ['SimpleRNN, after epoch 1', 'SimpleRNN', 'after epoch 1'],
      ['LSTM, before training', 'LSTM', 'before training'], ['LSTM, after epoch 1', 'LSTM', 'after epoch 1'],
      ['GRU, before training', 'GRU', 'before training'], ['GRU, after epoch 1', 'GRU', 'after epoch 1'],
    ]);
    assert.deepEqual(cmp.series[3].y, results.cells.lstm.gradientFlow[2].norms);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
