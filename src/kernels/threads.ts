// Worker threads for the wasm kernels: each runs its own instance of the same module on the same shared
// memory, and takes chunks of a kernel call (batch rows; see assembly/common.ts) as they come.
//
// A call is split into a fixed number of chunks (chunk c always writes the same partial gradient block,
// and the caller sums the blocks in chunk order), so results depend on the chunk count only, never on
// which thread ran which chunk or how many threads were ready: workers start asynchronously, and until
// one is ready the calling thread simply runs every chunk itself.
//
// Protocol, on an Int32Array control block in the shared memory:
//   SEQ   job counter; workers sleep on it (Atomics.wait) and wake on a change
//   NEXT  tag(12 bits: SEQ mod 4096) · chunks(10 bits) · next chunk index(10 bits); a chunk is claimed by a
//         compare-and-swap that also checks the tag, so a worker that wakes late can never claim a chunk of
//         a later job with the arguments of an earlier one
//   FN, ARGS  which export, and its argument block; read only after a successful claim (the job cannot
//         end, and these cannot change, while a claimed chunk is unfinished)
//   DONE  chunks finished; ERR set when a chunk threw; READY workers started; BY_WORKERS chunks workers ran (a statistic)
//   ACTIVE  how many workers may take chunks (setNumThreads - 1): workers past it stay asleep, kept for later
const SEQ = 0, NEXT = 1, FN = 2, ARGS = 3, DONE = 4, ERR = 5, READY = 6, BY_WORKERS = 7, ACTIVE = 8;
export const CONTROL_INTS = 12;

/** The worker's code, shared by Node (worker_threads, eval) and browsers (a Blob URL). */
const WORKER_BODY = `
function start(module, memory, ctlOffset, names, index) {
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  const fns = names.map((n) => inst.exports[n]);
  const ctl = new Int32Array(memory.buffer, ctlOffset, ${CONTROL_INTS});
  Atomics.add(ctl, ${READY}, 1);
  let seen = Atomics.load(ctl, ${SEQ});
  for (;;) {
    Atomics.wait(ctl, ${SEQ}, seen);
    seen = Atomics.load(ctl, ${SEQ});
    const tag = seen & 0xfff;
    if (index >= Atomics.load(ctl, ${ACTIVE})) continue;
    for (;;) {
      const v = Atomics.load(ctl, ${NEXT});
      if ((v >>> 20) !== tag) break;
      const n = (v >>> 10) & 1023, idx = v & 1023;
      if (idx >= n) break;
      if (Atomics.compareExchange(ctl, ${NEXT}, v, v + 1) !== v) continue;
      try {
        fns[Atomics.load(ctl, ${FN})](Atomics.load(ctl, ${ARGS}), idx, n);
      } catch (e) {
        Atomics.store(ctl, ${ERR}, 1);
      }
      Atomics.add(ctl, ${BY_WORKERS}, 1);
      Atomics.add(ctl, ${DONE}, 1);
      Atomics.notify(ctl, ${DONE});
    }
  }
}
`;

interface WorkerLike {
  terminate(): unknown;
}

let ctl: Int32Array | null = null;
let workers: WorkerLike[] = [];
let seq = 0;
let mainCanWait: boolean | null = null;

function defaultThreads(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number } };
  let n = g.navigator?.hardwareConcurrency ?? 0;
  if (!n) {
    const os = nodeBuiltin('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | null;
    n = os?.availableParallelism?.() ?? os?.cpus?.().length ?? 1;
  }
  return Math.max(1, Math.min(4, n));
}

let threads = 0; // 0: not chosen yet (defaultThreads on first use)

/** Node's built-in modules synchronously (process.getBuiltinModule, Node ≥ 20.16), else null. */
function nodeBuiltin(name: string): unknown {
  const p = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  try {
    return p?.getBuiltinModule?.(name) ?? null;
  } catch {
    return null;
  }
}

export function getNumThreads(): number {
  if (threads === 0) threads = defaultThreads();
  return threads;
}

/**
 * Sets how many threads (the calling one included) the kernels use; extra workers start on the next parallel
 * call. Workers beyond a lowered count stay asleep (they cost nothing) and serve again if it is raised.
 */
export function setNumThreads(n: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= 64)) throw new RangeError(`setNumThreads: expected an integer in [1, 64], got ${n}`);
  threads = n;
  if (ctl) Atomics.store(ctl, ACTIVE, n - 1);
}

/** Workers started and ready now. */
export function readyWorkers(): number {
  return ctl ? Atomics.load(ctl, READY) : 0;
}

