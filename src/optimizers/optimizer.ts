// The optimizer contract, with Keras 3's semantics (keras/src/optimizers/base_optimizer.py):
// each step clips the gradients (clip.ts), then updates every trainable variable from its .grad,
// then counts the step. Per-variable state (moments, accumulators) lives in a Map keyed by the
// LayerVariable, allocated once, the first time a variable is seen (Keras's build()).
//
// Arithmetic runs in float64 on values read from, and stored back to, float32 arrays; state is float32.
import { ValueError } from '../errors.js';
import { LayerVariable } from '../layers/layer.js';
import { clipGradients } from './clip.js';

export interface OptimizerArgs {
  learningRate?: number;
  /** Clip each variable's gradient to this L2 norm. */
  clipnorm?: number;
  /** Clip each gradient element to [-clipvalue, clipvalue]. */
  clipvalue?: number;
  /** Clip all gradients together to this global L2 norm. */
  globalClipnorm?: number;
}

/** One array of optimizer state, named for checkpoints. */
export interface NamedWeight {
  name: string;
  value: Float32Array;
}

interface VarState {
  index: number;
  slots: Float32Array[];
}

export abstract class Optimizer {
  /** Keras/tfjs class name: 'SGD', 'Adam', 'RMSprop', 'Adagrad'. */
  abstract readonly className: string;
  /** May be changed between steps (learning-rate callbacks do). */
  learningRate: number;
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
  /** Steps taken (Keras's `iterations`). */
  iterations = 0;

  private readonly state = new Map<LayerVariable, VarState>();
  /** Variables in the order they were first seen: the order of getWeights. */
  private readonly order: LayerVariable[] = [];
  /** setWeights before the variables are known: applied when build() sees them. */
  private pending: Map<string, Float32Array> | null = null;
  /** Per embedding-like variable: marks rows already updated this step (duplicates in touchedRows). */
  private readonly rowMarks = new Map<LayerVariable, Uint8Array>();

  protected constructor(args: OptimizerArgs, defaultLearningRate: number) {
    const lr = args.learningRate ?? defaultLearningRate;
    checkNumber('learningRate', lr, 0);
    this.learningRate = lr;
    const clips = (['clipnorm', 'clipvalue', 'globalClipnorm'] as const).filter((k) => args[k] !== undefined && args[k] !== null);
    if (clips.length > 1) {
      // Keras 3 refuses the combination too (Keras 2 applied both).
      throw new ValueError(
        `Only one of clipnorm, clipvalue and globalClipnorm can be set; got ${clips.map((k) => `${k}=${args[k]}`).join(', ')}`,
      );
    }
    for (const k of clips) {
      const v = args[k] as number;
      if (!(Number.isFinite(v) && v > 0)) throw new ValueError(`${k} must be a positive number, got ${v}`);
      this[k] = v;
    }
  }

  /** Keras's names for the per-variable state arrays, in order ('momentum', 'velocity', ...). */
  protected abstract slotNames(): string[];
  /** The value slot k starts at (Adagrad's accumulator starts at initialAccumulatorValue). */
  protected slotInit(_k: number): number {
    return 0;
  }
  /** One update of v.value from v.grad (already clipped). step = iterations + 1 (Keras's local_step). */
  protected abstract update(v: LayerVariable, slots: Float32Array[], step: number): void;
  /** Hyper-parameters of the subclass, camelCase (learningRate and the clip options are added). */
  protected abstract hyperParameters(): Record<string, unknown>;

  /** Allocates state for these variables (trainable ones), in this order. Called by the first applyGradients. */
  build(vars: readonly LayerVariable[]): void {
    for (const v of vars) if (v.trainable) this.slotsOf(v);
    if (this.pending && this.pending.size > 0) {
      const left = [...this.pending.keys()];
      this.pending = null;
      throw new ValueError(`${this.className}.setWeights: no variable matches ${left.join(', ')}; expected ${this.weightNames().join(', ')}`);
    }
    this.pending = null;
  }

  /**
   * Clips (clipnorm per variable, globalClipnorm over all, or clipvalue), then updates every trainable
   * variable from its .grad. Clipping rewrites .grad in place; frozen variables are left alone.
   */
  applyGradients(vars: LayerVariable[]): void {
    const train = vars.filter((v) => v.trainable);
    if (train.length === 0) return;
    if (this.pending) this.build(train);
    clipGradients(train, this);
    const step = this.iterations + 1;
    for (const v of train) this.update(v, this.slotsOf(v), step);
    this.iterations++;
  }

  /** camelCase config with Keras's keys (io/ snake-cases them; note Adam's beta1 is Keras's beta_1). */
  getConfig(): Record<string, unknown> {
    return {
      learningRate: this.learningRate,
      ...this.hyperParameters(),
      clipnorm: this.clipnorm ?? null,
      globalClipnorm: this.globalClipnorm ?? null,
      clipvalue: this.clipvalue ?? null,
    };
  }

