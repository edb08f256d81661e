// Keras's pad_sequences: variable-length id lists → one [N, maxlen] tensor.
import { ValueError } from '../errors.js';
import { DType, Tensor } from '../tensor.js';

export interface PadSequencesArgs {
  /** Length of every row (default: the longest sequence). */
  maxlen?: number | null;
  /** Where the padding goes: 'pre' (default, before the sequence) or 'post'. */
  padding?: 'pre' | 'post';
  /** Which end of a longer sequence is cut: 'pre' (default, keeps the last maxlen) or 'post'. */
  truncating?: 'pre' | 'post';
  /** The fill value (default 0). */
  value?: number;
  /** 'int32' (default, for ids: values truncated toward zero as numpy casts) or 'float32'. */
  dtype?: DType;
}

/** Largest integer a float32 holds exactly: Tensor stores int32 ids in a Float32Array. */
const MAX_EXACT_INT = 2 ** 24;

/**
 * padSequences([[1, 2, 3], [4, 5]], { maxlen: 2 }) → [[2, 3], [4, 5]];
 * padSequences([[1], [2, 3]]) → [[0, 1], [2, 3]].
 *
 * Follows Keras: an empty sequence becomes a row of `value`; without maxlen the longest length is used.
 * Differs only where Keras fails: maxlen 0 gives an [N, 0] tensor (Keras's s[-0:] keeps the whole
 * sequence and numpy then refuses to broadcast it), and rows of per-step vectors are not supported.
 */
export function padSequences(sequences: ArrayLike<ArrayLike<number>>, args: PadSequencesArgs = {}): Tensor {
  const padding = args.padding ?? 'pre';
  const truncating = args.truncating ?? 'pre';
  const dtype = args.dtype ?? 'int32';
  if (padding !== 'pre' && padding !== 'post') throw new ValueError(`padSequences: padding type "${padding}" not understood (use 'pre' or 'post')`);
  if (truncating !== 'pre' && truncating !== 'post') throw new ValueError(`padSequences: truncating type "${truncating}" not understood (use 'pre' or 'post')`);
  if (dtype !== 'int32' && dtype !== 'float32') throw new ValueError(`padSequences: dtype must be 'int32' or 'float32', got ${JSON.stringify(dtype)}`);
  if (sequences === null || typeof sequences !== 'object' || typeof sequences.length !== 'number') {
    throw new ValueError('padSequences: sequences must be an array of sequences');
  }
  const n = sequences.length;
  for (let i = 0; i < n; i++) {
    const s = sequences[i];
    if (s === null || typeof s !== 'object' || typeof s.length !== 'number') {
      throw new ValueError(`padSequences: sequences[${i}] is not a sequence (got ${s === null ? 'null' : typeof s})`);
    }
  }

  let maxlen: number;
  if (args.maxlen === undefined || args.maxlen === null) {
    if (n === 0) throw new ValueError('padSequences: no sequences and no maxlen, so the length is unknown');
    maxlen = 0;
    for (let i = 0; i < n; i++) maxlen = Math.max(maxlen, sequences[i].length);
  } else {
    maxlen = args.maxlen;
    if (!(Number.isInteger(maxlen) && maxlen >= 0)) throw new ValueError(`padSequences: maxlen must be a non-negative integer, got ${maxlen}`);
  }

  const cast = (v: number, what: string): number => {
    if (dtype === 'float32') return v;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`padSequences: ${what} is ${v}, not a finite number (dtype int32)`);
    const t = Math.trunc(v);
    if (Math.abs(t) > MAX_EXACT_INT) throw new ValueError(`padSequences: ${what} is ${v}, beyond ±2^24, which int32 ids stored as float32 cannot hold exactly`);
    return t;
  };
  const fill = cast(args.value ?? 0, 'value');

  const data = new Float32Array(n * maxlen);
  if (fill !== 0) data.fill(fill);
  for (let i = 0; i < n; i++) {
    const s = sequences[i];
    const len = Math.min(s.length, maxlen);
    // Kept slice of s: its last `len` values ('pre') or first `len` ('post').
    const from = truncating === 'pre' ? s.length - len : 0;
    // Destination column of the first kept value.
    const to = padding === 'pre' ? maxlen - len : 0;
    const row = i * maxlen + to;
    for (let k = 0; k < len; k++) data[row + k] = cast(s[from + k], `sequences[${i}][${from + k}]`);
  }
  return new Tensor(data, [n, maxlen], dtype);
}
