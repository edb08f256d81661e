// Builds the browser bundles of the core library with esbuild:
//   dist/tsrnn.browser.mjs  (ES module)   dist/tsrnn.browser.js  (IIFE, global `tsrnn`)
// Node built-ins are only ever imported dynamically (the file:// handler), so they stay external.
import { build } from 'esbuild';

const common = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  external: ['node:*'],
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: 'dist/tsrnn.browser.mjs' });
await build({ ...common, format: 'iife', globalName: 'tsrnn', outfile: 'dist/tsrnn.browser.js' });
console.log('wrote dist/tsrnn.browser.mjs and dist/tsrnn.browser.js');
