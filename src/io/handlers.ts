// IO handlers, as tfjs defines them: an object with save(artifacts) and/or load().
//   fromMemory(...)       load from artifacts held in memory (tf.io.fromMemory)
//   withSaveHandler(fn)   save by handing the artifacts to a function (tf.io.withSaveHandler)
//   fileSystem(path)      Node: save to a directory as model.json + weights.bin, load from model.json
//                         (tfjs-node's file:// handler; the same files, readable by either)
// The file handler imports node:fs only when used, so this module also loads in a browser.
import { NotImplementedError, ValueError } from '../errors.js';
import type { IOHandler, ModelArtifacts, ModelArtifactsInfo, ModelJSON, SaveResult, TrainingConfig, WeightsManifestEntry } from './types.js';
import { checkWeightBytes, crc32, joinWeightData } from './weights.js';

export const MODEL_JSON_FILENAME = 'model.json';
export const WEIGHTS_BINARY_FILENAME = 'weights.bin';

/** Sizes of the artifacts, as tfjs reports them in SaveResult. */
export function artifactsInfo(a: ModelArtifacts): ModelArtifactsInfo {
  if (a.modelTopology instanceof ArrayBuffer) throw new ValueError('Expected a JSON model topology, got an ArrayBuffer');
  const enc = new TextEncoder();
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: a.modelTopology == null ? 0 : enc.encode(JSON.stringify(a.modelTopology)).length,
    weightSpecsBytes: a.weightSpecs == null ? 0 : enc.encode(JSON.stringify(a.weightSpecs)).length,
    weightDataBytes: a.weightData == null ? 0 : joinWeightData(a.weightData).byteLength,
  };
}

/**
 * A handler that loads from memory: either whole artifacts, or (tfjs's older form) the topology,
 * weight specs, weight data and training config as separate arguments.
 */
export function fromMemory(
  modelArtifacts: ModelArtifacts | Record<string, unknown>,
  weightSpecs?: WeightsManifestEntry[],
  weightData?: ArrayBuffer | ArrayBuffer[],
  trainingConfig?: TrainingConfig,
): IOHandler {
  const isArtifacts = 'modelTopology' in modelArtifacts || 'weightSpecs' in modelArtifacts || 'weightData' in modelArtifacts;
  const artifacts: ModelArtifacts = isArtifacts && weightSpecs === undefined
    ? { ...(modelArtifacts as ModelArtifacts) }
    : { modelTopology: modelArtifacts as Record<string, unknown>, weightSpecs, weightData, trainingConfig };
  return { load: async () => artifacts };
}

/** A handler whose save passes the artifacts to `saveHandler` (tf.io.withSaveHandler). */
export function withSaveHandler(saveHandler: (artifacts: ModelArtifacts) => Promise<SaveResult> | SaveResult): IOHandler {
  if (typeof saveHandler !== 'function') throw new ValueError('withSaveHandler expects a function (artifacts) => SaveResult');
  return { save: async (artifacts) => saveHandler(artifacts) };
}

/** Fault injection for tests of the atomic save: called at the named moment; a throw aborts the save there. */
export interface FileSaveHooks {
  /** After both temp files are written and flushed, before either is renamed into place. */
  afterTempWrite?: () => void | Promise<void>;
  /** After weights.bin is in place, before model.json is. */
  betweenRenames?: () => void | Promise<void>;
}

export interface FileSystemOptions {
  hooks?: FileSaveHooks;
}

type Fs = typeof import('node:fs/promises');
type PathMod = typeof import('node:path');

async function nodeModules(): Promise<{ fs: Fs; path: PathMod }> {
  try {
    const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
    return { fs, path };
  } catch {
    throw new NotImplementedError('The file:// handler needs Node.js (node:fs); in a browser use io.withSaveHandler / io.fromMemory');
  }
}

