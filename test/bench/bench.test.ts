// The benchmark suite end to end in --quick mode on its smallest workload (seed: SimpleRNN(10)→Dense(1),
// 6 samples) plus the matmul yardstick, for tsrnn (one thread) and tfjs-cpu: four child processes.
// Checks the JSON's fields and that its derived numbers follow from its measured ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denseFwd, rnnFwd } from '../../bench/workloads.js';

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

test('FLOP counts: forward GEMMs per sample-step', () => {
  // LSTM(128) on 64 inputs: x·W (64×512) + h·R (128×512), 2 FLOPs per multiply-add
  assert.equal(rnnFwd(4, 64, 128), 2 * (64 * 512 + 128 * 512));
  assert.equal(rnnFwd(1, 1, 10), 2 * (10 + 100));
  assert.equal(denseFwd(30, 1), 60);
});

test('npm run bench -- --quick --only seed writes the table and the JSON', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrnn-bench-test-'));
  try {
    const out = join(dir, 'r.json');
    const r = spawnSync(process.execPath, [
      '--import', 'tsx', 'bench/run.ts', '--quick', '--only', 'seed', '--engines', 'tsrnn,tfjs-cpu', '--tsrnn-threads', '1', '--out', out,
    ], { encoding: 'utf8', timeout: 55_000 });
    assert.equal(r.status, 0, `bench exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /workload\s+engine\s+median/);
    assert.match(r.stdout, /sanity:/);

    const j = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(j.meta.complete, true);
    assert.ok(j.meta.totalSec > 0);
    assert.equal(j.options.quick, true);
    assert.deepEqual(j.engines.map((e: { name: string }) => e.name), ['tsrnn-t1', 'tfjs-cpu']);
    const cpu = j.engines.find((e: { name: string }) => e.name === 'tfjs-cpu');
    assert.equal(cpu.info.backend, 'cpu');
    assert.ok(cpu.notes.some((n: string) => n.includes('UnsortedSegmentSum')), 'the Embedding-gradient patch is stated');
    assert.ok(Array.isArray(j.table) && j.table.length > 3);

    const row = (w: string, e: string) => j.rows.find((x: { workload: string; engine: string }) => x.workload === w && x.engine === e);
    for (const w of ['matmul', 'seed']) {
      for (const e of ['tsrnn-t1', 'tfjs-cpu']) {
        const x = row(w, e);
        assert.ok(x, `row ${w} × ${e}`);
        assert.equal(x.status, 'ok', `${w} × ${e}: ${x.message}`);
        for (const k of ['medianSec', 'timesSec', 'samplesPerSec', 'flopsPerUnit', 'gflops', 'peakRssMB', 'cpuShare', 'warmupSec', 'unit']) {
          assert.ok(k in x, `${w} × ${e} has ${k}`);
        }
        assert.ok(x.timesSec.length >= 1 && x.timesSec.every((t: number) => t > 0));
        const sorted = [...x.timesSec].sort((a: number, b: number) => a - b);
        assert.ok(x.medianSec >= sorted[0] && x.medianSec <= sorted[sorted.length - 1]);
        assert.ok(close(x.gflops, x.flopsPerUnit / x.medianSec / 1e9));
        assert.ok(x.peakRssMB > 20 && x.peakRssMB < 4096, `peak RSS ${x.peakRssMB} MiB`);
      }
    }
    // analytic FLOPs: matmul 2·n³ (n = 128 in --quick); seed 10 epochs × 3 (fwd+bwd) × 6 samples × (4 steps of SimpleRNN(10) on 1 input + Dense(10→1))
    assert.equal(row('matmul', 'tfjs-cpu').flopsPerUnit, 2 * 128 ** 3);
    const seed = row('seed', 'tfjs-cpu');
    assert.equal(seed.flopsPerUnit, 10 * 3 * 6 * (4 * 2 * (10 + 100) + 2 * 10));
    assert.equal(seed.unit, 'fit');
    assert.ok(close(seed.samplesPerSec, (10 * 6) / seed.medianSec));
    // ratio and % of matmul follow from the rows
    const mine = row('seed', 'tsrnn-t1');
    assert.ok(close(seed.tsrnnSpeedup, seed.medianSec / mine.medianSec));
    assert.ok(close(seed.pctOfMatmul, (100 * seed.gflops) / row('matmul', 'tfjs-cpu').gflops));
    assert.equal(mine.tsrnnSpeedup, null);

    // same initial weights and one full batch per epoch: the two engines train to the same loss
    const losses = j.sanity.filter((c: { check: string; workload?: string }) => c.check === 'loss after first timed unit' && c.workload === 'seed');
    assert.equal(losses.length, 2);
    assert.ok(Math.abs(losses[0].loss - losses[1].loss) < 1e-3 * Math.max(1e-3, losses[0].loss) + 1e-6,
      `losses ${losses[0].loss} vs ${losses[1].loss}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
