// Loading Keras model files into tsrnn (the package's "tsrnn/keras" entry point; the core library does
// not import it, so it stays free of runtime dependencies):
//   - legacy full-model HDF5 (.h5, Keras 2.x and tf.keras; also Keras 3's legacy h5 format): the
//     `model_config` attribute and the `model_weights` group;
//   - Keras 3 `.keras` (a zip of config.json, model.weights.h5 and metadata.json).
// The kind is told by the file's first bytes, not its name. The model is built from the config through
// tsrnn's deserializer (io/model-json.ts), after keras-config.ts has refused anything tsrnn would not
// compute the way Keras does, and the weights are set layer by layer in Keras order (weights.ts).
import { NotImplementedError, ValueError } from '../../errors.js';
import { getLoss } from '../../model/losses.js';
import { resolveMetric } from '../../model/metrics.js';
import type { Sequential } from '../../model/sequential.js';
import { optimizerFromConfig } from '../../optimizers/index.js';
import '../../layers/index.js'; // registers the built-in layers with the deserializer
import { artifactsToModel } from '../load.js';
import { isZip, readKerasArchive } from './archive.js';
import { H5Group, isHdf5, openHdf5 } from './hdf5.js';
import { kerasMajor, kerasTrainingConfig, prepareKerasConfig } from './keras-config.js';
import { keras3Weights, KerasWeight, legacyWeights, setKerasWeights } from './weights.js';

export { SUPPORTED_KERAS_LAYERS } from './keras-config.js';
export type { H5Dataset, H5Group } from './hdf5.js';

export interface KerasLoadOptions {
  /**
   * Compile the model from the file's training config (optimizer, loss, metrics). 'auto' (default):
   * compile when tsrnn has the optimizer, loss and metrics, else leave the model uncompiled with a
   * warning; true: the same but an error instead of the warning; false: never.
   */
  compile?: boolean | 'auto';
  /**
   * Refuse options that only change training and that tsrnn lacks (regularizers, constraints) instead
   * of dropping them with a warning. Default false: predictions never depend on them.
   */
  strict?: boolean;
  /** Receives each warning (loadKerasModel / loadKerasModelFile only). Default: console.warn. */
  onWarning?: (message: string) => void;
  /** Names the file in messages (loadKerasModelFile passes the path). Default 'the Keras model file'. */
  source?: string;
}

export interface KerasModelInfo {
  model: Sequential;
  /** 'h5': legacy full-model HDF5; 'keras': Keras 3 zip. */
  format: 'h5' | 'keras';
  /** The Keras version that saved the file, when it says. */
  kerasVersion: string | null;
  /** Whether the model was compiled from the file's training config. */
  compiled: boolean;
  /** What was dropped or not done, in words (regularizers, constraints, compile). */
  warnings: string[];
}

type Obj = Record<string, unknown>;

function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) {
    const v = input as ArrayBufferView;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  throw new ValueError(`loadKerasModel expects the file's bytes (Uint8Array or ArrayBuffer), got ${input === null ? 'null' : typeof input}`);
}

function parseJsonAttr(v: unknown, what: string, source: string): unknown {
  if (typeof v !== 'string') throw new ValueError(`${source}: the ${what} attribute is not a JSON string`);
  try {
    return JSON.parse(v);
  } catch (e) {
    throw new ValueError(`${source}: the ${what} attribute is not valid JSON (${(e as Error).message})`);
  }
}

/** Whether a config uses Keras 3's {module, class_name, config, registered_name} nesting. */
function looksKeras3(config: unknown): boolean {
  return config !== null && typeof config === 'object' && ('module' in (config as Obj) || 'registered_name' in (config as Obj));
}

/** Builds the (unweighted) model; errors from the deserializer get the file's name in front. */
function buildModel(topology: Obj, source: string): Sequential {
  let model: Sequential;
  try {
    model = artifactsToModel({ modelTopology: topology, format: 'layers-model' }, { compile: false }, source);
  } catch (e) {
    if ((e instanceof ValueError || e instanceof NotImplementedError) && !e.message.startsWith(source)) {
      const E = e instanceof ValueError ? ValueError : NotImplementedError;
      throw new E(`${source}: ${e.message}`);
    }
    throw e;
  }
  if (!model.built) {
    throw new ValueError(`${source}: the model config gives no input shape (no InputLayer, batch_input_shape or build_config), so its weights cannot be created`);
  }
  return model;
}

