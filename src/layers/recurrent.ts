// What SimpleRNN, LSTM and GRU share: the Keras RNN options (returnSequences, returnState,
// goBackwards, stateful, dropout, recurrentDropout, masks) around a cell's whole-sequence kernels.
//
// The base turns the input into "processing order" (time reversed when goBackwards, input dropout
// applied), lets the subclass run its fused kernel over all T steps, and picks the output:
// the whole sequence (B,T,U), or the last step (B,U). Backward undoes the same steps in reverse.
// Masked (padded) steps carry the previous output and states forward, as Keras does.
import { ValueError } from '../errors.js';
import { getInitializer, Initializer, InitializerSpec, serializeInitializer } from '../initializers.js';
import { getRandom, Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { ActivationName, activationConfigName, resolveActivation } from '../kernels/activations.js';
import { allocUint8 } from '../kernels/backend.js';
import { checkShape, Layer, LayerArgs, Mask, Shape, workspace } from './layer.js';

export interface RecurrentArgs extends LayerArgs {
  units: number;
  /** Output activation (default 'tanh'). */
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** Return the output at every step (B,T,U) instead of the last one (B,U). */
  returnSequences?: boolean;
  /** apply() also returns the final states: [output, h] ([output, h, c] for LSTM). */
  returnState?: boolean;
  /** Process the sequence from the last step to the first; the outputs come in that order. */
  goBackwards?: boolean;
  /** Carry the final states of one batch into the next (needs a fixed batch size). */
  stateful?: boolean;
  /** Fraction of input units dropped during training (one mask per sequence, as Keras). */
  dropout?: number;
  /** Fraction of recurrent units dropped during training (one mask per sequence). */
  recurrentDropout?: number;
  /** Accepted for compatibility; the fused kernels never unroll. */
  unroll?: boolean;
  /** Seed for this layer's dropout masks (else the global stream). */
  seed?: number;
}

export abstract class RecurrentLayer extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  override supportsMasking = true;
  /** How many state vectors the cell carries: 1 (h) or 2 (LSTM: h, c). */
  abstract readonly stateCount: number;

  private readonly ownRng: Random | null;
  // Workspaces, sized once per (B, T) and reused.
  protected xProc: Float32Array | null = null; // (B,T,I) input in processing order, dropout applied
  protected hSeq: Float32Array | null = null; // (B,T,U) outputs in processing order
  protected dhSeq: Float32Array | null = null; // (B,T,U) gradient of the outputs
  protected dxProc: Float32Array | null = null; // (B,T,I)
  private dxOut: Float32Array | null = null; // (B,T,I) in the caller's order
  private outLast: Float32Array | null = null; // (B,U)
  private maskProc: Uint8Array | null = null;
  /** (B,I) input dropout multipliers (0 or 1/(1-p)), or null when not dropping. */
  protected inputDropMask: Float32Array | null = null;
  /** (B,U) recurrent dropout multipliers applied to h(t-1) in the recurrent product, or null. */
  protected recurrentDropMask: Float32Array | null = null;
  /**
   * Insight hook (callbacks.gradientFlow): when true, cellBackward also writes the TOTAL gradient
   * dL/dh_t (from the output above and from step t+1 through the recurrence) into hiddenGrads (B,T,U),
   * in processing order.
   */
  recordHiddenGrads = false;
  hiddenGrads: Float32Array | null = null;
  /** Final states of the last forward, each (B,U). For stateful layers, the next batch's initial states. */
  states: Float32Array[] = [];
  private statesBatch = -1;
  protected lastB = 0;
  protected lastT = 0;
  protected lastUsedDropout = false;

  constructor(args: RecurrentArgs, defaultName: string, defaults: { recurrentInitializer?: string } = {}) {
    super(args, defaultName);
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new ValueError(`${this.name}: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    // Keras: activation=None means linear; only an absent option defaults to tanh
    this.activation = resolveActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.useBias = args.useBias ?? true;
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.stateful = args.stateful ?? false;
    this.dropout = clampRate(args.dropout ?? 0, 'dropout', this.name);
    this.recurrentDropout = clampRate(args.recurrentDropout ?? 0, 'recurrentDropout', this.name);
    this.kernelInitializer = getInitializer(args.kernelInitializer, 'glorotUniform');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer, defaults.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer, 'zeros');
    this.ownRng = args.seed === undefined || args.seed === null ? null : getRandom(args.seed);
    if (this.stateful && this.batchInputShape && this.batchInputShape[0] === null) {
      throw new ValueError(`${this.name}: a stateful RNN needs a fixed batch size: give batchInputShape [batch, timesteps, features]`);
    }
  }

  /** Feature size of the input, known after build. */
  get inputDim(): number {
    return this.builtInputShape![this.builtInputShape!.length - 1] as number;
  }

  protected checkInputShape(inputShape: Shape): void {
    if (inputShape.length !== 3) {
      throw new ValueError(
        `${this.name}: expected input of rank 3 [batch, timesteps, features], got rank ${inputShape.length} (shape [${inputShape.map((d) => d ?? 'null')}])`,
      );
    }
    if (inputShape[2] === null) throw new ValueError(`${this.name}: the feature size (last axis) of the input must be known`);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkInputShape(inputShape);
    return this.returnSequences ? [inputShape[0], inputShape[1], this.units] : [inputShape[0], this.units];
  }

  /**
   * The cell over all T steps, in processing order. x (B,T,I); writes hSeq (B,T,U).
   * states: initial states on entry (each (B,U)), final states on exit. mask (B,T) or null.
   * When training, keeps the caches its backward needs.
   */
  protected abstract cellForward(
    x: Float32Array, hSeq: Float32Array, states: Float32Array[], B: number, T: number, mask: Uint8Array | null, training: boolean,
  ): void;

  /**
   * BPTT over all T steps of the last training forward. dhSeq (B,T,U): dL/d(output at t) from above
   * (it may be overwritten). Writes dx (B,T,I) and adds the weight gradients.
   */
  protected abstract cellBackward(dhSeq: Float32Array, dx: Float32Array, B: number, T: number, mask: Uint8Array | null): void;

  override forward(x: Tensor, training: boolean, mask: Mask): Tensor {
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    // Keras leaves the time axis free for stateless RNNs: only the feature size is fixed by the weights
    checkShape(this.name, [null, this.stateful ? this.builtInputShape![1] : null, this.inputDim], x.shape);
    const [B, T, I] = x.shape;
    const U = this.units;
    if (T === 0) throw new ValueError(`${this.name}: the input has 0 timesteps`);
    this.lastB = B;
    this.lastT = T;

    // input in processing order, with the per-sequence input dropout mask
    const xp = (this.xProc = workspace(this.xProc, B * T * I));
    const drop = training && this.dropout > 0;
    this.inputDropMask = drop ? this.makeDropMask(this.inputDropMask, B * I, this.dropout) : null;
    const xd = x.data;
    if (!drop && !this.goBackwards) {
      xp.set(xd.subarray(0, B * T * I)); // one native copy
    } else {
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const src = (b * T + (this.goBackwards ? T - 1 - t : t)) * I;
          const dst = (b * T + t) * I;
          if (drop) {
            const m = this.inputDropMask!;
            for (let i = 0; i < I; i++) xp[dst + i] = xd[src + i] * m[b * I + i];
          } else {
            for (let i = 0; i < I; i++) xp[dst + i] = xd[src + i];
          }
        }
      }
    }
    this.recurrentDropMask =
      training && this.recurrentDropout > 0 ? this.makeDropMask(this.recurrentDropMask, B * U, this.recurrentDropout) : null;
    this.lastUsedDropout = drop;

    let mp: Uint8Array | null = null;
    if (mask) {
      if (mask.length !== B * T) throw new ValueError(`${this.name}: mask has ${mask.length} entries, expected ${B}×${T}`);
      mp = this.maskProc = this.maskProc && this.maskProc.length >= B * T ? this.maskProc : allocUint8(B * T);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) mp[b * T + t] = mask[b * T + (this.goBackwards ? T - 1 - t : t)];
    }

    this.lastMaskUsed = mp !== null;
    const states = this.initialStates(B);
    const hs = (this.hSeq = workspace(this.hSeq, B * T * U));
    this.cellForward(xp, hs, states, B, T, mp, training);
    this.states = states;

    if (this.returnSequences) return new Tensor(hs.subarray(0, B * T * U), [B, T, U]);
    const out = (this.outLast = workspace(this.outLast, B * U));
    for (let b = 0; b < B; b++) out.set(hs.subarray((b * T + T - 1) * U, (b * T + T) * U), b * U);
    return new Tensor(out.subarray(0, B * U), [B, U]);
  }

  override backward(dy: Tensor): Tensor {
    const B = this.lastB, T = this.lastT, U = this.units, I = this.inputDim;
    const dh = (this.dhSeq = workspace(this.dhSeq, B * T * U));
    if (this.returnSequences) {
      dh.set(dy.data.subarray(0, B * T * U));
    } else {
      dh.fill(0, 0, B * T * U);
      for (let b = 0; b < B; b++) dh.set(dy.data.subarray(b * U, (b + 1) * U), (b * T + T - 1) * U);
    }
    const dxp = (this.dxProc = workspace(this.dxProc, B * T * I));
    if (this.recordHiddenGrads) this.hiddenGrads = workspace(this.hiddenGrads, B * T * U);
    this.cellBackward(dh, dxp, B, T, this.lastMaskUsed ? this.maskProc : null);
    const m = this.lastUsedDropout ? this.inputDropMask : null;
    // in processing order already, without a dropout mask to apply: dL/dx is the kernel's own output
    if (!m && !this.goBackwards) return new Tensor(dxp.subarray(0, B * T * I), [B, T, I]);
    const dx = (this.dxOut = workspace(this.dxOut, B * T * I));
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const src = (b * T + t) * I;
        const dst = (b * T + (this.goBackwards ? T - 1 - t : t)) * I;
        if (m) for (let i = 0; i < I; i++) dx[dst + i] = dxp[src + i] * m[b * I + i];
        else for (let i = 0; i < I; i++) dx[dst + i] = dxp[src + i];
      }
    }
    return new Tensor(dx.subarray(0, B * T * I), [B, T, I]);
  }

  private lastMaskUsed = false;

  override computeMask(_x: Tensor, inputMask: Mask): Mask {
    // A sequence output keeps the mask (reversed steps keep their own flags); a last-step output has none.
    return this.returnSequences ? inputMask : null;
  }

  /** Non-stateful layers' initial states: workspaces zeroed before each forward (no allocation per batch). */
  private stateWork: Float32Array[] = [];

  private initialStates(B: number): Float32Array[] {
    const U = this.units;
    if (this.stateful) {
      if (this.statesBatch !== -1 && this.statesBatch !== B) {
        throw new ValueError(`${this.name}: stateful layer built for batch size ${this.statesBatch} got a batch of ${B}; call resetStates() or keep the batch size fixed`);
      }
      if (this.statesBatch === -1 || this.states.length !== this.stateCount) {
        this.states = Array.from({ length: this.stateCount }, () => workspace(null, B * U));
        this.statesBatch = B;
      }
      // the kernels update the carried states in place: they become the next batch's initial states
      return this.states;
    }
    for (let i = 0; i < this.stateCount; i++) {
      const s = (this.stateWork[i] = workspace(this.stateWork[i] ?? null, B * U));
      s.fill(0, 0, B * U);
    }
    return this.stateWork.length === this.stateCount ? this.stateWork : this.stateWork.slice(0, this.stateCount);
  }

  override resetStates(): void {
    for (const s of this.states) s.fill(0);
  }

  private makeDropMask(buf: Float32Array | null, n: number, rate: number): Float32Array {
    const m = buf && buf.length >= n ? buf : workspace(null, n);
    const keep = 1 / (1 - rate);
    // unseeded layers draw from the global stream at draw time, so a later setSeed still applies
    const rng = this.ownRng ?? getRandom();
    for (let i = 0; i < n; i++) m[i] = rng.uniform() < rate ? 0 : keep;
    return m;
  }

  /** Runs outside a model: returns the output, or [output, ...states] when returnState. */
  override apply(x: Parameters<Layer['apply']>[0], mask: Mask = null): Tensor | Tensor[] {
    const y = super.apply(x, mask) as Tensor;
    if (!this.returnState) return y;
    const B = this.lastB;
    return [y, ...this.states.map((s) => new Tensor(s.slice(0, B * this.units), [B, this.units]))];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activationConfigName(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      recurrentInitializer: serializeInitializer(this.recurrentInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: null,
      recurrentRegularizer: null,
      biasRegularizer: null,
      activityRegularizer: null,
      kernelConstraint: null,
      recurrentConstraint: null,
      biasConstraint: null,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      unroll: false,
    };
  }
}

function clampRate(p: number, what: string, name: string): number {
  if (!(p >= 0 && p < 1)) throw new ValueError(`${name}: ${what} must be in [0, 1), got ${p}`);
  return p;
}
