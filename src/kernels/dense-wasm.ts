// denseForward / denseBackward on the wasm kernels (assembly/dense.ts), split over rows on the threads.
// Activations the wasm kernels lack (softmax, swish) run in JS on the same arrays around the product.
import { ActivationName, activationBackward, activationForward } from './activations.js';
import { abandon, activationCode, args, chunksFor, finish, inp, io, out, run, runReduced, transposed } from './wasm.js';
import { getNumThreads } from './threads.js';

export function denseForwardWasm(
  x: Float32Array, W: Float32Array, b: Float32Array | null, y: Float32Array, z: Float32Array | null,
  M: number, K: number, N: number, activation: ActivationName,
): void {
  const code = z ? -1 : activationCode(activation);
  const a = args();
  try {
    a[0] = M; a[1] = K; a[2] = N;
    a[3] = inp(x, M * K, 'x');
    a[4] = inp(W, K * N, 'kernel');
    a[5] = inp(b, N, 'bias');
    a[6] = out(y, M * N, 'y');
    a[7] = code;
    run('denseForward', chunksFor(M, M * K * N, getNumThreads()));
    finish();
  } catch (e) {
    abandon();
    throw e;
  }
  if (code < 0) {
    if (z) z.set(y.subarray(0, M * N));
    activationForward(activation, y, y, 0, M * N, N);
  }
}

export function denseBackwardWasm(
  x: Float32Array, W: Float32Array, y: Float32Array, z: Float32Array | null, dy: Float32Array,
  dz: Float32Array, dx: Float32Array | null, dW: Float32Array, db: Float32Array | null,
  M: number, K: number, N: number, activation: ActivationName,
): void {
  let code = activationCode(activation);
  let dIn = dy;
  if (code < 0) {
    activationBackward(activation, y, dy, dz, 0, M * N, N, z ?? undefined);
    dIn = dz;
    code = -1;
  }
  const nc = chunksFor(M, 2 * M * K * N, getNumThreads());
  const a = args();
  try {
    a[0] = M; a[1] = K; a[2] = N;
    a[3] = inp(x, M * K, 'x');
    a[4] = dx ? transposed('wT', inp(W, K * N, 'kernel'), K, N) : 0;
    a[5] = inp(y, M * N, 'y');
    // dz is the kernel's input as well when JS already formed it, or when it aliases dy
    const dzAddr = dIn === dz ? io(dz, M * N, 'dz') : out(dz, M * N, 'dz');
    a[6] = dIn === dz ? dzAddr : inp(dIn, M * N, 'dy');
    a[7] = dzAddr;
    a[8] = out(dx, M * K, 'dx');
    const dWa = (a[9] = io(dW, K * N, 'dW'));
    const dba = (a[10] = io(db, N, 'db'));
    a[11] = code;
    runReduced('denseBackward', nc, a, 12, [[dWa, K * N], [dba, N]]);
    finish();
  } catch (e) {
    abandon();
    throw e;
  }
}
