// The benchmark's options, the projected-epoch plan (bench/projection.ts), the memory workload's growth
// figures (bench/memory.ts) and how both reach the table (bench/report.ts). No child processes: fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { growth, MemorySample, memoryLines, memoryPlan } from '../../bench/memory.js';
import { parseArgs, WORKLOAD_IDS } from '../../bench/options.js';
import { MIN_PARTIAL_BATCHES, perBatchSec, planPartialEpoch } from '../../bench/projection.js';
import { formatTable, rateRows } from '../../bench/report.js';
import { emptyRow, finishRow } from '../../bench/row.js';

const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

test('options: --max-epoch-sec, memory as workload 8, --memory-peers', () => {
  const d = parseArgs([]);
  assert.equal(d.maxEpochSec, 60);
  assert.equal(d.memoryPeers, false);
  assert.deepEqual(d.only.slice(-2), ['infer', 'memory'], 'memory runs last, after infer');
  assert.deepEqual(d.only, [...WORKLOAD_IDS]);
  assert.equal(parseArgs(['--max-epoch-sec', '0']).maxEpochSec, 0);
  assert.equal(parseArgs(['--max-epoch-sec', '12.5']).maxEpochSec, 12.5);
  assert.throws(() => parseArgs(['--max-epoch-sec', '-1']), /--max-epoch-sec: expected a number ≥ 0/);
  assert.deepEqual(parseArgs(['--only', '8']).only, ['matmul', 'memory']);
  assert.deepEqual(parseArgs(['--only', '8,7', '--no-matmul']).only, ['infer', 'memory']);
  assert.deepEqual(parseArgs(['--only', 'memory', '--no-matmul']).only, ['memory']);
  assert.equal(parseArgs(['--memory-peers']).memoryPeers, true);
  assert.equal(parseArgs(['--quick']).maxEpochSec, 60);
});

test('planPartialEpoch: k batches for about the limit, at least 4, validation in proportion', () => {
  // tfjs-cpu text: 20 s per batch of 64, 32 batches, no validation → 640 s; 60 s would be 3 batches: 4
  const text = planPartialEpoch({ perBatchSec: 20, trainSamples: 2048, valSamples: 0, batchSize: 64, maxEpochSec: 60 })!;
  assert.equal(text.estimatedEpochSec, 640);
  assert.deepEqual([text.fromBatches, text.ofBatches, text.trainSamples, text.valSamples, text.scale], [MIN_PARTIAL_BATCHES, 32, 256, 0, 8]);
  // tfjs-cpu mult-lstm: 4 s per batch of 32, 64 batches + 512 validation samples at 1/3 the cost
  const est = (4 / 32) * (2048 + 512 / 3);
  const lstm = planPartialEpoch({ perBatchSec: 4, trainSamples: 2048, valSamples: 512, batchSize: 32, maxEpochSec: 60 })!;
  assert.ok(close(lstm.estimatedEpochSec, est));
  const k = Math.round((64 * 60) / est);
  assert.equal(k, 14);
  assert.deepEqual([lstm.fromBatches, lstm.ofBatches, lstm.trainSamples], [14, 64, 14 * 32]);
  assert.equal(lstm.valSamples, Math.round((512 * 14 * 32) / 2048)); // 112: the same share as the training rows
  assert.ok(close(lstm.scale, 2048 / (14 * 32)));
  // whole epochs: under the limit, limit 0, or k would be every batch
  assert.equal(planPartialEpoch({ perBatchSec: 0.3, trainSamples: 2048, valSamples: 512, batchSize: 32, maxEpochSec: 60 }), null);
  assert.equal(planPartialEpoch({ perBatchSec: 20, trainSamples: 2048, valSamples: 0, batchSize: 64, maxEpochSec: 0 }), null);
  assert.equal(planPartialEpoch({ perBatchSec: 20, trainSamples: 128, valSamples: 0, batchSize: 32, maxEpochSec: 60 }), null, '4 batches: k = n');
  // just over the limit: nearly every batch
  const near = planPartialEpoch({ perBatchSec: 61 / 64, trainSamples: 2048, valSamples: 0, batchSize: 32, maxEpochSec: 60 })!;
  assert.equal(near.fromBatches, 63);
});

test('perBatchSec: the last gap between batch ends, else the warm-up spread over its batches', () => {
  assert.ok(close(perBatchSec(9, [3.5, 5.25], 64, 32, 32), 1.75));
  // 2 training batches and one validation batch (a third of the cost each sample): 3 s over 2⅓ batches
  assert.ok(close(perBatchSec(3, [], 64, 32, 32), (3 * 32) / (64 + 32 / 3)));
});