  /**
   * Optimizer state for checkpoints: 'iteration' (one value), then for each variable (in the order
   * first seen) and each slot, `${index}/${variable.name}/${slot}`, e.g. '0/kernel/momentum'.
   */
  getWeights(): NamedWeight[] {
    const out: NamedWeight[] = [{ name: 'iteration', value: new Float32Array([this.iterations]) }];
    const names = this.slotNames();
    for (const v of this.order) {
      const s = this.state.get(v)!;
      s.slots.forEach((a, k) => out.push({ name: slotName(s.index, v, names[k]), value: a.slice() }));
    }
    return out;
  }

  /**
   * Restores what getWeights gave. Before the optimizer has seen its variables, the values wait and
   * are applied by build() (or the first applyGradients), matched by name.
   */
  setWeights(ws: NamedWeight[]): void {
    const byName = new Map<string, Float32Array>();
    for (const w of ws) {
      if (w.name === 'iteration') {
        const it = w.value[0];
        if (!(Number.isInteger(it) && it >= 0)) throw new ValueError(`${this.className}.setWeights: iteration must be a non-negative integer, got ${it}`);
        this.iterations = it;
      } else {
        byName.set(w.name, w.value);
      }
    }
    if (this.order.length === 0) {
      this.pending = byName.size > 0 ? byName : null;
      return;
    }
    const targets = this.slotTargets();
    for (const [name, value] of byName) {
      const t = targets.get(name);
      if (!t) throw new ValueError(`${this.className}.setWeights: unknown weight '${name}'; expected ${[...targets.keys()].join(', ')}`);
      if (t.length !== value.length) {
        throw new ValueError(`${this.className}.setWeights: '${name}' has ${value.length} values, expected ${t.length}`);
      }
      t.set(value);
    }
  }

  /** Names getWeights would give for the variables seen so far. */
  weightNames(): string[] {
    return ['iteration', ...this.slotTargets().keys()];
  }

  /** The state arrays of v, allocated (and filled from pending setWeights values) the first time. */
  protected slotsOf(v: LayerVariable): Float32Array[] {
    let s = this.state.get(v);
    if (s) return s.slots;
    const names = this.slotNames();
    const index = this.order.length;
    const slots = names.map((_, k) => {
      const a = new Float32Array(v.size);
      const init = this.slotInit(k);
      if (init !== 0) a.fill(init);
      return a;
    });
    s = { index, slots };
    this.state.set(v, s);
    this.order.push(v);
    if (this.pending) {
      names.forEach((n, k) => {
        const key = slotName(index, v, n);
        const value = this.pending!.get(key);
        if (!value) return;
        if (value.length !== v.size) throw new ValueError(`${this.className}.setWeights: '${key}' has ${value.length} values, expected ${v.size}`);
        slots[k].set(value);
        this.pending!.delete(key);
      });
    }
    return slots;
  }

  /**
   * Calls fn(start, end) over the parts of v to update: the touched rows of an embedding-like weight
   * (v.touchedRows, each row once even if listed twice), else the whole array. Only for update rules
   * where a zero gradient leaves value and state unchanged (plain SGD, Adagrad): skipping the
   * untouched rows then gives exactly the dense result.
   */
  protected forEachTouchedRange(v: LayerVariable, fn: (start: number, end: number) => void): void {
    const rows = v.touchedRows;
    if (rows === null || v.shape.length < 2) {
      fn(0, v.size);
      return;
    }
    const nRows = v.shape[0];
    const width = v.size / nRows;
    let mark = this.rowMarks.get(v);
    if (!mark) this.rowMarks.set(v, (mark = new Uint8Array(nRows)));
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!(r >= 0 && r < nRows)) throw new ValueError(`${v.name}: touched row ${r} is outside [0, ${nRows})`);
      if (mark[r]) continue;
      mark[r] = 1;
      fn(r * width, (r + 1) * width);
    }
    for (let i = 0; i < rows.length; i++) mark[rows[i]] = 0;
  }

  private slotTargets(): Map<string, Float32Array> {
    const names = this.slotNames();
    const m = new Map<string, Float32Array>();
    for (const v of this.order) {
      const s = this.state.get(v)!;
      s.slots.forEach((a, k) => m.set(slotName(s.index, v, names[k]), a));
    }
    return m;
  }
}

function slotName(index: number, v: LayerVariable, slot: string): string {
  return `${index}/${v.name}/${slot}`;
}

/** Throws unless x is a finite number ≥ min (and < maxExclusive when given). */
export function checkNumber(what: string, x: number, min: number, maxExclusive?: number): void {
  const ok = typeof x === 'number' && Number.isFinite(x) && x >= min && (maxExclusive === undefined || x < maxExclusive);
  if (!ok) {
    const range = maxExclusive === undefined ? `≥ ${min}` : `in [${min}, ${maxExclusive})`;
    throw new ValueError(`${what} must be a number ${range}, got ${x}`);
  }
}
