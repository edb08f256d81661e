// The benchmark's command line and the settings every child process receives.
// `npm run bench -- --help` prints USAGE.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The corpora live beside the repository: <repo>/../shared (see ../shared/README.md). */
const DEFAULT_UD = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/ud-english-ewt');

export const ENGINES = ['tsrnn', 'tfjs-cpu', 'tfjs-wasm'] as const;

/** Workload ids in run order; `--only` also takes their numbers (0..8). */
export const WORKLOAD_IDS = [
  'matmul', 'seed', 'mult-simplernn', 'mult-lstm', 'mult-gru', 'mult-gru-ra', 'text', 'pos', 'infer', 'memory',
] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

const NUMBERED: Record<string, WorkloadId[]> = {
  '0': ['matmul'], '1': ['seed'], '2': ['mult-simplernn'], '3': ['mult-lstm'], '4': ['mult-gru', 'mult-gru-ra'],
  '5': ['text'], '6': ['pos'], '7': ['infer'], '8': ['memory'],
};

export interface BenchOptions {
  quick: boolean;
  only: WorkloadId[];
  /** Engine names: tsrnn, tfjs-cpu, tfjs-wasm, and tsrnn-t<N> / tsrnn-<backend> variants when tsrnn offers them. */
  engines: string[];
  /** Most timed epochs (or timed calls of whole-fit workloads) per child. */
  epochs: number;
  /** Seconds of timed work: another timed epoch starts only if it should end within them (always at least one). */
  budget: number;
  /** Seconds before a child is killed and reported as timed out. */
  timeout: number;
  /** An epoch estimated longer than this is timed on its first batches and projected (0: always whole epochs). */
  maxEpochSec: number;
  out: string | null;
  udDir: string;
  posSentences: number;
  posMaxLen: number;
  seed: number;
  /** Run the memory workload on the tfjs engines too (a tenth of tsrnn's batches). */
  memoryPeers: boolean;
  /** Add the matmul rate rows (needed for the "% of matmul" column); on unless --no-matmul. */
  matmul: boolean;
  verbose: boolean;
  /** --tsrnn-threads or --tsrnn-backend was given (else run.ts adds tsrnn-t1 beside a multi-threaded default). */
  tsrnnVariantsGiven: boolean;
}

export const USAGE = `npm run bench [-- options]

Runs every workload for tsrnn and for @tensorflow/tfjs 4.22 ('cpu' and 'wasm' backends), one child
process per (workload, engine), and prints a table; the same goes to bench/results/<time>.json.

  --quick                 small data and one timed epoch per child (a smoke test, ~1-2 min)
  --only <list>           workloads by id or number (comma-separated):
                            0 matmul, 1 seed, 2 mult-simplernn, 3 mult-lstm, 4 mult-gru (+ mult-gru-ra),
                            5 text, 6 pos, 7 infer, 8 memory (tsrnn: memory over 10,000 batches)
  --engines <list>        default tsrnn,tfjs-cpu,tfjs-wasm; 'tsrnn' is tsrnn's defaults (wasm backend,
                          min(cores, 4) threads), and tsrnn-t1 (one thread, like both tfjs engines) is added
                          when that default is more than one thread
  --tsrnn-threads <list>  e.g. 1,2: tsrnn engines tsrnn-t1, tsrnn-t2 instead (tsrnn.setNumThreads)
  --tsrnn-backend <list>  e.g. js,wasm: tsrnn engines tsrnn-js, tsrnn-wasm instead (tsrnn.setBackend);
                          with --tsrnn-threads too, every pair (tsrnn-wasm-t2)
  --epochs <k>            most timed epochs per child (default 3; --quick 1)
  --budget <s>            another timed epoch starts only if, as long as the last, it ends within this many
                          seconds of timed work (default 45; --quick 5)
  --max-epoch-sec <s>     an epoch estimated (from the warm-up) to take longer is timed on its first k of n
                          batches (k ≥ 8, about <s> seconds' worth, with the same share of the validation
                          set) and reported × n/k, note 'p' (default 60; 0 = always whole epochs)
  --timeout <s>           kill a child after this many seconds, row "timed out" (default 900; --quick 120)
  --out <file>            JSON path (default bench/results/<time>.json)
  --ud-dir <dir>          UD English-EWT folder (default ../shared/data/ud-english-ewt)
  --pos-sentences <n>     training sentences for the POS epoch (default 1024; 0 = all 12,544)
  --pos-maxlen <n>        fixed padded length of POS sentences (default 64; longer ones are cut)
  --seed <n>              data and weight seed (default 1)
  --memory-peers          run the memory workload on the tfjs engines too: 1,000 batches sampled every 100
                          (about 1.5 min on tfjs-wasm, 5 min on tfjs-cpu); default tsrnn only
  --no-matmul             skip the matmul rate rows
  --verbose               show each child's output
`;

