// Bidirectional: runs a recurrent layer over the sequence in both directions and merges the two.
//
// As Keras and tfjs, the wrapped layer is used as a template: the forward copy is built from its
// config (named 'forward_<name>'), the backward copy from the same config with goBackwards flipped
// ('backward_<name>'). Weights are the forward copy's, then the backward copy's (Keras order).
// With returnSequences the backward copy's outputs (in processing order, last step first) are
// reversed back to input time order before merging, so output t sees x_0..x_t forwards and
// x_t..x_{T-1} backwards.
//
// Masks: both copies get the mask; a masked step carries the state unchanged (recurrent.ts). For a
// post-padded sequence the backward copy therefore reads the padding first with its zero initial
// state untouched, and really starts at the last real step, exactly like the unpadded sequence alone.
// With returnSequences, masked steps output zeros: Keras 3 (and tf.keras 2) force
// zero_output_for_mask = return_sequences on both copies. tfjs and Keras 2.0 output the carried
// states there instead; the two agree at every real step, and the mask hides padded steps from the loss.
import { NotImplementedError, ValueError } from '../errors.js';
import { sizeOf, Tensor, TensorLike, toTensor } from '../tensor.js';
import { Layer, LayerArgs, Mask, Shape, workspace } from './layer.js';
import { RecurrentLayer } from './recurrent.js';
import { deserializeLayer } from './registry.js';

/** How the two directions combine: concatenated on the last axis (default), summed, multiplied, averaged, or (null) both returned by apply(). */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;
const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;

export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer to run both ways (a template: the wrapper builds two copies from its config). */
  layer: RecurrentLayer;
  /** Default 'concat'. null returns the two directions separately (apply() only: a Sequential model carries one tensor). */
  mergeMode?: MergeMode;
  /** Keras 3: a custom backward layer (goBackwards opposite to `layer`, same returnSequences/returnState) instead of the copy. */
  backwardLayer?: RecurrentLayer;
}

type LayerCtor = new (args: Record<string, unknown>) => RecurrentLayer;

function removePrefix(s: string, p: string): string {
  return s.startsWith(p) ? s.slice(p.length) : s;
}

