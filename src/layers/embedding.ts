// Embedding: maps integer token ids [B,T] to rows of a trainable table, giving [B,T,outputDim].
// With maskZero, id 0 is padding: the layer emits a mask (id ≠ 0) that recurrent layers and the loss
// honour (the lookup itself still returns row 0, as Keras does).
//
// The gradient is sparse: backward adds dy into the rows the batch used and nothing else, and lists
// those rows in embeddings.touchedRows so optimizers whose update is a no-op on a zero gradient
// (SGD without momentum, Adagrad) visit only them. There is no gradient for the ids (backward
// returns null).
import { ValueError } from '../errors.js';
import { getInitializer, Initializer, InitializerSpec, serializeInitializer } from '../initializers.js';
import { appendDistinct, embeddingGather, embeddingScatterAdd, firstBadId, idsToInt, nonZeroMask } from '../kernels/embedding.js';
import { Tensor } from '../tensor.js';
import { Layer, LayerArgs, LayerVariable, Mask, Shape, workspace } from './layer.js';

export interface EmbeddingArgs extends LayerArgs {
  /** Vocabulary size: ids must lie in [0, inputDim). */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Default randomUniform(-0.05, 0.05), as Keras and tfjs. */
  embeddingsInitializer?: InitializerSpec;
  /** Treat id 0 as padding: emit a mask (id ≠ 0) for the layers after. Default false. */
  maskZero?: boolean;
  /**
   * Length of the input sequences, when fixed (tfjs / Keras 2). Without an inputShape it becomes the
   * layer's declared input shape [inputLength], as in tfjs.
   */
  inputLength?: number | number[] | null;
}

/**
 * Keras's Embedding. Weight 'embeddings' [inputDim, outputDim]. Input [B,T] ids (float32 storage,
 * dtype 'float32' or 'int32'); every id is checked to be an integer in [0, inputDim).
 *
 * As tfjs and Keras 2, an Embedding always declares an input shape ([batchSize, inputLength], null
 * where unknown), so a model that starts with one is built at once.
 */
