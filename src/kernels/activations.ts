// Element-wise activations, forward and backward, on flat arrays.
// Every backward is written in terms of the activation's OUTPUT y, so layers keep only y.
// softmax acts on the last axis (groups of `lastDim` values).
import { ValueError } from '../errors.js';

export const ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu',
  'softplus', 'softsign', 'hardSigmoid', 'swish', 'exponential',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

// Keras writes snake_case names in configs; tfjs writes camelCase. Accept both.
const ALIASES: Record<string, ActivationName> = {
  hard_sigmoid: 'hardSigmoid', hardsigmoid: 'hardSigmoid', silu: 'swish', none: 'linear',
};

export function resolveActivation(name: string | null | undefined): ActivationName {
  if (name === null || name === undefined) return 'linear';
  const key = ALIASES[name] ?? ALIASES[name.toLowerCase()] ?? name;
  if ((ACTIVATIONS as readonly string[]).includes(key)) return key as ActivationName;
  throw new ValueError(`Unknown activation '${name}'. Known: ${ACTIVATIONS.join(', ')}`);
}

/** The name Keras writes in a config (snake_case), for serialization. */
export function activationConfigName(a: ActivationName): string {
  return a === 'hardSigmoid' ? 'hard_sigmoid' : a;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
// Keras 2 / tfjs hard sigmoid: clip(0.2x + 0.5, 0, 1). (Keras 3 changed it to relu6(x+3)/6.)
export function hardSigmoid(x: number): number {
  const v = 0.2 * x + 0.5;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

// y[off..off+n) = f(x[off..off+n)); x and y may be the same array.
export function activationForward(
  name: ActivationName, x: Float32Array, y: Float32Array, off: number, n: number, lastDim: number,
): void {
  const end = off + n;
  switch (name) {
    case 'linear':
      if (x !== y) y.set(x.subarray(off, end), off);
      return;
    case 'relu':
      for (let i = off; i < end; i++) y[i] = x[i] > 0 ? x[i] : 0;
      return;
    case 'relu6':
      for (let i = off; i < end; i++) y[i] = x[i] > 0 ? (x[i] < 6 ? x[i] : 6) : 0;
      return;
    case 'sigmoid':
      for (let i = off; i < end; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
      return;
    case 'tanh':
      for (let i = off; i < end; i++) y[i] = Math.tanh(x[i]);
      return;
    case 'elu':
      for (let i = off; i < end; i++) y[i] = x[i] > 0 ? x[i] : Math.expm1(x[i]);
      return;
    case 'selu':
      for (let i = off; i < end; i++) y[i] = x[i] > 0 ? SELU_SCALE * x[i] : SELU_SCALE * SELU_ALPHA * Math.expm1(x[i]);
      return;
    case 'softplus':
      // log(1 + e^x) without overflow
      for (let i = off; i < end; i++) {
        const v = x[i];
        y[i] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
      }
      return;
    case 'softsign':
      for (let i = off; i < end; i++) y[i] = x[i] / (1 + Math.abs(x[i]));
      return;
    case 'hardSigmoid':
      for (let i = off; i < end; i++) y[i] = hardSigmoid(x[i]);
      return;
    case 'swish':
      // swish needs x for its derivative; layers using it keep x (see activationNeedsInput)
      for (let i = off; i < end; i++) y[i] = x[i] / (1 + Math.exp(-x[i]));
      return;
    case 'exponential':
      for (let i = off; i < end; i++) y[i] = Math.exp(x[i]);
      return;
    case 'softmax': {
      if (n % lastDim !== 0) throw new ValueError(`softmax over ${n} values does not divide into rows of ${lastDim}`);
      for (let r = off; r < end; r += lastDim) {
        let m = -Infinity;
        for (let j = 0; j < lastDim; j++) if (x[r + j] > m) m = x[r + j];
        let s = 0;
        for (let j = 0; j < lastDim; j++) {
          const e = Math.exp(x[r + j] - m);
          y[r + j] = e;
          s += e;
        }
        const inv = 1 / s;
        for (let j = 0; j < lastDim; j++) y[r + j] *= inv;
      }
      return;
    }
  }
}

/** Activations whose derivative cannot be written from the output alone. */
export function activationNeedsInput(name: ActivationName): boolean {
  return name === 'swish';
}

// dx = dy ⊙ f'(·), from the output y (and the input x for swish). dx may alias dy.
export function activationBackward(
  name: ActivationName, y: Float32Array, dy: Float32Array, dx: Float32Array,
  off: number, n: number, lastDim: number, x?: Float32Array,
): void {
  const end = off + n;
  switch (name) {
    case 'linear':
      if (dx !== dy) dx.set(dy.subarray(off, end), off);
      return;
    case 'relu':
      for (let i = off; i < end; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
      return;
    case 'relu6':
      for (let i = off; i < end; i++) dx[i] = y[i] > 0 && y[i] < 6 ? dy[i] : 0;
      return;
    case 'sigmoid':
      for (let i = off; i < end; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
      return;
    case 'tanh':
      for (let i = off; i < end; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
      return;
    case 'elu':
      for (let i = off; i < end; i++) dx[i] = y[i] > 0 ? dy[i] : dy[i] * (y[i] + 1);
      return;
    case 'selu':
      for (let i = off; i < end; i++) dx[i] = y[i] > 0 ? dy[i] * SELU_SCALE : dy[i] * (y[i] + SELU_SCALE * SELU_ALPHA);
      return;
    case 'softplus':
      for (let i = off; i < end; i++) dx[i] = dy[i] * -Math.expm1(-y[i]);
      return;
    case 'softsign':
      for (let i = off; i < end; i++) {
        const a = 1 - Math.abs(y[i]);
        dx[i] = dy[i] * a * a;
      }
      return;
    case 'hardSigmoid':
      for (let i = off; i < end; i++) dx[i] = y[i] > 0 && y[i] < 1 ? dy[i] * 0.2 : 0;
      return;
    case 'exponential':
      for (let i = off; i < end; i++) dx[i] = dy[i] * y[i];
      return;
    case 'swish': {
      if (!x) throw new Error('swish backward needs the input x');
      for (let i = off; i < end; i++) {
        const s = 1 / (1 + Math.exp(-x[i]));
        dx[i] = dy[i] * (s + x[i] * s * (1 - s));
      }
      return;
    }
    case 'softmax': {
      for (let r = off; r < end; r += lastDim) {
        let dot = 0;
        for (let j = 0; j < lastDim; j++) dot += dy[r + j] * y[r + j];
        for (let j = 0; j < lastDim; j++) dx[r + j] = y[r + j] * (dy[r + j] - dot);
      }
      return;
    }
  }
}
