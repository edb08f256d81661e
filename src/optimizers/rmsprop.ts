// RMSprop, Keras 3's update (keras/src/optimizers/rmsprop.py):
//   v ← ρ·v + (1 − ρ)·g²
//   centered: a ← ρ·a + (1 − ρ)·g;  d = v − a² + ε      else d = v + ε
//   inc = lr·g / sqrt(d)
//   momentum > 0: m ← μ·m + inc;  w ← w − m               else w ← w − inc
// ε sits inside the square root, as in tfjs. tfjs's centered variant computes sqrt(v − (a² + ε)),
// i.e. SUBTRACTS ε; Keras adds it, and Keras is followed here (they agree when ε = 0).
// tfjs calls ρ `decay`. Every row decays, so there is no sparse row update.
import { LayerVariable } from '../layers/layer.js';
import { ValueError } from '../errors.js';
import { Optimizer, OptimizerArgs } from './optimizer.js';

export interface RMSpropArgs extends OptimizerArgs {
  /** Discount of the running mean square (tfjs: decay). Default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Normalize by the estimated variance instead of the uncentered second moment. Default false. */
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  /** Keras defaults: learningRate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false. */
  constructor(args: RMSpropArgs = {}) {
    super(args, 0.001);
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
    this.centered = args.centered ?? false;
    // Keras 3 checks: rho and momentum in [0, 1], epsilon > 0.
    if (!(this.rho >= 0 && this.rho <= 1)) throw new ValueError(`RMSprop rho must be in [0, 1], got ${this.rho}`);
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new ValueError(`RMSprop momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.epsilon > 0 && Number.isFinite(this.epsilon))) throw new ValueError(`RMSprop epsilon must be positive, got ${this.epsilon}`);
  }

  protected slotNames(): string[] {
    const s = ['velocity'];
    if (this.momentum > 0) s.push('momentum');
    if (this.centered) s.push('average_gradient');
    return s;
  }

  protected hyperParameters(): Record<string, unknown> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  protected update(v: LayerVariable, slots: Float32Array[], _step: number): void {
    const rho = this.rho, c = 1 - rho, eps = this.epsilon, lr = this.learningRate, mu = this.momentum;
    const w = v.value, g = v.grad;
    const vel = slots[0];
    const mom = mu > 0 ? slots[1] : null;
    const avg = this.centered ? slots[mu > 0 ? 2 : 1] : null;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      vel[i] = rho * vel[i] + c * gi * gi;
      let d: number;
      if (avg !== null) {
        avg[i] = rho * avg[i] + c * gi;
        d = vel[i] - avg[i] * avg[i] + eps;
      } else {
        d = vel[i] + eps;
      }
      const inc = (lr * gi) / Math.sqrt(d);
      if (mom !== null) {
        mom[i] = mu * mom[i] + inc;
        w[i] -= mom[i];
      } else {
        w[i] -= inc;
      }
    }
  }
}
