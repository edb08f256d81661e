// Weight initializers with Keras's names, defaults and formulas. Each draws from a Random:
// the global stream (tsrnn.setSeed) unless the initializer was given its own seed.
import { ValueError } from './errors.js';
import { getRandom, Random } from './random.js';
import { sizeOf } from './tensor.js';

export interface Initializer {
  /** Keras class name, as written in model.json ('GlorotUniform'). */
  readonly className: string;
  /** camelCase config (io/ turns it into snake_case). */
  getConfig(): Record<string, unknown>;
  /** Fresh values for a weight of this shape. */
  apply(shape: number[]): Float32Array;
}

export type InitializerSpec = string | Initializer | { className: string; config?: Record<string, unknown> };

type Mode = 'fanIn' | 'fanOut' | 'fanAvg';
type Distribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform' | 'normal';

// Keras: a 2-D kernel [in, out] has fan_in = in, fan_out = out; higher ranks multiply the receptive field in.
export function computeFans(shape: number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = sizeOf(shape.slice(0, -2));
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

abstract class BaseInitializer implements Initializer {
  abstract readonly className: string;
  constructor(readonly seed: number | null = null) {}
  rng(): Random {
    return getRandom(this.seed);
  }
  getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
  abstract apply(shape: number[]): Float32Array;
}

export class Zeros implements Initializer {
  readonly className = 'Zeros';
  getConfig() { return {}; }
  apply(shape: number[]) { return new Float32Array(sizeOf(shape)); }
}

export class Ones implements Initializer {
  readonly className = 'Ones';
  getConfig() { return {}; }
  apply(shape: number[]) { return new Float32Array(sizeOf(shape)).fill(1); }
}

export class Constant implements Initializer {
  readonly className = 'Constant';
  constructor(readonly value = 0) {}
  getConfig() { return { value: this.value }; }
  apply(shape: number[]) { return new Float32Array(sizeOf(shape)).fill(this.value); }
}

export class RandomUniform extends BaseInitializer {
  readonly className = 'RandomUniform';
  constructor(readonly minval = -0.05, readonly maxval = 0.05, seed: number | null = null) { super(seed); }
  override getConfig() { return { minval: this.minval, maxval: this.maxval, seed: this.seed }; }
  apply(shape: number[]) {
    const r = this.rng();
    const out = new Float32Array(sizeOf(shape));
    for (let i = 0; i < out.length; i++) out[i] = r.uniformRange(this.minval, this.maxval);
    return out;
  }
}

export class RandomNormal extends BaseInitializer {
  readonly className = 'RandomNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, seed: number | null = null) { super(seed); }
  override getConfig() { return { mean: this.mean, stddev: this.stddev, seed: this.seed }; }
  apply(shape: number[]) {
    const r = this.rng();
    const out = new Float32Array(sizeOf(shape));
    for (let i = 0; i < out.length; i++) out[i] = r.normal(this.mean, this.stddev);
    return out;
  }
}

export class TruncatedNormal extends BaseInitializer {
  readonly className = 'TruncatedNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, seed: number | null = null) { super(seed); }
  override getConfig() { return { mean: this.mean, stddev: this.stddev, seed: this.seed }; }
  apply(shape: number[]) {
    const r = this.rng();
    const out = new Float32Array(sizeOf(shape));
    for (let i = 0; i < out.length; i++) out[i] = r.truncatedNormal(this.mean, this.stddev);
    return out;
  }
}

export class VarianceScaling extends BaseInitializer {
  className = 'VarianceScaling';
  constructor(
    readonly scale = 1,
    readonly mode: Mode = 'fanIn',
    readonly distribution: Distribution = 'truncatedNormal',
    seed: number | null = null,
  ) {
    super(seed);
    if (!(scale > 0)) throw new ValueError(`VarianceScaling scale must be positive, got ${scale}`);
  }
  override getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
  apply(shape: number[]) {
    const [fanIn, fanOut] = computeFans(shape);
    const n = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    const r = this.rng();
    const out = new Float32Array(sizeOf(shape));
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      for (let i = 0; i < out.length; i++) out[i] = r.uniformRange(-limit, limit);
    } else if (this.distribution === 'truncatedNormal' || this.distribution === 'normal') {
      // 0.879... is the stddev of a unit normal truncated to [-2, 2] (Keras's constant)
      const std = Math.sqrt(variance) / 0.87962566103423978;
      for (let i = 0; i < out.length; i++) out[i] = r.truncatedNormal(0, std);
    } else {
      const std = Math.sqrt(variance);
      for (let i = 0; i < out.length; i++) out[i] = r.normal(0, std);
    }
    return out;
  }
}

// The named special cases of VarianceScaling, as Keras defines them.
function named(className: string, scale: number, mode: Mode, distribution: Distribution) {
  return class extends VarianceScaling {
    constructor(seed: number | null = null) {
      super(scale, mode, distribution, seed);
      this.className = className;
    }
    override getConfig(): Record<string, unknown> { return { seed: this.seed }; }
  };
}
export const GlorotUniform = named('GlorotUniform', 1, 'fanAvg', 'uniform');
export const GlorotNormal = named('GlorotNormal', 1, 'fanAvg', 'truncatedNormal');
export const HeUniform = named('HeUniform', 2, 'fanIn', 'uniform');
export const HeNormal = named('HeNormal', 2, 'fanIn', 'truncatedNormal');
export const LecunUniform = named('LecunUniform', 1, 'fanIn', 'uniform');
export const LecunNormal = named('LecunNormal', 1, 'fanIn', 'truncatedNormal');

