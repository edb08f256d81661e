// Gradient flow through time, made visible: a callback that measures, on a fixed probe batch,
// how large the gradient of the loss is with respect to each recurrent layer's hidden state h_t
// at every timestep t: how far back in time the error signal reaches. Going back one step multiplies
// it by the step's Jacobian: diag(tanh')·Whᵀ for a SimpleRNN, mostly the forget gate for an LSTM's
// cell path, the update gate for a GRU. Which cell carries it furthest depends on the weights: at
// Keras's default initialisation on the multiplication problem (100 steps, small inputs) the
// SimpleRNN's orthogonal kernel with near-linear tanh units keeps it best (‖∂L/∂h_0‖/‖∂L/∂h_99‖ ≈ 2e-4,
// LSTM ≈ 3e-8 with forget gates ≈ σ(1), GRU ≈ 1e-18 with update gates ≈ ½); training opens the gated
// cells' paths (GRU ≈ 0.3, LSTM ≈ 0.02-0.4 once they have learned the task), while the SimpleRNN's
// closes in its first epochs (≈ 1e-9 after 10). With inputs large enough to saturate tanh, the
// SimpleRNN's gradient vanishes faster than the LSTM's from the start (test/model/gradient-flow.test.ts).
//
// The probe pass is a forward (training=true, because the LSTM/GRU kernels keep their backward
// caches only then) and a backward with RecurrentLayer.recordHiddenGrads set, on the model's own
// layers. It must not change training, so it:
//   - never calls the optimizer (weights and optimizer state are untouched),
//   - saves every weight's gradient (and touchedRows) and puts them back afterwards,
//   - switches dropout off for its pass (RecurrentLayer dropout/recurrentDropout, Dropout rate), so
//     it draws nothing from the random streams fit's later dropout masks and shuffles come from,
//     and measures the deterministic network (the one predict() runs),
//   - puts back stateful layers' carried states and each layer's recordHiddenGrads flag.
// Layer workspaces (the caches of the last forward) are overwritten, which is harmless: fit's next
// step runs its own forward before any backward.
//
// Time order: a goBackwards layer processes step T-1 first; its records are turned back into INPUT
// time order (norms[t] belongs to input step t), for the gradients and the hidden states alike.
import { ValueError } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { Dropout } from '../layers/dropout.js';
import type { Layer, LayerVariable } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { sizeOf, Tensor, TensorLike, toTensor } from '../tensor.js';
import type { CallbackHooks, CallbackModel, Logs, TrainingParams } from './callbacks.js';
import type { Sequential } from './sequential.js';

/** One measurement: one recurrent layer, after `epoch` epochs of training (0 = before training). */
export interface GradientFlowRecord {
  /** Epochs completed when the probe ran: 0 at train begin, e+1 after epoch e (0-based, as fit counts). */
  epoch: number;
  /** The recurrent layer's name (inside a Bidirectional: its 'forward_…' / 'backward_…' copy). */
  layer: string;
  /** The layer's class: 'SimpleRNN', 'LSTM', 'GRU'. */
  cell: string;
  /** Whether the layer runs backwards in time (its numbers below are in input time order all the same). */
  goBackwards: boolean;
  /**
   * norms[t], t in input time order: the mean over the probe samples of ‖∂L_b/∂h_t‖₂, the L2 norm
   * over the layer's units of the TOTAL gradient of sample b's own loss L_b with respect to the
   * layer's output h_t (from the layer above at step t, and from step t+1 through the recurrence).
   */
  norms: number[];
  /** The probe batch's loss (the mean the model trains on) when the probe ran. */
  loss: number;
  /** hidden[t][u]: the layer's hidden state h_t for probe sequence `sample`, input time order; null when not kept. */
  hidden: number[][] | null;
}

export interface GradientFlowArgs {
  /** The fixed probe batch: inputs and targets as fit takes them (e.g. a slice of held-out data). */
  probe: { x: TensorLike; y: TensorLike };
  /** Use only the first probeSize probe samples (default: all of them). */
  probeSize?: number;
  /** Probe every `every` epochs (default 1); the probe also runs at train begin and after the last epoch. */
  every?: number;
  /** Names of the recurrent layers to record (default: every recurrent layer; a Bidirectional's name selects both its copies). */
  layers?: string[];
  /** Which probe sequence's hidden states to keep (default 0); null keeps none. */
  sample?: number | null;
}

