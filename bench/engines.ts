// One adapter per engine, so the child runs the same code for tsrnn and tfjs: build a model from a
// definition, make tensors, read them back, time a large matmul. tfjs is imported only by tfjs
// children, so a tsrnn child's memory holds tsrnn alone.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import * as tsrnn from '../src/index.js';
import { matmulNN } from '../src/kernels/gemm.js';
import { isTsrnn, tsrnnVariant } from './options.js';
import type { LayersNs, ModelDef } from './workloads.js';

/** What the child needs of a model: the tfjs / tsrnn Sequential surface. */
export interface ModelLike {
  compile(args: { optimizer: string; loss: string }): void;
  fit(x: unknown, y: unknown, args: Record<string, unknown>): Promise<{ history: Record<string, number[]> }>;
  predict(x: unknown, args?: { batchSize?: number }): unknown;
}

export interface Engine {
  name: string;
  /** Settings worth recording (backend, SIMD, threads, versions). */
  info: Record<string, unknown>;
  /** Lines for the table's notes (patched kernels, missing threads). */
  notes: string[];
  /** Builds the model with tsrnn's seeded initial weights. */
  build(def: ModelDef, seed: number): ModelLike;
  tensor(a: { data: Float32Array; shape: number[] }): unknown;
  read(t: unknown): Float32Array;
  dispose(t: unknown): void;
  /** Seconds of one M×K×N matmul, `reps` times after a warm-up, with the result read back. */
  matmulTimes(n: number, reps: number, budgetSec: number): number[];
  /** The engine's own memory accounting (tsrnn: its wasm arena; tfjs: tf.memory()), MiB or counts. */
  memory(): Record<string, number>;
}

const MiB = 2 ** 20;

function randomMatrix(n: number, seed: number): Float32Array {
  const r = new tsrnn.Random(seed);
  const a = new Float32Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = r.uniform() * 2 - 1;
  return a;
}

function tsrnnModel(def: ModelDef, seed: number): tsrnn.Sequential {
  tsrnn.setSeed(seed);
  const m = tsrnn.sequential({ layers: def(tsrnn.layers as unknown as LayersNs) as tsrnn.Layer[] });
  if (!m.built) throw new Error('model definition must give the first layer an inputShape');
  return m;
}

/**
 * tf.layers with recurrent layers initialised by glorotUniform instead of orthogonal: the weights are
 * overwritten with tsrnn's at once, and tfjs's orthogonal initializer (a QR decomposition in tfjs ops)
 * takes a minute on the cpu backend for a 128×512 matrix. The computation is unchanged.
 */
function cheapInit(L: LayersNs): LayersNs {
  const out: LayersNs = { ...L };
  for (const k of ['simpleRNN', 'lstm', 'gru']) {
    out[k] = (args: Record<string, unknown>) => L[k]({ recurrentInitializer: 'glorotUniform', ...args });
  }
  return out;
}

/** Times fn after one warm-up call: at least `reps` calls and 0.3 s in all, stopping at `budgetSec` (but never before 3 calls). */
function timeReps(reps: number, budgetSec: number, fn: () => void): number[] {
  fn(); // warm-up
  const times: number[] = [];
  let total = 0;
  while (times.length < reps || total < 0.3) {
    const t0 = performance.now();
    fn();
    const dt = (performance.now() - t0) / 1000;
    times.push(dt);
    total += dt;
    if (total > budgetSec && times.length >= 3) break;
  }
  return times;
}

