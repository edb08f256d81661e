// Model → artifacts (topology, weight manifest, weight bytes) → an IO handler. Sequential.save calls
// saveModel. This file does not import the model (only its shape), so model/ can import it freely.
import { ValueError } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import { toSnakeCase } from './case.js';
import { handlerForUrl } from './handlers.js';
import { modelToTopology } from './model-json.js';
import type { IOHandler, ModelArtifacts, SaveResult, TrainingConfig } from './types.js';
import { layerWeightNames } from './weight-names.js';
import { encodeWeights, NamedWeight } from './weights.js';

export const TSRNN_VERSION = '0.1.0';

/** What saving needs of a model (Sequential has it all). */
export interface SavableModel {
  name: string;
  layers: Layer[];
  getConfig(): { name: string; layers: { className: string; config: Record<string, unknown> }[] };
  optimizer?: { className: string; getConfig(): Record<string, unknown> } | null;
  loss?: unknown;
  metrics?: unknown[];
}

export interface SaveConfig {
  /**
   * Also write the compile settings (optimizer class and hyper-parameters, loss, metrics) as tfjs's
   * trainingConfig, so loadLayersModel gives a compiled model. Default false, as in tfjs.
   * The optimizer's state (moments) is not written.
   */
  includeOptimizer?: boolean;
}

/** Every weight of the model with the name tfjs gives it ('simple_rnn/kernel'), in Keras order. */
export function namedModelWeights(model: { layers: Layer[] }): NamedWeight[] {
  const out: NamedWeight[] = [];
  const seen = new Map<string, string>();
  for (const layer of model.layers) {
    const names = layerWeightNames(layer.name, layer.className, layer.getConfig(), layer.weights.map((w) => w.name));
    layer.weights.forEach((w, i) => {
      const name = names[i];
      if (seen.has(name)) {
        throw new ValueError(`Two weights would both be saved as '${name}' (layers ${seen.get(name)} and ${layer.name}): give the layers distinct names`);
      }
      seen.set(name, layer.name);
      out.push({ name, shape: w.shape.slice(), values: w.value });
    });
  }
  return out;
}

/** The artifacts tfjs's LayersModel.save would produce for this model. */
export function modelToArtifacts(model: SavableModel, config: SaveConfig = {}): ModelArtifacts {
  const unbuilt = model.layers.filter((l) => !l.built);
  if (unbuilt.length > 0) {
    throw new ValueError(
      `Cannot save model '${model.name}': layer ${unbuilt[0].name} is not built yet (its weights do not exist). ` +
        `Give the first layer an inputShape, or call build/predict/fit before saving`,
    );
  }
  const { data, specs } = encodeWeights(namedModelWeights(model));
  const artifacts: ModelArtifacts = {
    modelTopology: modelToTopology(model as Parameters<typeof modelToTopology>[0]),
    format: 'layers-model',
    generatedBy: `tsrnn v${TSRNN_VERSION}`,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
  };
  if (config.includeOptimizer) {
    const tc = trainingConfigOf(model);
    if (tc) artifacts.trainingConfig = tc;
  }
  return artifacts;
}

/**
 * tfjs's training config: loss and metric names in snake_case, the optimizer as {class_name, config}
 * with a camelCase config. Class names and keys follow tfjs where they differ from Keras (tfjs's
 * 'RMSProp' with 'decay'; SGD with momentum is tfjs's 'Momentum'), so tfjs can compile from it;
 * tsrnn's optimizerFromConfig reads both spellings.
 */
export function trainingConfigOf(model: SavableModel): TrainingConfig | null {
  const opt = model.optimizer;
  if (!opt) return null;
  const loss = nameOf(model.loss);
  if (!loss) return null;
  const config: Record<string, unknown> = { ...opt.getConfig() };
  let className = opt.className;
  if (className === 'RMSprop') {
    className = 'RMSProp';
    if (config.decay === undefined && config.rho !== undefined) config.decay = config.rho;
  } else if (className === 'SGD' && typeof config.momentum === 'number' && config.momentum > 0) {
    className = 'Momentum';
    config.useNesterov = Boolean(config.nesterov);
  }
  const specs = (model as { compiledMetrics?: unknown[] }).compiledMetrics ?? model.metrics ?? [];
  const metrics = specs.map(nameOf).filter((m): m is string => m !== null);
  return { loss: toSnakeCase(loss), metrics: metrics.map(toSnakeCase), optimizer_config: { class_name: className, config } };
}

function nameOf(x: unknown): string | null {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object') {
    const o = x as { name?: unknown; className?: unknown };
    if (typeof o.name === 'string') return o.name;
    if (typeof o.className === 'string') return o.className;
  }
  return null;
}

/**
 * Saves `model` through an IO handler, or to a URL: 'file://dir' (or a plain path, in Node) writes
 * dir/model.json and dir/weights.bin. Returns the handler's SaveResult.
 */
export async function saveModel(model: SavableModel, handlerOrUrl: string | IOHandler, config: SaveConfig = {}): Promise<SaveResult> {
  const handler = typeof handlerOrUrl === 'string' ? handlerForUrl(handlerOrUrl) : handlerOrUrl;
  if (!handler || typeof handler.save !== 'function') {
    throw new ValueError('save: expected a URL string or an IO handler with a save method (e.g. io.withSaveHandler(fn))');
  }
  return handler.save(modelToArtifacts(model, config));
}
