// The WebAssembly core's building blocks against float64 references: the register-blocked product
// (every tail: rows % 4, columns % 8; strided and transposed A; overwrite and accumulate; K split into
// blocks), and the SIMD activations (exp-based sigmoid and tanh, and the rest) over a wide range of inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasm } from '../../src/kernels/wasm.js';
import { arenaFloat32 } from '../../src/kernels/arena.js';
import { denseForwardWasm, denseBackwardWasm } from '../../src/kernels/dense-wasm.js';
import { ActivationName, activationBackward } from '../../src/kernels/activations.js';
import { Random } from '../../src/random.js';

const rng = new Random(12);
function rand(n: number): Float32Array {
  const a = arenaFloat32(n + 8); // +8: room for the reads past the last row the product allows
  for (let i = 0; i < n; i++) a[i] = rng.uniformRange(-1, 1);
  return a;
}

test('gemm: C (+)= A·B for every tail shape, A row-major, transposed and strided, K in several blocks', () => {
  const e = wasm();
  let checked = 0;
  for (const M of [1, 3, 4, 5, 9]) {
    for (const N of [1, 3, 4, 7, 8, 9, 17]) {
      for (const K of [1, 2, 5, 300]) {
        for (const layout of ['nn', 'tn', 'strided'] as const) {
          for (const acc of [false, true]) {
            // A(i,k) at i·sai + k·sak
            const pad = 3;
            const [sai, sak] = layout === 'nn' ? [K, 1] : layout === 'tn' ? [1, M] : [K + pad, 1];
            const A = rand(layout === 'strided' ? M * (K + pad) : M * K);
            const ldb = N + 2, ldc = N + 1;
            const B = rand(K * ldb), C = rand(M * ldc);
            const C0 = C.slice();
            e.gemm(C.byteOffset, ldc, A.byteOffset, sai, sak, B.byteOffset, ldb, M, K, N, acc ? 1 : 0);
            for (let i = 0; i < M; i++) {
              for (let j = 0; j < ldc; j++) {
                if (j >= N) {
                  assert.equal(C[i * ldc + j], C0[i * ldc + j], 'a column past N was written');
                  continue;
                }
                let s = acc ? C0[i * ldc + j] : 0;
                for (let k = 0; k < K; k++) s += A[i * sai + k * sak] * B[k * ldb + j];
                assert.ok(Math.abs(C[i * ldc + j] - s) <= 1e-5 * (1 + Math.sqrt(K)), `${layout} M${M} N${N} K${K} acc=${acc} (${i},${j}): ${C[i * ldc + j]} vs ${s}`);
              }
            }
            checked++;
          }
        }
      }
    }
  }
  assert.equal(checked, 5 * 7 * 4 * 3 * 2);
});

/** y = act(x) through the wasm dense kernel (x (n,1) · [1] + 0). */
function actViaDense(a: ActivationName, xs: Float32Array): Float32Array {
  const n = xs.length;
  const x = arenaFloat32(n), y = arenaFloat32(n), W = arenaFloat32(8);
  x.set(xs);
  W[0] = 1;
  denseForwardWasm(x, W, null, y, null, n, 1, 1, a);
  return y.slice();
}

const REF: Record<string, (v: number) => number> = {
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  selu: (v) => (v > 0 ? 1.0507009873554805 * v : 1.0507009873554805 * 1.6732632423543772 * Math.expm1(v)),
  softplus: (v) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))),
  softsign: (v) => v / (1 + Math.abs(v)),
  exponential: Math.exp,
  relu: (v) => Math.max(0, v),
  relu6: (v) => Math.min(6, Math.max(0, v)),
  hardSigmoid: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
  linear: (v) => v,
};

test('activations: within a few float32 ulps of float64 references from -90 to 90', () => {
  const xs: number[] = [0, -0, 1e-8, -1e-8, 1e-4, -3e-3, 0.6249, 0.6251, -0.625];
  for (let v = -90; v <= 90; v += 0.0137) xs.push(v);
  const x = Float32Array.from(xs);
  for (const [name, f] of Object.entries(REF)) {
    const y = actViaDense(name as ActivationName, x);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const r = f(x[i]);
      if (!Number.isFinite(r) || Math.abs(r) > 3e38) continue; // exponential overflows float32 there
      // relative error, with an absolute floor of 2e-38 where float32 runs out of normal numbers (exp's
      // input is clamped at -87.3, so results below ~1e-38 are 1e-38-ish rather than denormal)
      // (hardSigmoid: 0.2x + 0.5 is formed in float32, so near 0 its error is absolute, ~3e-8)
      const err = Math.max(0, Math.abs(y[i] - r) - (name === 'hardSigmoid' ? 6e-8 : 2e-38)) / Math.abs(r || 1);
      worst = Math.max(worst, err);
    }
    assert.ok(worst <= 5e-7, `${name}: worst relative error ${worst}`);
  }
});

test('activation derivatives from the outputs match the JS kernels', () => {
  const n = 257;
  for (const name of Object.keys(REF) as ActivationName[]) {
    const M = n, K = 1, N = 1;
    const x = arenaFloat32(M), W = arenaFloat32(8), y = arenaFloat32(M), dy = arenaFloat32(M), dz = arenaFloat32(M), dW = arenaFloat32(1);
    for (let i = 0; i < M; i++) {
      x[i] = rng.uniformRange(-4, 4);
      dy[i] = rng.uniformRange(-1, 1);
    }
    W[0] = 1;
    denseForwardWasm(x, W, null, y, null, M, K, N, name);
    denseBackwardWasm(x, W, y, null, dy, dz, null, dW, null, M, K, N, name);
    const ref = new Float32Array(M);
    activationBackward(name, y, dy, ref, 0, M, 1);
    for (let i = 0; i < M; i++) assert.ok(Math.abs(dz[i] - ref[i]) <= 1e-6 * (1 + Math.abs(ref[i])), `${name} at ${x[i]}: ${dz[i]} vs ${ref[i]}`);
  }
});
