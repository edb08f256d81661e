// The fully connected layer on flat arrays: y = act(x·W + b), and its backward.
// Rows are whatever comes before the last axis (batch, or batch × time), so M = size / K.
import { ActivationName, activationBackward, activationForward } from './activations.js';
import { addBiasRows, matmulNN, matmulNT, matmulTN, sumRowsInto } from './gemm.js';
import { useWasm } from './backend.js';
import { denseBackwardWasm, denseForwardWasm } from './dense-wasm.js';

// y (M,N) = act(x (M,K) · W (K,N) + b (N)); z (M,N) receives the pre-activation when given
// (activations whose derivative needs the input: swish). y may not alias x.
export function denseForward(
  x: Float32Array, W: Float32Array, b: Float32Array | null, y: Float32Array, z: Float32Array | null,
  M: number, K: number, N: number, activation: ActivationName,
): void {
  if (useWasm()) return denseForwardWasm(x, W, b, y, z, M, K, N, activation);
  matmulNN(y, 0, x, 0, W, 0, M, K, N, false);
  if (b) addBiasRows(y, 0, b, M, N);
  if (z) z.set(y.subarray(0, M * N));
  activationForward(activation, y, y, 0, M * N, N);
}

// From dy (M,N): dz (M,N) = dy ⊙ act'(·) (scratch; may alias dy), dx (M,K) = dz·Wᵀ (overwritten,
// skipped when null), dW (K,N) += xᵀ·dz, db (N) += Σ_rows dz.
export function denseBackward(
  x: Float32Array, W: Float32Array, y: Float32Array, z: Float32Array | null, dy: Float32Array,
  dz: Float32Array, dx: Float32Array | null, dW: Float32Array, db: Float32Array | null,
  M: number, K: number, N: number, activation: ActivationName,
): void {
  if (useWasm()) return denseBackwardWasm(x, W, y, z, dy, dz, dx, dW, db, M, K, N, activation);
  activationBackward(activation, y, dy, dz, 0, M * N, N, z ?? undefined);
  if (dx) matmulNT(dx, 0, dz, 0, W, 0, M, N, K, false);
  matmulTN(dW, 0, x, 0, dz, 0, K, M, N, true);
  if (db) sumRowsInto(db, dz, 0, M, N);
}