export function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    quick: false, only: [...WORKLOAD_IDS], engines: [...ENGINES], epochs: NaN, budget: NaN, timeout: NaN, maxEpochSec: 60, out: null,
    udDir: DEFAULT_UD, posSentences: 1024, posMaxLen: 64, seed: 1, memoryPeers: false, matmul: true, verbose: false,
    tsrnnVariantsGiven: false,
  };
  let threads: string[] = [];
  let backends: string[] = [];
  const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = (min: number): number => {
      const s = val();
      const n = Number(s);
      if (!Number.isFinite(n) || n < min) throw new Error(`${a}: expected a number ≥ ${min}, got ${JSON.stringify(s)}`);
      return n;
    };
    switch (a) {
      case '--quick': o.quick = true; break;
      case '--only': {
        const ids: WorkloadId[] = [];
        for (const w of list(val())) {
          if (NUMBERED[w]) ids.push(...NUMBERED[w]);
          else if ((WORKLOAD_IDS as readonly string[]).includes(w)) ids.push(w as WorkloadId);
          else throw new Error(`--only: unknown workload ${JSON.stringify(w)} (known: ${WORKLOAD_IDS.join(', ')} or 0-8)`);
        }
        o.only = WORKLOAD_IDS.filter((w) => ids.includes(w));
        break;
      }
      case '--engines': {
        o.engines = list(val());
        for (const e of o.engines) {
          if (!(ENGINES as readonly string[]).includes(e)) throw new Error(`--engines: unknown engine ${JSON.stringify(e)} (known: ${ENGINES.join(', ')})`);
        }
        break;
      }
      case '--tsrnn-threads': threads = list(val()); break;
      case '--tsrnn-backend': backends = list(val()); break;
      case '--epochs': o.epochs = Math.floor(num(1)); break;
      case '--budget': o.budget = num(0); break;
      case '--timeout': o.timeout = num(1); break;
      case '--max-epoch-sec': o.maxEpochSec = num(0); break;
      case '--out': o.out = resolve(val()); break;
      case '--ud-dir': o.udDir = resolve(val()); break;
      case '--pos-sentences': o.posSentences = Math.floor(num(0)); break;
      case '--pos-maxlen': o.posMaxLen = Math.floor(num(2)); break;
      case '--seed': o.seed = Math.floor(num(0)); break;
      case '--memory-peers': o.memoryPeers = true; break;
      case '--no-matmul': o.matmul = false; break;
      case '--verbose': o.verbose = true; break;
      case '--help': case '-h': throw new HelpRequested();
      default: throw new Error(`unknown option ${JSON.stringify(a)}\n\n${USAGE}`);
    }
  }
  if (Number.isNaN(o.epochs)) o.epochs = o.quick ? 1 : 3;
  if (Number.isNaN(o.budget)) o.budget = o.quick ? 5 : 45;
  if (Number.isNaN(o.timeout)) o.timeout = o.quick ? 120 : 900;
  // the matmul rows are the yardstick of the "% of matmul" column: always run unless --no-matmul
  if (o.matmul && !o.only.includes('matmul')) o.only = ['matmul', ...o.only];
  if (!o.matmul) o.only = o.only.filter((w) => w !== 'matmul');
  // tsrnn variants: tsrnn-t2 (threads), tsrnn-wasm (backend), tsrnn-wasm-t2 (both)
  o.tsrnnVariantsGiven = threads.length > 0 || backends.length > 0;
  if (o.tsrnnVariantsGiven && o.engines.includes('tsrnn')) {
    const bs = backends.length ? backends : [''];
    const ts = threads.length ? threads : [''];
    const variants = bs.flatMap((b) => ts.map((t) => ['tsrnn', b, t ? `t${t}` : ''].filter(Boolean).join('-')));
    const at = o.engines.indexOf('tsrnn');
    o.engines.splice(at, 1, ...variants);
  }
  return o;
}

export class HelpRequested extends Error {}

/** tsrnn-wasm-t2 → {backend: 'wasm', threads: 2}; plain tsrnn → {}. */
export function tsrnnVariant(engine: string): { backend?: string; threads?: number } {
  const parts = engine.split('-').slice(1);
  const v: { backend?: string; threads?: number } = {};
  for (const p of parts) {
    if (/^t\d+$/.test(p)) v.threads = Number(p.slice(1));
    else v.backend = p;
  }
  return v;
}

export const isTsrnn = (engine: string): boolean => engine === 'tsrnn' || engine.startsWith('tsrnn-');
