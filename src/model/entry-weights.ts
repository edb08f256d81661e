// How a loss or metric sees a batch of predictions (…, C): C = last axis, E = size / C entries (a sample
// of a 2-D output, a (sample, step) of a 3-D one), B samples; and each entry's weight, the sample
// weight times the padding mask, the mask rescaled as Keras 3's apply_mask (mask·E/Σmask) for losses
// and left as 0/1 for metrics (see losses.ts and metrics.ts for the reductions).
import { ValueError } from '../errors.js';
import { sizeOf } from '../tensor.js';

/** A shape for messages: [2, 3]. */
export function shapeString(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/** C (classes / features), E (entries) and B (batch) of a prediction shape. */
export function entryLayout(what: string, predShape: readonly number[], size: number): { C: number; E: number; B: number } {
  if (predShape.length < 1) throw new ValueError(`${what}: predictions must have at least one axis`);
  const n = sizeOf(predShape);
  if (n !== size) throw new ValueError(`${what}: predictions have ${size} values but shape ${shapeString(predShape)} needs ${n}`);
  const C = predShape[predShape.length - 1];
  const E = C > 0 ? n / C : 0;
  const B = predShape.length >= 2 ? predShape[0] : 1;
  return { C, E, B };
}

/**
 * Per-entry weight lookup: sample weights (length B, spread over each sample's steps, or length E),
 * times the mask rescaled as Keras 3's apply_mask (mask·E/Σmask, zero when nothing is valid).
 */
export function entryWeights(
  what: string, weights: Float32Array | null, mask: Uint8Array | null, E: number, B: number, rescaleMask = true,
): (e: number) => number {
  let sw: (e: number) => number = () => 1;
  if (weights !== null) {
    if (weights.length === E) {
      sw = (e) => weights[e];
    } else if (B > 0 && weights.length === B && E % B === 0) {
      const per = E / B;
      sw = (e) => weights[Math.floor(e / per)];
    } else {
      throw new ValueError(`${what}: ${weights.length} weights for a batch of ${B} samples (${E} entries); expected ${B} or ${E}`);
    }
  }
  if (mask === null) return sw;
  if (mask.length !== E) throw new ValueError(`${what}: mask has ${mask.length} values, expected one per entry (${E})`);
  let valid = 0;
  for (let e = 0; e < E; e++) valid += mask[e] ? 1 : 0;
  const f = rescaleMask ? (valid > 0 ? E / valid : 0) : 1;
  return (e) => (mask[e] ? sw(e) * f : 0);
}