export async function tsrnnEngine(name: string): Promise<Engine> {
  const v = tsrnnVariant(name);
  const api = tsrnn as unknown as Record<string, (...a: unknown[]) => unknown>;
  const info: Record<string, unknown> = { library: 'tsrnn (src/ via tsx)' };
  if (v.backend !== undefined) {
    if (typeof api.setBackend !== 'function') throw new Error(`${name}: this tsrnn has no setBackend (asked for backend ${v.backend})`);
    const ok = await api.setBackend(v.backend);
    if (ok === false) throw new Error(`${name}: tsrnn.setBackend('${v.backend}') failed: ${JSON.stringify(api.backendInfo?.())}`);
  }
  if (v.threads !== undefined) {
    if (typeof api.setNumThreads !== 'function') throw new Error(`${name}: this tsrnn has no setNumThreads (asked for ${v.threads} threads)`);
    api.setNumThreads(v.threads);
  }
  const notes: string[] = [];
  if (typeof api.backendInfo === 'function') {
    const b = api.backendInfo() as { backend: string; threads: number; reason?: string };
    Object.assign(info, { backend: b.backend, threads: b.backend === 'wasm' ? b.threads : 1 });
    if (b.reason) info.backendReason = b.reason;
    notes.push(`${name}: backend ${b.backend}${b.backend === 'wasm' ? `, ${b.threads} thread${b.threads > 1 ? 's' : ''}` : ''}`);
  }
  // tsrnn's own matrix product, as the layers call it: the Dense kernel (wasm or JS, whichever backend is
  // active) on arrays allocated where the backend keeps weights; older trees: the JS gemm.
  const dense = await import('../src/kernels/dense.js').catch(() => null);
  const backend = (await import('../src/kernels/backend.js').catch(() => null)) as { allocFloat32?: (n: number) => Float32Array } | null;
  return {
    name, info, notes,
    build: (def, seed) => tsrnnModel(def, seed) as unknown as ModelLike,
    tensor: (a) => new tsrnn.Tensor(a.data, a.shape),
    read: (t) => (t as tsrnn.Tensor).data,
    dispose: () => {},
    memory: (): Record<string, number> => {
      if (typeof api.backendInfo !== 'function') return {};
      const a = (api.backendInfo() as { arena?: { inUse: number; peak: number; memoryBytes: number; blocks: number } }).arena;
      return a ? { arenaInUseMiB: a.inUse / MiB, arenaPeakMiB: a.peak / MiB, arenaMemoryMiB: a.memoryBytes / MiB, arenaBlocks: a.blocks } : {};
    },
    matmulTimes: (n, reps, budget) => {
      const alloc = backend?.allocFloat32 ?? ((k: number) => new Float32Array(k));
      const A = alloc(n * n), B = alloc(n * n), C = alloc(n * n);
      A.set(randomMatrix(n, 1));
      B.set(randomMatrix(n, 2));
      // C (n,n) = A (n,n) · B (n,n)
      if (dense?.denseForward) return timeReps(reps, budget, () => dense.denseForward(A, B, null, C, null, n, n, n, 'linear'));
      return timeReps(reps, budget, () => matmulNN(C, 0, A, 0, B, 0, n, n, n, false));
    },
  };
}

export async function tfjsEngine(name: 'tfjs-cpu' | 'tfjs-wasm'): Promise<Engine> {
  const tf = await import('@tensorflow/tfjs');
  const { patchCpuSegmentSum, addWasmSegmentSum } = await import('./tfjs-kernels.js');
  const notes: string[] = [];
  const info: Record<string, unknown> = { library: `@tensorflow/tfjs ${tf.version.tfjs}` };
  if (name === 'tfjs-wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the wasm binaries are read from the file system: a directory path, not a URL.
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(join(dist, '/'));
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    Object.assign(info, { backend: 'wasm', simd, threads, wasmVersion: wasm.version_wasm });
    notes.push(`tfjs-wasm: SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off (Node gets none: no SharedArrayBuffer workers), 1 thread'}`);
    notes.push(addWasmSegmentSum(tf));
  } else {
    await tf.setBackend('cpu');
    await tf.ready();
    info.backend = 'cpu';
    notes.push(patchCpuSegmentSum(tf));
  }
  return {
    name, info, notes,
    build: (def, seed) => {
      const ref = tsrnnModel(def, seed);
      const m = tf.sequential({ layers: def(cheapInit(tf.layers as unknown as LayersNs)) as tfType.layers.Layer[] });
      const ws = ref.getWeights();
      const theirs = m.getWeights();
      if (ws.length !== theirs.length) throw new Error(`tfjs model has ${theirs.length} weight arrays, tsrnn ${ws.length}`);
      ws.forEach((w, i) => {
        if (w.shape.join(',') !== theirs[i].shape.join(',')) throw new Error(`weight ${i}: tsrnn [${w.shape}] vs tfjs [${theirs[i].shape}]`);
      });
      m.setWeights(ws.map((w) => tf.tensor(w.data, w.shape)));
      return m as unknown as ModelLike;
    },
    tensor: (a) => tf.tensor(a.data, a.shape),
    read: (t) => (t as tfType.Tensor).dataSync() as Float32Array,
    dispose: (t) => (t as tfType.Tensor).dispose(),
    memory: () => {
      const m = tf.memory();
      return { numTensors: m.numTensors, numDataBuffers: m.numDataBuffers, tensorMiB: m.numBytes / MiB };
    },
    matmulTimes: (n, reps, budget) => {
      const A = tf.tensor(randomMatrix(n, 1), [n, n]), B = tf.tensor(randomMatrix(n, 2), [n, n]);
      return timeReps(reps, budget, () => {
        const C = tf.matMul(A, B);
        C.dataSync();
        C.dispose();
      });
    },
  };
}

export async function makeEngine(name: string): Promise<Engine> {
  if (isTsrnn(name)) return tsrnnEngine(name);
  if (name === 'tfjs-cpu' || name === 'tfjs-wasm') return tfjsEngine(name);
  throw new Error(`unknown engine ${name}`);
}
