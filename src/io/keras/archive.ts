// The Keras 3 `.keras` file: a zip holding config.json (the model config), model.weights.h5 (the
// weights, HDF5) and metadata.json (keras_version, date_saved), and maybe assets/. Unzipped with fflate;
// only those three members are inflated.
import { strFromU8, unzipSync } from 'fflate';
import { ValueError } from '../../errors.js';

export interface KerasArchive {
  config: unknown;
  weights: Uint8Array;
  /** metadata.json's keras_version, or null when the file has none. */
  kerasVersion: string | null;
}

/** 'PK\x03\x04' (a zip's first local file header), or 'PK\x05\x06' for an empty zip. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

const MEMBERS = ['config.json', 'model.weights.h5', 'metadata.json'];

function parseJson(text: string, what: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValueError(`${source}: ${what} is not valid JSON (${(e as Error).message})`);
  }
}

/** Reads a .keras zip; `source` names it in errors. */
export function readKerasArchive(bytes: Uint8Array, source: string): KerasArchive {
  let files: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    files = unzipSync(bytes, { filter: (f) => (names.push(f.name), MEMBERS.includes(f.name)) });
  } catch (e) {
    throw new ValueError(`${source} starts like a zip (.keras) file but cannot be unzipped (${(e as Error).message}): is it truncated or damaged?`);
  }
  if (!files['config.json']) {
    const list = names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
    throw new ValueError(`${source} is a zip file without config.json, so it is not a Keras .keras model (members: ${list || 'none'})`);
  }
  if (!files['model.weights.h5']) {
    throw new ValueError(`${source} has no model.weights.h5: a .keras file holds its weights there (sharded weights, model.weights.json, are not supported)`);
  }
  const config = parseJson(strFromU8(files['config.json']), 'config.json', source);
  let kerasVersion: string | null = null;
  if (files['metadata.json']) {
    const meta = parseJson(strFromU8(files['metadata.json']), 'metadata.json', source) as { keras_version?: unknown } | null;
    if (meta && typeof meta.keras_version === 'string') kerasVersion = meta.keras_version;
  }
  return { config, weights: files['model.weights.h5'], kerasVersion };
}