/**
 * Node file handler, in the layout tfjs-node writes and reads:
 *   save(dir):  dir/model.json (topology, weightsManifest → ['weights.bin'], training config) and dir/weights.bin.
 *               A path ending in '.json' names the JSON file itself: save('out/rnn.json') writes
 *               out/rnn.json and out/rnn.weights.bin (tfjs-node would make a directory 'rnn.json').
 *   load(path): path is model.json, or the directory holding it.
 *
 * Saving is atomic per file and ordered: both files are first written and flushed under temporary names
 * in the same directory, then renamed over the old ones, weights.bin first and model.json last. A failure
 * before the renames leaves the old pair untouched (the temp files are removed). model.json also records
 * the CRC-32 of weights.bin (key "tsrnn", which tfjs ignores), so the one unsafe moment, a crash between
 * the two renames, is caught when loading rather than mixing the old model.json with new weights.
 */
export function fileSystem(pathOrUrl: string, options: FileSystemOptions = {}): IOHandler & { path: string } {
  const p = pathOrUrl.startsWith('file://') ? pathOrUrl.slice('file://'.length) : pathOrUrl;
  if (p.length === 0) throw new ValueError('fileSystem: the path is empty');
  return {
    path: p,
    save: (artifacts) => saveToDirectory(p, artifacts, options.hooks ?? {}),
    load: () => loadFromFile(p),
  };
}

async function saveToDirectory(dirPath: string, artifacts: ModelArtifacts, hooks: FileSaveHooks): Promise<SaveResult> {
  const { fs, path } = await nodeModules();
  if (artifacts.modelTopology instanceof ArrayBuffer) throw new NotImplementedError('Saving a binary (GraphDef) model topology is not supported');
  let dir = path.resolve(dirPath);
  let jsonName = MODEL_JSON_FILENAME;
  let binName = WEIGHTS_BINARY_FILENAME;
  if (/\.json$/i.test(dir)) {
    jsonName = path.basename(dir);
    if (jsonName !== MODEL_JSON_FILENAME) binName = jsonName.replace(/\.json$/i, '') + '.weights.bin';
    dir = path.dirname(dir);
  }
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new ValueError(`Cannot save to ${dir}: it exists and is not a directory`);
    }
    throw e;
  }
  const weights = artifacts.weightData == null ? new Uint8Array(0) : joinWeightData(artifacts.weightData);
  const modelJSON: ModelJSON & { tsrnn?: unknown } = {
    modelTopology: artifacts.modelTopology ?? {},
    weightsManifest: [{ paths: [binName], weights: artifacts.weightSpecs ?? [] }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
  };
  if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  modelJSON.tsrnn = { weightsCrc32: { [binName]: crc32(weights) } };

  const tag = `.tmp-${typeof process !== 'undefined' ? process.pid : 0}-${Math.random().toString(36).slice(2, 10)}`;
  const finalJson = path.join(dir, jsonName);
  const finalBin = path.join(dir, binName);
  const tmpJson = finalJson + tag;
  const tmpBin = finalBin + tag;
  try {
    await writeDurably(fs, tmpBin, weights);
    await writeDurably(fs, tmpJson, new TextEncoder().encode(JSON.stringify(modelJSON)));
    await hooks.afterTempWrite?.();
    await fs.rename(tmpBin, finalBin);
    await hooks.betweenRenames?.();
    await fs.rename(tmpJson, finalJson);
  } catch (e) {
    await Promise.all([fs.rm(tmpBin, { force: true }), fs.rm(tmpJson, { force: true })]).catch(() => undefined);
    throw e;
  }
  await syncDirectory(fs, dir);
  return { modelArtifactsInfo: artifactsInfo(artifacts) };
}

