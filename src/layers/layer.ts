// The contract every layer keeps (ConvNetJS-style: forward, backward, weights, config),
// with Keras's lazy build: weights are created from the first input shape seen.
//
// Data flow during training, per batch:
//   y = layer.forward(x, true, mask)      remembers what backward needs (in the layer's workspaces)
//   dx = layer.backward(dy)               dy has y's shape; ADDS weight gradients into each variable.grad
// The model zeroes every grad before a batch and hands the grads to the optimizer after.
//
// Tensors returned by forward/backward may be views of the layer's reusable workspaces: they stay
// valid until the layer's next forward/backward call. Callers that keep one must copy it.
import { ValueError } from '../errors.js';
import { getInitializer, Initializer, InitializerSpec } from '../initializers.js';
import { sizeOf, Tensor, TensorLike, toTensor } from '../tensor.js';
import { allocFloat32, allocLike } from '../kernels/backend.js';

/** A shape with the batch axis first; null where a size is not fixed (batch, or time). */
export type Shape = (number | null)[];

/** Per-step validity for [B, T] inputs: 1 = real step, 0 = padding. Row-major B×T. */
export type Mask = Uint8Array | null;

export interface LayerArgs {
  name?: string;
  /** Input shape without the batch axis, e.g. [timesteps, features]. Only for the first layer. */
  inputShape?: Shape;
  /** Input shape with the batch axis (needed by stateful RNNs). */
  batchInputShape?: Shape;
  batchSize?: number;
  trainable?: boolean;
  dtype?: string;
}

/** One weight: its values, its gradient (same layout), and Keras's name for it. */
export class LayerVariable {
  readonly grad: Float32Array;
  /**
   * For embedding-like weights whose gradient touches few rows: the rows touched this batch
   * (null = dense gradient). Optimizers may use it to skip untouched rows.
   */
  touchedRows: Int32Array | null = null;
  constructor(
    /** Keras's weight name: 'kernel', 'recurrent_kernel', 'bias', 'embeddings'. */
    readonly name: string,
    readonly shape: number[],
    public value: Float32Array,
    public trainable = true,
  ) {
    // the gradient lives where the value does (the wasm arena for layers' weights, see addWeight)
    this.grad = allocLike(value);
  }
  get size(): number {
    return this.value.length;
  }
}

let nameCounters: Record<string, number> = {};
/** Keras-style unique names: simple_rnn, simple_rnn_1, ... */
export function uniqueLayerName(base: string): string {
  const n = nameCounters[base] ?? 0;
  nameCounters[base] = n + 1;
  return n === 0 ? base : `${base}_${n}`;
}
export function resetLayerNames(): void {
  nameCounters = {};
}

