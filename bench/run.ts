// `npm run bench`: every workload × engine, each in its own child process (bench/child.ts), one after
// another (never in parallel: they would share the cores), with a timeout per child. Prints a table and
// writes the results as JSON under bench/results/. Options: bench/options.ts (`npm run bench -- --help`).
//
// Engines: tsrnn (this repository's src/), @tensorflow/tfjs 4.22 on its 'cpu' backend and on its 'wasm'
// backend (SIMD, single-threaded in Node). Workloads and their FLOP counts: bench/workloads.ts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildConfig, ChildResult, Partial, Row } from './child.js';
import { memoryLines } from './memory.js';
import { BenchOptions, HelpRequested, isTsrnn, parseArgs, USAGE, WorkloadId } from './options.js';
import { formatTable, rateRows, sanityLines } from './report.js';
import { sizes, workloads } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

interface Job {
  workload: WorkloadId;
  engine: string;
}

function plan(o: BenchOptions): Job[] {
  const ws = workloads(o).filter((w) => o.only.includes(w.id));
  const jobs: Job[] = [];
  for (const w of ws) {
    for (const e of o.engines) {
      if (w.tsrnnOnly && !isTsrnn(e) && !(w.id === 'memory' && o.memoryPeers)) continue;
      jobs.push({ workload: w.id, engine: e });
    }
  }
  return jobs;
}

function failedResult(job: Job, status: Row['status'], message: string, wallSec: number): ChildResult {
  return {
    workload: job.workload, engine: job.engine, info: {}, notes: [], wallSec, cpuSec: 0, loadavg: loadavg(),
    rows: [{
      workload: job.workload, engine: job.engine, status, unit: 'epoch', medianSec: null, timesSec: [], samplesPerUnit: null,
      samplesPerSec: null, flopsPerUnit: null, gflops: null, cpuShare: null, warmupSec: null, peakRssMB: null, notes: [], message,
    }],
  };
}

/**
 * A child killed by the timeout: how far it got (from its .partial file) and, when it was inside an
 * epoch, the time per epoch that its batches so far project (training batches only: no validation).
 */
function timeoutResult(job: Job, o: BenchOptions, partialPath: string, wall: number): ChildResult {
  let p: Partial | null = null;
  try {
    p = JSON.parse(readFileSync(partialPath, 'utf8')) as Partial;
  } catch {
    /* killed before the first progress report */
  }
  let msg = `timed out: killed after ${o.timeout} s (--timeout)`;
  const extra: Record<string, unknown> = { partial: p };
  if (p) {
    if (p.timesSec.length) msg += `; ${p.timesSec.length} timed ${p.unit}(s) done: ${p.timesSec.map((t) => t.toFixed(1)).join(', ')} s`;
    if (p.batchesDone > 0 && p.batchesPerUnit > 0) {
      // a partial epoch (--max-epoch-sec) is scaled to the whole one as its finished epochs were
      const projected = (p.unitSec / p.batchesDone) * p.batchesPerUnit * (p.phase === 'timed' ? p.scale ?? 1 : 1);
      extra.projectedSec = projected;
      msg += `; ${p.phase === 'warm-up' ? 'warm-up' : `${p.unit} ${p.timesSec.length + 1}`} at batch ${p.batchesDone}/${p.batchesPerUnit} after ` +
        `${p.unitSec.toFixed(0)} s` + (p.phase === 'timed' ? ` (≈${projected.toFixed(0)} s/${p.unit} projected)` : '');
    } else if (p.phase === 'warm-up') {
      msg += '; still in the warm-up';
    }
  }
  const r = failedResult(job, 'timeout', msg, wall);
  r.rows[0].extra = extra;
  return r;
}

/** Runs one child; resolves with its result, or a 'timeout' / 'error' row. */
function runChild(job: Job, o: BenchOptions, tmp: string, index: number): Promise<ChildResult> {
  const resultPath = join(tmp, `${index}-${job.workload}-${job.engine}.json`);
  const cfg: ChildConfig = { workload: job.workload, engine: job.engine, options: o, resultPath };
  const t0 = performance.now();
  return new Promise((done) => {
    // memory: gc() before each sample, so its heap figures are live data (bench/memory.ts)
    const flags = job.workload === 'memory' ? ['--expose-gc'] : [];
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', join(here, 'child.ts'), JSON.stringify(cfg)], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (b: Buffer) => {
      const s = b.toString();
      if (o.verbose) process.stderr.write(s);
      output = (output + s).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeout * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wall = (performance.now() - t0) / 1000;
      if (timedOut) {
        done(timeoutResult(job, o, `${resultPath}.partial`, wall));
        return;
      }
      if (existsSync(resultPath)) {
        try {
          done(JSON.parse(readFileSync(resultPath, 'utf8')) as ChildResult);
          return;
        } catch {
          /* fall through */
        }
      }
      const lines = output.trim().split('\n');
      const err = lines.find((l) => /Error\b|error:/.test(l)) ?? lines.slice(-3).join(' | ');
      const r = failedResult(job, 'error', `child exited with ${signal ?? code}: ${err.trim()}`, wall);
      r.rows[0].extra = { output: output.slice(-2000) };
      done(r);
    });
  });
}

