// SGD with optional (Nesterov) momentum, Keras 3's update (keras/src/optimizers/sgd.py):
//   momentum = 0:  w ← w − lr·g
//   momentum > 0:  m ← μ·m − lr·g;  w ← w + m            (nesterov: w ← w + μ·m − lr·g)
// tfjs's MomentumOptimizer keeps a = μ·a + g and steps −lr·a; with a fixed lr this is the same
// trajectory (m = −lr·a). The stored state here is Keras's m (named 'momentum').
// Plain SGD updates only the touched rows of an embedding-like weight (exact: other rows have g = 0).
import { LayerVariable } from '../layers/layer.js';
import { ValueError } from '../errors.js';
import { Optimizer, OptimizerArgs } from './optimizer.js';

export interface SGDArgs extends OptimizerArgs {
  /** Default 0.0 (plain gradient descent); Keras requires [0, 1]. */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  /** Keras defaults: learningRate 0.01, momentum 0, nesterov false. */
  constructor(args: SGDArgs = {}) {
    super(args, 0.01);
    this.momentum = args.momentum ?? 0;
    if (!(typeof this.momentum === 'number' && this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(`SGD momentum must be a number in [0, 1], got ${this.momentum}`);
    }
    this.nesterov = args.nesterov ?? false;
  }

  protected slotNames(): string[] {
    return this.momentum !== 0 ? ['momentum'] : [];
  }

  protected hyperParameters(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }

  protected update(v: LayerVariable, slots: Float32Array[], _step: number): void {
    const lr = this.learningRate;
    const w = v.value;
    const g = v.grad;
    if (this.momentum === 0) {
      this.forEachTouchedRange(v, (start, end) => {
        for (let i = start; i < end; i++) w[i] -= lr * g[i];
      });
      return;
    }
    const mu = this.momentum;
    const m = slots[0];
    if (this.nesterov) {
      for (let i = 0; i < w.length; i++) {
        m[i] = mu * m[i] - lr * g[i];
        w[i] += mu * m[i] - lr * g[i];
      }
    } else {
      for (let i = 0; i < w.length; i++) {
        m[i] = mu * m[i] - lr * g[i];
        w[i] += m[i];
      }
    }
  }
}