export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  override supportsMasking = true;
  /** {className, config} of the wrapped layer as given (what getConfig writes, as Keras 2 and tfjs). */
  private readonly layerSpec: { className: string; config: Record<string, unknown> };
  private readonly customBackward: boolean;

  // Workspaces, sized once per batch shape.
  private out: Float32Array | null = null; // (B,T,M) or (B,M), M = 2U for concat, else U
  private yF: Float32Array | null = null; // (B,T,U) or (B,U) forward outputs (kept for 'mul')
  private yB: Float32Array | null = null; // backward outputs in processing order (kept for 'mul')
  private dyF: Float32Array | null = null;
  private dyB: Float32Array | null = null;
  private dx: Float32Array | null = null; // (B,T,I)
  private maskCopy: Uint8Array | null = null; // (B,T) the last forward's mask
  private lastB = 0;
  private lastT = 0;
  private lastMasked = false;

  constructor(args: BidirectionalArgs) {
    super(args, 'bidirectional');
    const layer = args.layer;
    if (!(layer instanceof RecurrentLayer)) {
      const given: unknown = layer;
      throw new ValueError(
        `${this.name}: 'layer' must be a recurrent layer instance (simpleRNN, lstm, gru), got ${given instanceof Layer ? `a ${given.className} layer` : typeof given}`,
      );
    }
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (mode !== null && !(MERGE_MODES as readonly string[]).includes(mode)) {
      throw new ValueError(`${this.name}: mergeMode must be one of ${MERGE_MODES.join(', ')} or null, got ${JSON.stringify(mode)}`);
    }
    this.mergeMode = mode;
    const config = layer.getConfig();
    this.layerSpec = { className: layer.className, config: { ...config } };
    const Ctor = layer.constructor as unknown as LayerCtor;
    const name = layer.name;
    this.forwardLayer = new Ctor({ ...config, name: `forward_${removePrefix(name, 'forward_')}` });
    if (args.backwardLayer) {
      const b = args.backwardLayer;
      if (!(b instanceof RecurrentLayer)) throw new ValueError(`${this.name}: backwardLayer must be a recurrent layer instance`);
      if (b.goBackwards === layer.goBackwards || b.returnSequences !== layer.returnSequences || b.returnState !== layer.returnState) {
        throw new ValueError(
          `${this.name}: backwardLayer must have goBackwards ${!layer.goBackwards} and the same returnSequences (${layer.returnSequences}) and returnState (${layer.returnState}) as layer`,
        );
      }
      if (b.units !== layer.units && this.mergeMode !== 'concat' && this.mergeMode !== null) {
        throw new ValueError(`${this.name}: mergeMode '${this.mergeMode}' needs both directions to have the same units (${layer.units} vs ${b.units})`);
      }
      this.backwardLayer = b;
      this.customBackward = true;
    } else {
      this.backwardLayer = new Ctor({ ...config, goBackwards: !layer.goBackwards, name: `backward_${removePrefix(name, 'backward_')}` });
      this.customBackward = false;
    }
    if (args.trainable === false) this.forwardLayer.trainable = this.backwardLayer.trainable = false;
    this.returnSequences = layer.returnSequences;
    this.returnState = layer.returnState;
  }

  private checkRank(s: readonly (number | null)[]): void {
    if (s.length !== 3) {
      throw new ValueError(
        `${this.name}: expected input of rank 3 [batch, timesteps, features], got rank ${s.length} (shape [${s.map((d) => d ?? 'null')}])`,
      );
    }
  }

  override build(inputShape: Shape): void {
    this.checkRank(inputShape);
    this.forwardLayer.ensureBuilt(inputShape);
    this.backwardLayer.ensureBuilt(inputShape);
    this.weights = [...this.forwardLayer.weights, ...this.backwardLayer.weights];
    super.build(inputShape);
  }

  /** Output width per step: both units side by side for concat, else one direction's. */
  private get mergedUnits(): number {
    const uf = this.forwardLayer.units, ub = this.backwardLayer.units;
    return this.mergeMode === 'concat' ? uf + ub : uf;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    if (this.mergeMode === null) {
      throw new NotImplementedError(
        `${this.name}: mergeMode null gives two outputs, and a Sequential model carries one tensor between layers; ` +
          `use mergeMode 'concat', 'sum', 'mul' or 'ave' (or call layer.apply(x), which returns [forward, backward])`,
      );
    }
    const f = this.forwardLayer.computeOutputShape(inputShape);
    return [...f.slice(0, -1), this.mergedUnits];
  }

  /** Runs both copies; returns their raw outputs (the backward one in processing order). */
  private runBoth(x: Tensor, training: boolean, mask: Mask): { yF: Tensor; yB: Tensor } {
    this.checkRank(x.shape);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    const [B, T] = x.shape;
    if (mask && mask.length !== B * T) throw new ValueError(`${this.name}: mask has ${mask.length} entries, expected ${B}×${T}`);
    this.lastB = B;
    this.lastT = T;
    this.lastMasked = mask !== null;
    if (mask) {
      const m = (this.maskCopy = this.maskCopy && this.maskCopy.length >= B * T ? this.maskCopy : new Uint8Array(B * T));
      m.set(mask);
    }
    const yF = this.forwardLayer.forward(x, training, mask);
    const yB = this.backwardLayer.forward(x, training, mask);
    return { yF, yB };
  }

  override forward(x: Tensor, training: boolean, mask: Mask): Tensor {
    if (this.mergeMode === null) this.computeOutputShape([null, ...x.shape.slice(1)]); // throws the explanation
    const { yF, yB } = this.runBoth(x, training, mask);
    const B = this.lastB, T = this.lastT;
    const UF = this.forwardLayer.units, UB = this.backwardLayer.units, M = this.mergedUnits;
    const S = this.returnSequences ? T : 1; // output rows per sample
    if (training && this.mergeMode === 'mul') {
      (this.yF = workspace(this.yF, yF.size)).set(yF.data);
      (this.yB = workspace(this.yB, yB.size)).set(yB.data);
    }
    const out = (this.out = workspace(this.out, B * S * M));
    const f = yF.data, r = yB.data;
    const m = this.returnSequences && mask ? mask : null;
    for (let b = 0; b < B; b++) {
      for (let s = 0; s < S; s++) {
        const o = (b * S + s) * M;
        if (m && m[b * T + s] === 0) {
          out.fill(0, o, o + M);
          continue;
        }
        const fo = (b * S + s) * UF;
        const ro = (b * S + (S - 1 - s)) * UB; // S = 1: the last step; else the step reversed back
        mergeRow(this.mergeMode!, f, fo, r, ro, out, o, UF, UB);
      }
    }
    return new Tensor(out.subarray(0, B * S * M), this.returnSequences ? [B, T, M] : [B, M]);
  }

  override backward(dy: Tensor): Tensor {
    const B = this.lastB, T = this.lastT;
    const UF = this.forwardLayer.units, UB = this.backwardLayer.units, M = this.mergedUnits;
    const S = this.returnSequences ? T : 1;
    if (dy.size !== B * S * M) {
      throw new ValueError(`${this.name}: dy has shape [${dy.shape}], expected [${this.returnSequences ? [B, T, M] : [B, M]}]`);
    }
    const dF = (this.dyF = workspace(this.dyF, B * S * UF));
    const dB = (this.dyB = workspace(this.dyB, B * S * UB));
    const g = dy.data;
    const m = this.returnSequences && this.lastMasked ? this.maskCopy : null;
    const yF = this.yF, yB = this.yB;
    for (let b = 0; b < B; b++) {
      for (let s = 0; s < S; s++) {
        const o = (b * S + s) * M;
        const fo = (b * S + s) * UF;
        const ro = (b * S + (S - 1 - s)) * UB;
        if (m && m[b * T + s] === 0) {
          // the output there is the constant 0: no gradient to either direction
          dF.fill(0, fo, fo + UF);
          dB.fill(0, ro, ro + UB);
          continue;
        }
        switch (this.mergeMode) {
          case 'concat':
            for (let u = 0; u < UF; u++) dF[fo + u] = g[o + u];
            for (let u = 0; u < UB; u++) dB[ro + u] = g[o + UF + u];
            break;
          case 'sum':
            for (let u = 0; u < UF; u++) dF[fo + u] = dB[ro + u] = g[o + u];
            break;
          case 'ave':
            for (let u = 0; u < UF; u++) dF[fo + u] = dB[ro + u] = 0.5 * g[o + u];
            break;
          case 'mul':
            for (let u = 0; u < UF; u++) {
              dF[fo + u] = g[o + u] * yB![ro + u];
              dB[ro + u] = g[o + u] * yF![fo + u];
            }
            break;
        }
      }
    }
    const shF = this.returnSequences ? [B, T, UF] : [B, UF];
    const shB = this.returnSequences ? [B, T, UB] : [B, UB];
    const dxF = this.forwardLayer.backward(new Tensor(dF.subarray(0, B * S * UF), shF));
    const dxB = this.backwardLayer.backward(new Tensor(dB.subarray(0, B * S * UB), shB));
    const n = dxF.size;
    const dx = (this.dx = workspace(this.dx, n));
    for (let i = 0; i < n; i++) dx[i] = dxF.data[i] + dxB.data[i];
    return new Tensor(dx.subarray(0, n), dxF.shape);
  }

  override computeMask(_x: Tensor, inputMask: Mask): Mask {
    return this.returnSequences ? inputMask : null;
  }

  override resetStates(): void {
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  /**
   * Runs outside a model (inference). Gives the merged output; with mergeMode null, [forward, backward]
   * (backward in input time order when returnSequences); with returnState, the final states follow:
   * [output(s)..., forward states..., backward states...] as Keras.
   */
  override apply(x: TensorLike, mask: Mask = null): Tensor | Tensor[] {
    const t = toTensor(x, `${this.name} input`);
    const copy = (y: Tensor) => new Tensor(y.data.slice(0, sizeOf(y.shape)), y.shape);
    let outs: Tensor[];
    if (this.mergeMode !== null) {
      outs = [copy(this.forward(t, false, mask))];
    } else {
      const { yF, yB } = this.runBoth(t, false, mask);
      outs = [copy(yF), this.returnSequences ? reverseTime(yB) : copy(yB)];
    }
    if (!this.returnState) return outs.length === 1 ? outs[0] : outs;
    const B = this.lastB;
    const states = (l: RecurrentLayer) => l.states.map((s) => new Tensor(s.slice(0, B * l.units), [B, l.units]));
    return [...outs, ...states(this.forwardLayer), ...states(this.backwardLayer)];
  }

  override getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = {
      ...super.getConfig(),
      layer: { className: this.layerSpec.className, config: { ...this.layerSpec.config } },
      mergeMode: this.mergeMode,
    };
    if (this.customBackward) c.backwardLayer = { className: this.backwardLayer.className, config: this.backwardLayer.getConfig() };
    return c;
  }
}

