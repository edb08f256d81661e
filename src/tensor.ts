// Tensor: a flat Float32Array plus a shape. No autodiff, no device: gradients are
// written by hand in the kernels, so a tensor is only a typed view of numbers.
import { ValueError } from './errors.js';

export type DType = 'float32' | 'int32';
export type TypedArray = Float32Array | Int32Array | Uint8Array | Float64Array;
export type NestedArray = number | number[] | NestedArray[];
export type TensorLike = Tensor | NestedArray | TypedArray;

export class Tensor {
  readonly shape: number[];
  readonly dtype: DType;
  /** Row-major values. Integer ids (dtype int32) are stored exactly in float32 up to 2^24. */
  readonly data: Float32Array;

  constructor(data: Float32Array, shape: number[], dtype: DType = 'float32') {
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new ValueError(`Tensor data has ${data.length} values but shape [${shape.join(', ')}] needs ${n}`);
    }
    this.data = data;
    this.shape = shape.slice();
    this.dtype = dtype;
  }

  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return this.data.length;
  }
  /** The values, as tfjs's dataSync() gives them (a copy: later changes do not leak in). */
  dataSync(): Float32Array {
    return this.data.slice();
  }
  async data_(): Promise<Float32Array> {
    return this.dataSync();
  }
  /** tfjs-compatible async accessor. */
  async array(): Promise<NestedArray> {
    return this.arraySync();
  }
  arraySync(): NestedArray {
    if (this.shape.length === 0) return this.data[0];
    return toNested(this.data, this.shape, 0, 0) as NestedArray;
  }
  reshape(shape: number[]): Tensor {
    const s = resolveShape(shape, this.size);
    return new Tensor(this.data, s, this.dtype);
  }
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, this.dtype);
  }
  /** Nothing to free (memory is garbage-collected); kept so tfjs code runs unchanged. */
  dispose(): void {}
  toString(): string {
    return `Tensor(shape=[${this.shape.join(',')}], dtype=${this.dtype})\n${JSON.stringify(this.arraySync())}`;
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function resolveShape(shape: number[], size: number): number[] {
  const free = shape.indexOf(-1);
  if (free < 0) {
    if (sizeOf(shape) !== size) throw new ValueError(`Cannot reshape ${size} values into [${shape.join(', ')}]`);
    return shape.slice();
  }
  const rest = sizeOf(shape.filter((_, i) => i !== free));
  if (rest === 0 || size % rest !== 0) throw new ValueError(`Cannot reshape ${size} values into [${shape.join(', ')}]`);
  const s = shape.slice();
  s[free] = size / rest;
  return s;
}

function toNested(data: Float32Array, shape: number[], axis: number, offset: number): NestedArray[] | number {
  const n = shape[axis];
  const stride = sizeOf(shape.slice(axis + 1));
  const out: NestedArray[] = new Array(n);
  if (axis === shape.length - 1) {
    for (let i = 0; i < n; i++) out[i] = data[offset + i];
    return out as number[];
  }
  for (let i = 0; i < n; i++) out[i] = toNested(data, shape, axis + 1, offset + i * stride) as NestedArray;
  return out;
}

function inferShape(v: NestedArray, path = 'value'): number[] {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v)) throw new ValueError(`${path} is neither a number nor an array`);
  if (v.length === 0) return [0];
  const inner = inferShape(v[0] as NestedArray, `${path}[0]`);
  return [v.length, ...inner];
}

function flattenInto(v: NestedArray, shape: number[], axis: number, out: Float32Array, pos: { i: number }, path: string) {
  if (axis === shape.length) {
    if (typeof v !== 'number') throw new ValueError(`Ragged array: ${path} should be a number, got ${Array.isArray(v) ? 'an array' : typeof v}`);
    out[pos.i++] = v;
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[axis]) {
    const got = Array.isArray(v) ? `length ${v.length}` : typeof v;
    throw new ValueError(`Ragged array: ${path} should have length ${shape[axis]}, got ${got}`);
  }
  for (let i = 0; i < v.length; i++) flattenInto(v[i] as NestedArray, shape, axis + 1, out, pos, `${path}[${i}]`);
}

/**
 * tsrnn.tensor(values, shape?, dtype?): from nested arrays, typed arrays or flat number arrays.
 * A flat array with a shape is reshaped; nested arrays must be rectangular.
 */
export function tensor(values: TensorLike, shape?: number[], dtype: DType = 'float32'): Tensor {
  if (values instanceof Tensor) {
    return shape ? values.reshape(shape) : values;
  }
  if (ArrayBuffer.isView(values)) {
    const data = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    const s = shape ?? [data.length];
    return new Tensor(data, resolveShape(s, data.length), dtype);
  }
  const inferred = inferShape(values);
  const data = new Float32Array(sizeOf(inferred));
  if (inferred.length === 0) data[0] = values as number;
  else flattenInto(values, inferred, 0, data, { i: 0 }, 'value');
  if (shape) return new Tensor(data, resolveShape(shape, data.length), dtype);
  return new Tensor(data, inferred, dtype);
}

export function zeros(shape: number[]): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}
export function ones(shape: number[]): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(1), shape);
}
export function tensor1d(values: number[] | Float32Array): Tensor {
  return tensor(values as TensorLike);
}
export function tensor2d(values: TensorLike, shape?: [number, number]): Tensor {
  const t = tensor(values, shape);
  if (t.rank !== 2) throw new ValueError(`tensor2d needs a rank-2 value, got rank ${t.rank}`);
  return t;
}
export function tensor3d(values: TensorLike, shape?: [number, number, number]): Tensor {
  const t = tensor(values, shape);
  if (t.rank !== 3) throw new ValueError(`tensor3d needs a rank-3 value, got rank ${t.rank}`);
  return t;
}

/** Accepts anything tensor-like and gives a Tensor; `what` names the argument in errors. */
export function toTensor(v: TensorLike, what: string): Tensor {
  try {
    return tensor(v);
  } catch (e) {
    throw new ValueError(`${what}: ${(e as Error).message}`);
  }
}

/** Throws a ValueError naming the first NaN or Infinity in `t`. */
export function assertFinite(t: Tensor, what: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const idx: number[] = [];
      let rem = i;
      for (let a = t.shape.length - 1; a >= 0; a--) {
        idx.unshift(rem % t.shape[a]);
        rem = Math.floor(rem / t.shape[a]);
      }
      throw new ValueError(`${what} contains ${d[i]} at index [${idx.join(', ')}]; clean or impute the data first`);
    }
  }
}
