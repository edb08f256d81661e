// Shared by the optimizer tests: a fixed problem (variables and a 5-step gradient sequence), runners
// for tsrnn's optimizers, tfjs's optimizers and plain float64 reference updates, and comparisons.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LayerVariable } from '../../src/layers/layer.js';
import { Optimizer } from '../../src/optimizers/optimizer.js';
import { Random } from '../../src/random.js';

export interface Problem {
  shapes: number[][];
  init: Float32Array[];
  /** grads[step][variable] */
  grads: Float32Array[][];
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Three variables of different ranks, values in [-2, 2), gradients of random sign with magnitude in
 * [minAbs, 1)·gradScale (minAbs > 0 keeps them away from the ε regime where Keras and tfjs differ).
 */
export function makeProblem(seed = 1, steps = 5, gradScale = 1, shapes = [[3, 4], [4], [2, 3, 2]], minAbs = 0): Problem {
  const r = new Random(seed);
  const init = shapes.map((s) => Float32Array.from({ length: size(s) }, () => r.uniformRange(-2, 2)));
  const grad = () => {
    const m = r.uniformRange(minAbs, 1) * gradScale;
    return r.uniform() < 0.5 ? -m : m;
  };
  const grads = Array.from({ length: steps }, () => shapes.map((s) => Float32Array.from({ length: size(s) }, grad)));
  return { shapes, init, grads };
}

export function makeVars(p: Problem): LayerVariable[] {
  return p.shapes.map((s, i) => new LayerVariable(`w${i}`, s, p.init[i].slice()));
}

/** tsrnn: the values of every variable after each step. */
export function runOurs(opt: Optimizer, p: Problem, vars = makeVars(p)): Float32Array[][] {
  const out: Float32Array[][] = [];
  for (const g of p.grads) {
    vars.forEach((v, i) => v.grad.set(g[i]));
    opt.applyGradients(vars);
    out.push(vars.map((v) => v.value.slice()));
  }
  return out;
}

let tfCounter = 0;
/** tfjs: the same sequence through a tf.train optimizer. */
export function runTfjs(opt: tf.Optimizer, p: Problem): Float32Array[][] {
  const tag = `t${tfCounter++}`;
  const vars = p.shapes.map((s, i) => tf.variable(tf.tensor(p.init[i], s), true, `${tag}_w${i}`));
  const out: Float32Array[][] = [];
  for (const g of p.grads) {
    const named: Record<string, tf.Tensor> = {};
    vars.forEach((v, i) => (named[v.name] = tf.tensor(g[i], p.shapes[i])));
    opt.applyGradients(named);
    Object.values(named).forEach((t) => t.dispose());
    out.push(vars.map((v) => v.dataSync() as Float32Array));
  }
  vars.forEach((v) => v.dispose());
  opt.dispose();
  return out;
}

/**
 * A plain float64 implementation of an update rule, run element by element:
 * step(w, g, state, t) returns the new w; state is a per-element object the rule may fill.
 */
export function runReference(
  p: Problem,
  step: (w: number, g: number, s: Record<string, number>, t: number) => number,
): Float64Array[][] {
  const w = p.init.map((a) => Float64Array.from(a));
  const states = p.init.map((a) => Array.from({ length: a.length }, () => ({}) as Record<string, number>));
  const out: Float64Array[][] = [];
  p.grads.forEach((g, k) => {
    w.forEach((wi, i) => {
      for (let j = 0; j < wi.length; j++) wi[j] = step(wi[j], g[i][j], states[i][j], k + 1);
    });
    out.push(w.map((a) => a.slice()));
  });
  return out;
}

/**
 * Asserts that after every step each value agrees to rtol·max(|ref|, 1), and that the displacement
 * from the start (w_t − w_0) agrees to dispTol of the variable's largest displacement, plus the
 * float32 rounding of the stored values (half an ulp per step). Returns the worst value error
 * (relative to max(|ref|, 1)) seen.
 */
export function assertTrajectoriesClose(
  got: ArrayLike<number>[][], want: ArrayLike<number>[][], p: Problem, what: string, rtol = 1e-6, dispTol = 1e-5,
): number {
  let worst = 0;
  got.forEach((vars, step) => {
    vars.forEach((a, i) => {
      const b = want[step][i];
      let maxDisp = 0;
      for (let j = 0; j < b.length; j++) maxDisp = Math.max(maxDisp, Math.abs(b[j] - p.init[i][j]));
      for (let j = 0; j < b.length; j++) {
        const err = Math.abs(a[j] - b[j]) / Math.max(Math.abs(b[j]), 1);
        worst = Math.max(worst, err);
        assert.ok(err <= rtol, `${what}: step ${step + 1}, variable ${i}, [${j}]: got ${a[j]}, want ${b[j]} (rel err ${err.toExponential(2)})`);
        const dErr = Math.abs(a[j] - p.init[i][j] - (b[j] - p.init[i][j]));
        assert.ok(
          dErr <= dispTol * maxDisp + 6e-8 * Math.max(Math.abs(b[j]), 1) * (step + 1),
          `${what}: step ${step + 1}, variable ${i}, [${j}]: displacement ${a[j] - p.init[i][j]} vs ${b[j] - p.init[i][j]}`,
        );
      }
    });
  });
  return worst;
}

/** The Keras 3 "golden" check (keras/src/optimizers/*_test.py): x = ones(10), one step with 0.01, then 5 with 0.1..1.0. */
export function kerasGolden(opt: Optimizer, golden: number[][], what: string): void {
  const v = new LayerVariable('x', [10], new Float32Array(10).fill(1));
  v.grad.fill(0.01);
  opt.applyGradients([v]);
  for (let i = 0; i < 5; i++) {
    const row = golden[i];
    for (let j = 0; j < 10; j++) {
      const want = row.length === 1 ? row[0] : row[j];
      // Keras's assertAllClose(rtol=5e-4, atol=5e-4): |a − b| ≤ atol + rtol·|b|
      assert.ok(Math.abs(v.value[j] - want) <= 5e-4 + 5e-4 * Math.abs(want), `${what} golden step ${i}, [${j}]: ${v.value[j]} vs ${want}`);
    }
    for (let j = 0; j < 10; j++) v.grad[j] = 0.1 * (j + 1);
    opt.applyGradients([v]);
  }
}

/** Keras 3's single-step test: vars [1,2,3,4], grads [1,6,7,2], rtol = atol = 1e-4. */
export function kerasSingleStep(opt: Optimizer, want: number[], what: string): void {
  const v = new LayerVariable('x', [4], Float32Array.from([1, 2, 3, 4]));
  v.grad.set([1, 6, 7, 2]);
  opt.applyGradients([v]);
  want.forEach((w, j) => assert.ok(Math.abs(v.value[j] - w) <= 1e-4 + 1e-4 * Math.abs(w), `${what} single step [${j}]: ${v.value[j]} vs ${w}`));
}
