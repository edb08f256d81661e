// Artifacts (from a file, memory or any tfjs IOHandler) → a Sequential model with its weights.
//
// Weights are matched to the model's variables by name, the way tfjs does ('lstm/kernel'; also the
// TF ≥ 2.2 spelling 'lstm/lstm_cell/kernel' and a trailing ':0'); when the names do not all match but
// the counts do, by position (Keras order, which is the order every saver writes). Either way each
// weight's shape must equal the variable's.
import { ValueError } from '../errors.js';
import { deserializeLayer } from '../layers/registry.js';
import { Sequential } from '../model/sequential.js';
import { optimizerFromConfig } from '../optimizers/index.js';
import { Tensor } from '../tensor.js';
import { toCamelCase } from './case.js';
import { handlerForUrl } from './handlers.js';
import { parseTopology } from './model-json.js';
import type { IOHandler, ModelArtifacts } from './types.js';
import { layerWeightNames, normalizeWeightName, weightNameAliases } from './weight-names.js';
import { decodeWeights, DecodedWeight } from './weights.js';

export { saveModel } from './save.js';

export interface LoadOptions {
  /** Require every weight in the file to find a variable and every variable a weight (default true, as tfjs). */
  strict?: boolean;
  /** Compile the model from the file's training config when it has one (default true). */
  compile?: boolean;
}

/**
 * Loads a layers model: from 'file://path' or a plain path (Node; model.json or its directory), or from
 * any IO handler with load() (io.fromMemory, a tfjs handler). tfjs-saved, tensorflowjs_converter and
 * tsrnn-saved models load; Keras model JSON (to_json, a .keras config.json) loads as topology only
 * (a whole .h5 or .keras file, weights included: loadKerasModel in 'tsrnn/keras', src/io/keras/).
 */
export async function loadLayersModel(pathOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<Sequential> {
  const handler = typeof pathOrHandler === 'string' ? handlerForUrl(pathOrHandler) : pathOrHandler;
  if (!handler || typeof handler.load !== 'function') {
    throw new ValueError('loadLayersModel: expected a path/URL string or an IO handler with a load method (e.g. io.fromMemory(artifacts))');
  }
  const artifacts = await handler.load();
  const source = typeof pathOrHandler === 'string' ? pathOrHandler : 'the model artifacts';
  return artifactsToModel(artifacts, options, source);
}

/** Builds the model the artifacts describe and sets its weights. `source` names them in errors. */
export function artifactsToModel(artifacts: ModelArtifacts, options: LoadOptions = {}, source = 'the model artifacts'): Sequential {
  if (!artifacts || typeof artifacts !== 'object') throw new ValueError(`${source}: expected model artifacts, got ${typeof artifacts}`);
  if (artifacts.format === 'graph-model') {
    throw new ValueError(`${source} is a TensorFlow.js graph model (format 'graph-model'), not a layers model: tsrnn loads layers models only`);
  }
  if (artifacts.modelTopology == null) throw new ValueError(`${source} is not a layers model: it has no modelTopology`);
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new ValueError(`${source} has a binary (GraphDef) topology: it is a graph model, not a layers model`);
  }
  const parsed = parseTopology(artifacts.modelTopology, source);
  const layers = parsed.layers.map((spec) => deserializeLayer(spec));
  const model = new Sequential({ layers, ...(parsed.name ? { name: parsed.name } : {}) });
  if (!model.built && parsed.buildInputShape) model.build(parsed.buildInputShape);

  const hasWeights = artifacts.weightData != null || (artifacts.weightSpecs != null && artifacts.weightSpecs.length > 0);
  if (hasWeights) {
    if (artifacts.weightSpecs == null) throw new ValueError(`${source} has weight data but no weight specs (weightsManifest): cannot tell the weights apart`);
    const decoded = decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs, source === 'the model artifacts' ? 'the weight data' : `the weights of ${source}`);
    const modelWeights = decoded.filter((d) => d.spec.group !== 'optimizer');
    if (modelWeights.length > 0 && !model.built) {
      throw new ValueError(
        `${source}: the first layer (${layers[0].name}) declares no input shape, so the model cannot create its weights; ` +
          `the topology needs batch_input_shape on the first layer (or an InputLayer)`,
      );
    }
    if (model.built) assignWeights(model, modelWeights, options.strict ?? true, source);
  }

  const tc = (artifacts.trainingConfig as unknown as Record<string, unknown> | undefined) ?? parsed.trainingConfig;
  if (tc && (options.compile ?? true)) compileFromTrainingConfig(model, tc, source);
  return model;
}

