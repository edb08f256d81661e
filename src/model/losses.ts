// Losses with Keras 3's formulas and reduction, each with its hand-written gradient dLoss/dyPred.
//
// Layout: predictions (…, C) flat, C = last axis. An "entry" is one C-vector: a sample of a 2-D
// output, a (sample, step) of a 3-D one; E = size / C entries. Each loss is first reduced over C
// (mean for mse / mae / binary crossentropy, sum for the categorical ones), giving l_e, then
// Keras's SUM_OVER_BATCH_SIZE reduction (keras/src/losses/loss.py, reduce_weighted_values):
//
//     loss = Σ_e w_e·l_e / E          (w_e = 1 when no weights)
//
// The divisor is E whatever the weights: sample weights scale entries but do not renormalize.
// A padding mask (Keras 3 apply_mask) enters as w_e ← w_e·mask_e·E/Σmask (0 when Σmask = 0), so
// a masked loss is Σ w·mask·l / Σmask. compute() takes either weights that already include this
// (model/batches.ts folds the mask in) or the raw mask as its last argument.
//
// This file: the Loss contract and getLoss (a loss from its Keras or tfjs name). The losses live in
// regression-losses.ts (mse, mae) and crossentropy-losses.ts (binary, categorical, sparse), on the
// shared bookkeeping of base-loss.ts; the entry layout and weights (masks) in entry-weights.ts.
// Values and gradients are computed in float64 from the float32 inputs.
import { ValueError } from '../errors.js';
import type { BaseLoss } from './base-loss.js';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './crossentropy-losses.js';
import { meanAbsoluteError, meanSquaredError } from './regression-losses.js';

export interface Loss {
  /** Keras name written into logs and model.json: 'mean_squared_error' etc. */
  readonly name: string;
  readonly fromLogits: boolean;
  /**
   * Validates targets against the prediction shape: shapes, finiteness, binary targets in [0, 1],
   * sparse labels integral and in [0, C). Throws a ValueError naming the bad value and its index.
   */
  check(yTrue: Float32Array, yTrueShape: number[], predShape: number[]): void;
  /**
   * Mean loss over the batch, Σ_e w_e·l_e / E (Keras's sum_over_batch_size, see the file comment).
   * If grad is non-null, writes dLoss/dyPred into it (same layout as yPred).
   * weights: null, one per sample (length B), or one per entry (length B·T for 3-D outputs); they
   * may already carry a mask folded in as mask·E/Σmask. mask (optional): per-entry 0/1 validity,
   * applied as Keras 3 does (w·mask·E/Σmask).
   */
  compute(
    yTrue: Float32Array, yPred: Float32Array, predShape: number[], grad: Float32Array | null,
    weights: Float32Array | null, mask?: Uint8Array | null,
  ): number;
}

// Keys: lower case without underscores, so 'mean_squared_error', 'meanSquaredError',
// 'MeanSquaredError' and 'MSE' all land on the same entry.
const LOSSES: Record<string, () => BaseLoss> = {
  mse: meanSquaredError,
  meansquarederror: meanSquaredError,
  mae: meanAbsoluteError,
  meanabsoluteerror: meanAbsoluteError,
  binarycrossentropy: () => binaryCrossentropy(),
  categoricalcrossentropy: () => categoricalCrossentropy(),
  sparsecategoricalcrossentropy: () => sparseCategoricalCrossentropy(),
};

export const KNOWN_LOSSES = [
  'mean_squared_error (mse)', 'mean_absolute_error (mae)', 'binary_crossentropy', 'categorical_crossentropy',
  'sparse_categorical_crossentropy',
];

function lossKey(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/**
 * A loss from its Keras or tfjs name (any of 'mse', 'meanSquaredError', 'mean_squared_error',
 * 'MeanSquaredError'), or a Loss as is. Crossentropies from names take probabilities; for logits
 * use the factories: categoricalCrossentropy({ fromLogits: true }).
 */
export function getLoss(spec: string | Loss): Loss {
  if (typeof spec === 'string') {
    const make = LOSSES[lossKey(spec)];
    if (make) return make();
    const hint = spec.toLowerCase().includes('softmaxcrossentropy') ? ' (tfjs: use categoricalCrossentropy)' : '';
    throw new ValueError(`Unknown loss '${spec}'${hint}. Known: ${KNOWN_LOSSES.join(', ')}; camelCase (tfjs) spellings work too`);
  }
  if (spec && typeof (spec as Loss).compute === 'function' && typeof (spec as Loss).check === 'function') return spec;
  throw new ValueError(`A loss must be a name or a Loss object, got ${JSON.stringify(spec)}`);
}
