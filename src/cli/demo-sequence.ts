// `tsrnn demo sequence`: the seed's first experiment, run as the seed ran it in Keras:
//   SimpleRNN(10, input_shape=(4, 1)) → Dense(1), adam / mse / metrics ['accuracy'], 100 epochs,
// on X[i] = [i..i+3]/10 → Y[i] = (i+4)/10 for i = 0..5; then the predictions for [0.6..0.9] (target 1.0,
// just past the training range) and [-0.1..0.2] (target 0.3, just before it).
// ('accuracy' on a regression target is Keras's binary accuracy: it stays 0 here, as it did in the seed.)
import { Command, Option } from 'commander';
import * as tsrnn from '../index.js';
import { sequenceTask } from '../data/seed-tasks.js';
import { CliIO, processIO } from './io.js';
import { freshSeed, intArg, seedArg } from './options.js';
import { join } from 'node:path';

export interface SequenceDemoOptions {
  epochs?: number;
  batchSize?: number;
  /** Seed for the weights and the shuffles (default: a fresh one, printed). */
  seed?: number;
  /** Folder for the charts (default out/sequence). */
  out?: string;
  /** fit's verbose: 1 progress lines (default), 2 one line per epoch, 0 none. */
  verbose?: 0 | 1 | 2;
}

export interface Prediction {
  input: number[];
  target: number;
  predicted: number;
  /** predicted − target */
  error: number;
}

export interface SequenceDemoResult {
  seed: number;
  history: Record<string, number[]>;
  predictions: Prediction[];
  /** Paths of every file written. */
  files: string[];
}

/** The two probes of the seed: one step past the training range and one before it. */
export const SEQUENCE_PROBES: { input: number[]; target: number }[] = [
  { input: [0.6, 0.7, 0.8, 0.9], target: 1.0 },
  { input: [-0.1, 0, 0.1, 0.2], target: 0.3 },
];

const fmt = (v: number) => (Math.abs(v) < 1e-4 && v !== 0 ? v.toExponential(2) : v.toFixed(4));
const listText = (a: number[]) => `[${a.map((v) => (Number.isInteger(v * 10) ? v.toFixed(1) : String(v))).join(', ')}]`;

export async function runSequenceDemo(options: SequenceDemoOptions = {}, io: CliIO = processIO): Promise<SequenceDemoResult> {
  const epochs = options.epochs ?? 100;
  const batchSize = options.batchSize ?? 32;
  const out = options.out ?? join('out', 'sequence');
  const seed = options.seed ?? freshSeed();
  tsrnn.setSeed(seed);

  const { x, y } = sequenceTask();
  const model = tsrnn.sequential({
    layers: [tsrnn.layers.simpleRNN({ units: 10, inputShape: [4, 1] }), tsrnn.layers.dense({ units: 1 })],
  });
  model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy'] });

  io.print(`tsrnn demo sequence: [i, i+1, i+2, i+3]/10 → (i+4)/10 for i = 0..5; ${epochs} epochs, batch size ${batchSize}, seed ${seed}`);
  model.summary(undefined, undefined, (line) => io.print(line));
  const history = await model.fit(x, y, { epochs, batchSize, verbose: options.verbose ?? 1 });
  if (model.stopReason) io.error(`warning: ${model.stopReason}`);

  const probe = tsrnn.tensor(SEQUENCE_PROBES.map((p) => p.input.map((v) => [v])));
  const predicted = model.predict(probe).dataSync();
  const predictions: Prediction[] = SEQUENCE_PROBES.map((p, i) => ({
    input: p.input,
    target: p.target,
    predicted: predicted[i],
    error: predicted[i] - p.target,
  }));
  io.print('');
  io.print(`Predictions after ${history.history.loss?.length ?? 0} epochs:`);
  const w = Math.max(...predictions.map((p) => listText(p.input).length));
  for (const p of predictions) {
    io.print(`  ${listText(p.input).padEnd(w)}  target ${p.target.toFixed(1)}  predicted ${fmt(p.predicted)}  error ${p.error >= 0 ? '+' : ''}${fmt(p.error)}`);
  }

  // charts (vega and resvg load only now, so `tsrnn --help` starts fast)
  const { historyChart } = await import('../report/line-chart.js');
  const { compactJSON, writeChart, writeFileAtomic } = await import('../report/write-chart.js');
  // loss on a log axis (it falls by orders of magnitude), then every metric on a linear one
  const files: string[] = [];
  const h = history.history;
  const metrics = ['loss', ...Object.keys(h).filter((k) => k !== 'loss' && !k.startsWith('val_'))];
  for (const m of metrics) {
    if (!h[m]?.length) continue;
    const logY = m === 'loss' && h[m].every((v) => v > 0);
    const chart = historyChart(history, {
      metrics: [m],
      logY,
      title: `SimpleRNN(10) → Dense(1): ${m === 'loss' ? 'loss (mse)' : m}`,
    });
    const written = await writeChart(chart, join(out, m));
    files.push(written.svg, written.png, written.json);
  }
  const resultsPath = join(out, 'results.json');
  await writeFileAtomic(
    resultsPath,
    compactJSON({ demo: 'sequence', seed, epochs, batchSize, final: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v[v.length - 1]])), predictions, history: h }) + '\n',
  );
  files.push(resultsPath);
  io.print('');
  io.print(`Charts: ${metrics.map((m) => join(out, m) + '.{svg,png,json}').join(', ')}; results: ${resultsPath}`);
  return { seed, history: h, predictions, files };
}

export function sequenceCommand(io: CliIO = processIO): Command {
  return new Command('sequence')
    .summary("the seed's first experiment: SimpleRNN(10) → Dense(1) continues [i..i+3]/10")
    .description("the seed's first experiment: SimpleRNN(10) → Dense(1) learns to continue [i..i+3]/10; prints the summary, training progress and two predictions, and writes the loss and accuracy charts")
    .addOption(new Option('-e, --epochs <n>', 'training epochs').argParser(intArg(1)).default(100))
    .addOption(new Option('-b, --batch-size <n>', 'samples per gradient step').argParser(intArg(1)).default(32))
    .addOption(new Option('-s, --seed <n>', 'seed for the weights and shuffles (default: a fresh one, printed)').argParser(seedArg))
    .addOption(new Option('-o, --out <dir>', 'folder for the charts and results').default(join('out', 'sequence')))
    .addOption(new Option('-v, --verbose <level>', "fit's output: 0 none, 1 progress bar, 2 one line per epoch").argParser(intArg(0, 2)).default(1))
    .action(async (opts: { epochs: number; batchSize: number; seed?: number; out: string; verbose: number }) => {
      await runSequenceDemo({ ...opts, verbose: opts.verbose as 0 | 1 | 2 }, io);
    });
}
