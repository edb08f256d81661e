// The browser bundle of the core library, built in memory with the options of scripts/bundle.mjs
// (esbuild, platform 'browser', es2022; Node built-ins are only imported dynamically, so they stay external).
import { build } from 'esbuild';

/** src/index.ts bundled for browsers: an ES module, or an IIFE defining the global `tsrnn`. */
export async function bundle(format: 'iife' | 'esm'): Promise<string> {
  const r = await build({
    entryPoints: ['src/index.ts'], bundle: true, platform: 'browser', target: 'es2022', format,
    globalName: format === 'iife' ? 'tsrnn' : undefined, external: ['node:*'], write: false, logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}
