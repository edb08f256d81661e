// Sequential: a list of layers (Keras's Sequential), with compile / fit / evaluate / predict.
// The training loop itself lives in fit.ts; this file holds the model and one step's math.
import { ValueError } from '../errors.js';
import { Layer, LayerVariable, Mask, Shape, shapeToString, uniqueLayerName } from '../layers/layer.js';
import { getLoss, Loss } from './losses.js';
import { Metric, resolveMetric } from './metrics.js';
import { getOptimizer, Optimizer } from '../optimizers/index.js';
import { assertFinite, sizeOf, Tensor, TensorLike, toTensor } from '../tensor.js';
import { CallbackModel, History } from './callbacks.js';
import { formatSummary } from './summary.js';
import { fitLoop, ModelFitArgs } from './fit.js';
import { batchWeights, checkTargets, gatherRows } from './batches.js';
import { saveModel } from '../io/save.js';
import { inferenceGroup } from '../kernels/backend.js';
import type { IOHandler, SaveResult } from '../io/types.js';
import type { SaveConfig } from '../io/save.js';

export interface ModelCompileArgs {
  optimizer: string | Optimizer;
  loss: string | Loss;
  metrics?: (string | Metric)[];
}

export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
}

export interface ModelPredictArgs {
  /**
   * Samples per batch (default 32). On the wasm backend with n threads, n batches run through the layers
   * together, one per thread (not with stateful layers): memory is that of n batches.
   */
  batchSize?: number;
}

export interface ModelEvaluateArgs {
  batchSize?: number;
  sampleWeight?: TensorLike;
  verbose?: number;
}

/** The result of one batch: the mean loss and each metric's weighted sum and count. */
export interface StepResult {
  loss: number;
  metricSums: number[];
  metricCounts: number[];
  /** False when the loss or a gradient was NaN/Infinity (then no update was applied). */
  finite: boolean;
}

export class Sequential implements CallbackModel {
  readonly className = 'Sequential';
  name: string;
  layers: Layer[] = [];
  optimizer: Optimizer | null = null;
  loss: Loss | null = null;
  /** Metric specs as given to compile; resolved against the output shape on first use. */
  private metricSpecs: (string | Metric)[] = [];
  metrics: Metric[] = [];
  stopTraining = false;
  /** Why the last fit stopped early on its own (NaN loss), or null. */
  stopReason: string | null = null;
  built = false;
  /** Batch input shape of the first layer, once known. */
  inputShapeFull: Shape | null = null;
  outputShapeFull: Shape | null = null;
  private grad: Float32Array | null = null;
  private lossWeights: Float32Array | null = null;

