// `tsrnn pos train` and `tsrnn pos tag`: the Universal POS tagger of src/tasks/pos-*.ts on CoNLL-U files.
//   tsrnn pos train --data ../shared/data/ud-english-ewt --out out/pos
//   tsrnn pos tag --model out/pos "i work at google"
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ValueError } from '../errors.js';
import type { Sequential } from '../model/sequential.js';
import { readConlluFile } from '../io/read-text.js';
import { loadModelDir, saveModelDir } from '../io/model-dir.js';
import { POS_DEFAULTS } from '../tasks/pos-defaults.js';
import { evaluatePosTagger, formatConfusionMatrix, formatTagTable, mostFrequentTagBaseline } from '../tasks/pos-evaluate.js';
import { DEFAULT_POS_FEATURES, POS_FEATURES, type PosFeature } from '../tasks/pos-features.js';
import { PosTagger } from '../tasks/pos-tagger.js';
import { trainPosTagger, type TrainPosArgs } from '../tasks/pos-train.js';
import { CliIO, processIO } from './io.js';
import { intArg, seedArg } from './options.js';

/** --features word,suffix2,shape: a comma-separated list of POS_FEATURES, 'word' first. */
export function featuresArg(value: string): PosFeature[] {
  const list = value.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const bad = list.find((f) => !(POS_FEATURES as readonly string[]).includes(f));
  if (bad !== undefined || list.length === 0 || list[0] !== 'word' || new Set(list).size !== list.length) {
    throw new InvalidArgumentError(`expected a comma-separated list of distinct features, 'word' first, from ${POS_FEATURES.join(', ')}${bad !== undefined ? ` ('${bad}' is not one)` : ''}.`);
  }
  return list as PosFeature[];
}

/** The companion file of a saved tagger. */
export const POS_CONFIG_FILE = 'pos-tagger.json';

/** The *-train.conllu, *-dev.conllu and (optional) *-test.conllu files of a folder. */
export async function findConlluSplits(dir: string): Promise<{ train: string; dev: string; test: string | null }> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new ValueError(`--data ${dir}: no such folder`);
    throw e;
  });
  const pick = (split: string, required: boolean): string | null => {
    const found = names.filter((n) => n.endsWith(`-${split}.conllu`) || n === `${split}.conllu`).sort();
    if (found.length > 1) throw new ValueError(`--data ${dir}: several ${split} files (${found.join(', ')}); keep one`);
    if (found.length === 0) {
      if (required) throw new ValueError(`--data ${dir}: no *-${split}.conllu file (the folder should hold *-train.conllu, *-dev.conllu and *-test.conllu)`);
      return null;
    }
    return join(dir, found[0]);
  };
  return { train: pick('train', true)!, dev: pick('dev', true)!, test: pick('test', false) };
}

export interface PosTrainOptions extends TrainPosArgs {
  data: string;
  out?: string;
  /** Use only the first n training sentences (quick runs). */
  maxSentences?: number;
}

