// Reproduces the two text-task figures of the README and writes them to eval/results.json:
//   POS tagging     UPOS token accuracy on UD English-EWT test (BiLSTM tagger, seed 42)
//   Sentiment       accuracy on SST-2 dev (bidirectional GRU classifier, seed 42)
//
//   npm run eval                                   train both with the fixed seeds, then evaluate
//   npm run eval -- --only pos                     one task
//   npm run eval -- --pos-model out/eval/pos --sentiment-model out/eval/sentiment
//                                                  evaluate saved models instead of training
// Options: --ewt <dir> --sst2 <dir> (default ../shared/data/...), --out <file> (default eval/results.json),
// --models <dir> (where trained models are saved, default out/eval). A task whose data folder is absent is
// skipped with a message.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPosTagger, POS_CONFIG_FILE } from '../src/cli/pos.js';
import { loadSentimentClassifier, SENTIMENT_CONFIG_FILE } from '../src/cli/sentiment.js';
import { saveModelDir, writeFileAtomic } from '../src/io/model-dir.js';
import { readConlluFile, readLabelledTextFile } from '../src/io/read-text.js';
import { backendInfo } from '../src/kernels/backend.js';
import { compactJSON } from '../src/report/write-chart.js';
import { progressBar } from '../src/report/progress.js';
import { evaluatePosTagger, formatTagTable, mostFrequentTagBaseline } from '../src/tasks/pos-evaluate.js';
import { PosTagger } from '../src/tasks/pos-tagger.js';
import { trainPosTagger } from '../src/tasks/pos-train.js';
import { evaluateSentiment, SENTIMENT_DEFAULTS, SentimentClassifier, trainSentiment } from '../src/tasks/sentiment.js';

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    ewt: { type: 'string', default: join('..', 'shared', 'data', 'ud-english-ewt') },
    sst2: { type: 'string', default: join('..', 'shared', 'data', 'sst2') },
    out: { type: 'string', default: join('eval', 'results.json') },
    models: { type: 'string', default: join('out', 'eval') },
    'pos-model': { type: 'string' },
    'sentiment-model': { type: 'string' },
  },
});
if (opts.only !== undefined && opts.only !== 'pos' && opts.only !== 'sentiment') {
  console.error(`--only must be 'pos' or 'sentiment', got '${opts.only}'`);
  process.exit(1);
}
const SEED = 42;
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  backend: (({ backend, threads }) => ({ backend, threads }))(backendInfo()),
};
const rows: string[][] = [];

async function pos(): Promise<void> {
  const files = ['train', 'dev', 'test'].map((s) => join(opts.ewt!, `en_ewt-ud-${s}.conllu`));
  if (!files.every(existsSync)) {
    console.log(`POS: skipped, UD English-EWT not found in ${opts.ewt}`);
    return;
  }
  const [train, dev, test] = await Promise.all(files.map((f) => readConlluFile(f)));
  let tagger: PosTagger;
  let training: Record<string, unknown> | null = null;
  if (opts['pos-model']) {
    tagger = await loadPosTagger(opts['pos-model']);
    console.log(`POS: evaluating the saved tagger in ${opts['pos-model']}`);
  } else {
    console.log(`POS: training on ${files[0]} (seed ${SEED}) ...`);
    const bar = progressBar({ label: 'pos', metrics: ['loss', 'accuracy'] });
    const r = await trainPosTagger(train, dev, { seed: SEED, callbacks: [bar] });
    tagger = r.tagger;
    const dir = join(opts.models!, 'pos');
    await saveModelDir(dir, tagger.model, { [POS_CONFIG_FILE]: tagger.toJSON() });
    training = { seconds: Math.round(r.seconds), epochs: r.history.loss.length, bestEpoch: r.bestEpoch, devAccuracy: r.history.val_accuracy[r.bestEpoch - 1], savedTo: dir };
  }
  const trainingWords = new Set(train.flatMap((s) => s.tokens.map((t) => t.form.toLowerCase())));
  const e = evaluatePosTagger(tagger, test, { trainingWords });
  const base = mostFrequentTagBaseline(train, test);
  console.log(formatTagTable(e).join('\n'));
  results.pos = {
    data: 'UD English-EWT 2.16, test split',
    metric: 'UPOS token accuracy',
    accuracy: e.accuracy,
    tokens: e.tokens,
    baseline: { name: 'most frequent tag per lower-cased word (unseen: PROPN if capitalized, else NOUN)', accuracy: base.accuracy },
    unseenWords: e.unseenWords,
    training,
    perTag: Object.fromEntries(e.perTag.map((s) => [s.tag, { support: s.support, accuracy: s.accuracy, precision: s.precision, f1: s.f1 }])),
  };
  rows.push(['POS tagging', `UD EWT test, UPOS accuracy (${e.tokens} words)`, pct(e.accuracy), `${pct(base.accuracy)} (most frequent tag)`,
    training ? `${training.seconds} s, ${training.epochs} epochs` : 'saved model']);
}

