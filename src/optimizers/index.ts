// Optimizers: the classes, getOptimizer('adam'), and a tfjs-like `train` namespace
// (train.adam(0.01) mirrors tf.train.adam(0.01)) that builds the Keras-semantics classes.
import { ValueError } from '../errors.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Optimizer, type OptimizerArgs, type NamedWeight } from './optimizer.js';
export { SGD, type SGDArgs } from './sgd.js';
export { Adam, type AdamArgs } from './adam.js';
export { RMSprop, type RMSpropArgs } from './rmsprop.js';
export { Adagrad, type AdagradArgs } from './adagrad.js';
export { clipByNorm, clipByGlobalNorm, clipByValue, clipGradients, globalNorm } from './clip.js';

const FACTORIES: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  rmsprop: () => new RMSprop(),
  adagrad: () => new Adagrad(),
};

/**
 * 'sgd' | 'adam' | 'rmsprop' | 'adagrad' (any case) with Keras's default hyper-parameters,
 * or an Optimizer as is. (tfjs's string 'adagrad' uses lr 0.01; Keras's, used here, 0.001.)
 */
export function getOptimizer(spec: string | Optimizer): Optimizer {
  if (spec instanceof Optimizer) return spec;
  if (typeof spec === 'string') {
    const make = FACTORIES[spec.toLowerCase()];
    if (make) return make();
  }
  throw new ValueError(`Unknown optimizer ${JSON.stringify(spec)}. Known: ${Object.keys(FACTORIES).join(', ')}`);
}

/**
 * Rebuilds an optimizer from a class name and config, as written in a model's training config.
 * Keys may be camelCase or Keras's snake_case (learning_rate, beta_1); tfjs's 'Momentum' class and
 * its 'decay' (RMSprop's rho) and 'useNesterov' keys are understood too. Unknown keys are ignored.
 */
export function optimizerFromConfig(className: string, config: Record<string, unknown> = {}): Optimizer {
  const c: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (v !== null && v !== undefined) c[k.replace(/_/g, '').toLowerCase()] = v;
  const num = (k: string) => (c[k] === undefined ? undefined : Number(c[k]));
  const clip = { clipnorm: num('clipnorm'), clipvalue: num('clipvalue'), globalClipnorm: num('globalclipnorm') };
  const learningRate = num('learningrate') ?? num('lr');
  switch (className.toLowerCase()) {
    case 'sgd':
    case 'momentum':
      return new SGD({ learningRate, momentum: num('momentum'), nesterov: Boolean(c.nesterov ?? c.usenesterov ?? false), ...clip });
    case 'adam':
      return new Adam({ learningRate, beta1: num('beta1'), beta2: num('beta2'), epsilon: num('epsilon'), amsgrad: Boolean(c.amsgrad ?? false), ...clip });
    case 'rmsprop':
      return new RMSprop({ learningRate, rho: num('rho') ?? num('decay'), momentum: num('momentum'), epsilon: num('epsilon'), centered: Boolean(c.centered ?? false), ...clip });
    case 'adagrad':
      return new Adagrad({ learningRate, initialAccumulatorValue: num('initialaccumulatorvalue'), epsilon: num('epsilon'), ...clip });
    default:
      throw new ValueError(`Unknown optimizer class '${className}'. Known: SGD, Adam, RMSprop, Adagrad`);
  }
}

/**
 * tf.train-style factories, same argument order as tfjs, giving the Keras-semantics optimizers.
 * An epsilon left out (or null, as tfjs allows) is 1e-7.
 */
export const train = {
  sgd(learningRate: number): SGD {
    return new SGD({ learningRate });
  },
  momentum(learningRate: number, momentum: number, useNesterov = false): SGD {
    return new SGD({ learningRate, momentum, nesterov: useNesterov });
  },
  adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): Adam {
    return new Adam({ learningRate, beta1, beta2, epsilon: epsilon ?? undefined });
  },
  rmsprop(learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false): RMSprop {
    return new RMSprop({ learningRate, rho: decay, momentum, epsilon: epsilon ?? undefined, centered });
  },
  adagrad(learningRate: number, initialAccumulatorValue = 0.1): Adagrad {
    return new Adagrad({ learningRate, initialAccumulatorValue });
  },
};