  constructor(args: SequentialArgs = {}) {
    this.name = args.name ?? uniqueLayerName('sequential');
    for (const l of args.layers ?? []) this.add(l);
  }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new ValueError(`Sequential.add expects a layer, got ${typeof layer}`);
    if (this.layers.length === 0 && layer.batchInputShape) {
      this.layers.push(layer);
      this.build(layer.batchInputShape);
      return;
    }
    if (this.layers.length > 0 && layer.batchInputShape && this.built) {
      throw new ValueError(`${layer.name}: only the first layer of a Sequential model takes inputShape`);
    }
    this.layers.push(layer);
    if (this.built) this.build(this.inputShapeFull!);
  }

  /** Builds every layer's weights from the input shape (batch axis first), as Keras does on the first call. */
  build(batchInputShape?: Shape): void {
    const shape0 = batchInputShape ?? this.layers[0]?.batchInputShape;
    if (!shape0) throw new ValueError('The model has no input shape yet: give the first layer inputShape, or call fit/predict');
    if (this.layers.length === 0) throw new ValueError('The model has no layers');
    let shape: Shape = shape0.slice();
    for (const layer of this.layers) {
      layer.ensureBuilt(shape);
      shape = layer.computeOutputShape(shape);
    }
    this.inputShapeFull = shape0.slice();
    this.outputShapeFull = shape;
    this.built = true;
  }

  /** Output shapes of every layer, for summary(). */
  private layerOutputShapes(): Shape[] {
    let shape = this.inputShapeFull!;
    return this.layers.map((l) => (shape = l.computeOutputShape(shape)));
  }

  summary(lineLength?: number, positions?: number[], printFn: (line: string) => void = console.log): void {
    if (!this.built) {
      throw new ValueError('This model has not yet been built. Give the first layer an inputShape, or call fit/predict first.');
    }
    const shapes = this.layerOutputShapes();
    const rows = this.layers.map((layer, i) => ({ layer, outputShape: shapes[i] }));
    for (const line of formatSummary(this.name, rows, lineLength, positions)) printFn(line);
  }

  compile(args: ModelCompileArgs): void {
    if (!args || args.optimizer === undefined) throw new ValueError('compile needs an optimizer');
    if (args.loss === undefined) throw new ValueError('compile needs a loss');
    this.optimizer = getOptimizer(args.optimizer);
    this.loss = getLoss(args.loss);
    this.metricSpecs = args.metrics ?? [];
    this.metrics = [];
  }

  get metricsNames(): string[] {
    return ['loss', ...this.metrics.map((m) => m.name)];
  }

  /** All weights in Keras order (layer by layer). */
  get weights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.weights);
  }
  get trainableWeights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.weights.filter((w) => w.trainable));
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  setWeights(weights: TensorLike[]): void {
    const expected = this.weights;
    if (weights.length !== expected.length) {
      throw new ValueError(
        `setWeights: the model has ${expected.length} weight arrays (${this.layers.map((l) => `${l.name}: ${l.weights.length}`).join(', ')}), got ${weights.length}`,
      );
    }
    let k = 0;
    for (const l of this.layers) {
      const n = l.weights.length;
      l.setWeights(weights.slice(k, k + n));
      k += n;
    }
  }

  resetStates(): void {
    for (const l of this.layers) l.resetStates();
  }

  getLayer(nameOrIndex: string | number): Layer {
    const l = typeof nameOrIndex === 'number' ? this.layers[nameOrIndex] : this.layers.find((x) => x.name === nameOrIndex);
    if (!l) throw new ValueError(`No layer ${JSON.stringify(nameOrIndex)} (layers: ${this.layers.map((x) => x.name).join(', ')})`);
    return l;
  }

  /** Converts and checks model input: a tensor of the declared rank and sizes, with no NaN. */
  toInput(x: TensorLike, what = 'x'): Tensor {
    const t = toTensor(x, what);
    if (!this.built) this.build([null, ...t.shape.slice(1)]);
    const expected = this.inputShapeFull!;
    const ok = t.rank === expected.length && expected.every((d, i) => i === 0 || d === null || d === t.shape[i]);
    if (!ok) {
      throw new ValueError(
        `${what}: the model expects input of shape ${shapeToString(expected)} (rank ${expected.length}), got [${t.shape.join(', ')}] (rank ${t.rank})`,
      );
    }
    assertFinite(t, what);
    return t;
  }

  /** Forward through every layer, carrying masks as Keras does. The result is a workspace view. */
  forwardBatch(x: Tensor, training: boolean): { y: Tensor; mask: Mask } {
    let h = x;
    let mask: Mask = null;
    for (const layer of this.layers) {
      if (mask && !layer.supportsMasking) {
        throw new ValueError(`Layer ${layer.name} (${layer.className}) does not support masking, but was passed an input mask`);
      }
      const out = layer.forward(h, training, mask);
      mask = layer.computeMask(h, mask);
      h = out;
    }
    return { y: h, mask };
  }

  /** Backward through every layer, from dL/d(output). */
  backwardBatch(dy: Tensor): void {
    let g: Tensor | null = dy;
    for (let i = this.layers.length - 1; i >= 0 && g !== null; i--) g = this.layers[i].backward(g);
  }

  /** Resolves metric names (Keras's 'accuracy' rule needs the output and target shapes). */
  ensureMetrics(yShape: number[]): void {
    if (this.metrics.length === this.metricSpecs.length) return;
    const predShape = this.outputShapeFull!.map((d, i) => (i === 0 ? yShape[0] : (d as number)));
    this.metrics = this.metricSpecs.map((m) => resolveMetric(m, this.loss!, predShape, yShape));
  }

  /** One training step on a batch: forward, loss, backward, update. */
  trainStep(xb: Tensor, yb: Tensor, sampleWeight: Float32Array | null): StepResult {
    const vars = this.trainableWeights;
    for (const v of vars) {
      v.grad.fill(0);
      v.touchedRows = null;
    }
    const { y, mask } = this.forwardBatch(xb, true);
    const n = y.size;
    const grad = (this.grad = this.grad && this.grad.length >= n ? this.grad : new Float32Array(n)).subarray(0, n);
    const w = this.lossWeightsFor(y.shape, sampleWeight);
    const m = this.entryMask(y.shape, mask);
    const loss = this.loss!.compute(yb.data, y.data, y.shape, grad, w, m);
    const res = this.metricStep(yb, y, m);
    res.loss = loss;
    if (!Number.isFinite(loss)) return res;
    this.backwardBatch(new Tensor(grad, y.shape));
    if (!gradientsFinite(vars)) return res;
    this.optimizer!.applyGradients(vars);
    res.finite = true;
    return res;
  }

  /** Loss and metrics of a batch without training. */
  testStep(xb: Tensor, yb: Tensor, sampleWeight: Float32Array | null): StepResult {
    const { y, mask } = this.forwardBatch(xb, false);
    const w = this.lossWeightsFor(y.shape, sampleWeight);
    const m = this.entryMask(y.shape, mask);
    const res = this.metricStep(yb, y, m);
    res.loss = this.loss!.compute(yb.data, y.data, y.shape, null, w, m);
    res.finite = Number.isFinite(res.loss);
    return res;
  }

  /** Keras 3: plain metrics take no sample weights, only the mask of a sequence output. */
  private metricStep(yb: Tensor, y: Tensor, mask: Uint8Array | null): StepResult {
    const metricSums: number[] = [];
    const metricCounts: number[] = [];
    for (const m of this.metrics) {
      const r = m.batch(yb.data, y.data, y.shape, null, mask);
      metricSums.push(r.sum);
      metricCounts.push(r.count);
    }
    return { loss: NaN, metricSums, metricCounts, finite: false };
  }

  private lossWeightsFor(predShape: number[], sampleWeight: Float32Array | null): Float32Array | null {
    const r = batchWeights(this.lossWeights, predShape, sampleWeight);
    if (r) this.lossWeights = r.buffer;
    return r ? r.weights : null;
  }

  /** The output mask (one 0/1 per sample and step) reaches the loss and metrics for sequence outputs only. */
  private entryMask(predShape: number[], mask: Mask): Uint8Array | null {
    return mask && predShape.length >= 3 ? mask : null;
  }

  predict(x: TensorLike, args: ModelPredictArgs = {}): Tensor {
    const X = this.toInput(x);
    const bs = args.batchSize ?? 32;
    if (!(Number.isInteger(bs) && bs > 0)) throw new ValueError(`predict: batchSize must be a positive integer, got ${bs}`);
    const N = X.shape[0];
    const rowIn = sizeOf(X.shape.slice(1));
    // On n kernel threads n batches go through together (see inferenceGroup), except with stateful layers,
    // whose states belong to a fixed batch of rows.
    const step = this.layers.some(isStateful) ? bs : bs * inferenceGroup();
    let out: Float32Array | null = null;
    let outShape: number[] = [];
    for (let start = 0; start < N; start += step) {
      const end = Math.min(N, start + step);
      const xb = new Tensor(X.data.subarray(start * rowIn, end * rowIn), [end - start, ...X.shape.slice(1)], X.dtype);
      const { y } = this.forwardBatch(xb, false);
      if (!out) {
        outShape = [N, ...y.shape.slice(1)];
        out = new Float32Array(sizeOf(outShape));
      }
      const rowOut = sizeOf(y.shape.slice(1));
      out.set(y.data.subarray(0, (end - start) * rowOut), start * rowOut);
    }
    if (!out) throw new ValueError('predict: x has no samples');
    return new Tensor(out, outShape);
  }

  /** Loss (and metrics) over a dataset: a scalar tensor, or [loss, ...metrics] when metrics were compiled (tfjs). */
  evaluate(x: TensorLike, y: TensorLike, args: ModelEvaluateArgs = {}): Tensor | Tensor[] {
    const logs = this.evaluateLogs(this.toInput(x), toTensor(y, 'y'), args.batchSize ?? 32,
      args.sampleWeight === undefined ? null : toTensor(args.sampleWeight, 'sampleWeight').data);
    const values = this.metricsNames.map((k) => new Tensor(new Float32Array([logs[k]]), []));
    return values.length === 1 ? values[0] : values;
  }

  /** {loss, metric...} averaged over the data as Keras does (weighted by batch size / entry counts). */
  evaluateLogs(X: Tensor, Y: Tensor, batchSize: number, sampleWeight: Float32Array | null): Record<string, number> {
    if (!this.loss) throw new ValueError('The model must be compiled before evaluate/fit: call model.compile({optimizer, loss})');
    checkTargets(this, X, Y, 'y');
    this.ensureMetrics(Y.shape);
    const N = X.shape[0];
    let lossSum = 0;
    const sums = this.metrics.map(() => 0);
    const counts = this.metrics.map(() => 0);
    const rowX = sizeOf(X.shape.slice(1));
    const rowY = sizeOf(Y.shape.slice(1));
    for (let start = 0; start < N; start += batchSize) {
      const end = Math.min(N, start + batchSize);
      const xb = new Tensor(X.data.subarray(start * rowX, end * rowX), [end - start, ...X.shape.slice(1)], X.dtype);
      const yb = new Tensor(Y.data.subarray(start * rowY, end * rowY), [end - start, ...Y.shape.slice(1)], Y.dtype);
      const r = this.testStep(xb, yb, sampleWeight ? sampleWeight.subarray(start, end) : null);
      lossSum += r.loss * (end - start);
      r.metricSums.forEach((s, i) => {
        sums[i] += s;
        counts[i] += r.metricCounts[i];
      });
    }
    const logs: Record<string, number> = { loss: lossSum / N };
    this.metrics.forEach((m, i) => (logs[m.name] = counts[i] > 0 ? sums[i] / counts[i] : 0));
    return logs;
  }

  /** Trains the model (tfjs signature). See ModelFitArgs for the options and their Keras defaults. */
  async fit(x: TensorLike, y: TensorLike, args: ModelFitArgs = {}): Promise<History> {
    return fitLoop(this, x, y, args);
  }

  getConfig(): { name: string; layers: { className: string; config: Record<string, unknown> }[] } {
    return { name: this.name, layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })) };
  }

  /** Saves to a URL ('file://dir') or an IO handler, in the TensorFlow.js layers-model format. */
  async save(handlerOrUrl: string | IOHandler, config?: SaveConfig): Promise<SaveResult> {
    return saveModel(this, handlerOrUrl, config);
  }

  /** The metrics as given to compile (names or objects), for the training config in model.json. */
  get compiledMetrics(): (string | Metric)[] {
    return this.metricSpecs.slice();
  }
}

