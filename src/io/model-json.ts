// modelTopology ↔ a list of layer configs.
//
// Writing: the tfjs form, {class_name: 'Sequential', config: {name, layers: [{class_name, config}]},
// keras_version, backend}, with snake_case configs (tfjs's convertTsToPythonic).
//
// Reading: every form a Keras or tfjs tool writes for a model whose layers form one chain:
//   - tfjs / Keras 2 Sequential: config {name, layers} or (Keras ≤ 2.2.2) a bare list of layers;
//   - tensorflowjs_converter output: {model_config: {...}, training_config, keras_version, backend};
//   - Keras 3 (.keras config.json, model.to_json()): {module, class_name, config, registered_name,
//     build_config}, dtype policies as objects, 'batch_shape' for the input shape;
//   - a functional 'Model'/'Functional' whose layers form a single chain from one InputLayer to one
//     output (Keras 2 and Keras 3 node formats): it becomes the equivalent Sequential.
// An InputLayer contributes its batch shape to the next layer and is dropped: tsrnn has no InputLayer.
import { NotImplementedError, ValueError } from '../errors.js';
import type { Shape } from '../layers/layer.js';
import { convertPythonicToTs, convertTsToPythonic, JsonValue } from './case.js';

type Obj = Record<string, unknown>;

/** The Keras version and backend strings tfjs 4.22 writes; tsrnn writes the same format. */
export const TFJS_KERAS_VERSION = 'tfjs-layers 4.22.0';
export const TFJS_BACKEND = 'tensor_flow.js';

/** A layer as the registry takes it: class name and camelCase config. */
export interface LayerSpec {
  className: string;
  config: Record<string, unknown>;
}

export interface ParsedTopology {
  /** The model's name ('sequential_1'), or null when the file gives none. */
  name: string | null;
  /** The class the file declared: 'Sequential', 'Model' or 'Functional'. */
  modelClass: string;
  /** The layers in order, InputLayers removed, camelCase configs. */
  layers: LayerSpec[];
  /** The batch input shape to build with when the first layer's config has none (Keras 3 build_config). */
  buildInputShape: Shape | null;
  /** A training config embedded in the topology (converter output), snake_case; else null. */
  trainingConfig: Obj | null;
}

/** A model as this module needs it to write a topology (Sequential satisfies it). */
export interface TopologySource {
  name: string;
  layers: { builtInputShape: Shape | null; batchInputShape: Shape | null }[];
  getConfig(): { name: string; layers: { className: string; config: Record<string, unknown> }[] };
}