export interface PosTrainResult {
  testAccuracy: number | null;
  devAccuracy: number;
  bestEpoch: number;
  seconds: number;
  files: string[];
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export async function runPosTrain(options: PosTrainOptions, io: CliIO = processIO): Promise<PosTrainResult> {
  const out = options.out ?? join('out', 'pos');
  const files = await findConlluSplits(options.data);
  let train = await readConlluFile(files.train);
  if (options.maxSentences !== undefined) train = train.slice(0, options.maxSentences);
  const dev = await readConlluFile(files.dev);
  const test = files.test ? await readConlluFile(files.test) : null;
  const count = (s: { tokens: unknown[] }[]) => s.reduce((n, x) => n + x.tokens.length, 0);
  io.print(`tsrnn pos train: ${files.train} (${train.length} sentences, ${count(train)} words), dev ${dev.length} sentences` +
    (test ? `, test ${test.length} sentences` : ' (no test file)'));

  const { progressBar } = await import('../report/progress.js');
  const bar = progressBar({ label: 'pos', stream: io.progressStream, printFn: (l) => io.print(l), metrics: ['loss', 'accuracy'] });
  const epochs = options.epochs ?? POS_DEFAULTS.epochs;
  const seed = options.seed ?? POS_DEFAULTS.seed;
  io.print(`word features ${(options.features ?? DEFAULT_POS_FEATURES).join(', ')}; up to ${epochs} epochs (early stopping on dev accuracy), seed ${seed}`);
  const summary = { setModel: (m: unknown) => (m as Sequential).summary(undefined, undefined, (l) => io.print(l)) };
  const r = await trainPosTagger(train, dev, { ...options, epochs, seed, callbacks: [summary, bar] });
  const tagger = r.tagger;
  const h = r.history;
  const devAccuracy = h.val_accuracy[r.bestEpoch - 1];
  io.print(`trained in ${r.seconds.toFixed(0)}s; kept epoch ${r.bestEpoch} (dev accuracy ${pct(devAccuracy)})`);

  const written = await saveModelDir(out, tagger.model, { [POS_CONFIG_FILE]: tagger.toJSON() });
  const { historyChart } = await import('../report/line-chart.js');
  const { compactJSON, writeChart } = await import('../report/write-chart.js');
  for (const m of ['loss', 'accuracy']) {
    const w = await writeChart(historyChart(h, { metrics: [m], title: `POS tagger (BiLSTM): ${m}, train and dev` }), join(out, m));
    written.push(w.svg, w.png, w.json);
  }

  let testAccuracy: number | null = null;
  const results: Record<string, unknown> = { task: 'pos', seed, epochs, bestEpoch: r.bestEpoch, trainSeconds: r.seconds, devAccuracy, history: h };
  if (test) {
    const trainingWords = new Set(train.flatMap((s) => s.tokens.map((t) => t.form.toLowerCase())));
    const e = evaluatePosTagger(tagger, test, { trainingWords });
    testAccuracy = e.accuracy;
    const base = mostFrequentTagBaseline(train, test);
    io.print('');
    io.print(`Test accuracy: ${pct(e.accuracy)} (${e.correct}/${e.tokens} words); most-frequent-tag baseline ${pct(base.accuracy)}`);
    if (e.unseenWords) io.print(`  words unseen in training: ${e.unseenWords.tokens} (${pct(e.unseenWords.tokens / e.tokens)}), tagged ${pct(e.unseenWords.accuracy)} right`);
    io.print('');
    for (const l of formatTagTable(e)) io.print(l);
    io.print('');
    io.print('Confusion matrix (rows: gold tag, columns: predicted tag)');
    for (const l of formatConfusionMatrix(e, tagger.tags)) io.print(l);
    Object.assign(results, { testAccuracy: e.accuracy, testTokens: e.tokens, baselineAccuracy: base.accuracy, unseenWords: e.unseenWords, perTag: e.perTag, confusion: e.confusion });
  }
  const { writeFileAtomic } = await import('../io/model-dir.js');
  const resultsPath = join(out, 'results.json');
  await writeFileAtomic(resultsPath, compactJSON(results) + '\n');
  written.push(resultsPath);
  io.print('');
  io.print(`Model: ${out} (model.json, weights.bin, ${POS_CONFIG_FILE}); charts: ${join(out, 'loss')}.{svg,png}, ${join(out, 'accuracy')}.{svg,png}; results: ${resultsPath}`);
  io.print(`Tag a sentence: tsrnn pos tag --model ${out} "i work at google"`);
  return { testAccuracy, devAccuracy, bestEpoch: r.bestEpoch, seconds: r.seconds, files: written };
}

/** Loads a tagger saved by `pos train`. */
export async function loadPosTagger(dir: string): Promise<PosTagger> {
  const { model, companion, companionPath } = await loadModelDir(dir, POS_CONFIG_FILE);
  return PosTagger.fromJSON(model, companion, companionPath);
}

export async function runPosTag(modelDir: string, texts: string[], io: CliIO = processIO): Promise<{ word: string; tag: string }[][]> {
  const tagger = await loadPosTagger(modelDir);
  const out: { word: string; tag: string }[][] = [];
  texts.forEach((text, i) => {
    const tagged = tagger.tagText(text);
    if (tagged.length === 0) throw new ValueError(`text ${i + 1} has no words`);
    if (i > 0) io.print('');
    const w = Math.max(...tagged.map((t) => t.word.length));
    for (const t of tagged) io.print(`${t.word.padEnd(w)}  ${t.tag}`);
    out.push(tagged);
  });
  return out;
}

export function posCommand(io: CliIO = processIO): Command {
  const pos = new Command('pos').description('part-of-speech tagging (17 Universal POS tags) with a bidirectional LSTM');
  pos.addCommand(
    new Command('train')
      .description('train a tagger on a folder with *-train.conllu, *-dev.conllu (early stopping) and *-test.conllu (evaluation); saves the model, charts and results')
      .requiredOption('-d, --data <dir>', 'folder with the CoNLL-U files (e.g. ../shared/data/ud-english-ewt)')
      .addOption(new Option('-o, --out <dir>', 'folder for the model, charts and results').default(join('out', 'pos')))
      .addOption(new Option('-e, --epochs <n>', 'most training epochs').argParser(intArg(1)).default(POS_DEFAULTS.epochs))
      .addOption(new Option('-s, --seed <n>', 'seed for the weights, dropout and batch order').argParser(seedArg).default(POS_DEFAULTS.seed))
      .addOption(new Option('-b, --batch-size <n>', 'sentences per batch').argParser(intArg(1)).default(POS_DEFAULTS.batchSize))
      .addOption(new Option('-u, --units <n>', 'LSTM units per direction').argParser(intArg(1)).default(POS_DEFAULTS.units))
      .addOption(new Option('--embedding-dim <n>', 'embedding size of each word feature').argParser(intArg(1)).default(POS_DEFAULTS.embeddingDim))
      .addOption(new Option('--features <list>', `word features, comma-separated, 'word' first (from ${POS_FEATURES.join(', ')})`).argParser(featuresArg).default(DEFAULT_POS_FEATURES.slice(), DEFAULT_POS_FEATURES.join(',')))
      .addOption(new Option('--patience <n>', 'epochs without a better dev accuracy before stopping').argParser(intArg(0)).default(POS_DEFAULTS.patience))
      .addOption(new Option('--max-sentences <n>', 'train on the first n sentences only (quick runs)').argParser(intArg(1)))
      .action(async (opts: PosTrainOptions) => {
        await runPosTrain(opts, io);
      }),
  );
  pos.addCommand(
    new Command('tag')
      .description('tag raw text with a saved tagger: prints each word with its tag')
      .requiredOption('-m, --model <dir>', "folder written by 'tsrnn pos train'")
      .argument('<text...>', 'sentences to tag (each argument is one sentence)')
      .action(async (texts: string[], opts: { model: string }) => {
        await runPosTag(opts.model, texts, io);
      }),
  );
  return pos;
}