// out[o..o+M) = merge(f[fo..fo+UF), r[ro..ro+UB))
function mergeRow(
  mode: Exclude<MergeMode, null>, f: Float32Array, fo: number, r: Float32Array, ro: number,
  out: Float32Array, o: number, UF: number, UB: number,
): void {
  switch (mode) {
    case 'concat':
      for (let u = 0; u < UF; u++) out[o + u] = f[fo + u];
      for (let u = 0; u < UB; u++) out[o + UF + u] = r[ro + u];
      return;
    case 'sum':
      for (let u = 0; u < UF; u++) out[o + u] = f[fo + u] + r[ro + u];
      return;
    case 'ave':
      for (let u = 0; u < UF; u++) out[o + u] = (f[fo + u] + r[ro + u]) / 2;
      return;
    case 'mul':
      for (let u = 0; u < UF; u++) out[o + u] = f[fo + u] * r[ro + u];
      return;
  }
}

/** A (B,T,U) sequence with its time axis reversed (a new tensor). */
function reverseTime(y: Tensor): Tensor {
  const [B, T, U] = y.shape;
  const out = new Float32Array(B * T * U);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) out.set(y.data.subarray((b * T + T - 1 - t) * U, (b * T + T - t) * U), (b * T + t) * U);
  }
  return new Tensor(out, [B, T, U]);
}

