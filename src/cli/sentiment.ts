// `tsrnn sentiment train` and `tsrnn sentiment predict`: the binary sentiment classifier of
// src/tasks/sentiment.ts on `sentence<TAB>label` files (SST-2's train.tsv and dev.tsv).
//   tsrnn sentiment train --data ../shared/data/sst2 --out out/sentiment
//   tsrnn sentiment predict --model out/sentiment "a gorgeous, witty film"
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ValueError } from '../errors.js';
import { loadModelDir, saveModelDir, writeFileAtomic } from '../io/model-dir.js';
import { readLabelledTextFile } from '../io/read-text.js';
import type { Sequential } from '../model/sequential.js';
import { SENTIMENT_DEFAULTS, SentimentClassifier, trainSentiment, type TrainSentimentArgs } from '../tasks/sentiment.js';
import { CliIO, processIO } from './io.js';
import { intArg, seedArg } from './options.js';

/** The companion file of a saved classifier. */
export const SENTIMENT_CONFIG_FILE = 'sentiment.json';

/** A rate in [0, 1) (dropout). */
export function rateArg(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !(v >= 0 && v < 1)) throw new InvalidArgumentError('expected a number from 0 to 1 (1 excluded).');
  return v;
}

/** --class-weight: 'balanced', 'none', or '0:1,1:2.5'. */
export function classWeightArg(value: string): Record<number, number> | 'balanced' | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'balanced') return 'balanced';
  if (v === 'none') return undefined;
  const out: Record<number, number> = {};
  for (const part of v.split(',')) {
    const m = /^\s*([01])\s*:\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*$/.exec(part);
    if (!m || !(Number(m[2]) > 0)) throw new InvalidArgumentError("expected 'balanced', 'none' or weights like '0:1,1:2' (class 0 or 1, weight > 0).");
    out[Number(m[1])] = Number(m[2]);
  }
  return out;
}

