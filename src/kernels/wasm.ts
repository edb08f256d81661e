// The WebAssembly core (assembly/, embedded as base64 in wasm-binary.ts): loading it, and what every
// kernel glue file needs around a call: addresses for its arrays, scratch memory, argument blocks, and
// running a parallel kernel over chunks of the batch (threads.ts).
//
// Arrays that already live in the arena (layers' weights and workspaces) are passed by address. Any other
// Float32Array or Uint8Array is copied into a temporary arena block first, and copied back after the call
// when the kernel writes it: slower, but every caller gets the same results whatever its arrays are.
import { WASM_BASE64 } from './wasm-binary.js';
import { allocBytes, arenaBuffer, createArena, inArena, release } from './arena.js';
import { CONTROL_INTS, runChunks, ThreadHost } from './threads.js';
import type { ActivationName } from './activations.js';

/** The parallel kernels, in the order the workers index them. */
export const PARALLEL_KERNELS = [
  'lstmForward', 'lstmBackward', 'gruForward', 'gruBackward', 'simpleRnnForward', 'simpleRnnBackward', 'denseForward', 'denseBackward',
] as const;
export type ParallelKernel = (typeof PARALLEL_KERNELS)[number];

type Fn = (...a: number[]) => void;
export interface WasmExports {
  heapBase(): number;
  gemm(C: number, ldc: number, A: number, sai: number, sak: number, B: number, ldb: number, M: number, K: number, N: number, acc: number): void;
  transpose(dst: number, src: number, lds: number, R: number, C: number): void;
  addInto(dst: number, src: number, n: number): void;
  lstmForward: Fn; lstmBackward: Fn; gruForward: Fn; gruBackward: Fn;
  simpleRnnForward: Fn; simpleRnnBackward: Fn; denseForward: Fn; denseBackward: Fn;
}

/** Activation codes of assembly/common.ts (A_LINEAR ...), by name; softmax and swish have none. */
const ACTIVATION_CODES: Partial<Record<ActivationName, number>> = {
  linear: 0, relu: 1, relu6: 2, sigmoid: 3, tanh: 4, hardSigmoid: 5, elu: 6, selu: 7, softplus: 8, softsign: 9, exponential: 10,
};
/** The wasm code of an activation, or -1 when the kernels do not have it. */
export function activationCode(a: ActivationName): number {
  return ACTIVATION_CODES[a] ?? -1;
}

let state: 'unloaded' | 'ready' | 'failed' = 'unloaded';
let failure = '';
let ex: WasmExports | null = null;
let host: ThreadHost | null = null;
let argsAddr = 0;