function progressLine(i: number, n: number, r: ChildResult): string {
  const head = `[${String(i + 1).padStart(2)}/${n}] ${r.workload.padEnd(15)} ${r.engine.padEnd(10)}`;
  const parts = r.rows.map((row) => {
    if (row.status !== 'ok') return row.status === 'timeout' ? row.message ?? 'timed out' : `${row.status}: ${row.message ?? ''}`;
    const per = row.medianSec === null ? '—' : row.medianSec < 0.1 ? `${(row.medianSec * 1000).toFixed(2)} ms` : `${row.medianSec.toFixed(2)} s`;
    const pr = row.projected;
    return `${row.workload === r.workload ? '' : `${row.workload} `}${per}/${row.unit} (n=${row.timesSec.length})` +
      (pr ? ` projected from ${pr.fromBatches}/${pr.ofBatches} batches (${pr.measuredSec.toFixed(1)} s)` : '') +
      (row.gflops !== null ? ` ${row.gflops.toFixed(2)} GFLOP/s` : '');
  });
  return `${head} ${parts.join('; ')}  [${r.wallSec.toFixed(0)} s, ${r.rows[0]?.peakRssMB ?? '?'} MiB]`;
}

/**
 * tsrnn's default runs its wasm kernels on min(cores, 4) threads while both tfjs engines run on one in
 * Node: unless told otherwise, also run tsrnn-t1 so the table has the like-for-like row too.
 */
async function addSingleThreadTsrnn(o: BenchOptions): Promise<void> {
  if (o.tsrnnVariantsGiven || !o.engines.includes('tsrnn') || process.env.TSRNN_BACKEND === 'js') return;
  const api = (await import('../src/index.js')) as unknown as Record<string, unknown>;
  if (typeof api.setNumThreads !== 'function' || typeof api.getNumThreads !== 'function') return;
  if ((api.getNumThreads as () => number)() <= 1) return;
  o.engines.splice(o.engines.indexOf('tsrnn') + 1, 0, 'tsrnn-t1');
}

async function main(): Promise<void> {
  let o: BenchOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof HelpRequested) {
      console.log(USAGE);
      return;
    }
    console.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  await addSingleThreadTsrnn(o);
  const jobs = plan(o);
  const started = new Date();
  const cpu = cpus();
  const s = sizes(o);
  console.log(`tsrnn benchmark${o.quick ? ' (--quick)' : ''}: ${jobs.length} runs, engines ${o.engines.join(', ')}; ` +
    `≤${o.epochs} timed epochs or ${o.budget} s per run, ` +
    `${o.maxEpochSec > 0 ? `epochs over ${o.maxEpochSec} s projected from their first batches` : 'whole epochs'}, timeout ${o.timeout} s`);
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const out = o.out ?? join(root, 'bench', 'results', `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const wl = workloads(o).filter((w) => o.only.includes(w.id));
  const results: ChildResult[] = [];
  const t0 = performance.now();

  // The whole report, rebuilt after every child so an interrupted run still leaves its rows on disk.
  const report = (complete: boolean) => {
    const notesByEngine: Record<string, string[]> = {};
    const infoByEngine: Record<string, Record<string, unknown>> = {};
    for (const r of results) {
      if (r.notes.length) notesByEngine[r.engine] = r.notes;
      if (Object.keys(r.info).length) infoByEngine[r.engine] = r.info;
    }
    const rows = rateRows(results, o.engines);
    const table = formatTable(rows, notesByEngine);
    const sanity = sanityLines(rows, o.engines);
    const totalSec = (performance.now() - t0) / 1000;
    const json = {
      meta: {
        complete, started: started.toISOString(), totalSec, node: process.version, cpus: cpu.length, cpuModel: cpu[0]?.model ?? null,
        totalMemGiB: totalmem() / 2 ** 30, loadavgEnd: loadavg(), sizes: s,
      },
      options: o,
      workloads: wl.map((w) => ({ id: w.id, title: w.title, kind: w.kind, data: results.find((r) => r.workload === w.id && r.data)?.data ?? null })),
      engines: o.engines.map((e) => ({ name: e, info: infoByEngine[e] ?? {}, notes: notesByEngine[e] ?? [] })),
      rows,
      sanity: sanity.checks,
      table,
      children: results.map((r) => ({ workload: r.workload, engine: r.engine, wallSec: r.wallSec, cpuSec: r.cpuSec, loadavgStart: r.loadavg })),
    };
    writeFileSync(out, JSON.stringify(json, null, 1));
    return { table, sanity, totalSec };
  };

  const tmp = join(tmpdir(), `tsrnn-bench-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  try {
    for (let i = 0; i < jobs.length; i++) {
      const r = await runChild(jobs[i], o, tmp, i);
      results.push(r);
      console.log(progressLine(i, jobs.length, r));
      report(false);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const { table, sanity, totalSec } = report(true);

  console.log('');
  for (const w of wl) {
    const d = results.find((r) => r.workload === w.id && r.data)?.data;
    console.log(`${w.id}: ${w.title}${d ? ` — ${d}` : ''}`);
  }
  console.log('');
  for (const l of table) console.log(l);
  console.log('');
  console.log('median: warm-up excluded (a fit on a few batches, or one whole fit for seed, or one call); n = timed units.');
  console.log('CPU-s: CPU seconds the process used per unit (median × its CPU share); on a shared machine this is closer than the ' +
    'median to the idle-machine time of a one-thread engine.');
  console.log('samples/s: training samples per second of an epoch (validation time included); GFLOP/s: GEMM FLOPs only ' +
    '(bench/workloads.ts), % matmul: of the same engine\'s matmul row. ×faster: this engine\'s time / tsrnn\'s.');
  if (sanity.lines.length) {
    console.log('');
    console.log('sanity:');
    for (const l of sanity.lines) console.log(`  ${l}`);
  }
  const mem = memoryLines(results.flatMap((r) => r.rows));
  if (mem.length) {
    console.log('');
    console.log('memory over one long fit (MiB after the warm-up → at the end; flat: the second half moved less than max(0.5 MiB, 1%), counts not at all):');
    for (const l of mem) console.log(`  ${l}`);
  }
  console.log('');
  console.log(`total ${(totalSec / 60).toFixed(1)} min`);
  console.log(`results: ${relative(process.cwd(), out) || out}`);
}

await main();
