// Node-only: a model folder with its companion JSON files, e.g. a POS tagger's
//   dir/model.json, dir/weights.bin   (model.save('file://dir'): TensorFlow.js layers format)
//   dir/pos-tagger.json               (the vocabularies and feature settings)
// Every file is written atomically (a temp file in the same folder, then renamed), so a reader sees
// the old file or the new one, never part of one.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ValueError } from '../errors.js';
import type { Sequential } from '../model/sequential.js';
import { loadLayersModel } from './load.js';

/** Writes `content` to `path` through a temp file and a rename. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Saves the model into `dir` (created if needed), then each companion as `dir/<name>` (pretty JSON). */
export async function saveModelDir(dir: string, model: Sequential, companions: Record<string, unknown>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await model.save(`file://${resolve(dir)}`);
  const files = [join(dir, 'model.json'), join(dir, 'weights.bin')];
  for (const [name, value] of Object.entries(companions)) {
    const p = join(dir, name);
    await writeFileAtomic(p, JSON.stringify(value) + '\n');
    files.push(p);
  }
  return files;
}

/** Loads the model of `dir` and the text of its companion `name`; errors name the missing file. */
export async function loadModelDir(dir: string, name: string): Promise<{ model: Sequential; companion: string; companionPath: string }> {
  const companionPath = join(dir, name);
  const modelPath = join(dir, 'model.json');
  const companion = await readFile(companionPath, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new ValueError(`${companionPath} not found: is ${dir} a folder written by the matching 'train' command?`);
    throw e;
  });
  const model = await loadLayersModel(`file://${resolve(modelPath)}`).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ValueError(`${modelPath} not found`);
    throw e;
  });
  return { model, companion, companionPath };
}