async function sentiment(): Promise<void> {
  const files = ['train', 'dev'].map((s) => join(opts.sst2!, `${s}.tsv`));
  if (!files.every(existsSync)) {
    console.log(`Sentiment: skipped, SST-2 not found in ${opts.sst2}`);
    return;
  }
  const [train, dev] = await Promise.all(files.map((f) => readLabelledTextFile(f)));
  let classifier: SentimentClassifier;
  let training: Record<string, unknown> | null = null;
  if (opts['sentiment-model']) {
    classifier = await loadSentimentClassifier(opts['sentiment-model']);
    console.log(`Sentiment: evaluating the saved classifier in ${opts['sentiment-model']}`);
  } else {
    console.log(`Sentiment: training on ${files[0]} (seed ${SEED}) ...`);
    const bar = progressBar({ label: 'sentiment', metrics: ['loss', 'accuracy'] });
    const r = await trainSentiment(train, dev, { seed: SEED, callbacks: [bar] });
    classifier = r.classifier;
    const dir = join(opts.models!, 'sentiment');
    await saveModelDir(dir, classifier.model, { [SENTIMENT_CONFIG_FILE]: classifier.toJSON() });
    const checks = SENTIMENT_DEFAULTS.checksPerEpoch; // dev checks per pass over the training data
    training = {
      seconds: Math.round(r.seconds), epochs: r.history.loss.length / checks, checksPerEpoch: checks,
      bestCheck: r.bestEpoch, keptAfterEpochs: r.bestEpoch / checks, savedTo: dir,
    };
  }
  const e = evaluateSentiment(classifier, dev);
  const majority = Math.max(dev.labels.filter((l) => l === 1).length, dev.labels.filter((l) => l === 0).length) / dev.labels.length;
  results.sentiment = {
    data: 'SST-2 (GLUE), dev split',
    metric: 'accuracy',
    accuracy: e.accuracy,
    examples: e.examples,
    baseline: { name: 'majority class', accuracy: majority },
    training,
  };
  rows.push(['Sentiment', `SST-2 dev, accuracy (${e.examples} sentences)`, pct(e.accuracy), `${pct(majority)} (majority class)`,
    training ? `${training.seconds} s, ${Number(training.epochs).toFixed(2).replace(/\.?0+$/, '')} epochs` : 'saved model']);
}

if (opts.only !== 'sentiment') await pos();
if (opts.only !== 'pos') await sentiment();

await mkdir(dirname(opts.out!), { recursive: true });
await writeFileAtomic(opts.out!, compactJSON(results) + '\n');
const header = ['task', 'measure', 'result', 'baseline', 'training'];
const table = [header, ...rows];
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
console.log('');
for (const r of table) console.log(r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd());
console.log(`\nbackend ${(results.backend as { backend: string }).backend}, ${results.cpus}; written to ${opts.out}`);
