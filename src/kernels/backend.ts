// Which kernels run: 'wasm' (WebAssembly SIMD on a shared memory, optionally on several threads) or 'js'
// (the plain TypeScript kernels: the reference, and the fallback where WebAssembly SIMD or shared memory is
// missing). The default is 'wasm' where it loads synchronously (Node, workers), else 'js' until
// `await setBackend('wasm')`. In Node, TSRNN_BACKEND=js|wasm and TSRNN_THREADS=n set the defaults.
//
// Both backends compute the same functions; results agree to float32 rounding (the wasm kernels sum in a
// different order and use their own exp/tanh, within 2 ulp). Switching backend applies to the next kernel
// call; a backward always runs on the backend its forward ran on.
import { arenaFloat32, arenaStats, arenaUint8, inArena } from './arena.js';
import { loadWasm, wasmAvailable, wasmFailure } from './wasm.js';
import { getNumThreads as threadsNow, setNumThreads as setThreads, readyWorkers, workerChunks } from './threads.js';

export type BackendName = 'wasm' | 'js';

let chosen: BackendName | null = null;
let active: BackendName | null = null;

function env(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.[name];
}

function resolve(): BackendName {
  if (active) return active;
  const want = chosen ?? (env('TSRNN_BACKEND') === 'js' ? 'js' : 'wasm');
  if (want === 'wasm' && wasmAvailable()) {
    const t = Number(env('TSRNN_THREADS'));
    if (!chosen && Number.isInteger(t) && t >= 1) setThreads(t);
    active = 'wasm';
  } else {
    active = 'js';
  }
  return active;
}

/** The backend the next kernel call uses. */
export function getBackend(): BackendName {
  return resolve();
}

/** Whether kernels should take the wasm path now (cheap: called by every kernel). */
export function useWasm(): boolean {
  return (active ?? resolve()) === 'wasm';
}

/**
 * Chooses the backend (as tf.setBackend). Resolves to true when it is active; 'wasm' resolves to false (and
 * 'js' stays) where WebAssembly SIMD or shared memory is unavailable: see backendInfo().reason.
 */
export async function setBackend(name: BackendName): Promise<boolean> {
  if (name !== 'wasm' && name !== 'js') throw new RangeError(`setBackend: unknown backend '${name}' (expected 'wasm' or 'js')`);
  chosen = name;
  if (name === 'js') {
    active = 'js';
    return true;
  }
  const ok = await loadWasm();
  active = ok ? 'wasm' : 'js';
  return ok;
}

/** The same, synchronously (Node and workers; a browser's main thread needs the async setBackend). */
export function setBackendSync(name: BackendName): boolean {
  if (name !== 'wasm' && name !== 'js') throw new RangeError(`setBackend: unknown backend '${name}' (expected 'wasm' or 'js')`);
  chosen = name;
  active = null;
  return resolve() === name;
}

/** Threads the wasm kernels use (the calling thread included); default: the number of cores, at most 4. */
export function setNumThreads(n: number): void {
  setThreads(n);
}
export function getNumThreads(): number {
  return threadsNow();
}

/**
 * How many of the caller's batches a forward-only pass (predict) should run through the layers together:
 * the thread count on the wasm backend, else 1. The kernels split a call's rows over the threads, so a
 * batch of 32 on two threads gives each 16 rows and pays a hand-over per layer and batch; grouping gives
 * each thread a whole batch per call and halves the calls. Rows never interact in inference, so the
 * grouping changes no result beyond float rounding.
 */
export function inferenceGroup(): number {
  return useWasm() ? threadsNow() : 1;
}

/** What is running, for logs and benchmarks. */
export function backendInfo(): {
  backend: BackendName; threads: number; workersReady: number; workerChunks: number; reason: string; arena: ReturnType<typeof arenaStats>;
} {
  const backend = resolve();
  return {
    backend, threads: threadsNow(), workersReady: readyWorkers(), workerChunks: workerChunks(),
    reason: backend === 'wasm' ? '' : wasmFailure(), arena: arenaStats(),
  };
}

/**
 * A zero-filled Float32Array for weights and workspaces: in the wasm arena when that backend is active (the
 * kernels then use it in place), else an ordinary array.
 */
export function allocFloat32(n: number): Float32Array {
  return useWasm() ? arenaFloat32(n) : new Float32Array(n);
}

/** A zero-filled Uint8Array (masks), in the arena when the wasm backend is active. */
export function allocUint8(n: number): Uint8Array {
  return useWasm() ? arenaUint8(n) : new Uint8Array(n);
}

/** A zero-filled Float32Array as long as v, in the arena iff v is (gradients next to their weights). */
export function allocLike(v: Float32Array): Float32Array {
  return inArena(v) ? arenaFloat32(v.length) : new Float32Array(v.length);
}
