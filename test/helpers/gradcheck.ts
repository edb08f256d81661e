// Central finite differences against a layer's hand-written backward pass.
// The loss is a fixed random projection L = Σ y ⊙ r, so dL/dy = r exercises every output.
// Kernels run in float32, so the step is large-ish (1e-2) and the tolerance relative.
import assert from 'node:assert/strict';
import { Layer, Mask } from '../../src/layers/layer.js';
import { Random } from '../../src/random.js';
import { Tensor } from '../../src/tensor.js';

export interface GradCheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  mask?: Mask;
  /** Check dL/dx (false for integer inputs). */
  checkInput?: boolean;
  /** Check at most this many entries per array (chosen at random) to keep tests fast. */
  maxEntries?: number;
  seed?: number;
}

function lossOf(layer: Layer, x: Tensor, r: Float32Array, mask: Mask): number {
  const y = layer.forward(x, true, mask);
  let s = 0;
  for (let i = 0; i < r.length; i++) s += y.data[i] * r[i];
  return s;
}

export function randomTensor(shape: number[], seed = 1, scale = 1): Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.uniformRange(-scale, scale);
  return new Tensor(d, shape);
}

/** Asserts that backward's dx and weight grads match central differences. Returns the worst error seen. */
export function gradCheck(layer: Layer, x: Tensor, opts: GradCheckOptions = {}): number {
  const eps = opts.eps ?? 1e-2;
  const atol = opts.atol ?? 2e-3;
  const rtol = opts.rtol ?? 2e-2;
  const mask = opts.mask ?? null;
  const rng = new Random(opts.seed ?? 7);
  layer.ensureBuilt([null, ...x.shape.slice(1)]);
  const y0 = layer.forward(x, true, mask);
  const r = new Float32Array(y0.size);
  for (let i = 0; i < r.length; i++) r[i] = rng.uniformRange(-1, 1);
  for (const w of layer.weights) w.grad.fill(0);
  layer.forward(x, true, mask);
  const dxT = layer.backward(new Tensor(r.slice(), y0.shape));
  const dx = dxT ? dxT.data.slice() : null;
  const grads = layer.weights.map((w) => w.grad.slice());
  let worst = 0;

  const pick = (n: number): number[] => {
    const max = opts.maxEntries ?? 40;
    if (n <= max) return Array.from({ length: n }, (_, i) => i);
    const idx = new Set<number>();
    while (idx.size < max) idx.add(rng.int(n));
    return [...idx];
  };
  const compare = (what: string, analytic: number, numeric: number) => {
    const err = Math.abs(analytic - numeric);
    worst = Math.max(worst, err / (atol + rtol * Math.abs(numeric)));
    assert.ok(
      err <= atol + rtol * Math.abs(numeric),
      `${layer.name}: ${what}: backward gives ${analytic}, finite differences ${numeric}`,
    );
  };

  // central difference of the loss in arr[i] (an input or weight entry, restored after)
  const numeric = (arr: Float32Array, i: number): number => {
    const orig = arr[i];
    arr[i] = orig + eps;
    const lp = lossOf(layer, x, r, mask);
    arr[i] = orig - eps;
    const lm = lossOf(layer, x, r, mask);
    arr[i] = orig;
    return (lp - lm) / (2 * eps);
  };

  if (opts.checkInput !== false && dx) {
    for (const i of pick(x.size)) compare(`dx[${i}]`, dx[i], numeric(x.data, i));
  }
  layer.weights.forEach((w, k) => {
    if (!w.trainable) return;
    for (const i of pick(w.size)) compare(`d${w.name}[${i}]`, grads[k][i], numeric(w.value, i));
  });
  return worst;
}
