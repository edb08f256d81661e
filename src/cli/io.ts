// Where the CLI's own lines go. The defaults are the process's streams; tests pass collectors.
// (fit's Keras-style progress lines are written by fit itself, to process.stdout.)
export interface CliIO {
  /** One line of results. */
  print(line: string): void;
  /** One line of warnings or errors. */
  error(line: string): void;
  /** Where progress bars are drawn (only when it is a terminal). */
  progressStream: NodeJS.WriteStream;
}

export const processIO: CliIO = {
  print: (line) => console.log(line),
  error: (line) => console.error(line),
  progressStream: process.stderr,
};
