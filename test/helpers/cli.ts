// Running the tsrnn CLI in-process for the CLI tests, with what it prints collected.
import { main } from '../../src/cli/index.js';
import type { CliIO } from '../../src/cli/io.js';

/** Runs `tsrnn ...args` in-process (progress goes to a non-TTY sink); returns the exit code and the printed lines, joined. */
export async function runCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    print: (l) => out.push(l),
    error: (l) => err.push(l),
    progressStream: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream,
  };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
