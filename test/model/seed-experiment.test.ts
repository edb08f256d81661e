// The seed's first experiment over seeds 0..9: the median prediction error must stay ≤ 0.15 for both
// queries (issue 2). It depends on the initialisation matching Keras's defaults exactly
// (glorot-uniform kernels, orthogonal recurrent kernel, zero bias) and on Adam's defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tsrnn from '../../src/index.js';

function median(a: number[]): number {
  const s = a.slice().sort((u, v) => u - v);
  return (s[4] + s[5]) / 2;
}

test('demo sequence over seeds 0..9: median |error| ≤ 0.15 for both queries', async () => {
  const { x, y } = tsrnn.sequenceTask();
  const e1: number[] = [];
  const e2: number[] = [];
  for (let seed = 0; seed < 10; seed++) {
    tsrnn.setSeed(seed);
    const model = tsrnn.sequential({
      layers: [tsrnn.layers.simpleRNN({ units: 10, inputShape: [4, 1] }), tsrnn.layers.dense({ units: 1 })],
    });
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 100, verbose: 0 });
    const p = model.predict([[[0.6], [0.7], [0.8], [0.9]], [[-0.1], [0], [0.1], [0.2]]]).dataSync();
    e1.push(Math.abs(p[0] - 1.0));
    e2.push(Math.abs(p[1] - 0.3));
  }
  assert.ok(median(e1) <= 0.15, `median error for [0.6..0.9] → 1.0 is ${median(e1)}`);
  assert.ok(median(e2) <= 0.15, `median error for [-0.1..0.2] → 0.3 is ${median(e2)}`);
  // and the training really moved the predictions: an untrained model is far off on at least one seed
  assert.ok(Math.max(...e1) > median(e1), 'errors vary by seed');
});
