// Adam, Keras 3's update (keras/src/optimizers/adam.py), with t = iterations + 1:
//   α = lr·sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)
//   m ← m + (g − m)(1 − β₁);  v ← v + (g² − v)(1 − β₂)
//   amsgrad: v̂ ← max(v̂, v), and v̂ replaces v below
//   w ← w − α·m / (sqrt(v) + ε)
// ε is Kingma & Ba's "epsilon hat": it is added to sqrt(v) before bias correction. tfjs's Adam adds ε
// to sqrt(v / (1 − β₂ᵗ)) instead, i.e. uses an effective ε·sqrt(1 − β₂ᵗ); the two differ only where
// sqrt(v) is comparable to ε (gradients near 1e-7). tfjs has no amsgrad. Keras is followed here.
// Moments decay on every row, so there is no sparse (lazy) row update: the result equals the dense one.
import { LayerVariable } from '../layers/layer.js';
import { checkNumber, Optimizer, OptimizerArgs } from './optimizer.js';

export interface AdamArgs extends OptimizerArgs {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras; tfjs's default, the backend epsilon, is also 1e-7). */
  epsilon?: number;
  /** AMSGrad variant (Reddi et al.). Default false. */
  amsgrad?: boolean;
}

export class Adam extends Optimizer {
  readonly className = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  /** Keras defaults: learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7, amsgrad false. */
  constructor(args: AdamArgs = {}) {
    super(args, 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    this.amsgrad = args.amsgrad ?? false;
    checkNumber('Adam beta1', this.beta1, 0, 1);
    checkNumber('Adam beta2', this.beta2, 0, 1);
    checkNumber('Adam epsilon', this.epsilon, 0);
  }

  protected slotNames(): string[] {
    return this.amsgrad ? ['momentum', 'velocity', 'velocity_hat'] : ['momentum', 'velocity'];
  }

  protected hyperParameters(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }

  protected update(v: LayerVariable, slots: Float32Array[], step: number): void {
    const b1 = this.beta1, b2 = this.beta2, eps = this.epsilon;
    const alpha = (this.learningRate * Math.sqrt(1 - Math.pow(b2, step))) / (1 - Math.pow(b1, step));
    const c1 = 1 - b1, c2 = 1 - b2;
    const w = v.value, g = v.grad;
    const m = slots[0], vel = slots[1];
    if (this.amsgrad) {
      const vh = slots[2];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        m[i] += (gi - m[i]) * c1;
        vel[i] += (gi * gi - vel[i]) * c2;
        if (vel[i] > vh[i]) vh[i] = vel[i];
        w[i] -= (m[i] * alpha) / (Math.sqrt(vh[i]) + eps);
      }
    } else {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        m[i] += (gi - m[i]) * c1;
        vel[i] += (gi * gi - vel[i]) * c2;
        w[i] -= (m[i] * alpha) / (Math.sqrt(vel[i]) + eps);
      }
    }
  }
}
