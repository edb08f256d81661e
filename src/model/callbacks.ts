// Training callbacks with tfjs's hook names (onEpochEnd, ...) and Keras's built-ins
// (History, EarlyStopping, TerminateOnNaN). Hooks may be async; fit awaits them.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { gradientFlow } from './gradient-flow.js';

export type Logs = Record<string, number>;

export interface TrainingParams {
  epochs: number;
  initialEpoch: number;
  samples: number;
  steps: number;
  batchSize: number;
  validationSamples: number;
  verbose: number;
  metrics: string[];
}

/** The part of a model that callbacks can reach (Sequential implements it). */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(ws: Tensor[]): void;
}

export interface CallbackHooks {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  setModel?(model: CallbackModel): void;
  setParams?(params: TrainingParams): void;
}

/** Base class like tfjs's Callback: subclasses override the hooks they need. */
export class Callback implements CallbackHooks {
  model: CallbackModel | null = null;
  params: TrainingParams | null = null;
  setModel(model: CallbackModel): void {
    this.model = model;
  }
  setParams(params: TrainingParams): void {
    this.params = params;
  }
}

/** Per-epoch logs, as model.fit returns them (history.history.loss, .val_loss, ...). */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};
  override setParams(params: TrainingParams): void {
    super.setParams(params);
  }
  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

export interface EarlyStoppingArgs {
  /** Log to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min', 'max' or 'auto' (max for names containing 'acc', else min), as Keras. */
  mode?: 'auto' | 'min' | 'max';
  /** Improvements are measured against this value at first (default none). */
  baseline?: number;
  /** Put back the weights of the best epoch when stopping (default false, as Keras). */
  restoreBestWeights?: boolean;
  verbose?: number;
}

/** Keras's EarlyStopping. */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly verbose: number;
  wait = 0;
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = -1;
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new ValueError(`earlyStopping: mode must be 'auto', 'min' or 'max', got '${mode}'`);
    this.mode = mode === 'auto' ? (this.monitor.includes('acc') ? 'max' : 'min') : mode;
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.verbose = args.verbose ?? 0;
  }

  private improved(current: number, reference: number): boolean {
    return this.mode === 'min' ? current < reference - this.minDelta : current > reference + this.minDelta;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = -1;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`earlyStopping: metric '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')}); not stopping`);
      return;
    }
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.model!.getWeights();
    this.wait++;
    if (this.improved(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      // Keras: only reset the wait when the baseline (if any) is beaten too
      if (this.baseline === null || this.improved(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) {
        if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
        this.model!.setWeights(this.bestWeights);
      }
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
  }
}

/** Keras's TerminateOnNaN: stops when a batch's loss is NaN or infinite. (fit also always stops on NaN.) */
export class TerminateOnNaN extends Callback {
  onBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.warn(`Batch ${batch}: invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}

/** tfjs-style namespace: tsrnn.callbacks.earlyStopping({...}). */
export const callbacks = {
  earlyStopping: (args?: EarlyStoppingArgs) => new EarlyStopping(args),
  terminateOnNaN: () => new TerminateOnNaN(),
  /** Records ‖∂L/∂h_t‖ per recurrent layer and timestep on a fixed probe batch (model/gradient-flow.ts). */
  gradientFlow,
};

/** Runs a list of callbacks in order, awaiting async hooks. */
export class CallbackList {
  constructor(readonly list: CallbackHooks[]) {}
  get hasBatchHooks(): boolean {
    return this.list.some((c) => c.onBatchBegin || c.onBatchEnd);
  }
  setModel(m: CallbackModel): void {
    for (const c of this.list) c.setModel?.(m);
  }
  setParams(p: TrainingParams): void {
    for (const c of this.list) c.setParams?.(p);
  }
  async trainBegin(logs: Logs): Promise<void> {
    for (const c of this.list) await c.onTrainBegin?.(logs);
  }
  async trainEnd(logs: Logs): Promise<void> {
    for (const c of this.list) await c.onTrainEnd?.(logs);
  }
  async epochBegin(e: number, logs: Logs): Promise<void> {
    for (const c of this.list) await c.onEpochBegin?.(e, logs);
  }
  async epochEnd(e: number, logs: Logs): Promise<void> {
    for (const c of this.list) await c.onEpochEnd?.(e, logs);
  }
  async batchBegin(b: number, logs: Logs): Promise<void> {
    for (const c of this.list) await c.onBatchBegin?.(b, logs);
  }
  async batchEnd(b: number, logs: Logs): Promise<void> {
    for (const c of this.list) await c.onBatchEnd?.(b, logs);
  }
}
