// UnsortedSegmentSum for the tfjs backends, as a plain scatter-add: out[ids[i]] += x[i].
//
// Why: tfjs's Embedding is a gather, and the gradient of gather (tfjs-core GatherV2_grad) is
// unsortedSegmentSum(dy, indices, vocab). The 'cpu' backend as shipped computes it as one
// equal/cast/multiply/sum pass over all of dy PER SEGMENT: O(vocab × tokens × dim) time and a
// temporary per segment. For Embedding(10000, 64) on a 64×100 batch that is 4·10⁹ multiply-adds and
// one batch did not finish in 9 minutes (14 GB). The 'wasm' backend has no UnsortedSegmentSum kernel
// at all, so training an Embedding there throws. The benchmark registers this O(tokens × dim) kernel
// on both and says so in its table; it is what a fixed tfjs would do (tfjs-node and webgl have one).
import type * as tfType from '@tensorflow/tfjs';

// x (S..., R...) with segmentIds (S...) int32 → out (numSegments, R...); ids outside [0, numSegments) are dropped (TF)
function scatterAdd(xv: ArrayLike<number>, ids: ArrayLike<number>, out: Float32Array | Int32Array, numSegments: number): void {
  const n = ids.length;
  const row = n === 0 ? 0 : xv.length / n;
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const o = s * row, a = i * row;
    for (let j = 0; j < row; j++) out[o + j] += xv[a + j];
  }
}

interface TensorInfo { dataId: object; shape: number[]; dtype: string }
interface KernelArgs {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  attrs: { numSegments: number };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  backend: any;
}

function outShape(x: TensorInfo, ids: TensorInfo, numSegments: number): number[] {
  return [numSegments, ...x.shape.slice(ids.shape.length)];
}

/** Replaces the 'cpu' kernel (returns a note for the table). */
export function patchCpuSegmentSum(tf: typeof tfType): string {
  const name = 'UnsortedSegmentSum';
  if (tf.getKernel(name, 'cpu')) tf.unregisterKernel(name, 'cpu');
  tf.registerKernel({
    kernelName: name,
    backendName: 'cpu',
    kernelFunc: (({ inputs, attrs, backend }: KernelArgs) => {
      const { x, segmentIds } = inputs;
      const shape = outShape(x, segmentIds, attrs.numSegments);
      const xv = backend.readSync(x.dataId) as Float32Array | Int32Array;
      const ids = backend.readSync(segmentIds.dataId) as Int32Array;
      const out = x.dtype === 'int32' ? new Int32Array(shape.reduce((a, b) => a * b, 1)) : new Float32Array(shape.reduce((a, b) => a * b, 1));
      scatterAdd(xv, ids, out, attrs.numSegments);
      return backend.makeTensorInfo(shape, x.dtype, out);
    }) as unknown as tfType.KernelFunc,
  });
  return "tfjs-cpu's UnsortedSegmentSum (Embedding gradient) replaced by an O(tokens·dim) scatter-add: as shipped it is O(vocab·tokens·dim)";
}

/** Adds the missing 'wasm' kernel (returns a note for the table). */
export function addWasmSegmentSum(tf: typeof tfType): string {
  const name = 'UnsortedSegmentSum';
  if (tf.getKernel(name, 'wasm')) return 'tfjs-wasm has its own UnsortedSegmentSum';
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: KernelArgs) => {
      const { x, segmentIds } = inputs;
      const out = backend.makeOutput(outShape(x, segmentIds, attrs.numSegments), x.dtype);
      scatterAdd(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(segmentIds), backend.typedArrayFromHeap(out), attrs.numSegments);
      return out;
    }) as unknown as tfType.KernelFunc,
  });
  return 'tfjs-wasm has no UnsortedSegmentSum kernel (Embedding gradient): a JS scatter-add over the wasm heap was registered';
}