export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: Initializer;
  readonly maskZero: boolean;
  readonly inputLength: number | null;
  embeddings: LayerVariable | null = null;

  // Workspaces, sized once per batch shape.
  private ids: Int32Array | null = null; // (N) the last forward's ids
  private out: Float32Array | null = null; // (N,D)
  private maskBuf: Uint8Array | null = null; // (N)
  private rowMark: Uint8Array | null = null; // (V) scratch for the distinct rows, all zero between calls
  private rowList: Int32Array | null = null; // (V) touched rows; embeddings.touchedRows is a view of it
  private lastN = 0;
  private lastTrained = false;

  constructor(args: EmbeddingArgs) {
    super(args, 'embedding');
    if (!Number.isInteger(args.inputDim) || args.inputDim <= 0) {
      throw new ValueError(`${this.name}: inputDim must be a positive integer (the vocabulary size), got ${args.inputDim}`);
    }
    if (!Number.isInteger(args.outputDim) || args.outputDim <= 0) {
      throw new ValueError(`${this.name}: outputDim must be a positive integer, got ${args.outputDim}`);
    }
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.embeddingsInitializer = getInitializer(args.embeddingsInitializer, 'randomUniform');
    this.maskZero = args.maskZero ?? false;
    const len = Array.isArray(args.inputLength) ? args.inputLength[0] : args.inputLength;
    if (len !== undefined && len !== null && !(Number.isInteger(len) && len > 0)) {
      throw new ValueError(`${this.name}: inputLength must be a positive integer, got ${args.inputLength}`);
    }
    this.inputLength = len ?? null;
    if (!this.batchInputShape) this.batchInputShape = [args.batchSize ?? null, this.inputLength];
  }

  private checkInputShape(s: readonly (number | null)[]): void {
    if (s.length !== 2) {
      throw new ValueError(
        `${this.name}: expected input of rank 2 [batch, timesteps] of integer ids, got rank ${s.length} (shape [${s.map((d) => d ?? 'null')}])`,
      );
    }
    if (this.inputLength !== null && s[1] !== null && s[1] !== this.inputLength) {
      throw new ValueError(`${this.name}: inputLength is ${this.inputLength} but the input has ${s[1]} timesteps (shape [${s.map((d) => d ?? 'null')}])`);
    }
  }

  override build(inputShape: Shape): void {
    this.checkInputShape(inputShape);
    this.weights = [];
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.embeddingsInitializer);
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkInputShape(inputShape);
    return [inputShape[0], inputShape[1], this.outputDim];
  }

  /** Throws a ValueError naming the first id that is not an integer in [0, inputDim), and where it is. */
  private checkIds(x: Tensor): void {
    const bad = firstBadId(x.data, x.size, this.inputDim);
    if (bad < 0) return;
    const v = x.data[bad];
    const T = x.shape[1];
    const where = `[${Math.floor(bad / T)}, ${bad % T}]`;
    const what = Number.isFinite(v) && Math.floor(v) !== v ? 'is not an integer' : `is outside [0, ${this.inputDim})`;
    throw new ValueError(
      `${this.name}: token id ${v} at position ${where} ${what}; ids must be integers in [0, inputDim) with inputDim = ${this.inputDim}`,
    );
  }

  override forward(x: Tensor, training: boolean, _mask: Mask): Tensor {
    this.checkInputShape(x.shape);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    this.checkIds(x);
    const N = x.size, D = this.outputDim;
    const ids = (this.ids = this.ids && this.ids.length >= N ? this.ids : new Int32Array(N));
    idsToInt(x.data, ids, N);
    const out = (this.out = workspace(this.out, N * D));
    embeddingGather(ids, this.embeddings!.value, out, N, D);
    this.lastN = N;
    this.lastTrained = training;
    return new Tensor(out.subarray(0, N * D), [x.shape[0], x.shape[1], D]);
  }

  /**
   * Adds dy into the rows of the ids of the last training forward, and records the rows in
   * embeddings.touchedRows (joined with the rows already listed, since gradients accumulate until
   * the model clears them). Returns null: ids have no gradient.
   */
  override backward(dy: Tensor): null {
    if (!this.lastTrained) throw new ValueError(`${this.name}: backward called before a training forward`);
    const N = this.lastN, D = this.outputDim, V = this.inputDim;
    if (dy.size !== N * D) throw new ValueError(`${this.name}: dy has ${dy.size} values, expected ${N}×${D}`);
    const v = this.embeddings!;
    if (!v.trainable) return null;
    const ids = this.ids!;
    embeddingScatterAdd(ids, dy.data, v.grad, N, D);
    const mark = (this.rowMark ??= new Uint8Array(V));
    const list = (this.rowList ??= new Int32Array(V));
    let n = 0;
    const prev = v.touchedRows;
    if (prev !== null) {
      if (prev.buffer === list.buffer && prev.byteOffset === list.byteOffset) {
        n = prev.length; // our own list from an earlier backward: already distinct, in place
        for (let k = 0; k < n; k++) mark[list[k]] = 1;
      } else {
        n = appendDistinct(prev, prev.length, mark, list, 0);
      }
    }
    n = appendDistinct(ids, N, mark, list, n);
    for (let k = 0; k < n; k++) mark[list[k]] = 0;
    v.touchedRows = list.subarray(0, n);
    return null;
  }

  /** id ≠ 0 per step when maskZero (a view of a workspace, valid until the next call), else null. */
  override computeMask(x: Tensor, _inputMask: Mask): Mask {
    if (!this.maskZero) return null;
    const N = x.size;
    const m = (this.maskBuf = this.maskBuf && this.maskBuf.length >= N ? this.maskBuf : new Uint8Array(N));
    nonZeroMask(x.data, m, N);
    return m.subarray(0, N);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
      embeddingsRegularizer: null,
      activityRegularizer: null,
      embeddingsConstraint: null,
      maskZero: this.maskZero,
      inputLength: this.inputLength,
    };
  }
}

/** tf.layers.embedding({inputDim, outputDim, maskZero?, inputLength?}). */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}
