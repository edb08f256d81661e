// Gradient clipping, in place on each variable's .grad, as Keras 3's BaseOptimizer._clip_gradients:
//   clipnorm        per variable: g ← g·c / max(‖g‖₂, c)
//   globalClipnorm  over all variables together: g ← g·c·min(1/‖G‖₂, 1/c), ‖G‖₂ = sqrt(Σ‖g‖²)
//   clipvalue       element-wise: g ← min(max(g, −c), c)
// Keras 3 allows only one of the three (the optimizer constructor checks). A NaN or infinite norm turns
// the gradients to NaN, as in Keras (clip_by_global_norm adds (norm − norm) to the scale on purpose).
// Sums of squares run in float64.
import { LayerVariable } from '../layers/layer.js';

export interface ClipOptions {
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
}

/** ‖g‖₂ of one flat array. */
export function l2Norm(g: Float32Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** g ← g·c / max(‖g‖₂, c) (Keras's _clip_by_norm). */
export function clipByNorm(g: Float32Array, clipnorm: number): void {
  const scale = clipnorm / Math.max(l2Norm(g), clipnorm);
  if (scale === 1) return;
  for (let i = 0; i < g.length; i++) g[i] *= scale;
}

/** sqrt of the sum of squares over every array (Keras's global_norm). */
export function globalNorm(gs: readonly Float32Array[]): number {
  let s = 0;
  for (const g of gs) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** Scales every array by c·min(1/norm, 1/c) (Keras's clip_by_global_norm). Returns the norm before clipping. */
export function clipByGlobalNorm(gs: readonly Float32Array[], clipnorm: number): number {
  const norm = globalNorm(gs);
  // (norm - norm) is 0 for a finite norm and NaN otherwise: Keras poisons the step rather than skip it.
  const scale = clipnorm * Math.min(1 / norm, 1 / clipnorm) + (norm - norm);
  if (scale !== 1) for (const g of gs) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return norm;
}

/** g ← min(max(g, −c), c); NaN stays NaN. */
export function clipByValue(g: Float32Array, clipvalue: number): void {
  for (let i = 0; i < g.length; i++) {
    const x = g[i];
    if (x > clipvalue) g[i] = clipvalue;
    else if (x < -clipvalue) g[i] = -clipvalue;
  }
}

/** Applies whichever clipping is set (Keras's precedence: clipnorm, then globalClipnorm, then clipvalue). */
export function clipGradients(vars: readonly LayerVariable[], opts: ClipOptions): void {
  if (opts.clipnorm !== undefined && opts.clipnorm > 0) {
    for (const v of vars) clipByNorm(v.grad, opts.clipnorm);
  } else if (opts.globalClipnorm !== undefined && opts.globalClipnorm > 0) {
    clipByGlobalNorm(vars.map((v) => v.grad), opts.globalClipnorm);
  } else if (opts.clipvalue !== undefined && opts.clipvalue > 0) {
    for (const v of vars) clipByValue(v.grad, opts.clipvalue);
  }
}
