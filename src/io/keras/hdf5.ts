// A thin typed wrapper over jsfive (a pure-JS HDF5 reader): groups, attributes and float datasets,
// which is all a Keras model file needs. It adds what jsfive lacks for this use:
//   - a truncation check up front (the superblock records the file's length; jsfive reads lazily and
//     would otherwise fail late, or not at all, on a cut-off file);
//   - errors as ValueError naming the file and the path (jsfive throws bare strings and RangeErrors);
//   - attributes with the NUL padding of fixed-length strings removed (h5py writes Keras's
//     weight_names and layer_names that way).
// The rest of src/io/keras works on the H5Group / H5Dataset interfaces, not on jsfive.
import { Dataset, File, Group } from 'jsfive';
import { ValueError } from '../../errors.js';

export interface H5Dataset {
  readonly kind: 'dataset';
  /** Full path in the file ('/model_weights/lstm_1/lstm_1/kernel:0'). */
  readonly path: string;
  readonly shape: number[];
  /** numpy-style dtype ('<f4'), or a description of a non-numeric type. */
  readonly dtype: string;
  /** The values as float32, flat, row-major. */
  read(): Float32Array;
}

export interface H5Group {
  readonly kind: 'group';
  /** Full path in the file ('/' for the root). */
  readonly path: string;
  /** Names of the children, as stored (HDF5 lists them alphabetically, not in creation order). */
  keys(): string[];
  /** One attribute (strings without NUL padding), or undefined when absent. */
  attr(name: string): unknown;
  attrNames(): string[];
  /** A child group or dataset by relative path ('a/b:0'), or null when any part is missing. */
  get(path: string): H5Group | H5Dataset | null;
}

/** The 8 bytes every HDF5 file starts with (at offset 0; files with a user block are not supported). */
export const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Runs a jsfive call; anything it throws becomes a ValueError that names the file and what was read. */
function guard<T>(source: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ValueError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ValueError(`${source}: cannot read ${what} (${msg}); the HDF5 file is damaged or uses a feature the reader (jsfive) lacks`);
  }
}

function cleanAttr(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\0+$/, '');
  if (Array.isArray(v)) return v.map(cleanAttr);
  if (v instanceof Uint8Array && v.every((b) => b < 128)) return new TextDecoder().decode(v).replace(/\0+$/, '');
  return v;
}

/**
 * The length the superblock records (its end-of-file address), or null for superblock versions this
 * check does not know. Versions 0/1 (h5py's default) and 2/3 are read; 8-byte offsets only.
 */
function declaredLength(bytes: Uint8Array): number | null {
  if (bytes.length < 12) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[8];
  const u64 = (o: number) => (o + 8 <= bytes.length ? Number(dv.getBigUint64(o, true)) : null);
  if (version === 0 || version === 1) {
    if (bytes.length < 16 || bytes[13] !== 8) return null; // size of offsets
    const base = 24 + (version === 1 ? 4 : 0); // base address; then free-space address, end-of-file address
    const b = u64(base);
    const eof = u64(base + 16);
    return b === null || eof === null ? -1 : b + eof;
  }
  if (version === 2 || version === 3) {
    if (bytes[9] !== 8) return null;
    const b = u64(12);
    const eof = u64(28);
    return b === null || eof === null ? -1 : b + eof;
  }
  return null;
}

/** Opens HDF5 bytes; `source` names the file in errors. Throws ValueError when they are not a whole HDF5 file. */
export function openHdf5(bytes: Uint8Array, source: string): H5Group {
  if (!isHdf5(bytes)) throw new ValueError(`${source} is not an HDF5 file (it does not start with the HDF5 signature \\x89HDF\\r\\n\\x1a\\n)`);
  const declared = declaredLength(bytes);
  if (declared === -1 || (declared !== null && bytes.length < declared)) {
    throw new ValueError(
      `${source} is truncated: ${bytes.length} bytes, but its HDF5 superblock declares ${declared === -1 ? 'more' : `${declared} bytes`} (an interrupted download or copy?)`,
    );
  }
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
  const file = guard(source, 'the HDF5 superblock and root group', () => new File(buffer, source));
  return wrapGroup(file, source);
}

function wrapGroup(g: Group, source: string): H5Group {
  const path = g.name;
  let attrs: Record<string, unknown> | null = null;
  const allAttrs = () => (attrs ??= guard(source, `the attributes of ${path}`, () => g.attrs));
  return {
    kind: 'group',
    path,
    keys: () => guard(source, `the members of ${path}`, () => g.keys),
    attr: (name) => {
      const a = allAttrs();
      return Object.prototype.hasOwnProperty.call(a, name) ? cleanAttr(a[name]) : undefined;
    },
    attrNames: () => Object.keys(allAttrs()),
    get: (rel) => {
      // walk one link at a time, so a missing part gives null rather than jsfive's thrown string
      let cur: Group = g;
      const parts = rel.split('/').filter((p) => p.length > 0);
      for (let i = 0; i < parts.length; i++) {
        const here = cur;
        if (!guard(source, `the members of ${here.name}`, () => here.keys).includes(parts[i])) return null;
        const child = guard(source, `${here.name === '/' ? '' : here.name}/${parts[i]}`, () => here.get(parts[i]));
        if (child === null) return null;
        if (child instanceof Dataset) return i === parts.length - 1 ? wrapDataset(child, source) : null;
        cur = child as Group;
      }
      return wrapGroup(cur, source);
    },
  };
}

function dtypeName(d: unknown): string {
  return typeof d === 'string' ? d : JSON.stringify(d) ?? String(d);
}

function wrapDataset(d: Dataset, source: string): H5Dataset {
  const path = d.name;
  const shape = guard(source, `the shape of ${path}`, () => (Array.isArray(d.shape) ? d.shape.slice() : []));
  const dtype = guard(source, `the type of ${path}`, () => dtypeName(d.dtype));
  return {
    kind: 'dataset',
    path,
    shape,
    dtype,
    read: () => {
      if (!/^[<>|]?[fiu][1248]$/.test(dtype)) {
        throw new ValueError(`${source}: dataset ${path} has type ${dtype}; weights must be numeric (float or integer)`);
      }
      const raw = guard(source, `the values of ${path}`, () => d.value);
      const n = shape.reduce((a, b) => a * b, 1);
      const arr = raw as ArrayLike<number | bigint> | null;
      if (arr === null || typeof arr !== 'object' || typeof arr.length !== 'number' || arr.length !== n) {
        throw new ValueError(`${source}: dataset ${path} of shape [${shape.join(', ')}] gave ${arr && typeof arr.length === 'number' ? arr.length : 'no'} values, expected ${n}`);
      }
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(arr[i]);
      return out;
    },
  };
}
