// Shared by the io tests: layer registration, seeded inputs, temp dirs, tfjs artifacts on disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import '../../src/layers/index.js';
import { isLayerRegistered, registerLayer } from '../../src/layers/registry.js';
import { LSTM, LSTMArgs } from '../../src/layers/lstm.js';
import { GRU, GRUArgs } from '../../src/layers/gru.js';
import { Random } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';

// src/layers/index.ts registers every finished layer; LSTM and GRU are registered here until it does.
if (!isLayerRegistered('LSTM')) registerLayer('LSTM', (c) => new LSTM(c as unknown as LSTMArgs));
if (!isLayerRegistered('GRU')) registerLayer('GRU', (c) => new GRU(c as unknown as GRUArgs));

export { isLayerRegistered };

/** Uniform values in [lo, hi) from a seeded stream, as a tsrnn tensor and a plain array. */
export function randomInput(shape: number[], seed: number, lo = -1, hi = 1): { t: Tensor; values: number[] } {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = r.uniformRange(lo, hi);
  return { t: new Tensor(data, shape), values: Array.from(data) };
}

/** Random integer ids in [0, vocab), for Embedding inputs. */
export function randomIds(shape: number[], vocab: number, seed: number): { t: Tensor; values: number[] } {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = r.int(vocab);
  return { t: new Tensor(data, shape), values: Array.from(data) };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tsrnn-io-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes tfjs artifacts exactly as tfjs-node's file:// handler does (independent of tsrnn's handler). */
export async function writeTfjsFiles(dir: string, artifacts: Record<string, unknown>): Promise<void> {
  const { weightData, weightSpecs, ...rest } = artifacts as { weightData: ArrayBuffer; weightSpecs: unknown[] } & Record<string, unknown>;
  const modelJSON: Record<string, unknown> = {
    modelTopology: rest.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
    format: rest.format,
    generatedBy: rest.generatedBy,
    convertedBy: rest.convertedBy,
  };
  if (rest.trainingConfig != null) modelJSON.trainingConfig = rest.trainingConfig;
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJSON));
  await writeFile(join(dir, 'weights.bin'), Buffer.from(weightData));
}

/** One file out of a zip archive (a .keras file), stored or deflated. */
export function readZipEntry(zipPath: string, name: string): Buffer {
  const z = readFileSync(zipPath);
  let eocd = -1;
  for (let i = z.length - 22; i >= 0; i--) {
    if (z.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath}: no zip end record`);
  const count = z.readUInt16LE(eocd + 10);
  let p = z.readUInt32LE(eocd + 16);
  for (let k = 0; k < count; k++) {
    const method = z.readUInt16LE(p + 10);
    const csize = z.readUInt32LE(p + 20);
    const nlen = z.readUInt16LE(p + 28);
    const xlen = z.readUInt16LE(p + 30);
    const clen = z.readUInt16LE(p + 32);
    const local = z.readUInt32LE(p + 42);
    const entry = z.subarray(p + 46, p + 46 + nlen).toString('utf8');
    if (entry === name) {
      const start = local + 30 + z.readUInt16LE(local + 26) + z.readUInt16LE(local + 28);
      const data = z.subarray(start, start + csize);
      return method === 0 ? Buffer.from(data) : inflateRawSync(data);
    }
    p += 46 + nlen + xlen + clen;
  }
  throw new Error(`${zipPath}: no entry ${name}`);
}