/** Chunks the worker threads have run so far (all calls together). */
export function workerChunks(): number {
  return ctl ? Atomics.load(ctl, BY_WORKERS) : 0;
}

function spawn(module: WebAssembly.Module, memory: WebAssembly.Memory, ctlOffset: number, names: string[], index: number): WorkerLike | null {
  const wt = nodeBuiltin('node:worker_threads') as
    | { Worker: new (code: string, opts: object) => WorkerLike & { unref(): void; on(e: string, f: () => void): void } }
    | null;
  if (wt) {
    const code = `${WORKER_BODY}\nconst { workerData: d } = require('node:worker_threads');\nstart(d.module, d.memory, d.ctlOffset, d.names, d.index);\n`;
    const w = new wt.Worker(code, { eval: true, workerData: { module, memory, ctlOffset, names, index } });
    w.unref(); // never keeps a program alive
    w.on('error', () => {});
    return w;
  }
  const g = globalThis as unknown as {
    Worker?: new (url: string) => WorkerLike & { postMessage(m: unknown): void };
    Blob?: typeof Blob;
    URL?: typeof URL;
  };
  if (g.Worker && g.Blob && g.URL) {
    const code = `${WORKER_BODY}\nonmessage = (e) => { const d = e.data; start(d.module, d.memory, d.ctlOffset, d.names, d.index); };\n`;
    const url = g.URL.createObjectURL(new g.Blob([code], { type: 'text/javascript' }));
    const w = new g.Worker(url);
    w.postMessage({ module, memory, ctlOffset, names, index });
    return w;
  }
  return null;
}

export interface ThreadHost {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Address of CONTROL_INTS i32s in the shared memory for the control block. */
  control: number;
  names: string[];
}

function ensureWorkers(host: ThreadHost): void {
  if (!ctl) ctl = new Int32Array(host.memory.buffer, host.control, CONTROL_INTS);
  const want = getNumThreads() - 1;
  Atomics.store(ctl, ACTIVE, want);
  while (workers.length < want) {
    let w: WorkerLike | null = null;
    try {
      w = spawn(host.module, host.memory, host.control, host.names, workers.length);
    } catch {
      w = null; // a runtime that refuses workers (a sandbox, a strict CSP): run on this thread
    }
    if (!w) {
      threads = 1 + workers.length; // no worker support here
      return;
    }
    workers.push(w);
  }
}

/**
 * Runs fn(args, c, chunks) for c = 0..chunks-1, on this thread and the ready workers, and returns when all
 * are done. fnIndex names fn among host.names (what the workers call).
 */
export function runChunks(host: ThreadHost, fnIndex: number, fn: (a: number, c: number, n: number) => void, args: number, chunks: number): void {
  if (chunks <= 1 || getNumThreads() <= 1) {
    for (let c = 0; c < chunks; c++) fn(args, c, chunks);
    return;
  }
  ensureWorkers(host);
  const k = ctl!;
  if (Atomics.load(k, READY) === 0) {
    for (let c = 0; c < chunks; c++) fn(args, c, chunks);
    return;
  }
  seq = (seq + 1) | 0;
  const tag = seq & 0xfff;
  Atomics.store(k, FN, fnIndex);
  Atomics.store(k, ARGS, args);
  Atomics.store(k, DONE, 0);
  Atomics.store(k, ERR, 0);
  Atomics.store(k, NEXT, (tag << 20) | (chunks << 10));
  Atomics.store(k, SEQ, seq);
  Atomics.notify(k, SEQ);
  // take chunks here too, as the workers do
  let error: unknown = null;
  for (;;) {
    const v = Atomics.load(k, NEXT);
    const idx = v & 1023;
    if (idx >= chunks) break;
    if (Atomics.compareExchange(k, NEXT, v, v + 1) !== v) continue;
    try {
      fn(args, idx, chunks);
    } catch (e) {
      error = e;
    }
    Atomics.add(k, DONE, 1);
  }
  // wait for the chunks the workers took: spin briefly, then sleep where this thread may (Node, workers)
  let spins = 0;
  for (;;) {
    const d = Atomics.load(k, DONE);
    if (d >= chunks) break;
    if (++spins < 2000 || mainCanWait === false) continue;
    if (mainCanWait === null) {
      try {
        Atomics.wait(k, DONE, d, 1);
        mainCanWait = true;
      } catch {
        mainCanWait = false;
      }
    } else {
      Atomics.wait(k, DONE, d, 1);
    }
  }
  if (error) throw error;
  if (Atomics.load(k, ERR)) throw new Error('a wasm kernel failed in a worker thread');
}
