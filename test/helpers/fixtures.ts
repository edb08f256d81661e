// Reading the shared reference fixtures (../shared/fixtures): the skip option of a test whose fixture is
// absent, and the keras-js cases (Keras 2.0 layers run in the keras-js notebooks: config, input, weights, expected).
import { existsSync, readFileSync } from 'node:fs';

/** node:test options that skip the test, with a message, when the fixture file or folder is absent. */
export function skipUnless(path: string): { skip: false | string } {
  return { skip: existsSync(path) ? false : `fixtures absent: ${path}` };
}

export interface KerasJsCase<C = Record<string, unknown>> {
  id: string;
  config: C;
  input: { data: number[]; shape: number[] };
  weights: { data: number[]; shape: number[] }[];
  expected: { data: number[]; shape: number[] };
}

/** The cases of one keras-js fixture file (e.g. ../shared/fixtures/keras-js/LSTM.json). */
export function loadKerasJsCases<C = Record<string, unknown>>(path: string): KerasJsCase<C>[] {
  return JSON.parse(readFileSync(path, 'utf8')) as KerasJsCase<C>[];
}