/** The tfjs modelTopology of a Sequential model. */
export function modelToTopology(model: TopologySource): { [k: string]: JsonValue } {
  const cfg = model.getConfig();
  const layers = cfg.layers.map((l) => ({ className: l.className, config: { ...l.config } }));
  if (layers.length === 0) throw new ValueError(`Cannot save model '${model.name}': it has no layers`);
  // tfjs (and Keras 2) can only rebuild a Sequential whose first layer declares its input shape;
  // a model built lazily (by predict/fit) gets the shape it was built with.
  const first = layers[0].config;
  if (first.batchInputShape == null) {
    const shape = model.layers[0].batchInputShape ?? model.layers[0].builtInputShape;
    if (shape) first.batchInputShape = shape.slice();
  }
  return {
    class_name: 'Sequential',
    config: convertTsToPythonic({ name: cfg.name, layers }),
    keras_version: TFJS_KERAS_VERSION,
    backend: TFJS_BACKEND,
  };
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function keysOf(v: unknown): string {
  return isObj(v) ? Object.keys(v).join(', ') || '(none)' : Array.isArray(v) ? 'an array' : typeof v;
}

/**
 * Reads a modelTopology (snake_case, any of the forms above). `source` names the file in errors.
 * Throws ValueError when it is not a layers model, NotImplementedError for a functional model
 * that is not a single chain.
 */
export function parseTopology(topology: unknown, source = 'modelTopology'): ParsedTopology {
  if (!isObj(topology)) throw new ValueError(`${source} is not a layers model: modelTopology is ${keysOf(topology)}, not an object`);
  let top: Obj = topology;
  let trainingConfig: Obj | null = null;
  if (isObj(top.model_config)) {
    if (isObj(top.training_config)) trainingConfig = top.training_config;
    top = top.model_config;
  }
  if (isObj(top.node) || Array.isArray(top.node)) {
    throw new ValueError(`${source} is a TensorFlow graph model (GraphDef nodes), not a layers model: tsrnn loads layers models only`);
  }
  const cls = top.class_name ?? top.className;
  if (typeof cls !== 'string' || !('config' in top)) {
    throw new ValueError(`${source} is not a layers model: modelTopology has no class_name/config (keys: ${keysOf(top)})`);
  }
  if (isObj(top.compile_config) && trainingConfig === null) trainingConfig = compileConfigToTraining(top.compile_config);
  const config = top.config;
  let name: string | null = null;
  let raw: unknown[];
  let buildInputShape: Shape | null = null;
  if (cls === 'Sequential') {
    if (Array.isArray(config)) {
      raw = config;
    } else if (isObj(config) && Array.isArray(config.layers)) {
      raw = config.layers;
      if (typeof config.name === 'string') name = config.name;
      buildInputShape = asShape(config.build_input_shape) ?? asShape(isObj(top.build_config) ? top.build_config.input_shape : null);
    } else {
      throw new ValueError(`${source}: the Sequential config has no 'layers' list (keys: ${keysOf(config)})`);
    }
  } else if (cls === 'Model' || cls === 'Functional') {
    if (!isObj(config) || !Array.isArray(config.layers)) {
      throw new ValueError(`${source}: the ${cls} config has no 'layers' list (keys: ${keysOf(config)})`);
    }
    if (typeof config.name === 'string') name = config.name;
    raw = functionalChain(config, source);
  } else {
    throw new ValueError(`${source} is not a layers model: its class is '${String(cls)}' (expected Sequential, Model or Functional)`);
  }

  const layers: LayerSpec[] = [];
  let pendingInput: Shape | null = null;
  raw.forEach((entry, i) => {
    if (!isObj(entry)) throw new ValueError(`${source}: layer ${i} is ${keysOf(entry)}, not {class_name, config}`);
    const lcls = entry.class_name ?? entry.className;
    if (typeof lcls !== 'string') throw new ValueError(`${source}: layer ${i} has no class_name (keys: ${keysOf(entry)})`);
    const lcfg = isObj(entry.config) ? entry.config : {};
    if (lcls === 'InputLayer') {
      if (layers.length > 0) throw new NotImplementedError(`${source}: an InputLayer after the first layer (layer ${i}) is not supported`);
      pendingInput = asShape(lcfg.batch_input_shape) ?? asShape(lcfg.batch_shape) ?? asShape(lcfg.batchInputShape);
      if (!pendingInput && Array.isArray(lcfg.input_shape)) pendingInput = [null, ...(asShape(lcfg.input_shape) ?? [])];
      return;
    }
    const cleaned = cleanKeras3(lcfg) as Obj;
    legacyDefaults(lcls, cleaned);
    if (layers.length > 0) {
      // Keras ignores an input shape given to a later layer of a Sequential model; so does tsrnn
      delete cleaned.batch_input_shape;
    } else {
      if (pendingInput && cleaned.batch_input_shape == null) cleaned.batch_input_shape = pendingInput;
      if (cleaned.batch_input_shape == null && buildInputShape === null && isObj(entry.build_config)) {
        buildInputShape = asShape(entry.build_config.input_shape);
      }
    }
    layers.push({ className: lcls, config: convertPythonicToTs(cleaned) as Record<string, unknown> });
  });
  if (layers.length === 0) throw new ValueError(`${source}: the model has no layers`);
  return { name, modelClass: cls, layers, buildInputShape, trainingConfig };
}

/**
 * Defaults that differ between Keras versions, made explicit. A GRU config without reset_after comes
 * from Keras < 2.1.5, whose GRU is the reset-before form (one bias of 3·units): reset_after false
 * (Keras 3 would assume true and fail on the bias shape). Nested wrapper layers get the same.
 */
function legacyDefaults(cls: string, cfg: Obj): void {
  if (cls === 'GRU' && !('reset_after' in cfg)) cfg.reset_after = false;
  const inner = cfg.layer;
  if (isObj(inner) && typeof inner.class_name === 'string' && isObj(inner.config)) legacyDefaults(inner.class_name, inner.config);
}

function asShape(v: unknown): Shape | null {
  if (!Array.isArray(v)) return null;
  if (!v.every((d) => d === null || typeof d === 'number')) return null;
  return v as Shape;
}

/**
 * Keras 3 wraps every object as {module, class_name, config, registered_name} and writes dtypes as
 * DTypePolicy objects and input shapes as 'batch_shape'. Reduce those to the Keras 2 / tfjs form
 * (snake_case kept) so layer builders see one shape of config.
 */
export function cleanKeras3(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => cleanKeras3(x));
  if (!isObj(v)) return v;
  if (key === 'dtype' && isObj(v.config) && typeof v.config.name === 'string') return v.config.name; // DTypePolicy
  const out: Obj = {};
  const wrapped = 'class_name' in v && 'config' in v;
  for (const [k, x] of Object.entries(v)) {
    if (wrapped && (k === 'module' || k === 'registered_name' || k === 'shared_object_id' || k === 'build_config' || k === 'compile_config')) continue;
    if (!wrapped && k === 'shared_object_id') continue;
    if (k === 'batch_shape') {
      if (!('batch_input_shape' in v)) out.batch_input_shape = cleanKeras3(x);
      continue;
    }
    out[k] = cleanKeras3(x, k);
  }
  return out;
}