/**
 * Keras's Orthogonal: QR of a (max(r,c) × min(r,c)) standard-normal matrix, Q with the signs of
 * diag(R) folded in (here Gram-Schmidt, whose R has a positive diagonal, gives that Q directly),
 * transposed when there are fewer rows than columns. rows = prod(shape[:-1]), cols = shape[-1].
 */
export class Orthogonal extends BaseInitializer {
  readonly className = 'Orthogonal';
  constructor(readonly gain = 1, seed: number | null = null) { super(seed); }
  override getConfig() { return { gain: this.gain, seed: this.seed }; }
  apply(shape: number[]) {
    if (shape.length < 2) throw new ValueError(`Orthogonal initializer needs a shape of rank >= 2, got [${shape}]`);
    const rows = sizeOf(shape.slice(0, -1));
    const cols = shape[shape.length - 1];
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const r = this.rng();
    // a: m × n, stored column-major (column j at j*m) so Gram-Schmidt walks contiguous memory
    const a = new Float64Array(m * n);
    // draw row-major like numpy's normal(size=(m, n)) so the layout of draws is the natural one
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) a[j * m + i] = r.normal();
    for (let j = 0; j < n; j++) {
      // two passes of modified Gram-Schmidt keep Q orthogonal to float precision
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < j; p++) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += a[p * m + i] * a[j * m + i];
          for (let i = 0; i < m; i++) a[j * m + i] -= dot * a[p * m + i];
        }
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += a[j * m + i] * a[j * m + i];
      norm = Math.sqrt(norm);
      for (let i = 0; i < m; i++) a[j * m + i] /= norm;
    }
    const out = new Float32Array(rows * cols);
    // Q is m × n; the weight is rows × cols: Q itself when rows >= cols, else Qᵀ
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        out[i * cols + j] = this.gain * (rows >= cols ? a[j * m + i] : a[i * m + j]);
      }
    }
    return out;
  }
}

export class Identity implements Initializer {
  readonly className = 'Identity';
  constructor(readonly gain = 1) {}
  getConfig() { return { gain: this.gain }; }
  apply(shape: number[]) {
    if (shape.length !== 2) throw new ValueError(`Identity initializer needs a 2-D shape, got [${shape}]`);
    const out = new Float32Array(shape[0] * shape[1]);
    for (let i = 0; i < Math.min(shape[0], shape[1]); i++) out[i * shape[1] + i] = this.gain;
    return out;
  }
}

// Names accepted as strings (tfjs camelCase and Keras snake_case) and class names from model files.
const BY_NAME: Record<string, (c: Record<string, any>) => Initializer> = {
  zeros: () => new Zeros(),
  ones: () => new Ones(),
  constant: (c) => new Constant(c.value ?? 0),
  randomUniform: (c) => new RandomUniform(c.minval ?? c.minVal ?? -0.05, c.maxval ?? c.maxVal ?? 0.05, c.seed ?? null),
  randomNormal: (c) => new RandomNormal(c.mean ?? 0, c.stddev ?? 0.05, c.seed ?? null),
  truncatedNormal: (c) => new TruncatedNormal(c.mean ?? 0, c.stddev ?? 0.05, c.seed ?? null),
  varianceScaling: (c) =>
    new VarianceScaling(c.scale ?? 1, camel(c.mode ?? 'fanIn') as Mode, camel(c.distribution ?? 'truncatedNormal') as Distribution, c.seed ?? null),
  glorotUniform: (c) => new GlorotUniform(c.seed ?? null),
  glorotNormal: (c) => new GlorotNormal(c.seed ?? null),
  heUniform: (c) => new HeUniform(c.seed ?? null),
  heNormal: (c) => new HeNormal(c.seed ?? null),
  lecunUniform: (c) => new LecunUniform(c.seed ?? null),
  lecunNormal: (c) => new LecunNormal(c.seed ?? null),
  orthogonal: (c) => new Orthogonal(c.gain ?? 1, c.seed ?? null),
  identity: (c) => new Identity(c.gain ?? 1),
};

function camel(s: string): string {
  return s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

/** 'glorot_uniform', 'glorotUniform', 'GlorotUniform' → 'glorotUniform'. */
function normalizeName(s: string): string {
  const c = camel(s);
  return c.charAt(0).toLowerCase() + c.slice(1);
}

export const INITIALIZER_NAMES = Object.keys(BY_NAME);

export function getInitializer(spec: InitializerSpec | null | undefined, fallback: string): Initializer {
  if (spec === null || spec === undefined) spec = fallback;
  if (typeof spec === 'string') {
    const f = BY_NAME[normalizeName(spec)];
    if (!f) throw new ValueError(`Unknown initializer '${spec}'. Known: ${INITIALIZER_NAMES.join(', ')}`);
    return f({});
  }
  if ('apply' in spec && typeof spec.apply === 'function') return spec as Initializer;
  const { className, config } = spec as { className: string; config?: Record<string, unknown> };
  const f = BY_NAME[normalizeName(className)];
  if (!f) throw new ValueError(`Unknown initializer class '${className}'. Known: ${INITIALIZER_NAMES.join(', ')}`);
  const c: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config ?? {})) c[camel(k)] = v;
  return f(c);
}

/** {className, config} as written into a layer config. */
export function serializeInitializer(init: Initializer): { className: string; config: Record<string, unknown> } {
  return { className: init.className, config: init.getConfig() };
}