/** Options of one probe measurement outside fit (measureGradientFlow). */
export interface GradientFlowProbeOptions {
  layers?: string[];
  sample?: number | null;
  /** Written into the records' epoch field (default 0). */
  epoch?: number;
}

/** What the probe needs from a model (Sequential provides it). */
type ProbeModel = Pick<Sequential, 'layers' | 'weights' | 'loss' | 'forwardBatch' | 'backwardBatch' | 'toInput' | 'built'>;

/** The recurrent layers a model holds, in order, with the names the `layers` option can use. */
function recurrentLayers(model: ProbeModel): { layer: RecurrentLayer; names: string[] }[] {
  const out: { layer: RecurrentLayer; names: string[] }[] = [];
  const visit = (l: Layer, outer: string[]) => {
    if (l instanceof RecurrentLayer) out.push({ layer: l, names: [...outer, l.name] });
    else if (l instanceof Bidirectional) {
      visit(l.forwardLayer, [...outer, l.name]);
      visit(l.backwardLayer, [...outer, l.name]);
    } else if (l instanceof TimeDistributed) visit(l.layer, [...outer, l.name]);
  };
  for (const l of model.layers) visit(l, []);
  return out;
}

function selectLayers(model: ProbeModel, names: string[] | undefined): RecurrentLayer[] {
  const all = recurrentLayers(model);
  if (all.length === 0) {
    throw new ValueError(`gradientFlow: the model has no recurrent layer (layers: ${model.layers.map((l) => `${l.name} (${l.className})`).join(', ')})`);
  }
  if (!names) return all.map((e) => e.layer);
  for (const n of names) {
    if (!all.some((e) => e.names.includes(n))) {
      throw new ValueError(`gradientFlow: no recurrent layer named '${n}' (recurrent layers: ${all.map((e) => e.layer.name).join(', ')})`);
    }
  }
  return all.filter((e) => e.names.some((n) => names.includes(n))).map((e) => e.layer);
}

/** Every layer, wrapped ones included (dropout must be off everywhere during the probe). */
function allLayers(layers: Layer[]): Layer[] {
  const out: Layer[] = [];
  const visit = (l: Layer) => {
    out.push(l);
    if (l instanceof Bidirectional) {
      visit(l.forwardLayer);
      visit(l.backwardLayer);
    } else if (l instanceof TimeDistributed) visit(l.layer);
  };
  layers.forEach(visit);
  return out;
}

// The dropout rates are readonly options; the probe lowers them to 0 for its own pass only.
type Rates = { dropout: number; recurrentDropout: number };
type Rate = { rate: number };

/**
 * One probe measurement: forward and backward on (x, y) with hidden gradients recorded, then every
 * side effect undone (see the file comment). Returns one record per selected recurrent layer.
 */