/** 'SimpleRNN' → 'simple_rnn', 'GRU' → 'gru', 'TimeDistributed' → 'time_distributed' (Keras's rule). */
export function snakeName(className: string): string {
  return className
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export function shapeToString(s: Shape): string {
  return `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
}

/**
 * A Float32Array of at least n values, reused when large enough: workspaces are sized once per shape.
 * New ones live in the wasm arena when that backend is active, so the kernels use them in place.
 */
export function workspace(buf: Float32Array | null, n: number): Float32Array {
  return buf !== null && buf.length >= n ? buf : allocFloat32(n);
}

export abstract class Layer {
  /** The Keras/tfjs class name written in model.json ('SimpleRNN', 'Dense'). */
  abstract readonly className: string;
  name: string;
  trainable: boolean;
  built = false;
  /** Set when the layer was given inputShape/batchInputShape: it is a model's first layer. */
  batchInputShape: Shape | null = null;
  dtype = 'float32';
  /** The full input shape the weights were built for. */
  builtInputShape: Shape | null = null;
  /** Weights in Keras order (what getWeights returns). */
  weights: LayerVariable[] = [];
  /** Whether a mask coming in is understood (otherwise a mask reaching it is an error, as in Keras). */
  supportsMasking = false;

  constructor(args: LayerArgs = {}, defaultName?: string) {
    this.name = args.name ?? uniqueLayerName(defaultName ?? 'layer');
    this.trainable = args.trainable ?? true;
    if (args.dtype) this.dtype = args.dtype;
    if (args.batchInputShape) {
      this.batchInputShape = args.batchInputShape.slice();
    } else if (args.inputShape) {
      this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    }
    if (this.batchInputShape) {
      for (const d of this.batchInputShape.slice(1)) {
        if (d !== null && !(Number.isInteger(d) && d > 0)) {
          throw new ValueError(`${this.name}: inputShape sizes must be positive integers or null, got ${shapeToString(this.batchInputShape)}`);
        }
      }
    }
  }

  /** Creates weights for this input shape (batch axis first). Subclasses call super.build last. */
  build(inputShape: Shape): void {
    this.builtInputShape = inputShape.slice();
    this.built = true;
  }

  /** Builds on first use; later calls check the shape still fits the weights. */
  ensureBuilt(inputShape: Shape): void {
    if (!this.built) this.build(inputShape);
  }

  /** Creates one weight with an initializer; names follow Keras ('kernel', 'recurrent_kernel', 'bias'). */
  protected addWeight(name: string, shape: number[], init: InitializerSpec | Initializer, trainable = true): LayerVariable {
    const initializer = typeof init === 'object' && 'apply' in init ? (init as Initializer) : getInitializer(init, 'zeros');
    const initial = initializer.apply(shape);
    // weights (and so their gradients) live in the wasm arena when that backend is active
    const value = allocFloat32(initial.length);
    value.set(initial);
    const v = new LayerVariable(name, shape, value, trainable && this.trainable);
    this.weights.push(v);
    return v;
  }

  abstract computeOutputShape(inputShape: Shape): Shape;

  /** Runs the layer on a batch; when training, keeps what backward needs. */
  abstract forward(x: Tensor, training: boolean, mask: Mask): Tensor;

  /**
   * Given dL/dy for the last forward(…, training=true), returns dL/dx and adds dL/dW into each
   * weight's grad. Returns null for integer inputs (token ids), which have no gradient.
   */
  abstract backward(dy: Tensor): Tensor | null;

  /** The mask this layer's output carries (Keras's compute_mask). */
  computeMask(_x: Tensor, inputMask: Mask): Mask {
    return this.supportsMasking ? inputMask : null;
  }

  /** Layer-specific options, camelCase, as the layer's factory takes them (io/ snake-cases them). */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) c.batchInputShape = this.batchInputShape.slice();
    return c;
  }

  /** Layers that hold state across batches (stateful RNNs) clear it here. */
  resetStates(): void {}

  /** Sublayers (Bidirectional, TimeDistributed wrap others); their weights are part of this layer's. */
  get trainableWeights(): LayerVariable[] {
    return this.weights.filter((w) => w.trainable);
  }
  get nonTrainableWeights(): LayerVariable[] {
    return this.weights.filter((w) => !w.trainable);
  }

  countParams(): number {
    let n = 0;
    for (const w of this.weights) n += w.size;
    return n;
  }

  getWeights(): Tensor[] {
    return this.weights.map((w) => new Tensor(w.value.slice(), w.shape));
  }

  setWeights(values: TensorLike[]): void {
    if (values.length !== this.weights.length) {
      throw new ValueError(
        `${this.name}: setWeights expects ${this.weights.length} arrays (${this.weights.map((w) => `${w.name} [${w.shape}]`).join(', ')}), got ${values.length}`,
      );
    }
    values.forEach((v, i) => {
      const w = this.weights[i];
      const t = toTensor(v, `${this.name}.${w.name}`);
      if (t.shape.length !== w.shape.length || t.shape.some((d, j) => d !== w.shape[j])) {
        throw new ValueError(`${this.name}: weight ${i} (${w.name}) expects shape [${w.shape}], got [${t.shape}]`);
      }
      w.value.set(t.data);
    });
  }

  /** Runs the layer on a tensor outside a model (inference mode). Builds it if needed. */
  apply(x: TensorLike, mask: Mask = null): Tensor | Tensor[] {
    const t = toTensor(x, `${this.name} input`);
    this.ensureBuilt([null, ...t.shape.slice(1)]);
    const y = this.forward(t, false, mask);
    return new Tensor(y.data.slice(0, sizeOf(y.shape)), y.shape, y.dtype);
  }
}

/** Checks that a concrete batch matches a declared shape (null sizes match anything). */
export function checkShape(layerName: string, expected: Shape, got: readonly number[], what = 'input'): void {
  const ok = expected.length === got.length && expected.every((d, i) => i === 0 || d === null || d === got[i]);
  if (!ok) {
    throw new ValueError(
      `${layerName}: expected ${what} of shape ${shapeToString(expected)} (rank ${expected.length}), got [${got.join(', ')}] (rank ${got.length})`,
    );
  }
}