/** Keras 3 compile_config → the tfjs training_config form (loss, metrics, optimizer_config). */
function compileConfigToTraining(c: Obj): Obj | null {
  if (!isObj(c.optimizer) && typeof c.optimizer !== 'string') return null;
  const opt = isObj(c.optimizer) ? (cleanKeras3(c.optimizer) as Obj) : { class_name: c.optimizer, config: {} };
  return { loss: c.loss ?? null, metrics: c.metrics ?? null, optimizer_config: opt };
}

// ---- functional models that are chains ----

interface ChainNode {
  entry: Obj;
  name: string;
  cls: string;
  inputs: string[]; // names of the layers feeding it
  nodeCount: number;
}

/** The layer entries of a functional config, ordered from its input to its output; or an error. */
function functionalChain(config: Obj, source: string): Obj[] {
  const entries = config.layers as unknown[];
  const nodes = new Map<string, ChainNode>();
  for (const [i, e] of entries.entries()) {
    if (!isObj(e)) throw new ValueError(`${source}: layer ${i} of the functional model is not an object`);
    const cfg = isObj(e.config) ? e.config : {};
    const name = typeof e.name === 'string' ? e.name : typeof cfg.name === 'string' ? cfg.name : null;
    if (name === null) throw new ValueError(`${source}: layer ${i} of the functional model has no name`);
    const inbound = Array.isArray(e.inbound_nodes) ? e.inbound_nodes : [];
    const inputs: string[] = [];
    for (const node of inbound) collectHistory(node, inputs);
    nodes.set(name, { entry: e, name, cls: String(e.class_name), inputs, nodeCount: inbound.length });
  }
  const ins = refNames(config.input_layers);
  const outs = refNames(config.output_layers);
  if (ins.length !== 1 || outs.length !== 1) {
    throw new NotImplementedError(
      `${source}: a functional model with ${ins.length} inputs and ${outs.length} outputs cannot become a Sequential model (tsrnn needs exactly one of each)`,
    );
  }
  for (const n of nodes.values()) {
    if (n.nodeCount > 1) throw new NotImplementedError(`${source}: layer '${n.name}' is called ${n.nodeCount} times (a shared layer); only single-chain models load`);
    if (n.inputs.length > 1) {
      throw new NotImplementedError(`${source}: layer '${n.name}' (${n.cls}) takes ${n.inputs.length} inputs (${n.inputs.join(', ')}); only single-chain models load`);
    }
  }
  const next = new Map<string, string[]>();
  for (const n of nodes.values()) {
    for (const src of n.inputs) {
      if (!nodes.has(src)) throw new ValueError(`${source}: layer '${n.name}' takes input from '${src}', which is not a layer of the model`);
      next.set(src, [...(next.get(src) ?? []), n.name]);
    }
  }
  const chain: Obj[] = [];
  let cur = ins[0];
  const seen = new Set<string>();
  for (;;) {
    const n = nodes.get(cur);
    if (!n) throw new ValueError(`${source}: the input layer '${cur}' is not among the model's layers`);
    if (seen.has(cur)) throw new ValueError(`${source}: the layer graph has a cycle at '${cur}'`);
    seen.add(cur);
    chain.push(n.entry);
    if (cur === outs[0]) break;
    const succ = next.get(cur) ?? [];
    if (succ.length !== 1) {
      throw new NotImplementedError(
        succ.length === 0
          ? `${source}: the chain from '${ins[0]}' stops at '${cur}' before reaching the output '${outs[0]}'`
          : `${source}: layer '${cur}' feeds ${succ.length} layers (${succ.join(', ')}); only single-chain models load`,
      );
    }
    cur = succ[0];
  }
  const unused = [...nodes.keys()].filter((k) => !seen.has(k));
  if (unused.length) throw new NotImplementedError(`${source}: layers ${unused.join(', ')} are not on the chain from input to output`);
  return chain;
}

// Keras 2 node: [[name, nodeIndex, tensorIndex, kwargs], ...]; Keras 3 node: {args: [...], kwargs: {...}}
// with tensors as {class_name: '__keras_tensor__', config: {keras_history: [name, nodeIndex, tensorIndex]}}.
function collectHistory(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    if (node.length >= 3 && typeof node[0] === 'string' && typeof node[1] === 'number' && typeof node[2] === 'number') {
      out.push(node[0]);
      if (isObj(node[3])) collectHistory(node[3], out);
      return;
    }
    for (const x of node) collectHistory(x, out);
    return;
  }
  if (!isObj(node)) return;
  if (isObj(node.config) && Array.isArray(node.config.keras_history) && typeof node.config.keras_history[0] === 'string') {
    out.push(node.config.keras_history[0]);
    return;
  }
  for (const v of Object.values(node)) collectHistory(v, out);
}

// input_layers / output_layers: [[name, 0, 0], ...] or (Keras 3, one tensor) [name, 0, 0].
function refNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [v[0]];
  return v.filter((x): x is unknown[] => Array.isArray(x) && typeof x[0] === 'string').map((x) => x[0] as string);
}
