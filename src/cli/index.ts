// The `tsrnn` command line: `tsrnn demo sequence`, `tsrnn demo multiplication`, `tsrnn pos train|tag`,
// `tsrnn sentiment train|predict`, `tsrnn convert <model.h5|model.keras> --out <dir>`, --help, --version.
// createProgram builds a fresh commander program (so tests can run it in-process with their own IO);
// main parses the user's arguments and returns the exit code instead of exiting.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { NotImplementedError, ValueError } from '../errors.js';
import { convertCommand } from './convert.js';
import { multiplicationCommand } from './demo-multiplication.js';
import { sequenceCommand } from './demo-sequence.js';
import { posCommand } from './pos.js';
import { sentimentCommand } from './sentiment.js';
import { CliIO, processIO } from './io.js';

/** The package version (package.json sits two folders up from both src/cli and dist/cli). */
export function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
  } catch {
    return '0.0.0';
  }
}

export function createProgram(io: CliIO = processIO): Command {
  const program = new Command('tsrnn')
    .description('Recurrent neural networks (SimpleRNN, LSTM, GRU) with the Keras / TensorFlow.js API: demos and tools')
    .version(packageVersion(), '-V, --version', 'print the version');
  const demo = new Command('demo').description("run one of the seed's experiments end to end, with charts");
  demo.addCommand(sequenceCommand(io));
  demo.addCommand(multiplicationCommand(io));
  program.addCommand(demo);
  program.addCommand(posCommand(io));
  program.addCommand(sentimentCommand(io));
  program.addCommand(convertCommand(io));
  // every command: throw instead of exiting, print through io, point at --help after an error
  const output = {
    writeOut: (s: string) => io.print(s.replace(/\n$/, '')),
    writeErr: (s: string) => io.error(s.replace(/\n$/, '')),
  };
  const configure = (cmd: Command) => {
    cmd.exitOverride().configureOutput(output).showHelpAfterError(`(run '${commandPath(cmd)} --help' for usage)`);
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Runs the CLI on the user's arguments (process.argv.slice(2)) and returns the exit code:
 * 0 on success (and for --help / --version), 1 for bad options or input, with the reason printed.
 */
export async function main(args: string[] = process.argv.slice(2), io: CliIO = processIO): Promise<number> {
  const program = createProgram(io);
  if (args.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander has printed the message or the help
    if (e instanceof ValueError || e instanceof NotImplementedError) {
      io.error(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
