// weights.bin: every weight's values back to back, in manifest order, row-major, little-endian,
// with no header or padding (tfjs-core io_utils encodeWeights/decodeWeights). float32 takes 4 bytes a
// value, int32 4, bool 1; tfjs-converter's quantized weights take 1 (uint8) or 2 (uint16, float16).
import { ValueError } from '../errors.js';
import { sizeOf } from '../tensor.js';
import type { WeightData, WeightDType, WeightsManifestEntry } from './types.js';

/** A weight to write: its full name ('lstm/kernel'), shape and values. */
export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array;
  dtype?: 'float32' | 'int32';
}

/** A decoded weight: the manifest entry and its values as float32 (int32/bool/quantized converted). */
export interface DecodedWeight {
  spec: WeightsManifestEntry;
  values: Float32Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a manifest entry takes in the weight data. */
export function weightByteLength(spec: WeightsManifestEntry): number {
  const stored = spec.quantization ? spec.quantization.dtype : spec.dtype;
  const b = BYTES[stored];
  if (b === undefined) {
    throw new ValueError(`Weight '${spec.name}' has dtype '${stored}', which tsrnn cannot read (float32, int32, bool, or uint8/uint16/float16 quantized)`);
  }
  return sizeOf(checkShape(spec)) * b;
}

function checkShape(spec: WeightsManifestEntry): number[] {
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValueError(`Weight '${spec.name}' in the manifest has an invalid shape ${JSON.stringify(spec.shape)}`);
  }
  return spec.shape;
}

/** Concatenates the weights into one buffer and lists their manifest entries (tfjs's encodeWeights). */
export function encodeWeights(weights: NamedWeight[], group?: string): { data: ArrayBuffer; specs: WeightsManifestEntry[] } {
  let total = 0;
  for (const w of weights) {
    if (w.values.length !== sizeOf(w.shape)) {
      throw new ValueError(`Weight '${w.name}' has ${w.values.length} values but shape [${w.shape}] needs ${sizeOf(w.shape)}`);
    }
    total += w.values.length * 4;
  }
  const data = new ArrayBuffer(total);
  const view = new DataView(data);
  const specs: WeightsManifestEntry[] = [];
  let off = 0;
  for (const w of weights) {
    const dtype: WeightDType = w.dtype ?? (w.values instanceof Int32Array ? 'int32' : 'float32');
    const n = w.values.length;
    if (LITTLE_ENDIAN) {
      // the typed array's bytes are already little-endian: copy them as they are
      const src = dtype === 'int32' ? Int32Array.from(w.values) : w.values instanceof Float32Array ? w.values : Float32Array.from(w.values);
      new Uint8Array(data, off, n * 4).set(new Uint8Array(src.buffer, src.byteOffset, n * 4));
    } else if (dtype === 'int32') {
      for (let i = 0; i < n; i++) view.setInt32(off + 4 * i, w.values[i], true);
    } else {
      for (let i = 0; i < n; i++) view.setFloat32(off + 4 * i, w.values[i], true);
    }
    const spec: WeightsManifestEntry = { name: w.name, shape: w.shape.slice(), dtype };
    if (group !== undefined) spec.group = group;
    specs.push(spec);
    off += n * 4;
  }
  return { data, specs };
}

/** One contiguous view of the weight data (shards joined in order). */
export function joinWeightData(data: WeightData): Uint8Array {
  if (!Array.isArray(data)) return toBytes(data);
  const parts = data.map(toBytes);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

function toBytes(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (b instanceof ArrayBuffer || Object.prototype.toString.call(b) === '[object ArrayBuffer]') return new Uint8Array(b as ArrayBuffer);
  throw new ValueError(`Weight data must be an ArrayBuffer (or an array of them), got ${typeof b}`);
}

/**
 * Splits the weight data into one float32 array per manifest entry, in manifest order.
 * `source` names the data in errors ('weights.bin'). The data must hold exactly the bytes the
 * manifest describes: fewer (a truncated file) or more (a file from another model) is an error.
 */
export function decodeWeights(data: WeightData, specs: WeightsManifestEntry[], source = 'the weight data'): DecodedWeight[] {
  const bytes = joinWeightData(data);
  checkWeightBytes(specs, bytes.byteLength, source);
  const out: DecodedWeight[] = [];
  let off = 0;
  for (const spec of specs) {
    const len = weightByteLength(spec);
    out.push({ spec, values: decodeOne(spec, bytes.subarray(off, off + len)) });
    off += len;
  }
  return out;
}

/** Throws when `got` bytes cannot hold the manifest's weights (naming the first weight cut off), or hold more. */
export function checkWeightBytes(specs: WeightsManifestEntry[], got: number, source: string): void {
  let expected = 0;
  let firstCut: WeightsManifestEntry | null = null;
  let cutAt = 0;
  for (const s of specs) {
    const len = weightByteLength(s);
    if (firstCut === null && expected + len > got) {
      firstCut = s;
      cutAt = expected;
    }
    expected += len;
  }
  if (firstCut) {
    throw new ValueError(
      `${source} is truncated: expected ${expected} bytes, got ${got}; weight '${firstCut.name}' (shape [${firstCut.shape}]) ` +
        `needs bytes ${cutAt}..${cutAt + weightByteLength(firstCut)}`,
    );
  }
  if (got !== expected) {
    throw new ValueError(`${source} has ${got} bytes but the manifest's ${specs.length} weights need exactly ${expected}: it does not belong to this model.json`);
  }
}


function decodeOne(spec: WeightsManifestEntry, b: Uint8Array): Float32Array {
  const n = sizeOf(spec.shape);
  const out = new Float32Array(n);
  // copy into an aligned buffer: an entry may start at any byte offset (after a bool or uint8 weight)
  const buf = b.slice().buffer;
  const view = new DataView(buf);
  const q = spec.quantization;
  if (q) {
    if (q.dtype === 'float16') {
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    if (typeof q.scale !== 'number' || typeof q.min !== 'number') {
      throw new ValueError(`Weight '${spec.name}' is quantized to ${q.dtype} but its manifest entry has no scale and min`);
    }
    for (let i = 0; i < n; i++) out[i] = (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * q.scale + q.min;
    return out;
  }
  switch (spec.dtype) {
    case 'float32':
      if (LITTLE_ENDIAN) out.set(new Float32Array(buf, 0, n));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    case 'int32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i) ? 1 : 0;
      return out;
    default:
      throw new ValueError(`Weight '${spec.name}' has dtype '${spec.dtype}', which tsrnn cannot read`);
  }
}

/** IEEE 754 half precision → number. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** CRC-32 (IEEE, as zip and PNG use) of the bytes: model.json records it to catch a mismatched weights.bin. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
