// Keras's ReduceLROnPlateau callback (keras/src/callbacks/reduce_lr_on_plateau.py): when the monitored
// log has not improved for `patience` epochs, multiply the optimizer's learning rate by `factor`.
// Defaults as Keras: monitor 'val_loss', factor 0.1, patience 10, minDelta 1e-4, cooldown 0, minLr 0.
// (Used by the text tasks; a candidate for model/callbacks.ts.)
import { ValueError } from '../errors.js';
import { Callback, type Logs } from '../model/callbacks.js';

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  /** New rate = rate · factor (must be < 1). */
  factor?: number;
  patience?: number;
  /** 'min', 'max' or 'auto' (max for names containing 'acc', else min). */
  mode?: 'auto' | 'min' | 'max';
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. */
  cooldown?: number;
  minLr?: number;
  /** Receives a line per reduction (default none). */
  printFn?: ((line: string) => void) | null;
}

export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private readonly printFn: ((line: string) => void) | null;
  wait = 0;
  cooldownCounter = 0;
  best = Infinity;
  /** (epoch, new rate) of every reduction. */
  readonly reductions: { epoch: number; learningRate: number }[] = [];

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor >= 0)) throw new ValueError(`ReduceLROnPlateau: factor must be in [0, 1), got ${this.factor}`);
    this.patience = args.patience ?? 10;
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new ValueError(`ReduceLROnPlateau: mode must be 'auto', 'min' or 'max', got '${mode}'`);
    this.mode = mode === 'auto' ? (this.monitor.includes('acc') ? 'max' : 'min') : mode;
    this.minDelta = args.minDelta ?? 1e-4;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    this.printFn = args.printFn ?? null;
  }

  private improved(current: number): boolean {
    return this.mode === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) return;
    const optimizer = (this.model as unknown as { optimizer?: { learningRate: number } | null } | null)?.optimizer;
    if (!optimizer) throw new ValueError('ReduceLROnPlateau: the model has no optimizer (compile it first)');
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.improved(current)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const old = optimizer.learningRate;
        if (old > this.minLr) {
          optimizer.learningRate = Math.max(old * this.factor, this.minLr);
          this.reductions.push({ epoch, learningRate: optimizer.learningRate });
          this.printFn?.(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${optimizer.learningRate}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
