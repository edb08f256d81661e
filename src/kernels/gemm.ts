// Dense matrix products on flat row-major Float32Arrays, with offsets so callers can
// address a slice (one timestep of a [B,T,U] buffer) without making a subarray view.
// acc=false overwrites C, acc=true adds into C (used to accumulate weight gradients over time).
// The loop orders keep the innermost loop on contiguous memory of both operands, and each pass over a
// row of C takes four rows of B (NN, TN) or a 2×2 block of dot products (NT), so a C value is loaded and
// stored once per four multiply-adds. These are the 'js' backend's products (and the reference); the
// 'wasm' backend has its own SIMD kernel (assembly/gemm.ts).

// C (M,N) (+)= A (M,K) · B (K,N)
export function matmulNN(
  C: Float32Array, cOff: number,
  A: Float32Array, aOff: number,
  B: Float32Array, bOff: number,
  M: number, K: number, N: number, acc: boolean,
): void {
  if (!acc) C.fill(0, cOff, cOff + M * N);
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * N;
    const ai = aOff + i * K;
    let k = 0;
    // Four rows of B at a time: a quarter of the loads and stores of the C row.
    for (; k + 3 < K; k += 4) {
      const a0 = A[ai + k], a1 = A[ai + k + 1], a2 = A[ai + k + 2], a3 = A[ai + k + 3];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const b0 = bOff + k * N, b1 = b0 + N, b2 = b1 + N, b3 = b2 + N;
      for (let j = 0; j < N; j++) C[ci + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
    }
    for (; k + 1 < K; k += 2) {
      const a0 = A[ai + k], a1 = A[ai + k + 1];
      if (a0 === 0 && a1 === 0) continue;
      const b0 = bOff + k * N, b1 = b0 + N;
      for (let j = 0; j < N; j++) C[ci + j] += a0 * B[b0 + j] + a1 * B[b1 + j];
    }
    if (k < K) {
      const a0 = A[ai + k];
      if (a0 !== 0) {
        const b0 = bOff + k * N;
        for (let j = 0; j < N; j++) C[ci + j] += a0 * B[b0 + j];
      }
    }
  }
}

// C (M,N) (+)= A (M,K) · Bᵀ, with B stored (N,K)
export function matmulNT(
  C: Float32Array, cOff: number,
  A: Float32Array, aOff: number,
  B: Float32Array, bOff: number,
  M: number, K: number, N: number, acc: boolean,
): void {
  let i = 0;
  // Two rows of A against two rows of B at a time: four sums from four loads per step of k.
  for (; i + 1 < M; i += 2) {
    const a0 = aOff + i * K, a1 = a0 + K;
    const c0 = cOff + i * N, c1 = c0 + N;
    let j = 0;
    for (; j + 1 < N; j += 2) {
      const b0 = bOff + j * K, b1 = b0 + K;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k], x1 = A[a1 + k], y0 = B[b0 + k], y1 = B[b1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      C[c0 + j] = acc ? C[c0 + j] + s00 : s00;
      C[c0 + j + 1] = acc ? C[c0 + j + 1] + s01 : s01;
      C[c1 + j] = acc ? C[c1 + j] + s10 : s10;
      C[c1 + j + 1] = acc ? C[c1 + j + 1] + s11 : s11;
    }
    if (j < N) {
      const b0 = bOff + j * K;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < K; k++) {
        s0 += A[a0 + k] * B[b0 + k];
        s1 += A[a1 + k] * B[b0 + k];
      }
      C[c0 + j] = acc ? C[c0 + j] + s0 : s0;
      C[c1 + j] = acc ? C[c1 + j] + s1 : s1;
    }
  }
  for (; i < M; i++) {
    const ai = aOff + i * K;
    const ci = cOff + i * N;
    for (let j = 0; j < N; j++) {
      const bj = bOff + j * K;
      let s0 = 0, s1 = 0;
      let k = 0;
      for (; k + 1 < K; k += 2) {
        s0 += A[ai + k] * B[bj + k];
        s1 += A[ai + k + 1] * B[bj + k + 1];
      }
      if (k < K) s0 += A[ai + k] * B[bj + k];
      C[ci + j] = acc ? C[ci + j] + s0 + s1 : s0 + s1;
    }
  }
}

// C (M,N) (+)= Aᵀ · B, with A stored (K,M) and B (K,N)
export function matmulTN(
  C: Float32Array, cOff: number,
  A: Float32Array, aOff: number,
  B: Float32Array, bOff: number,
  M: number, K: number, N: number, acc: boolean,
): void {
  if (!acc) C.fill(0, cOff, cOff + M * N);
  let k = 0;
  // Four rows of A and B at a time: a quarter of the loads and stores of each C row.
  for (; k + 3 < K; k += 4) {
    const ak = aOff + k * M;
    const b0 = bOff + k * N, b1 = b0 + N, b2 = b1 + N, b3 = b2 + N;
    for (let i = 0; i < M; i++) {
      const a0 = A[ak + i], a1 = A[ak + M + i], a2 = A[ak + 2 * M + i], a3 = A[ak + 3 * M + i];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const ci = cOff + i * N;
      for (let j = 0; j < N; j++) C[ci + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
    }
  }
  for (; k < K; k++) {
    const ak = aOff + k * M;
    const bk = bOff + k * N;
    for (let i = 0; i < M; i++) {
      const a = A[ak + i];
      if (a === 0) continue;
      const ci = cOff + i * N;
      for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
    }
  }
}

// out (M,N) += bias (N) broadcast over rows
export function addBiasRows(out: Float32Array, oOff: number, bias: Float32Array, M: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const o = oOff + i * N;
    for (let j = 0; j < N; j++) out[o + j] += bias[j];
  }
}

// dbias (N) += column sums of d (M,N)
export function sumRowsInto(dbias: Float32Array, d: Float32Array, dOff: number, M: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const o = dOff + i * N;
    for (let j = 0; j < N; j++) dbias[j] += d[o + j];
  }
}
