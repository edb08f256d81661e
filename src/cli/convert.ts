// `tsrnn convert <model.h5|model.keras> --out <dir>`: a Keras model file (legacy full-model HDF5 or
// Keras 3 .keras) → the TensorFlow.js layers format (dir/model.json + dir/weights.bin), which tsrnn's
// loadLayersModel and tfjs's tf.loadLayersModel both read. Written through tsrnn's own save (the
// file:// handler: temp files, then renames, so a reader never sees half a model). What the importer
// drops (regularizers, constraints) is printed as warnings; what tsrnn cannot compute is an error.
import { basename, dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { CliIO, processIO } from './io.js';

export interface ConvertOptions {
  out: string;
  /** Also write the optimizer, loss and metrics (tfjs's trainingConfig) from the file's training config. */
  includeOptimizer?: boolean;
  /** Refuse regularizers and constraints instead of dropping them with a warning. */
  strict?: boolean;
}

export async function runConvert(input: string, options: ConvertOptions, io: CliIO = processIO): Promise<{ files: string[] }> {
  // the importer (and its HDF5 and zip readers) loads only for this command
  const { readKerasModelFile } = await import('../io/keras/index.js');
  const info = await readKerasModelFile(input, { strict: options.strict ?? false, compile: options.includeOptimizer ? 'auto' : false });
  for (const w of info.warnings) io.error(`warning: ${w}`);
  const m = info.model;
  const kind = info.format === 'keras' ? 'Keras 3 .keras' : 'HDF5 (.h5)';
  io.print(
    `${input}: ${kind} model saved by Keras ${info.kerasVersion ?? '(version not recorded)'}: ` +
      `${m.layers.map((l) => l.className).join(' → ')}, ${m.countParams()} parameters`,
  );
  await m.save(`file://${resolve(options.out)}`, { includeOptimizer: options.includeOptimizer ?? false });
  // the file:// handler's naming: a path ending in .json names the JSON file itself (see io/handlers.ts)
  const json = /\.json$/i.test(options.out);
  const name = basename(options.out);
  const files = json
    ? [options.out, join(dirname(options.out), name === 'model.json' ? 'weights.bin' : name.replace(/\.json$/i, '') + '.weights.bin')]
    : [join(options.out, 'model.json'), join(options.out, 'weights.bin')];
  io.print(`wrote ${files.join(' and ')} (TensorFlow.js layers format${options.includeOptimizer && info.compiled ? ', with the training config' : ''})`);
  return { files };
}

export function convertCommand(io: CliIO = processIO): Command {
  return new Command('convert')
    .description('convert a Keras model file (.h5 full model, or .keras) to the TensorFlow.js layers format (model.json + weights.bin)')
    .argument('<model>', 'the Keras model file: model.h5 (Keras 2 / tf.keras full model) or model.keras (Keras 3)')
    .requiredOption('-o, --out <dir>', 'folder to write model.json and weights.bin into (created if needed)')
    .addOption(new Option('--include-optimizer', "also write the file's optimizer, loss and metrics (when tsrnn has them)"))
    .addOption(new Option('--strict', 'fail on regularizers and constraints instead of dropping them with a warning'))
    .action(async (model: string, opts: ConvertOptions) => {
      await runConvert(model, opts, io);
    });
}