function compileFrom(model: Sequential, tc: unknown, mode: boolean | 'auto', source: string, warnings: string[]): boolean {
  if (tc == null || mode === false) return false;
  const parsed = kerasTrainingConfig(tc);
  let problem = typeof parsed === 'string' ? parsed : null;
  if (typeof parsed !== 'string') {
    try {
      const optimizer = optimizerFromConfig(parsed.optimizer.className, parsed.optimizer.config);
      // metrics are resolved at fit time; check the names now, so a bad one is reported here
      const loss = getLoss(parsed.loss);
      for (const m of parsed.metrics) resolveMetric(m, loss, [1, 2], [1, 2]);
      model.compile({ optimizer, loss: parsed.loss, metrics: parsed.metrics });
      for (const n of parsed.notes) warnings.push(`${source}: ${n}`);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      problem = e.message;
    }
  }
  if (problem === null) return true;
  if (mode === true) throw new ValueError(`${source}: cannot compile from the saved training config (${problem}); load with {compile: false} and compile yourself`);
  warnings.push(`${source}: not compiled from the saved training config (${problem}); call model.compile() before fit()`);
  return false;
}

function fromHdf5(bytes: Uint8Array, opts: KerasLoadOptions, source: string): KerasModelInfo {
  const root = openHdf5(bytes, source);
  const rawConfig = root.attr('model_config');
  if (rawConfig === undefined) {
    const attrs = root.attrNames();
    const members = root.keys();
    if (attrs.includes('layer_names') || members.includes('layers') || members.includes('model_weights')) {
      throw new ValueError(
        `${source} holds Keras weights without a model config (saved with save_weights, or a model.weights.h5); ` +
          `tsrnn needs a full model file (model.save('model.h5') or model.save('model.keras'))`,
      );
    }
    throw new ValueError(
      `${source} is an HDF5 file but not a Keras model: it has no model_config attribute ` +
        `(root attributes: ${attrs.join(', ') || 'none'}; members: ${members.slice(0, 10).join(', ') || 'none'})`,
    );
  }
  const modelWeights = root.get('model_weights');
  const version = root.attr('keras_version') ?? (modelWeights?.kind === 'group' ? modelWeights.attr('keras_version') : undefined);
  const kerasVersion = typeof version === 'string' ? version : null;
  const major = kerasMajor(kerasVersion);
  if (major !== null && major < 2) {
    throw new NotImplementedError(`${source} was saved by Keras ${kerasVersion}; tsrnn loads files from Keras 2 and 3 (Keras 1 configs and weight layouts differ)`);
  }
  const config = parseJsonAttr(rawConfig, 'model_config', source);
  const keras3 = major !== null ? major >= 3 : looksKeras3(config);
  const prepared = prepareKerasConfig(config, { source, keras3, strict: opts.strict ?? false });
  const model = buildModel(prepared.topology, source);
  if (!modelWeights || modelWeights.kind !== 'group') {
    throw new ValueError(`${source} has a model_config but no model_weights group: it holds no weights (members: ${root.keys().join(', ') || 'none'})`);
  }
  setKerasWeights(model, legacyWeights(modelWeights, source), source);
  const warnings = prepared.warnings.map((w) => `${source}: ${w}`);
  const tcRaw = root.attr('training_config');
  const tc = tcRaw === undefined ? null : parseJsonAttr(tcRaw, 'training_config', source);
  const compiled = compileFrom(model, tc, opts.compile ?? 'auto', source, warnings);
  return { model, format: 'h5', kerasVersion, compiled, warnings };
}

function fromZip(bytes: Uint8Array, opts: KerasLoadOptions, source: string): KerasModelInfo {
  const archive = readKerasArchive(bytes, source);
  const wsource = `${source} (model.weights.h5)`;
  return keras3ModelFromParts(archive.config, archive.kerasVersion, openHdf5(archive.weights, wsource), opts, source);
}

