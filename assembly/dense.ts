// The fully connected layer, y = act(x·W + b), and its backward, for the rows of one chunk. Same
// conventions as src/kernels/dense.ts. act = -1 leaves y = x·W + b (the caller applies softmax / swish).
import { arg, argp, at, chunkStart, zeroF, actInPlace, dactInPlace } from './common';
import { gemm, gemmBias, addColSums } from './gemm';

// Forward arguments: see DENSE_FWD in src/kernels/dense-wasm.ts.
const F_M = 0, F_K = 1, F_N = 2, F_X = 3, F_W = 4, F_BIAS = 5, F_Y = 6, F_ACT = 7;

export function denseForward(a: usize, chunk: i32, chunks: i32): void {
  const M = arg(a, F_M), K = arg(a, F_K), N = arg(a, F_N);
  const m0 = chunkStart(M, chunk, chunks), m1 = chunkStart(M, chunk + 1, chunks), Mc = m1 - m0;
  if (Mc <= 0) return;
  const y = at(argp(a, F_Y), m0 * N), bias = argp(a, F_BIAS), act = arg(a, F_ACT);
  gemmBias(y, N, at(argp(a, F_X), m0 * K), K, 1, argp(a, F_W), N, Mc, K, N, false, bias);
  if (act >= 0) actInPlace(act, y, Mc * N);
}

// Backward arguments: see DENSE_BWD in src/kernels/dense-wasm.ts. dz may alias dy.
const K_M = 0, K_K = 1, K_N = 2, K_X = 3, K_WT = 4, K_Y = 5, K_DY = 6, K_DZ = 7, K_DX = 8, K_DW = 9, K_DB = 10, K_ACT = 11,
  K_PART = 12, K_PARTSTRIDE = 13;

export function denseBackward(a: usize, chunk: i32, chunks: i32): void {
  const M = arg(a, K_M), K = arg(a, K_K), N = arg(a, K_N);
  const m0 = chunkStart(M, chunk, chunks), m1 = chunkStart(M, chunk + 1, chunks), Mc = m1 - m0;
  let dW = argp(a, K_DW), db = argp(a, K_DB);
  if (chunk > 0) {
    const part = at(argp(a, K_PART), (chunk - 1) * arg(a, K_PARTSTRIDE));
    dW = part;
    db = db ? at(part, K * N) : 0;
    zeroF(part, arg(a, K_PARTSTRIDE));
  }
  if (Mc <= 0) return;
  const act = arg(a, K_ACT), dy = at(argp(a, K_DY), m0 * N), dz = at(argp(a, K_DZ), m0 * N), dx = argp(a, K_DX);
  const x = at(argp(a, K_X), m0 * K);
  if (dz != dy) memory.copy(dz, dy, <usize>(Mc * N) << 2);
  if (act >= 0) dactInPlace(act, at(argp(a, K_Y), m0 * N), dz, Mc * N);
  if (dx) gemm(at(dx, m0 * K), K, dz, N, 1, argp(a, K_WT), K, Mc, N, K, false);
  gemm(dW, N, x, 1, K, dz, N, K, Mc, N, true);
  if (db) addColSums(db, dz, N, Mc, N);
}
