// The table, the speed-up ratios and the sanity lines, from the children's results.
import type { ChildResult, Row } from './child.js';
import { isTsrnn, WORKLOAD_IDS } from './options.js';

export interface RatedRow extends Row {
  /** peer's median / tsrnn's median on the same workload (how many times faster tsrnn is), on peer rows. */
  tsrnnSpeedup: number | null;
  /** For tsrnn variant rows (threads, backends, GRU resetAfter:true): the same ratio against each peer. */
  speedupVs?: Record<string, number>;
  /** This row's GFLOP/s as a percentage of the same engine's matmul rate. */
  pctOfMatmul: number | null;
}

/** Rows whose speed is compared against another workload's peers (tfjs has no resetAfter:true GRU). */
const PEER_WORKLOAD: Record<string, string> = { 'mult-gru-ra': 'mult-gru' };

/** Table order: workloads in run order (infer-latency after infer), engines in --engines order. */
function sortRows(rows: Row[], engines: string[]): Row[] {
  const wOrder = [...WORKLOAD_IDS.flatMap((w) => (w === 'infer' ? ['infer', 'infer-latency'] : [w]))] as string[];
  const key = (r: Row) => [wOrder.indexOf(r.workload), engines.indexOf(r.engine)];
  return [...rows].sort((a, b) => {
    const [wa, ea] = key(a), [wb, eb] = key(b);
    return wa - wb || ea - eb;
  });
}

export function rateRows(results: ChildResult[], engines: string[]): RatedRow[] {
  const rows = sortRows(results.flatMap((r) => r.rows), engines);
  const ref = engines.find(isTsrnn);
  const find = (w: string, e: string) => rows.find((r) => r.workload === w && r.engine === e && r.status === 'ok' && r.medianSec);
  return rows.map((r) => {
    const out: RatedRow = { ...r, tsrnnSpeedup: null, pctOfMatmul: null };
    const mm = find('matmul', r.engine);
    if (r.gflops !== null && mm?.gflops && r.workload !== 'matmul') out.pctOfMatmul = (100 * r.gflops) / mm.gflops;
    if (r.status !== 'ok' || !r.medianSec) return out;
    if (!isTsrnn(r.engine)) {
      const mine = ref ? find(r.workload, ref) : undefined;
      if (mine?.medianSec) out.tsrnnSpeedup = r.medianSec / mine.medianSec;
    } else if (r.engine !== ref || PEER_WORKLOAD[r.workload]) {
      const pw = PEER_WORKLOAD[r.workload] ?? r.workload;
      const vs: Record<string, number> = {};
      for (const e of engines.filter((x) => !isTsrnn(x))) {
        const p = find(pw, e);
        if (p?.medianSec) vs[e] = p.medianSec / r.medianSec;
      }
      out.speedupVs = vs;
    }
    return out;
  });
}

const fmtSec = (s: number | null): string =>
  s === null ? '—' : s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : s >= 1 ? `${s.toFixed(2)} s` : s >= 0.1 ? `${s.toFixed(3)} s` : `${(s * 1000).toFixed(2)} ms`;
