// The optimizer contract: getOptimizer names, the tf.train-style namespace, trainable filtering,
// checkpoints of optimizer state (getWeights / setWeights, including before the first step),
// and rebuilding from a config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '../../src/errors.js';
import { LayerVariable } from '../../src/layers/layer.js';
import { Adagrad, Adam, getOptimizer, optimizerFromConfig, RMSprop, SGD, train } from '../../src/optimizers/index.js';
import { makeProblem, makeVars, runOurs } from './reference.js';

test('getOptimizer: Keras names in any case with Keras defaults; unknown names list the known ones', () => {
  const sgd = getOptimizer('SGD');
  assert.ok(sgd instanceof SGD && sgd.learningRate === 0.01);
  const adam = getOptimizer('adam') as Adam;
  assert.ok(adam instanceof Adam && adam.learningRate === 0.001 && adam.epsilon === 1e-7);
  assert.ok(getOptimizer('RMSProp') instanceof RMSprop);
  const ada = getOptimizer('Adagrad') as Adagrad;
  assert.ok(ada instanceof Adagrad && ada.learningRate === 0.001 && ada.initialAccumulatorValue === 0.1);
  assert.equal(getOptimizer(adam), adam);
  assert.throws(() => getOptimizer('adamw'), (e: Error) => e instanceof ValueError && /Unknown optimizer "adamw". Known: sgd, adam, rmsprop, adagrad/.test(e.message));
  assert.deepEqual([sgd.className, adam.className, getOptimizer('rmsprop').className, ada.className], ['SGD', 'Adam', 'RMSprop', 'Adagrad']);
});

test('train namespace mirrors tf.train argument order', () => {
  const s = train.sgd(0.3);
  assert.ok(s instanceof SGD && s.learningRate === 0.3 && s.momentum === 0);
  const m = train.momentum(0.1, 0.9, true);
  assert.ok(m.momentum === 0.9 && m.nesterov);
  const a = train.adam();
  assert.deepEqual([a.learningRate, a.beta1, a.beta2, a.epsilon], [0.001, 0.9, 0.999, 1e-7]);
  const a2 = train.adam(0.01, 0.8, 0.99, 1e-5);
  assert.deepEqual([a2.learningRate, a2.beta1, a2.beta2, a2.epsilon], [0.01, 0.8, 0.99, 1e-5]);
  const r = train.rmsprop(0.01, 0.8, 0.5, null, true);
  assert.deepEqual([r.learningRate, r.rho, r.momentum, r.epsilon, r.centered], [0.01, 0.8, 0.5, 1e-7, true]);
  const g = train.adagrad(0.2, 0.3);
  assert.deepEqual([g.learningRate, g.initialAccumulatorValue], [0.2, 0.3]);
});

test('only trainable variables are updated and get state; iterations count steps', () => {
  const a = new LayerVariable('kernel', [2], Float32Array.from([1, 1]));
  const frozen = new LayerVariable('bias', [2], Float32Array.from([1, 1]), false);
  a.grad.set([1, 1]);
  frozen.grad.set([1, 1]);
  const o = new Adam({ learningRate: 0.1 });
  o.applyGradients([a, frozen]);
  o.applyGradients([a, frozen]);
  assert.deepEqual(Array.from(frozen.value), [1, 1]);
  assert.ok(a.value[0] < 1);
  assert.equal(o.iterations, 2);
  assert.deepEqual(o.weightNames(), ['iteration', '0/kernel/momentum', '0/kernel/velocity']);
  // The learning rate may change between steps (callbacks do).
  const s = new SGD({ learningRate: 1 });
  a.value.set([0, 0]);
  s.applyGradients([a]);
  s.learningRate = 0.5;
  s.applyGradients([a]);
  assert.deepEqual(Array.from(a.value), [-1.5, -1.5]);
});

