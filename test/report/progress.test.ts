import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue, progressBar } from '../../src/report/progress.js';

/** A stream that records what is written; isTTY decides whether cli-progress draws. */
function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const s = { isTTY, columns: 200, write: (c: string) => (chunks.push(String(c)), true), on: () => s, once: () => s, removeListener: () => s };
  return { stream: s as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

async function drive(bar: ReturnType<typeof progressBar>, epochs: number, steps: number, loss: (e: number, b: number) => number) {
  bar.setParams({ epochs, steps, samples: steps * 4 });
  bar.onTrainBegin();
  for (let e = 0; e < epochs; e++) {
    bar.onEpochBegin(e);
    let sum = 0;
    for (let b = 0; b < steps; b++) {
      // the last batch is smaller: the running mean weighs batches by size
      const size = b === steps - 1 ? 2 : 4;
      sum += loss(e, b) * size;
      bar.onBatchEnd(b, { batch: b, size, loss: loss(e, b) });
    }
    bar.onEpochEnd(e, { loss: sum / (4 * (steps - 1) + 2), val_loss: 0.5 / (e + 1) });
  }
  bar.onTrainEnd();
}

test('progressBar on a terminal: bar with step count and running mean loss; one line per epoch with the logs', async () => {
  const { stream, text } = fakeStream(true);
  const lines: string[] = [];
  const bar = progressBar({ label: 'LSTM', stream, printFn: (l) => lines.push(l), fps: 1000 });
  await drive(bar, 2, 5, (e, b) => (e + 1) * (b + 1) * 0.01);
  const out = text();
  // the bar was drawn with the label, epoch counter, steps and the running mean (weighted by batch size)
  assert.match(out, /LSTM {2}epoch 1\/2 /);
  assert.match(out, / 5\/5 {2}loss /);
  // epoch 1 mean after all batches: (4·(.01+.02+.03+.04) + 2·.05)/18 = 0.5/18 = 0.0278
  assert.match(out, /loss 0\.0278/);
  assert.deepEqual(lines, [
    `LSTM  epoch 1/2  ${/\d+\.\ds/.exec(lines[0])![0]}  loss 0.0278  val_loss 0.5000`,
    `LSTM  epoch 2/2  ${/\d+\.\ds/.exec(lines[1])![0]}  loss 0.0556  val_loss 0.2500`,
  ]);
  assert.deepEqual(bar.lines, lines);
});

test('progressBar off a terminal: no bar drawn, epoch lines every printEvery epochs and at the last', async () => {
  const { stream, text } = fakeStream(false);
  const lines: string[] = [];
  const bar = progressBar({ stream, printFn: (l) => lines.push(l), printEvery: 3 });
  await drive(bar, 7, 3, () => 0.25);
  assert.equal(text(), '');
  assert.deepEqual(lines.map((l) => l.split('  ')[0]), ['epoch 3/7', 'epoch 6/7', 'epoch 7/7']);
  assert.match(lines[0], /loss 0\.2500 {2}val_loss 0\.1667$/);
});

test('progressBar without step counts grows the total as batches come; printFn null prints nothing', () => {
  const { stream, text } = fakeStream(true);
  const bar = progressBar({ stream, printFn: null, fps: 1000 });
  bar.onTrainBegin();
  bar.onEpochBegin(0);
  for (let b = 0; b < 4; b++) bar.onBatchEnd(b, { loss: 1 });
  bar.onEpochEnd(0, { loss: 1 });
  assert.match(text(), / 4\/4 /);
  assert.deepEqual(bar.lines, ['epoch 1/?  ' + /\d+\.\ds/.exec(bar.lines[0])![0] + '  loss 1.0000']);
});

test('formatValue: 4 decimals, scientific below 1e-3, non-finite as is', () => {
  assert.equal(formatValue(0.123456), '0.1235');
  assert.equal(formatValue(0), '0.0000');
  assert.equal(formatValue(0.00012346), '1.235e-4');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(-Infinity), '-Infinity');
});