const fmtNum = (x: number | null, digits = 1): string => {
  if (x === null || !Number.isFinite(x)) return '—';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  return x >= 100 ? x.toFixed(0) : x.toFixed(digits);
};
const fmtRatio = (x: number | null | undefined): string => (x === null || x === undefined ? '' : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`);

/** Short tags for the notes column, with their legend. */
export function rowTags(r: Row, notesByEngine: Record<string, string[]>): string[] {
  const tags: string[] = [];
  const usesEmbeddingGrad = r.workload === 'text' || r.workload === 'pos';
  if (usesEmbeddingGrad && r.engine === 'tfjs-cpu') tags.push('a');
  if (usesEmbeddingGrad && r.engine === 'tfjs-wasm' && (notesByEngine[r.engine] ?? []).some((n) => n.includes('was registered'))) tags.push('b');
  if (r.engine === 'tfjs-wasm') tags.push('c');
  const timed = r.timesSec.reduce((a, b) => a + b, 0);
  if (r.cpuShare !== null && r.cpuShare < 0.8 && timed > 1 && r.status === 'ok') tags.push('d');
  if (r.projected) tags.push('p');
  return tags;
}

export const TAG_LEGEND: Record<string, string> = {
  a: "tfjs-cpu: UnsortedSegmentSum (Embedding's gradient) patched to an O(tokens·dim) scatter-add; as shipped it is O(vocab·tokens·dim)",
  b: 'tfjs-wasm: no UnsortedSegmentSum kernel ships; a JS scatter-add over the wasm heap was registered',
  c: 'tfjs-wasm: SIMD on, 1 thread (Node gets no wasm threads)',
  d: 'the process got < 0.8 CPU-seconds per second while timed: the machine was busy, the time is inflated',
  p: 'projected (--max-epoch-sec): the epoch timed on its first k of n training batches, with the same share of the validation set, ' +
    'and scaled by n/k (the per-batch time is constant after warm-up)',
};

/** The 'p' legend's k of n for each projected row. */
function projectedList(rows: Row[]): string {
  return rows.filter((r) => r.projected)
    .map((r) => `${r.workload} ${r.engine} ${r.projected!.fromBatches} of ${r.projected!.ofBatches} (${r.projected!.measuredSec.toFixed(0)} s measured)`).join(', ');
}

const UNIT_SHORT: Record<string, string> = { epoch: 'epoch', fit: 'fit', call: 'call', matmul: 'call', batch: 'batch' };

export function formatTable(rows: RatedRow[], notesByEngine: Record<string, string[]>): string[] {
  const header = ['workload', 'engine', 'median', 'per', 'n', 'CPU-s', 'samples/s', 'GFLOP/s', '% matmul', 'peak MiB', 'tsrnn ×faster', 'notes'];
  const body: string[][] = [];
  const used = new Set<string>();
  for (const r of rows) {
    const tags = r.status === 'ok' ? rowTags(r, notesByEngine) : [];
    tags.forEach((t) => used.add(t));
    let ratio = fmtRatio(r.tsrnnSpeedup);
    if (r.speedupVs && Object.keys(r.speedupVs).length) {
      ratio = Object.entries(r.speedupVs).map(([e, x]) => `${fmtRatio(x)} vs ${e.replace('tfjs-', '')}`).join(', ');
    }
    if (r.status !== 'ok') {
      const what = r.status === 'timeout' ? 'timed out' : r.status;
      body.push([r.workload, r.engine, what, '', '', '', '', '', '', fmtNum(r.peakRssMB, 0), '', `${r.message ?? ''}`.slice(0, 200)]);
      continue;
    }
    body.push([
      r.workload, r.engine, fmtSec(r.medianSec), UNIT_SHORT[r.unit], String(r.timesSec.length),
      r.cpuShare === null || r.medianSec === null ? '—' : fmtSec(r.cpuShare * r.medianSec), fmtNum(r.samplesPerSec),
      r.gflops === null ? '—' : r.gflops.toFixed(r.gflops < 0.1 ? 4 : 2), r.pctOfMatmul === null ? '' : `${r.pctOfMatmul.toFixed(0)}%`,
      fmtNum(r.peakRssMB, 0), ratio, tags.join(','),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = new Set([2, 4, 5, 6, 7, 8, 9]);
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const b of body) {
    if (last && b[0] !== last) out.push('');
    last = b[0];
    out.push(line(b));
  }
  if (used.size) {
    out.push('');
    for (const t of [...used].sort()) out.push(`${t}: ${TAG_LEGEND[t]}${t === 'p' ? `: ${projectedList(rows)}` : ''}`);
  }
  return out;
}

/** Agreement of the engines: predictions on the same weights (infer) and the losses after training. */
export function sanityLines(rows: Row[], engines: string[]): { lines: string[]; checks: Record<string, unknown>[] } {
  const lines: string[] = [];
  const checks: Record<string, unknown>[] = [];
  const ref = engines.find(isTsrnn);
  const inf = rows.filter((r) => r.workload === 'infer' && r.status === 'ok');
  const mine = inf.find((r) => r.engine === ref);
  const pm = mine?.extra?.predictions as number[] | undefined;
  if (pm) {
    let lo = Infinity, hi = -Infinity;
    for (const v of pm) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (const r of inf.filter((x) => x !== mine)) {
      const p = r.extra?.predictions as number[] | undefined;
      if (!p || p.length !== pm.length) continue;
      let d = 0;
      for (let i = 0; i < p.length; i++) d = Math.max(d, Math.abs(p[i] - pm[i]));
      const ok = d <= 1e-4 * Math.max(1, hi - lo) + 1e-5;
      checks.push({ check: 'infer predictions', engines: [ref, r.engine], maxAbsDiff: d, range: [lo, hi], ok });
      lines.push(`infer: ${pm.length} predictions on the same weights, max |${ref} − ${r.engine}| = ${d.toExponential(2)} ` +
        `(predictions span ${lo.toFixed(4)}..${hi.toFixed(4)}): ${ok ? 'agree' : 'DISAGREE'}`);
    }
  }
  const byWorkload = new Map<string, Row[]>();
  for (const r of rows) {
    const logs = r.extra?.logs as Record<string, number[]> | undefined;
    if (r.status === 'ok' && logs?.loss) byWorkload.set(r.workload, [...(byWorkload.get(r.workload) ?? []), r]);
  }
  for (const [w, rs] of byWorkload) {
    const parts = rs.map((r) => {
      const logs = r.extra!.logs as Record<string, number[]>;
      const first = (k: string) => (logs[k] ? logs[k][0].toPrecision(4) : null);
      const val = first('val_loss');
      const pr = r.projected;
      checks.push({
        check: 'loss after first timed unit', workload: w, engine: r.engine, loss: logs.loss[0], valLoss: logs.val_loss?.[0] ?? null,
        ...(pr ? { batches: pr.fromBatches, ofBatches: pr.ofBatches } : {}),
      });
      return `${r.engine} ${first('loss')}${val ? ` (val ${val})` : ''}${pr ? ` (after ${pr.fromBatches}/${pr.ofBatches} batches)` : ''}`;
    });
    lines.push(`${w}: loss after the first timed ${rs[0].unit} (same initial weights, own shuffles): ${parts.join(', ')}` +
      (w === 'pos' ? " (tfjs's losses ignore masks: its loss averages over the padded steps too, tsrnn's over real tokens only, as Keras)" : ''));
  }
  return { lines, checks };
}