export { gatherRows };

/** Whether every gradient value is finite; sparse (embedding) gradients are read on their touched rows only. */
function gradientsFinite(vars: LayerVariable[]): boolean {
  let sum = 0;
  for (const v of vars) {
    const g = v.grad;
    if (v.touchedRows) {
      const cols = v.shape[v.shape.length - 1];
      for (const r of v.touchedRows) for (let i = r * cols, e = i + cols; i < e; i++) sum += g[i] * 0;
    } else {
      for (let i = 0; i < g.length; i++) sum += g[i] * 0;
    }
  }
  // x * 0 is 0 for finite x and NaN for NaN/±Infinity, so one NaN check covers every value
  return sum === 0;
}

/** tsrnn.sequential({layers}) as in tfjs. */
export function sequential(args: SequentialArgs = {}): Sequential {
  return new Sequential(args);
}

/** A stateful recurrent layer, alone or inside a wrapper (Bidirectional, TimeDistributed). */
function isStateful(l: Layer): boolean {
  const w = l as unknown as { stateful?: boolean; layer?: Layer; forwardLayer?: Layer; backwardLayer?: Layer };
  return w.stateful === true || [w.layer, w.forwardLayer, w.backwardLayer].some((inner) => inner !== undefined && isStateful(inner));
}