async function writeDurably(fs: Fs, file: string, bytes: Uint8Array): Promise<void> {
  const fh = await fs.open(file, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

// Makes the renames themselves durable; directories cannot be opened on every platform (Windows): best effort.
async function syncDirectory(fs: Fs, dir: string): Promise<void> {
  try {
    const fh = await fs.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* not supported here */
  }
}

async function loadFromFile(p: string): Promise<ModelArtifacts> {
  const { fs, path } = await nodeModules();
  let file = path.resolve(p);
  let st = await fs.stat(file).catch(() => null);
  if (st?.isDirectory()) {
    file = path.join(file, MODEL_JSON_FILENAME);
    st = await fs.stat(file).catch(() => null);
  }
  if (!st || !st.isFile()) throw new ValueError(`Cannot load the model: ${file} does not exist`);
  const text = await fs.readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`${file} is not valid JSON (${(e as Error).message}); expected a TensorFlow.js layers model (model.json)`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ValueError(`${file} is not a TensorFlow.js layers model: it holds ${Array.isArray(json) ? 'an array' : typeof json}, not an object`);
  }
  const mj = json as ModelJSON & { tsrnn?: { weightsCrc32?: Record<string, number> }; class_name?: unknown; config?: unknown };
  if (mj.modelTopology == null) {
    // Keras's model.to_json() / a .keras config.json: a bare topology, no weights
    if (typeof mj.class_name === 'string' && 'config' in mj) return { modelTopology: json as Record<string, unknown>, format: 'layers-model' };
    if ('weightsManifest' in mj) throw new ValueError(`${file} is not a layers model: it has a weightsManifest but no modelTopology`);
    throw new ValueError(`${file} is not a TensorFlow.js layers model: it has no modelTopology (keys: ${Object.keys(mj).join(', ') || 'none'})`);
  }
  if (mj.format === 'graph-model') {
    throw new ValueError(`${file} is a TensorFlow.js graph model (format 'graph-model'), not a layers model: tsrnn loads layers models only`);
  }
  const artifacts: ModelArtifacts = {
    modelTopology: mj.modelTopology,
    format: mj.format,
    generatedBy: mj.generatedBy,
    convertedBy: mj.convertedBy,
  };
  if (mj.trainingConfig != null) artifacts.trainingConfig = mj.trainingConfig;
  if (mj.signature != null) artifacts.signature = mj.signature;
  if (mj.userDefinedMetadata != null) artifacts.userDefinedMetadata = mj.userDefinedMetadata;
  if (mj.weightsManifest != null) {
    if (!Array.isArray(mj.weightsManifest)) throw new ValueError(`${file}: weightsManifest must be a list of {paths, weights} groups`);
    const dir = path.dirname(file);
    const specs: WeightsManifestEntry[] = [];
    const shards: { file: string; rel: string; bytes: Uint8Array }[] = [];
    for (const group of mj.weightsManifest) {
      if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
        throw new ValueError(`${file}: each weightsManifest group needs 'paths' and 'weights' lists`);
      }
      for (const rel of group.paths) {
        const wf = path.join(dir, rel);
        const buf = await fs.readFile(wf).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') throw new ValueError(`Weights file ${wf} (listed in ${file}) does not exist`);
          throw e;
        });
        shards.push({ file: wf, rel, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
      }
      specs.push(...group.weights);
    }
    // sizes first (the clearer message for a truncated file), then the recorded checksums
    checkWeightBytes(specs, shards.reduce((n, s) => n + s.bytes.byteLength, 0), shards.map((s) => s.file).join(' + ') || 'the weights');
    for (const s of shards) {
      const crc = mj.tsrnn?.weightsCrc32?.[s.rel];
      if (typeof crc === 'number' && crc32(s.bytes) !== crc) {
        throw new ValueError(
          `${s.file} does not match ${file} (CRC-32 ${crc32(s.bytes)}, but ${crc} was recorded when saving): the two files come from ` +
            `different saves (an interrupted save?) or the weights file was changed`,
        );
      }
    }
    const buffers = shards.map((s) => s.bytes.slice().buffer as ArrayBuffer);
    artifacts.weightSpecs = specs;
    artifacts.weightData = buffers.length === 1 ? buffers[0] : buffers;
  }
  return artifacts;
}

/** A handler for a URL-like string: 'file://path' or a plain path (Node). Other schemes are not supported. */
export function handlerForUrl(url: string): IOHandler {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (m && m[1].toLowerCase() !== 'file') {
    throw new NotImplementedError(
      `No tsrnn handler for '${m[1]}://' URLs (${url}). Use 'file://' in Node, or io.withSaveHandler / io.fromMemory (or a tfjs IOHandler object)`,
    );
  }
  return fileSystem(url);
}