export function measureGradientFlow(model: ProbeModel, x: TensorLike, y: TensorLike, options: GradientFlowProbeOptions = {}): GradientFlowRecord[] {
  if (!model.loss) throw new ValueError('gradientFlow: the model must be compiled (it needs the loss)');
  const X = model.toInput(x, 'gradientFlow probe x');
  const Y = toTensor(y, 'gradientFlow probe y');
  const B = X.shape[0];
  if (Y.rank === 0 || Y.shape[0] !== B) {
    throw new ValueError(`gradientFlow: the probe's x has ${B} samples but y has ${Y.rank === 0 ? 'no batch axis' : Y.shape[0]}`);
  }
  const sample = options.sample === undefined ? 0 : options.sample;
  if (sample !== null && !(Number.isInteger(sample) && sample >= 0 && sample < B)) {
    throw new ValueError(`gradientFlow: sample ${sample} is out of range for a probe of ${B} sequences`);
  }
  const selected = selectLayers(model, options.layers);
  const everyLayer = allLayers(model.layers);

  // save what the pass would change
  const vars: LayerVariable[] = model.weights;
  const grads = vars.map((v) => v.grad.slice());
  const touched = vars.map((v) => v.touchedRows);
  const recurrent = everyLayer.filter((l): l is RecurrentLayer => l instanceof RecurrentLayer);
  const flags = recurrent.map((l) => l.recordHiddenGrads);
  // stateful layers carry their states in arrays the kernels update in place: keep the values too
  const states = recurrent.map((l) => ({ arrays: l.states, values: l.states.map((st) => st.slice()) }));
  const rates = recurrent.map((l) => ({ dropout: l.dropout, recurrentDropout: l.recurrentDropout }));
  const dropouts = everyLayer.filter((l): l is Dropout => l instanceof Dropout);
  const dropRates = dropouts.map((l) => l.rate);

  const records: GradientFlowRecord[] = [];
  try {
    for (const l of recurrent) {
      (l as unknown as Rates).dropout = 0;
      (l as unknown as Rates).recurrentDropout = 0;
      l.recordHiddenGrads = false;
    }
    for (const l of dropouts) (l as unknown as Rate).rate = 0;
    for (const l of selected) l.recordHiddenGrads = true;
    for (const v of vars) v.grad.fill(0);

    const { y: out, mask } = model.forwardBatch(X, true);
    const loss = model.loss;
    loss.check(Y.data, Y.shape, out.shape);
    const dy = new Float32Array(out.size);
    const entryMask = mask && out.shape.length >= 3 ? mask : null;
    const value = loss.compute(Y.data, out.data, out.shape, dy, null, entryMask);
    // the gradient of the summed (not mean) loss: each sample's own loss gradient, whatever B is
    for (let i = 0; i < dy.length; i++) dy[i] *= B;
    model.backwardBatch(new Tensor(dy, out.shape));

    for (const l of selected) {
      const T = l['lastT'], U = l.units;
      const hg = l.hiddenGrads!;
      const norms = new Array<number>(T).fill(0);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const o = (b * T + t) * U;
          let s = 0;
          for (let u = 0; u < U; u++) s += hg[o + u] * hg[o + u];
          norms[l.goBackwards ? T - 1 - t : t] += Math.sqrt(s) / B;
        }
      }
      let hidden: number[][] | null = null;
      if (sample !== null) {
        // the layer's outputs at every step (processing order), kept by its forward
        const hs = l['hSeq']!;
        hidden = Array.from({ length: T }, (_, t) => {
          const o = (sample * T + (l.goBackwards ? T - 1 - t : t)) * U;
          return Array.from(hs.subarray(o, o + U));
        });
      }
      records.push({ epoch: options.epoch ?? 0, layer: l.name, cell: l.className, goBackwards: l.goBackwards, norms, loss: value, hidden });
    }
  } finally {
    vars.forEach((v, i) => {
      v.grad.set(grads[i]);
      v.touchedRows = touched[i];
    });
    recurrent.forEach((l, i) => {
      l.recordHiddenGrads = flags[i];
      l.states = states[i].arrays;
      states[i].arrays.forEach((st, k) => st.set(states[i].values[k]));
      (l as unknown as Rates).dropout = rates[i].dropout;
      (l as unknown as Rates).recurrentDropout = rates[i].recurrentDropout;
    });
    dropouts.forEach((l, i) => ((l as unknown as Rate).rate = dropRates[i]));
  }
  return records;
}

/**
 * tsrnn.callbacks.gradientFlow({probe: {x, y}, every, layers}): records ‖∂L/∂h_t‖ for every
 * recurrent layer and timestep at train begin and every `every` epochs, without changing training.
 * Read `records` (or toJSON()) after fit; report/gradient-flow-chart.ts draws them.
 */
export class GradientFlow implements CallbackHooks {
  readonly every: number;
  readonly layerNames: string[] | undefined;
  readonly sample: number | null;
  readonly probeX: Tensor;
  readonly probeY: Tensor;
  /** Every measurement so far, in the order taken (epoch by epoch, layer by layer). */
  records: GradientFlowRecord[] = [];
  model: CallbackModel | null = null;
  params: TrainingParams | null = null;
  private lastRecorded = -1;
  private epochsDone = 0;

