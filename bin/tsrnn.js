#!/usr/bin/env node
// The `tsrnn` command. The CLI is compiled from src/cli to dist/cli by `npm run build` (tsc).
import { main } from '../dist/cli/index.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 1;
  },
);
