// Adagrad, Keras 3's update (keras/src/optimizers/adagrad.py), same as tfjs's:
//   acc ← acc + g²;  w ← w − lr·g / sqrt(acc + ε)        (acc starts at initialAccumulatorValue)
// A zero gradient changes nothing, so only the touched rows of an embedding-like weight are visited.
// Keras's default learning rate is 0.001; tfjs's 'adagrad' string gives 0.01. Keras is followed.
import { LayerVariable } from '../layers/layer.js';
import { checkNumber, Optimizer, OptimizerArgs } from './optimizer.js';

export interface AdagradArgs extends OptimizerArgs {
  /** Default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

export class Adagrad extends Optimizer {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  /** Keras defaults: learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7. */
  constructor(args: AdagradArgs = {}) {
    super(args, 0.001);
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-7;
    checkNumber('Adagrad initialAccumulatorValue', this.initialAccumulatorValue, 0);
    checkNumber('Adagrad epsilon', this.epsilon, 0);
  }

  protected slotNames(): string[] {
    return ['accumulator'];
  }

  protected override slotInit(_k: number): number {
    return this.initialAccumulatorValue;
  }

  protected hyperParameters(): Record<string, unknown> {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  protected update(v: LayerVariable, slots: Float32Array[], _step: number): void {
    const lr = this.learningRate, eps = this.epsilon;
    const w = v.value, g = v.grad, acc = slots[0];
    this.forEachTouchedRange(v, (start, end) => {
      for (let i = start; i < end; i++) {
        const gi = g[i];
        acc[i] += gi * gi;
        w[i] -= (lr * gi) / Math.sqrt(acc[i] + eps);
      }
    });
  }
}