function bytesOf(b64: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(s: string, e: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(b64, 'base64'));
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// A tiny module using one SIMD instruction: validates only where WebAssembly SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

function arenaOrThrow(): WebAssembly.Memory {
  const memory = createArena(0);
  if (!memory) throw new Error('shared WebAssembly memory is unavailable (a browser page needs cross-origin isolation)');
  return memory;
}

function adopt(m: WebAssembly.Module, inst: WebAssembly.Instance, memory: WebAssembly.Memory): void {
  ex = inst.exports as unknown as WasmExports;
  if (ex.heapBase() > 4096) throw new Error(`the wasm module's static data ends at ${ex.heapBase()}, above the arena's start`);
  const control = allocBytes(4 * CONTROL_INTS);
  new Int32Array(arenaBuffer(), control, CONTROL_INTS).fill(0);
  argsAddr = allocBytes(4 * ARG_INTS);
  host = { module: m, memory, control, names: [...PARALLEL_KERNELS] };
  state = 'ready';
}

function precheck(): boolean {
  if (typeof WebAssembly !== 'object') {
    failure = 'WebAssembly is not available';
    return false;
  }
  if (typeof SharedArrayBuffer !== 'function') {
    // browsers expose it only to cross-origin isolated pages
    failure = 'SharedArrayBuffer is not available (a browser page needs cross-origin isolation: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
    return false;
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    failure = 'WebAssembly SIMD is not supported';
    return false;
  }
  return true;
}

/**
 * Whether loading may start: not while ready or failed, nor where precheck fails (which marks it failed for
 * good). Then the arena memory the instance will import.
 */
function startLoad(): WebAssembly.Memory | null {
  if (state !== 'unloaded') return null;
  if (!precheck()) {
    state = 'failed';
    return null;
  }
  return arenaOrThrow();
}

/** Loads the module synchronously (fine in Node and workers; browsers' main threads need loadWasm). */
export function wasmAvailable(): boolean {
  if (state === 'ready') return true;
  try {
    const memory = startLoad();
    if (!memory) return false;
    const m = new WebAssembly.Module(bytesOf(WASM_BASE64) as BufferSource);
    adopt(m, new WebAssembly.Instance(m, { env: { memory } }), memory);
    return true;
  } catch (e) {
    // a browser main thread refuses to compile large modules synchronously: leave it to loadWasm
    failure = (e as Error).message;
    return false;
  }
}

/** Loads the module asynchronously (browsers). Resolves to whether the wasm kernels can run. */
export async function loadWasm(): Promise<boolean> {
  if (state === 'ready') return true;
  try {
    const memory = startLoad();
    if (!memory) return false;
    const m = await WebAssembly.compile(bytesOf(WASM_BASE64) as BufferSource);
    adopt(m, await WebAssembly.instantiate(m, { env: { memory } }), memory);
    return true;
  } catch (e) {
    failure = (e as Error).message;
    state = 'failed';
    return false;
  }
}

/** Why the wasm kernels are unavailable ('' when they are). */
export function wasmFailure(): string {
  return state === 'ready' ? '' : failure;
}

export function wasm(): WasmExports {
  if (!ex && !wasmAvailable()) throw new Error(`the wasm kernels are unavailable: ${failure}`);
  return ex!;
}

// ---- one call's arrays --------------------------------------------------------------------------------

const ARG_INTS = 64;
interface Staged {
  view: Float32Array | Uint8Array;
  addr: number;
  n: number;
  back: boolean;
}
const staged: Staged[] = [];

let argsView: Int32Array | null = null;
/** The argument block for the next call (ARG_INTS i32s, reused by every call). */
export function args(): Int32Array {
  if (!argsView) {
    wasm();
    argsView = new Int32Array(arenaBuffer(), argsAddr, ARG_INTS);
  }
  return argsView;
}

function stage(a: Float32Array | Uint8Array, n: number, copyIn: boolean, back: boolean): number {
  const bytes = n * a.BYTES_PER_ELEMENT;
  const addr = allocBytes(bytes);
  if (copyIn) {
    if (a instanceof Float32Array) new Float32Array(arenaBuffer(), addr, n).set(a.subarray(0, n));
    else new Uint8Array(arenaBuffer(), addr, n).set(a.subarray(0, n));
  }
  staged.push({ view: a, addr, n, back });
  return addr;
}

function check(a: Float32Array | Uint8Array, n: number, what: string): void {
  if (a.length < n) throw new Error(`wasm kernel: ${what} has ${a.length} values, needs ${n}`);
}

/** Address of an input read by the kernel (n values used); 0 for null. */
export function inp(a: Float32Array | Uint8Array | null, n: number, what = 'input'): number {
  if (!a) return 0;
  check(a, n, what);
  return inArena(a) ? a.byteOffset : stage(a, n, true, false);
}
/** Address of an output the kernel overwrites. */
export function out(a: Float32Array | null, n: number, what = 'output'): number {
  if (!a) return 0;
  check(a, n, what);
  return inArena(a) ? a.byteOffset : stage(a, n, false, true);
}
/** Address of an array the kernel reads and writes (gradients it adds into, states it updates). */
export function io(a: Float32Array | null, n: number, what = 'array'): number {
  if (!a) return 0;
  check(a, n, what);
  return inArena(a) ? a.byteOffset : stage(a, n, true, true);
}

/** After the call: copies staged outputs back and frees the temporaries. */
export function finish(): void {
  const buf = arenaBuffer();
  for (const s of staged) {
    if (s.back) (s.view as Float32Array).set(new Float32Array(buf, s.addr, s.n));
    release(s.addr);
  }
  staged.length = 0;
}

/** Drops the temporaries without copying back (after a failed call). */
export function abandon(): void {
  for (const s of staged) release(s.addr);
  staged.length = 0;
}

// ---- scratch ------------------------------------------------------------------------------------------

// Grow-only blocks by name, shared by all calls (one call runs at a time): transposed weights, partial
// gradients of the chunks, per-row temporaries.
const scratchBlocks = new Map<string, { addr: number; bytes: number }>();

/** Address of a scratch block of at least n floats, valid during the current call. */
export function scratch(name: string, n: number): number {
  const need = Math.max(1, n) * 4;
  const s = scratchBlocks.get(name);
  if (s && s.bytes >= need) return s.addr;
  if (s) release(s.addr);
  const bytes = Math.ceil(need * 1.25);
  const addr = allocBytes(bytes);
  scratchBlocks.set(name, { addr, bytes });
  return addr;
}

/** dst (C,R) = srcᵀ for src (R,C), into a scratch block: B operands of the products. */
export function transposed(name: string, srcAddr: number, R: number, C: number): number {
  const dst = scratch(name, R * C);
  wasm().transpose(dst, srcAddr, C, R, C);
  return dst;
}

// ---- running --------------------------------------------------------------------------------------------

/** Work (multiply-adds) below which a call stays on one thread: waking workers costs more than it saves. */
let parallelMinWork = 2e6;
/** For tests: force threading on tiny shapes (0) or restore the default. */
export function setParallelThreshold(work: number): void {
  parallelMinWork = work;
}

const CHUNKS_PER_THREAD = 2;

/**
 * How many chunks a call over `rows` batch rows with `work` multiply-adds is split into: a fixed number for
 * a given shape and thread count (so results never depend on timing), two per thread while each keeps at
 * least 8 rows, so that a thread the OS delays leaves its second chunk to the others.
 */
export function chunksFor(rows: number, work: number, threads: number): number {
  if (threads <= 1 || work < parallelMinWork) return 1;
  const per = rows >= 8 * CHUNKS_PER_THREAD * threads ? CHUNKS_PER_THREAD : 1;
  return Math.max(1, Math.min(threads * per, rows, 1023));
}

/** Runs a parallel kernel over `chunks` chunks (the argument block from args()). */
export function run(kernel: ParallelKernel, chunks: number): void {
  const e = wasm();
  runChunks(host!, PARALLEL_KERNELS.indexOf(kernel), e[kernel] as (a: number, c: number, n: number) => void, argsAddr, chunks);
}

/**
 * Runs a backward kernel that splits its weight gradients by chunk: chunk 0 adds into the gradients, chunk
 * c ≥ 1 writes its own block of partials (the gradients laid end to end, in the order of `grads`), and the
 * blocks are summed here in chunk order, so the result depends on the chunk count only. a[at] receives the
 * partials' address and a[at + 1] the block's length in floats. grads: [address (0: absent), length].
 */
export function runReduced(kernel: ParallelKernel, chunks: number, a: Int32Array, at: number, grads: readonly [number, number][]): void {
  let stride = 0;
  for (const [, n] of grads) stride += n;
  const part = chunks > 1 ? scratch('partials', (chunks - 1) * stride) : 0;
  a[at] = part;
  a[at + 1] = stride;
  run(kernel, chunks);
  const e = wasm();
  for (let c = 1; c < chunks; c++) {
    let p = part + (c - 1) * stride * 4;
    for (const [dst, n] of grads) {
      if (dst && n > 0) e.addInto(dst, p, n);
      p += n * 4;
    }
  }
}