test('growth: warm-up sample → last, trend over the second half (a step up early is not a leak)', () => {
  // samples every 500 batches to 3,000; warm-up 1,000; the second half is batch 2,000 → 3,000
  const batches = [0, 500, 1000, 1500, 2000, 2500, 3000];
  const s: MemorySample[] = batches.map((batch, i) => ({
    batch, sec: i,
    rssMiB: batch === 0 ? 70 : batch < 2000 ? 100 : 104 + (batch === 3000 ? 0.5 : 0), // one step, then ≤ 1% noise
    heapUsedMiB: 10 + i * 2, // a leak: 4 MiB per 1,000 batches
    externalMiB: batch >= 2500 ? 3 : 5, // released
    arenaBlocks: batch === 0 ? 5 : 38, numTensors: 24 + i,
  }));
  const g = growth(s, 1000);
  assert.deepEqual([g.rssMiB.from, g.rssMiB.to, g.rssMiB.delta, g.rssMiB.trend], [100, 104.5, 4.5, 'flat']);
  assert.equal(g.heapUsedMiB.trend, 'grows');
  assert.ok(close(g.heapUsedMiB.latePerThousand, 4));
  assert.equal(g.externalMiB.trend, 'falls');
  assert.equal(g.arenaBlocks.trend, 'flat', 'the warm-up sample (5 blocks at batch 0) is not compared');
  assert.equal(g.numTensors.trend, 'grows');
  assert.ok(close(g.numTensors.latePerThousand, 2));
  assert.equal('batch' in g || 'sec' in g, false);

  const row = emptyRow('memory', 'tsrnn', 'batch');
  finishRow(row, [1e-3, 2e-3], 0.003, 32, 1e6);
  row.extra = { batches: 3000, every: 500, warmBatches: 1000, gc: true, samples: s, growth: g };
  const [line] = memoryLines([row]);
  assert.match(line, /^tsrnn: 3,000 batches, from batch 1,000 to the last \(after gc\): rss 100\.0→104\.5 MiB \(flat\), heap 14\.0→22\.0 MiB \(grows: \+4 MiB per 1,000 batches in the second half\)/);
  assert.match(line, /external 5\.00→3\.00 MiB \(falls: -2 MiB per 1,000 batches in the second half\), arena blocks 38→38 \(flat\), tfjs tensors 26→30 \(grows: \+2 per 1,000 batches in the second half\); 1\.50 ms\/batch/);
});

test('memoryPlan: tsrnn 10,000 batches sampled every 500, peers a tenth; warm-up whole intervals', () => {
  const o = parseArgs([]);
  assert.deepEqual(memoryPlan(o, 'tsrnn'), { batches: 10000, every: 500, warm: 1000 });
  assert.deepEqual(memoryPlan(o, 'tsrnn-t1'), { batches: 10000, every: 500, warm: 1000 });
  assert.deepEqual(memoryPlan(o, 'tfjs-wasm'), { batches: 1000, every: 100, warm: 100 });
  const q = parseArgs(['--quick']);
  assert.deepEqual(memoryPlan(q, 'tsrnn'), { batches: 1000, every: 100, warm: 100 });
  assert.deepEqual(memoryPlan(q, 'tfjs-cpu'), { batches: 100, every: 20, warm: 20 });
});

test("a projected row: times scaled, rates of the whole epoch, note 'p' with its k of n", () => {
  const row = emptyRow('text', 'tfjs-cpu', 'epoch');
  const measured = [80]; // 4 of 32 batches at 20 s
  const plan = planPartialEpoch({ perBatchSec: 20, trainSamples: 2048, valSamples: 0, batchSize: 64, maxEpochSec: 60 })!;
  finishRow(row, measured.map((t) => t * plan.scale), 75, 2048, 1e12, 80);
  row.projected = { ...plan, measuredSec: 80, measuredTimesSec: measured, perBatchSec: 20 };
  assert.equal(row.medianSec, 640);
  assert.ok(close(row.samplesPerSec!, 2048 / 640));
  assert.ok(close(row.gflops!, 1e12 / 640 / 1e9));
  assert.ok(close(row.cpuShare!, 75 / 80), 'CPU share of the measured seconds');
  const mine = emptyRow('text', 'tsrnn', 'epoch');
  finishRow(mine, [8], 8, 2048, 1e12);
  const rows = rateRows([
    { workload: 'text', engine: 'tsrnn', info: {}, notes: [], rows: [mine], wallSec: 1, cpuSec: 1, loadavg: [] },
    { workload: 'text', engine: 'tfjs-cpu', info: {}, notes: [], rows: [row], wallSec: 1, cpuSec: 1, loadavg: [] },
  ], ['tsrnn', 'tfjs-cpu']);
  assert.ok(close(rows[1].tsrnnSpeedup!, 80), 'the ratio uses the projected epoch');
  const table = formatTable(rows, {});
  const line = table.find((l) => l.startsWith('text') && l.includes('tfjs-cpu'))!;
  assert.match(line, /640 s\s+epoch\s+1\b.*80\.0×\s+a,p$/);
  assert.ok(table.some((l) => /^p: projected .*: text tfjs-cpu 4 of 32 \(80 s measured\)$/.test(l)), table.join('\n'));
});