test('state checkpoint: resuming from getWeights reproduces the uninterrupted run exactly', () => {
  const makers: [string, () => SGD | Adam | RMSprop | Adagrad][] = [
    ['sgd', () => new SGD({ learningRate: 0.1, momentum: 0.9 })],
    ['adam', () => new Adam({ learningRate: 0.05, amsgrad: true })],
    ['rmsprop', () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
    ['adagrad', () => new Adagrad({ learningRate: 0.1 })],
  ];
  for (const [what, make] of makers) {
    const p = makeProblem(51);
    const whole = runOurs(make(), p);
    const first = { ...p, grads: p.grads.slice(0, 3) };
    const rest = { ...p, grads: p.grads.slice(3) };
    const o1 = make();
    const vars = makeVars(p);
    runOurs(o1, first, vars);
    const saved = o1.getWeights();
    assert.equal(saved[0].name, 'iteration');
    assert.deepEqual(Array.from(saved[0].value), [3]);
    // A fresh optimizer, state restored before it has seen the variables.
    const o2 = make();
    o2.setWeights(saved);
    const resumed = runOurs(o2, rest, vars);
    assert.deepEqual(resumed.map((s) => s.map((a) => Array.from(a))), whole.slice(3).map((s) => s.map((a) => Array.from(a))), what);
    assert.equal(o2.iterations, 5);
    // And restored after build(): same result.
    const vars3 = makeVars(p);
    runOurs(make(), first, vars3);
    const o3 = make();
    o3.build(vars3);
    o3.setWeights(saved);
    assert.deepEqual(runOurs(o3, rest, vars3)[1].map((a) => Array.from(a)), whole[4].map((a) => Array.from(a)), `${what} after build`);
  }
});

test('setWeights names the mismatch', () => {
  const p = makeProblem(52, 1);
  const o = new Adam();
  runOurs(o, p);
  assert.throws(() => o.setWeights([{ name: '0/w0/nope', value: new Float32Array(12) }]), /unknown weight '0\/w0\/nope'; expected 0\/w0\/momentum, 0\/w0\/velocity/);
  assert.throws(() => o.setWeights([{ name: '1/w1/velocity', value: new Float32Array(3) }]), /'1\/w1\/velocity' has 3 values, expected 4/);
  assert.throws(() => o.setWeights([{ name: 'iteration', value: Float32Array.from([-1]) }]), /iteration must be a non-negative integer/);
  const fresh = new Adam();
  fresh.setWeights([{ name: '7/zzz/momentum', value: new Float32Array(1) }]);
  assert.throws(() => fresh.build(makeVars(p)), /no variable matches 7\/zzz\/momentum/);
});

test('optimizerFromConfig rebuilds from getConfig, Keras snake_case keys and tfjs names', () => {
  for (const o of [new SGD({ learningRate: 0.2, momentum: 0.5, nesterov: true, clipnorm: 3 }), new Adam({ beta1: 0.8, amsgrad: true, clipvalue: 1 }),
    new RMSprop({ rho: 0.7, centered: true, globalClipnorm: 2 }), new Adagrad({ initialAccumulatorValue: 0.2, epsilon: 1e-6 })]) {
    const back = optimizerFromConfig(o.className, o.getConfig());
    assert.equal(back.className, o.className);
    assert.deepEqual(back.getConfig(), o.getConfig());
  }
  const k = optimizerFromConfig('Adam', { name: 'adam', learning_rate: 0.01, beta_1: 0.85, beta_2: 0.99, epsilon: 1e-6, amsgrad: false, clipnorm: null, use_ema: false }) as Adam;
  assert.deepEqual([k.learningRate, k.beta1, k.beta2, k.epsilon], [0.01, 0.85, 0.99, 1e-6]);
  const t = optimizerFromConfig('RMSProp', { learningRate: 0.01, decay: 0.8, momentum: 0, epsilon: 1e-7, centered: false }) as RMSprop;
  assert.equal(t.rho, 0.8);
  const m = optimizerFromConfig('Momentum', { learningRate: 0.1, momentum: 0.9, useNesterov: true }) as SGD;
  assert.ok(m.nesterov && m.momentum === 0.9);
  assert.throws(() => optimizerFromConfig('Nadam', {}), /Unknown optimizer class 'Nadam'/);
});