  constructor(args: GradientFlowArgs) {
    if (!args || !args.probe || args.probe.x === undefined || args.probe.y === undefined) {
      throw new ValueError('gradientFlow: give a probe batch, {probe: {x, y}} (e.g. a few validation sequences)');
    }
    const every = args.every ?? 1;
    if (!(Number.isInteger(every) && every >= 1)) throw new ValueError(`gradientFlow: every must be an integer ≥ 1, got ${every}`);
    this.every = every;
    this.layerNames = args.layers ? args.layers.slice() : undefined;
    this.sample = args.sample === undefined ? 0 : args.sample;
    let x = toTensor(args.probe.x, 'gradientFlow probe x');
    let y = toTensor(args.probe.y, 'gradientFlow probe y');
    if (x.rank === 0 || y.rank === 0 || x.shape[0] !== y.shape[0]) {
      throw new ValueError(`gradientFlow: the probe's x [${x.shape}] and y [${y.shape}] must have the same number of samples`);
    }
    if (args.probeSize !== undefined) {
      const n = args.probeSize;
      if (!(Number.isInteger(n) && n >= 1)) throw new ValueError(`gradientFlow: probeSize must be an integer ≥ 1, got ${n}`);
      if (n > x.shape[0]) throw new ValueError(`gradientFlow: probeSize ${n} is larger than the probe (${x.shape[0]} samples)`);
      x = firstRows(x, n);
      y = firstRows(y, n);
    }
    this.probeX = x;
    this.probeY = y;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }
  setParams(params: TrainingParams): void {
    this.params = params;
  }

  /** Runs one probe now and appends its records (epoch = epochs completed). */
  measure(epoch: number): GradientFlowRecord[] {
    if (!this.model) throw new ValueError('gradientFlow: the callback has no model yet (pass it to fit)');
    const recs = measureGradientFlow(this.model as unknown as ProbeModel, this.probeX, this.probeY, {
      layers: this.layerNames, sample: this.sample, epoch,
    });
    this.records.push(...recs);
    this.lastRecorded = epoch;
    return recs;
  }

  onTrainBegin(): void {
    const start = this.params?.initialEpoch ?? 0;
    this.epochsDone = start;
    this.lastRecorded = -1;
    this.measure(start);
  }

  onEpochEnd(epoch: number, _logs?: Logs): void {
    this.epochsDone = epoch + 1;
    const last = this.params ? epoch + 1 === this.params.epochs : false;
    if ((epoch + 1) % this.every === 0 || last) this.measure(epoch + 1);
  }

  onTrainEnd(): void {
    // training stopped early between two probes: measure where it ended
    if (this.lastRecorded !== this.epochsDone) this.measure(this.epochsDone);
  }

  /** The epochs at which probes ran, in order. */
  get epochs(): number[] {
    return [...new Set(this.records.map((r) => r.epoch))];
  }

  /** The record of one layer at one epoch (default: the first recorded layer, the last epoch). */
  record(layer?: string, epoch?: number): GradientFlowRecord | undefined {
    const name = layer ?? this.records[0]?.layer;
    const e = epoch ?? this.epochs[this.epochs.length - 1];
    return this.records.find((r) => r.layer === name && r.epoch === e);
  }

  toJSON(): GradientFlowJSON {
    return {
      kind: 'gradientFlow',
      probe: { samples: this.probeX.shape[0], timesteps: this.probeX.shape[1] ?? null, sample: this.sample },
      every: this.every,
      records: this.records.map((r) => ({ ...r, norms: r.norms.slice(), hidden: r.hidden ? r.hidden.map((h) => h.slice()) : null })),
    };
  }
}

/** What GradientFlow.toJSON() returns (and JSON.stringify writes). */
export interface GradientFlowJSON {
  kind: 'gradientFlow';
  probe: { samples: number; timesteps: number | null; sample: number | null };
  every: number;
  records: GradientFlowRecord[];
}

function firstRows(t: Tensor, n: number): Tensor {
  const row = sizeOf(t.shape.slice(1));
  return new Tensor(t.data.slice(0, n * row), [n, ...t.shape.slice(1)], t.dtype);
}

/** tsrnn.callbacks.gradientFlow({probe: {x, y}, every, layers}). */
export function gradientFlow(args: GradientFlowArgs): GradientFlow {
  return new GradientFlow(args);
}