/**
 * The model of a Keras 3 saving_lib layout: the parsed config.json, metadata.json's keras_version and
 * the opened model.weights.h5 (any H5Group: tests pass an in-memory tree). What loading a .keras does
 * once the zip is open.
 */
export function keras3ModelFromParts(config: unknown, kerasVersion: string | null, weightsRoot: H5Group, opts: KerasLoadOptions = {}, source = 'the Keras model file'): KerasModelInfo {
  const major = kerasMajor(kerasVersion);
  // .keras is Keras 3's format; tf.keras 2.13-2.15 could write it too (and says so in metadata.json)
  const keras3 = major === null || major >= 3;
  const prepared = prepareKerasConfig(config, { source, keras3, strict: opts.strict ?? false });
  const model = buildModel(prepared.topology, source);
  const wsource = `${source} (model.weights.h5)`;
  const byLayer: Map<string, KerasWeight[]> = keras3Weights(weightsRoot, model, prepared.layers, wsource);
  setKerasWeights(model, byLayer, wsource);
  const warnings = prepared.warnings.map((w) => `${source}: ${w}`);
  const tc = (config as Obj).compile_config ?? null;
  const compiled = compileFrom(model, tc, opts.compile ?? 'auto', source, warnings);
  return { model, format: 'keras', kerasVersion, compiled, warnings };
}

/**
 * Reads a Keras model file's bytes (.h5 or .keras, told apart by their signature) into a tsrnn model,
 * with what was dropped along the way. Layers or options tsrnn lacks are errors naming the layer and
 * the option (NotImplementedError); a damaged or non-Keras file is a ValueError.
 */
export async function readKerasModel(input: Uint8Array | ArrayBuffer, options: KerasLoadOptions = {}): Promise<KerasModelInfo> {
  const bytes = toBytes(input);
  const source = options.source ?? 'the Keras model file';
  if (isHdf5(bytes)) return fromHdf5(bytes, options, source);
  if (isZip(bytes)) return fromZip(bytes, options, source);
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  const hint = text.startsWith('{') ? ': it looks like JSON (a TensorFlow.js model.json loads with loadLayersModel)' : '';
  throw new ValueError(
    `${source} is not a Keras model file: ${bytes.length === 0 ? 'it is empty' : `it starts with ${head}`}, ` +
      `not the HDF5 signature (.h5) or a zip header (.keras)${hint}`,
  );
}

/** A Keras model (.h5 or .keras bytes) as a tsrnn Sequential; warnings go to options.onWarning (default console.warn). */
export async function loadKerasModel(input: Uint8Array | ArrayBuffer, options: KerasLoadOptions = {}): Promise<Sequential> {
  const info = await readKerasModel(input, options);
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  for (const w of info.warnings) warn(w);
  return info.model;
}

async function readFileBytes(path: string): Promise<Uint8Array> {
  let fs: typeof import('node:fs/promises');
  try {
    fs = await import('node:fs/promises');
  } catch {
    throw new NotImplementedError('loadKerasModelFile needs Node.js (node:fs); in a browser, fetch the file and pass its bytes to loadKerasModel');
  }
  try {
    const buf = await fs.readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ValueError(`Cannot load the Keras model: ${path} does not exist`);
    if (code === 'EISDIR') throw new ValueError(`Cannot load the Keras model: ${path} is a directory, not a .h5 or .keras file`);
    throw e;
  }
}

/** Node: readKerasModel on a file's contents; errors name the path. */
export async function readKerasModelFile(path: string, options: KerasLoadOptions = {}): Promise<KerasModelInfo> {
  return readKerasModel(await readFileBytes(path), { ...options, source: options.source ?? path });
}

/** Node: loads a Keras model file (.h5 or .keras) by path. */
export async function loadKerasModelFile(path: string, options: KerasLoadOptions = {}): Promise<Sequential> {
  return loadKerasModel(await readFileBytes(path), { ...options, source: options.source ?? path });
}
