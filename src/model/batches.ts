// Batching helpers for the training loop: gathering shuffled rows into reusable buffers,
// checking targets against the model's output, and turning masks and sample weights into
// the per-entry weights the losses take.
import { ValueError } from '../errors.js';
import { sizeOf, Tensor } from '../tensor.js';
import type { Sequential } from './sequential.js';

/** Copies rows perm[start..end) of src (N, ...) into buf and returns them as a tensor (end-start, ...). */
export function gatherRows(src: Tensor, perm: Int32Array, start: number, end: number, buf: Float32Array): Tensor {
  const row = sizeOf(src.shape.slice(1));
  const n = end - start;
  for (let i = 0; i < n; i++) {
    const r = perm[start + i];
    buf.set(src.data.subarray(r * row, (r + 1) * row), i * row);
  }
  return new Tensor(buf.subarray(0, n * row), [n, ...src.shape.slice(1)], src.dtype);
}

/** Checks y against x and the model's output shape; the loss checks label values. */
export function checkTargets(model: Sequential, X: Tensor, Y: Tensor, what: string): void {
  if (Y.rank === 0) throw new ValueError(`${what} must have a batch axis, got a scalar`);
  if (Y.shape[0] !== X.shape[0]) {
    throw new ValueError(`x and ${what} have different numbers of samples: x has ${X.shape[0]}, ${what} has ${Y.shape[0]}`);
  }
  const out = model.outputShapeFull!;
  const outRow = sizeOf(out.slice(1).map((d) => d ?? X.shape[1]) as number[]);
  const yRow = sizeOf(Y.shape.slice(1));
  const sparse = model.loss!.name.includes('sparse');
  const expectedRow = sparse ? outRow / (out[out.length - 1] as number) : outRow;
  if (yRow !== expectedRow) {
    const expShape = sparse ? out.slice(0, -1) : out;
    throw new ValueError(
      `${what}: the model's output has shape (None, ${out.slice(1).join(', ')}), so ${what} should have shape ` +
        `(N, ${expShape.slice(1).join(', ')})${sparse ? ' of integer class ids' : ''}; got [${Y.shape.join(', ')}]`,
    );
  }
  model.loss!.check(Y.data, Y.shape, [Y.shape[0], ...(out.slice(1) as number[])]);
}

/**
 * Per-entry loss weights (one per sample, or per sample and step for 3-D outputs) from the batch's
 * sample weights, or null. (Masks are passed to the loss separately; it applies Keras 3's rule.)
 */
export function batchWeights(
  buf: Float32Array | null, predShape: number[], sampleWeight: Float32Array | null,
): { weights: Float32Array; buffer: Float32Array } | null {
  if (!sampleWeight) return null;
  const B = predShape[0];
  const entries = predShape.length >= 3 ? sizeOf(predShape.slice(0, -1)) : B;
  const perSample = entries / B;
  const buffer = buf && buf.length >= entries ? buf : new Float32Array(entries);
  const w = buffer.subarray(0, entries);
  if (sampleWeight.length === B) {
    for (let b = 0; b < B; b++) w.fill(sampleWeight[b], b * perSample, (b + 1) * perSample);
  } else if (sampleWeight.length === entries) {
    w.set(sampleWeight);
  } else {
    throw new ValueError(`sampleWeight has ${sampleWeight.length} values for a batch of ${B} samples (${entries} loss entries)`);
  }
  return { weights: w, buffer };
}
