// The WebAssembly core of tsrnn (SIMD, shared memory): built by `npm run build:wasm` (assembly/build.mjs)
// into src/kernels/wasm-binary.ts. Every export works on byte offsets into the imported shared memory;
// the parallel kernels take (args, chunk, chunks), see assembly/common.ts.
export { gemm, transpose, addBiasRows, addColSums, addInto, mulInto } from './gemm';
export { lstmForward, lstmBackward } from './lstm';
export { gruForward, gruBackward } from './gru';
export { simpleRnnForward, simpleRnnBackward } from './simple_rnn';
export { denseForward, denseBackward } from './dense';
export { actInPlace, dactInPlace } from './common';

/** Where static data ends: the JS arena starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
