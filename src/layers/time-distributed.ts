// TimeDistributed: applies one inner layer (Dense, typically) to every timestep, with shared weights.
// [B,T,...] is viewed as [B·T,...] (same memory, no copy), run through the inner layer, and its
// output viewed back as [B,T,...]; backward does the same with dy and dx.
//
// Masks pass through unchanged (Keras 3: supports_masking; Keras 2 for a Dense inside). The inner
// layer gets no mask: our masks are per (sample, step), and here each step is a sample.
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { Layer, LayerArgs, Mask, Shape } from './layer.js';
import { deserializeLayer } from './registry.js';

export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied at each step. Its weights become this layer's. */
  layer: Layer;
}

export class TimeDistributed extends Layer {
  readonly className = 'TimeDistributed';
  readonly layer: Layer;
  override supportsMasking = true;
  private lastB = 0;
  private lastT = 0;

  constructor(args: TimeDistributedArgs) {
    super(args, 'time_distributed');
    if (!(args.layer instanceof Layer)) {
      throw new ValueError(`${this.name}: 'layer' must be a layer instance (e.g. layers.dense({units})), got ${describe(args.layer)}`);
    }
    this.layer = args.layer;
    if (args.trainable === false) this.layer.trainable = false;
    this.weights = this.layer.weights;
    this.built = false;
  }

  private checkRank(s: readonly (number | null)[]): void {
    if (s.length < 3) {
      throw new ValueError(
        `${this.name}: expected input of rank >= 3 [batch, timesteps, ...], got rank ${s.length} (shape [${s.map((d) => d ?? 'null')}])`,
      );
    }
  }

  /** The inner layer's input shape: batch and time folded into one axis. */
  private innerShape(s: Shape): Shape {
    const bt = s[0] !== null && s[1] !== null ? (s[0] as number) * (s[1] as number) : null;
    return [bt, ...s.slice(2)];
  }

  override build(inputShape: Shape): void {
    this.checkRank(inputShape);
    this.layer.ensureBuilt(this.innerShape(inputShape));
    this.weights = this.layer.weights; // layers create their weight list in build
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    const inner = this.layer.computeOutputShape(this.innerShape(inputShape));
    return [inputShape[0], inputShape[1], ...inner.slice(1)];
  }

  override forward(x: Tensor, training: boolean, _mask: Mask): Tensor {
    this.checkRank(x.shape);
    this.ensureBuilt([null, ...x.shape.slice(1)]);
    const [B, T] = x.shape;
    this.lastB = B;
    this.lastT = T;
    const y = this.layer.forward(new Tensor(x.data, [B * T, ...x.shape.slice(2)], x.dtype), training, null);
    return new Tensor(y.data, [B, T, ...y.shape.slice(1)], y.dtype);
  }

  override backward(dy: Tensor): Tensor | null {
    const B = this.lastB, T = this.lastT;
    if (dy.rank < 2 || dy.shape[0] !== B || dy.shape[1] !== T) {
      throw new ValueError(`${this.name}: dy has shape [${dy.shape}], expected [${B}, ${T}, ...]`);
    }
    const dx = this.layer.backward(new Tensor(dy.data, [B * T, ...dy.shape.slice(2)], dy.dtype));
    return dx === null ? null : new Tensor(dx.data, [B, T, ...dx.shape.slice(1)], dx.dtype);
  }

  override resetStates(): void {
    this.layer.resetStates();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.layer.className, config: this.layer.getConfig() } };
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `an object with keys ${Object.keys(v as object).join(', ') || '(none)'}`;
  return typeof v;
}

/** Builds a TimeDistributed from its camelCase config; the inner layer comes from the registry. */
export function timeDistributedFromConfig(config: Record<string, unknown>): TimeDistributed {
  const spec = config.layer as { className: string; config?: Record<string, unknown> } | undefined;
  if (!spec || typeof spec !== 'object' || typeof spec.className !== 'string') {
    throw new ValueError(`TimeDistributed config needs layer: {className, config}, got ${JSON.stringify(spec)}`);
  }
  return new TimeDistributed({ ...(config as LayerArgs), layer: deserializeLayer(spec) });
}

/** tf.layers.timeDistributed({layer}). */
export function timeDistributed(args: TimeDistributedArgs): TimeDistributed {
  return new TimeDistributed(args);
}