export interface SentimentTrainOptions extends TrainSentimentArgs {
  data: string;
  out?: string;
  /** Use only the first n training rows (quick runs). */
  maxRows?: number;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

async function mustExist(path: string, dir: string): Promise<string> {
  await access(path).catch(() => {
    throw new ValueError(`--data ${dir}: ${path} not found (the folder should hold train.tsv and dev.tsv, 'sentence<TAB>label' rows)`);
  });
  return path;
}

export async function runSentimentTrain(options: SentimentTrainOptions, io: CliIO = processIO): Promise<{ devAccuracy: number; bestEpoch: number; seconds: number; files: string[] }> {
  const out = options.out ?? join('out', 'sentiment');
  const trainPath = await mustExist(join(options.data, 'train.tsv'), options.data);
  const devPath = await mustExist(join(options.data, 'dev.tsv'), options.data);
  const train = await readLabelledTextFile(trainPath);
  if (options.maxRows !== undefined) {
    train.texts = train.texts.slice(0, options.maxRows);
    train.labels = train.labels.slice(0, options.maxRows);
  }
  const dev = await readLabelledTextFile(devPath);
  const positives = (l: number[]) => l.filter((v) => v === 1).length;
  io.print(`tsrnn sentiment train: ${trainPath} (${train.texts.length} rows, ${pct(positives(train.labels) / train.labels.length)} positive), ${devPath} (${dev.texts.length} rows)`);
  const epochs = options.epochs ?? SENTIMENT_DEFAULTS.epochs;
  const seed = options.seed ?? SENTIMENT_DEFAULTS.seed;
  const cell = options.cell ?? SENTIMENT_DEFAULTS.cell;
  io.print(`${options.bidirectional === false ? '' : 'bidirectional '}${cell}, up to ${epochs} epochs (early stopping on dev accuracy), seed ${seed}` +
    (options.classWeight ? `, class weight ${JSON.stringify(options.classWeight)}` : ''));

  const { progressBar } = await import('../report/progress.js');
  const bar = progressBar({ label: 'sentiment', stream: io.progressStream, printFn: (l) => io.print(l), metrics: ['loss', 'accuracy'] });
  const summary = { setModel: (m: unknown) => (m as Sequential).summary(undefined, undefined, (l) => io.print(l)) };
  const r = await trainSentiment(train, dev, { ...options, epochs, seed, cell, callbacks: [summary, bar] });
  const h = r.history;
  const devAccuracy = h.val_accuracy[r.bestEpoch - 1];
  io.print('');
  const checks = options.checksPerEpoch ?? SENTIMENT_DEFAULTS.checksPerEpoch;
  const kept = Number((r.bestEpoch / checks).toFixed(2));
  io.print(`Dev accuracy: ${pct(devAccuracy)} (${dev.texts.length} sentences; the weights after ${kept} epoch${kept === 1 ? '' : 's'} kept), trained in ${r.seconds.toFixed(0)}s`);

  const files = await saveModelDir(out, r.classifier.model, { [SENTIMENT_CONFIG_FILE]: r.classifier.toJSON() });
  const { historyChart } = await import('../report/line-chart.js');
  const { compactJSON, writeChart } = await import('../report/write-chart.js');
  for (const m of ['loss', 'accuracy']) {
    const w = await writeChart(historyChart(h, { metrics: [m], title: `Sentiment (${cell}): ${m}, train and dev` }), join(out, m));
    files.push(w.svg, w.png, w.json);
  }
  const resultsPath = join(out, 'results.json');
  await writeFileAtomic(resultsPath, compactJSON({ task: 'sentiment', seed, epochs, cell, bestEpoch: r.bestEpoch, trainSeconds: r.seconds, devAccuracy, history: h }) + '\n');
  files.push(resultsPath);
  io.print(`Model: ${out} (model.json, weights.bin, ${SENTIMENT_CONFIG_FILE}); charts: ${join(out, 'loss')}.{svg,png}, ${join(out, 'accuracy')}.{svg,png}; results: ${resultsPath}`);
  io.print(`Score a sentence: tsrnn sentiment predict --model ${out} "a gorgeous, witty film"`);
  return { devAccuracy, bestEpoch: r.bestEpoch, seconds: r.seconds, files };
}

/** Loads a classifier saved by `sentiment train`. */
export async function loadSentimentClassifier(dir: string): Promise<SentimentClassifier> {
  const { model, companion, companionPath } = await loadModelDir(dir, SENTIMENT_CONFIG_FILE);
  return SentimentClassifier.fromJSON(model, companion, companionPath);
}

export async function runSentimentPredict(modelDir: string, texts: string[], io: CliIO = processIO): Promise<number[]> {
  const classifier = await loadSentimentClassifier(modelDir);
  const p = classifier.predict(texts);
  texts.forEach((t, i) => io.print(`P(positive) = ${p[i].toFixed(4)}  ${t}`));
  return p;
}

export function sentimentCommand(io: CliIO = processIO): Command {
  const cmd = new Command('sentiment').description('binary sentiment classification (P(positive)) with a recurrent network');
  cmd.addCommand(
    new Command('train')
      .description('train a classifier on a folder with train.tsv and dev.tsv (sentence<TAB>label, labels 0/1); early stopping on dev accuracy; saves the model, charts and results')
      .requiredOption('-d, --data <dir>', 'folder with train.tsv and dev.tsv (e.g. ../shared/data/sst2)')
      .addOption(new Option('-o, --out <dir>', 'folder for the model, charts and results').default(join('out', 'sentiment')))
      .addOption(new Option('-e, --epochs <n>', 'most passes over the training data (epochs)').argParser(intArg(1)).default(SENTIMENT_DEFAULTS.epochs))
      .addOption(new Option('-s, --seed <n>', 'seed for the weights, dropout and batch order').argParser(seedArg).default(SENTIMENT_DEFAULTS.seed))
      .addOption(new Option('-b, --batch-size <n>', 'sentences per batch').argParser(intArg(1)).default(SENTIMENT_DEFAULTS.batchSize))
      .addOption(new Option('-c, --cell <name>', 'recurrent cell').choices(['lstm', 'gru']).default(SENTIMENT_DEFAULTS.cell))
      .addOption(new Option('-u, --units <n>', 'recurrent units (per direction)').argParser(intArg(1)).default(SENTIMENT_DEFAULTS.units))
      .addOption(new Option('--embedding-dim <n>', 'word embedding size').argParser(intArg(1)).default(SENTIMENT_DEFAULTS.embeddingDim))
      .addOption(new Option('--no-bidirectional', 'run the cell forwards only'))
      .addOption(new Option('--input-dropout <rate>', 'dropout on the embeddings (one mask per sentence)').argParser(rateArg).default(SENTIMENT_DEFAULTS.inputDropout))
      .addOption(new Option('--dropout <rate>', 'dropout before the output layer').argParser(rateArg).default(SENTIMENT_DEFAULTS.dropout))
      .addOption(new Option('--checks-per-epoch <n>', 'validate (and keep the best weights) this many times per pass over the data').argParser(intArg(1)).default(SENTIMENT_DEFAULTS.checksPerEpoch))
      .addOption(new Option('--class-weight <w>', "loss weight per class: 'balanced', 'none' or '0:1,1:2'").argParser(classWeightArg))
      .addOption(new Option('--patience <n>', 'dev checks (see --checks-per-epoch) without a better accuracy before stopping').argParser(intArg(0)).default(SENTIMENT_DEFAULTS.patience))
      .addOption(new Option('--max-rows <n>', 'train on the first n rows only (quick runs)').argParser(intArg(1)))
      .action(async (opts: SentimentTrainOptions) => {
        await runSentimentTrain(opts, io);
      }),
  );
  cmd.addCommand(
    new Command('predict')
      .description('print P(positive) for each text with a saved classifier')
      .requiredOption('-m, --model <dir>', "folder written by 'tsrnn sentiment train'")
      .argument('<text...>', 'texts to score (each argument is one text)')
      .action(async (texts: string[], opts: { model: string }) => {
        await runSentimentPredict(opts.model, texts, io);
      }),
  );
  return cmd;
}