/** Builds a Bidirectional from its camelCase config; the wrapped layer (and a Keras 3 backward_layer) come from the registry. */
export function bidirectionalFromConfig(config: Record<string, unknown>): Bidirectional {
  const spec = config.layer as { className: string; config?: Record<string, unknown> } | undefined;
  if (!spec || typeof spec !== 'object' || typeof spec.className !== 'string') {
    throw new ValueError(`Bidirectional config needs layer: {className, config}, got ${JSON.stringify(spec)}`);
  }
  const layer = deserializeLayer(spec);
  if (!(layer instanceof RecurrentLayer)) throw new ValueError(`Bidirectional config wraps a ${spec.className}, which is not a recurrent layer`);
  const bspec = config.backwardLayer as { className: string; config?: Record<string, unknown> } | null | undefined;
  const backwardLayer = bspec && typeof bspec === 'object' ? deserializeLayer(bspec) : undefined;
  if (backwardLayer !== undefined && !(backwardLayer instanceof RecurrentLayer)) {
    throw new ValueError(`Bidirectional config's backward layer is a ${bspec!.className}, not a recurrent layer`);
  }
  return new Bidirectional({
    ...(config as LayerArgs),
    layer,
    mergeMode: config.mergeMode === undefined ? 'concat' : (config.mergeMode as MergeMode),
    backwardLayer,
  });
}

/** tf.layers.bidirectional({layer, mergeMode}). */
export function bidirectional(args: BidirectionalArgs): Bidirectional {
  return new Bidirectional(args);
}