interface Target {
  layerIndex: number;
  weightIndex: number;
  name: string;
  shape: number[];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Sets every variable of the model from the decoded weights (by name, else by position). */
export function assignWeights(model: Sequential, weights: DecodedWeight[], strict: boolean, source: string): void {
  const targets: Target[] = [];
  model.layers.forEach((layer, li) => {
    const names = layerWeightNames(layer.name, layer.className, layer.getConfig(), layer.weights.map((w) => w.name));
    layer.weights.forEach((w, wi) => targets.push({ layerIndex: li, weightIndex: wi, name: names[wi], shape: w.shape }));
  });

  // name → manifest index, exact names first, then the alternative spellings
  const exact = new Map<string, number>();
  const alias = new Map<string, number | -1>();
  weights.forEach((d, i) => {
    exact.set(normalizeWeightName(d.spec.name), i);
    for (const a of weightNameAliases(d.spec.name).slice(1)) alias.set(a, alias.has(a) ? -1 : i);
  });
  const byName: (number | undefined)[] = targets.map((t) => {
    const e = exact.get(t.name);
    if (e !== undefined) return e;
    const a = alias.get(t.name);
    return a === undefined || a === -1 ? undefined : a;
  });
  const allNamed = byName.every((i) => i !== undefined) && new Set(byName).size === byName.length;

  let chosen: number[];
  if (allNamed) {
    chosen = byName as number[];
    const used = new Set(chosen);
    const unused = weights.map((_, i) => i).filter((i) => !used.has(i));
    if (unused.length > 0 && strict) {
      throw new ValueError(
        `${source}: ${unused.length} weight(s) in the manifest have no variable in the model: ${unused.map((i) => `'${weights[i].spec.name}'`).join(', ')}`,
      );
    }
  } else if (weights.length === targets.length) {
    chosen = targets.map((_, i) => i); // Keras order
  } else {
    const missing = targets.filter((_, i) => byName[i] === undefined).map((t) => `'${t.name}' [${t.shape}]`);
    throw new ValueError(
      `${source}: the manifest has ${weights.length} model weights but the model has ${targets.length} variables` +
        (missing.length ? `; not found by name: ${missing.join(', ')}` : '') +
        `. Manifest weights: ${weights.map((d) => `'${d.spec.name}' [${d.spec.shape}]`).join(', ')}`,
    );
  }

  // check every shape before setting anything, so a failed load leaves no half-set model
  targets.forEach((t, k) => {
    const d = weights[chosen[k]];
    if (!sameShape(d.spec.shape, t.shape)) {
      const layer = model.layers[t.layerIndex];
      throw new ValueError(
        `${source}: weight '${d.spec.name}' has shape [${d.spec.shape}], but layer '${layer.name}' (${layer.className}) ` +
          `expects [${t.shape}] for its ${layer.weights[t.weightIndex].name}` + shapeHint(layer.className, layer.weights[t.weightIndex].name),
      );
    }
  });
  model.layers.forEach((layer, li) => {
    if (layer.weights.length === 0) return;
    const values = targets
      .map((t, k) => ({ t, k }))
      .filter(({ t }) => t.layerIndex === li)
      .map(({ t, k }) => new Tensor(weights[chosen[k]].values, t.shape.slice()));
    layer.setWeights(values);
  });
}

function shapeHint(className: string, weightName: string): string {
  if (/GRU/.test(className) && /bias/.test(weightName)) {
    return ` (a GRU bias is [3·units] with resetAfter false, [2, 3·units] with resetAfter true: check reset_after in the config)`;
  }
  return '';
}

/** Compiles the model from a training config (tfjs's trainingConfig, or Keras 3's compile_config). */
function compileFromTrainingConfig(model: Sequential, tc: Record<string, unknown>, source: string): void {
  const oc = tc.optimizer_config as { class_name?: unknown; config?: unknown } | undefined;
  if (!oc || typeof oc.class_name !== 'string') return;
  const loss = lossName(tc.loss);
  if (loss === null) {
    throw new ValueError(`${source}: the training config's loss ${JSON.stringify(tc.loss)} is not a single loss name; load with {compile: false}`);
  }
  const metricsRaw = Array.isArray(tc.metrics) ? tc.metrics : [];
  const metrics = metricsRaw.map(lossName).filter((m): m is string => m !== null);
  try {
    const optimizer = optimizerFromConfig(oc.class_name, (oc.config ?? {}) as Record<string, unknown>);
    model.compile({ optimizer, loss, metrics });
  } catch (e) {
    if (e instanceof ValueError) {
      throw new ValueError(`${source}: cannot compile from the saved training config (${e.message}); load with {compile: false} to skip it`);
    }
    throw e;
  }
}

// 'mean_squared_error' → 'meanSquaredError'; Keras 3 objects {class_name: 'MeanSquaredError'} → 'meanSquaredError'.
function lossName(x: unknown): string | null {
  if (typeof x === 'string') return toCamelCase(x);
  if (x && typeof x === 'object' && !Array.isArray(x)) {
    const c = (x as { class_name?: unknown; className?: unknown }).class_name ?? (x as { className?: unknown }).className;
    if (typeof c === 'string') return c.charAt(0).toLowerCase() + c.slice(1);
  }
  return null;
}
