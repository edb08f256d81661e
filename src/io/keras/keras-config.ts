// Keras model configs (Keras 2 `model_config`, Keras 3 `config.json`) checked against what tsrnn
// implements, before io/model-json.ts turns them into layers.
//
// parseTopology (io/model-json.ts) already reads every Keras config form: Keras 2 lists and
// {name, layers}, Keras 3's {module, class_name, config, registered_name} nesting, DTypePolicy objects,
// InputLayer with batch_input_shape / batch_shape, functional models that form one chain, and the
// reset-before default of a GRU without reset_after. What it does not do, because model.json from tfjs
// never needs it, is refuse what tsrnn cannot compute: layer builders ignore keys they do not know.
// A Keras file can hold anything, so this module walks every layer config first and
//   - rejects a layer class tsrnn lacks, and an option whose value tsrnn would not honour, with an
//     error naming the layer and the option (NotImplementedError);
//   - rejects 'hard_sigmoid' in files saved by Keras 3: Keras 3 defines it as clip(x/6 + 1/2, 0, 1),
//     while tsrnn's hardSigmoid is Keras 2's (and tfjs's) clip(0.2x + 0.5, 0, 1); Keras 2 files map onto it;
//   - reports regularizers and constraints (which only change training; tsrnn has none) as warnings,
//     or errors with {strict: true}, and removes them;
//   - drops initializers tsrnn does not know: a loaded model's weights come from the file, so an
//     initializer never runs.
// Unknown keys whose value is null, false, 0 or empty (a newer Keras writing a switched-off option)
// pass; any other unknown key is an error.
import { NotImplementedError, ValueError } from '../../errors.js';
import { getInitializer, InitializerSpec } from '../../initializers.js';
import { resolveActivation } from '../../kernels/activations.js';
import { convertPythonicToTs } from '../case.js';
import { cleanKeras3 } from '../model-json.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** One layer of the file's config, in file order (InputLayers included), with its config unwrapped. */
export interface KerasLayerEntry {
  className: string;
  name: string;
  /** snake_case, Keras 3 wrappers removed (cleanKeras3). */
  config: Obj;
}

export interface PreparedConfig {
  /** The model config to hand to parseTopology: a checked copy, unsupported-but-harmless keys removed. */
  topology: Obj;
  /** Every layer entry, in the order the file lists them. */
  layers: KerasLayerEntry[];
  /** Options dropped that change training only (regularizers, constraints). */
  warnings: string[];
}

export interface PrepareOptions {
  /** Names the file in messages. */
  source: string;
  /** The file was saved by Keras 3 (hard_sigmoid means x/6 + 1/2 there). */
  keras3: boolean;
  /** Refuse regularizers and constraints instead of warning. */
  strict: boolean;
}

/** 3 for '3.9.2', 2 for '2.2.4-tf', null when absent or unreadable. */
export function kerasMajor(version: unknown): number | null {
  if (typeof version !== 'string') return null;
  const m = /^(\d+)\./.exec(version.trim());
  return m ? Number(m[1]) : null;
}

const TRAINING_ONLY = new Set([
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'embeddings_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'embeddings_constraint',
]);
const INITIALIZERS = new Set(['kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'embeddings_initializer']);

interface Ctx {
  opts: PrepareOptions;
  warnings: string[];
  /** The enclosing Bidirectional's return_sequences, for its inner layers. */
  bidirectionalSequences: boolean | null;
}

/**
 * Checks one option's value; returns what is wrong with it, or null. `c` is the layer's whole (cleaned)
 * config, `raw` the option's value as in the file (wrapped layers are checked, and edited, there).
 */
type Check = (value: unknown, c: Obj, ctx: Ctx, className: string, raw: unknown) => string | null;

const any: Check = () => null;
const mustBe = (want: unknown, why = ''): Check => (v) => (v === want || (want === false && v == null) ? null : `only ${JSON.stringify(want)} is supported${why}`);
const nullish: Check = (v) => (v == null || v === 0 || v === false ? null : 'tsrnn has no such option');

const activation: Check = (v, _c, ctx) => {
  if (v == null) return null;
  if (typeof v !== 'string') return `a custom or serialized activation object (${short(v)}) cannot be loaded; tsrnn knows named activations only`;
  if (ctx.opts.keras3 && v.toLowerCase().replace(/_/g, '') === 'hardsigmoid') {
    return `Keras 3's hard_sigmoid is clip(x/6 + 0.5, 0, 1), and tsrnn's hardSigmoid is Keras 2's clip(0.2x + 0.5, 0, 1): they differ, so the model would compute something else`;
  }
  try {
    resolveActivation(v);
    return null;
  } catch {
    return 'tsrnn has no such activation';
  }
};

const zeroOutputForMask: Check = (v, c, ctx) => {
  if (v == null || v === false) return null;
  // Bidirectional sets it to return_sequences on both copies, which is what tsrnn's Bidirectional does
  if (ctx.bidirectionalSequences !== null && v === ctx.bidirectionalSequences && v === Boolean(c.return_sequences)) return null;
  return 'tsrnn outputs the carried state at masked steps (zero_output_for_mask false) outside a Bidirectional';
};

const mergeMode: Check = (v) =>
  v === undefined || ['concat', 'sum', 'mul', 'ave'].includes(v as string)
    ? null
    : v === null
      ? 'merge_mode None returns the two directions as separate outputs, and a tsrnn model carries one tensor'
      : 'expected concat, sum, mul or ave';

const wrapped: Check = (v, _c, ctx, className, raw) => {
  if (v == null) return null;
  if (!isObj(v) || typeof v.class_name !== 'string' || !isObj(raw) || !isObj(raw.config)) {
    return `expected a nested layer {class_name, config}, got ${short(v)}`;
  }
  const seq = className === 'Bidirectional' ? Boolean(isObj(v.config) && v.config.return_sequences) : null;
  checkLayer(v.class_name, raw.config, { ...ctx, bidirectionalSequences: seq });
  return null;
};

const RNN: Record<string, Check> = {
  units: any, activation, use_bias: any, dropout: any, recurrent_dropout: any, return_sequences: any,
  return_state: mustBe(false, ': a tsrnn model carries one output tensor, not the states as extra outputs'),
  go_backwards: any, stateful: any, unroll: any, implementation: any, seed: any,
  time_major: mustBe(false, ' (inputs are batch-major [batch, time, features])'),
  zero_output_for_mask: zeroOutputForMask,
};

/** Per supported class: its own options (beyond name, trainable, dtype, input shapes) and how each is checked. */
const LAYERS: Record<string, Record<string, Check>> = {
  InputLayer: { batch_input_shape: any, batch_shape: any, input_shape: any, sparse: mustBe(false), ragged: mustBe(false), input_tensor: nullish, optional: mustBe(false) },
  Dense: { units: any, activation, use_bias: any, input_dim: any, lora_rank: nullish },
  SimpleRNN: RNN,
  LSTM: { ...RNN, recurrent_activation: activation, unit_forget_bias: any },
  GRU: { ...RNN, recurrent_activation: activation, reset_after: any },
  Embedding: { input_dim: any, output_dim: any, mask_zero: any, input_length: any, sparse: mustBe(false), lora_rank: nullish },
  Masking: { mask_value: any },
  Dropout: { rate: any, noise_shape: any, seed: any },
  Activation: { activation },
  RepeatVector: { n: any },
  Reshape: { target_shape: any },
  Flatten: { data_format: any },
  Bidirectional: { layer: wrapped, backward_layer: wrapped, merge_mode: mergeMode },
  TimeDistributed: { layer: wrapped },
};

/** Layer classes whose configs tsrnn can load from a Keras file. */
export const SUPPORTED_KERAS_LAYERS = Object.keys(LAYERS).filter((c) => c !== 'InputLayer').sort();

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

/** L1L2(l1=0.0001, l2=0) for {class_name: 'L1L2', config: {l1, l2}}. */
function describeObject(v: unknown): string {
  if (isObj(v) && typeof v.class_name === 'string') {
    const c = isObj(v.config) ? Object.entries(v.config).filter(([k]) => k !== 'name').map(([k, x]) => `${k}=${short(x)}`).join(', ') : '';
    return `${v.class_name}(${c})`;
  }
  return short(v);
}

function isOff(v: unknown): boolean {
  return v == null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
}

const FLOAT_INPUTS = /^(float(16|32|64)|bfloat16|u?int(8|16|32|64)|bool)$/;

/** Checks one layer config (raw, as in the file) in place; recurses into wrapped layers. */
function checkLayer(className: string, raw: Obj, ctx: Ctx): void {
  const c = cleanKeras3(raw) as Obj;
  const name = typeof c.name === 'string' ? c.name : '?';
  const label = `Keras layer '${className}' (${name})`;
  const spec = LAYERS[className];
  if (!spec) {
    if (['Sequential', 'Functional', 'Model'].includes(className)) {
      throw new NotImplementedError(`${ctx.opts.source}: ${label} is a nested model; tsrnn loads a single chain of layers (rebuild it without the nested model)`);
    }
    throw new NotImplementedError(`${ctx.opts.source}: ${label} is not supported by tsrnn (supported: ${SUPPORTED_KERAS_LAYERS.join(', ')})`);
  }
  const fail = (key: string, why: string): never => {
    throw new NotImplementedError(`${ctx.opts.source}: ${label}: option ${key}=${short(c[key])} is not supported by tsrnn: ${why}`);
  };
  for (const key of Object.keys(c)) {
    const v = c[key];
    if (key === 'name' || key === 'batch_input_shape' || key === 'batch_size') continue;
    if (key === 'trainable') {
      if (typeof v !== 'boolean') fail(key, 'expected true or false');
      continue;
    }
    if (key === 'dtype') {
      const ok = v == null || v === 'float32' || (className === 'InputLayer' && typeof v === 'string' && FLOAT_INPUTS.test(v));
      if (!ok) fail(key, 'tsrnn computes in float32 (mixed or other precisions would give other numbers)');
      continue;
    }
    if (TRAINING_ONLY.has(key)) {
      if (v != null) {
        const what = `${label}: ${key} ${describeObject(v)} is not supported by tsrnn (it has no regularizers or constraints)`;
        if (ctx.opts.strict) throw new NotImplementedError(`${ctx.opts.source}: ${what}`);
        ctx.warnings.push(`${what}; dropped: predictions are unaffected, but training the loaded model would not apply it`);
      }
      delete raw[key];
      continue;
    }
    if (INITIALIZERS.has(key)) {
      // weights come from the file, so an initializer tsrnn does not know never matters: drop it
      try {
        getInitializer(convertPythonicToTs(v) as unknown as InitializerSpec, 'zeros');
      } catch {
        delete raw[key];
      }
      continue;
    }
    const check = spec[key];
    if (check) {
      const why = check(v, c, ctx, className, raw[key]);
      if (why !== null) fail(key, why);
      continue;
    }
    if (!isOff(v)) fail(key, 'tsrnn has no such option');
  }
  if (className === 'Bidirectional') dropMirroredBackward(raw);
}

/** JSON with sorted keys, for comparing configs. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * Keras 3 writes a Bidirectional's backward_layer even when it is the automatic copy of `layer` (same
 * config, go_backwards flipped), and names the forward one 'forward_<name>'. Such a pair becomes the
 * plain form (no backward_layer, the original name), which tsrnn builds the same way and which tfjs and
 * Keras 2 can read back after saving. A backward layer that really differs is kept.
 */
function dropMirroredBackward(raw: Obj): void {
  const f = raw.layer, b = raw.backward_layer;
  if (!isObj(f) || !isObj(b) || f.class_name !== b.class_name || !isObj(f.config) || !isObj(b.config)) return;
  const fc = { ...(cleanKeras3(f.config) as Obj) }, bc = { ...(cleanKeras3(b.config) as Obj) };
  if (Boolean(fc.go_backwards) === Boolean(bc.go_backwards)) return;
  for (const c of [fc, bc]) {
    delete c.name;
    delete c.go_backwards;
  }
  if (canonical(fc) !== canonical(bc)) return;
  delete raw.backward_layer;
  if (typeof f.config.name === 'string' && f.config.name.startsWith('forward_')) f.config.name = f.config.name.slice('forward_'.length);
}

/** The layer entries of a model config (Sequential list or {layers}, Model/Functional {layers}). */
function layerList(top: Obj, source: string): unknown[] {
  const cls = top.class_name;
  const config = top.config;
  if (cls === 'Sequential' && Array.isArray(config)) return config;
  if ((cls === 'Sequential' || cls === 'Model' || cls === 'Functional') && isObj(config) && Array.isArray(config.layers)) return config.layers;
  if (typeof cls === 'string' && cls !== 'Sequential' && cls !== 'Model' && cls !== 'Functional') {
    throw new NotImplementedError(`${source}: the model is a '${cls}'; tsrnn loads Sequential models and functional models (Model/Functional) that form one chain`);
  }
  throw new ValueError(`${source}: the model config has no list of layers (class_name ${short(cls)}, config keys: ${isObj(config) ? Object.keys(config).join(', ') : typeof config})`);
}

/**
 * Checks a Keras model config (parsed JSON) against what tsrnn supports and returns a copy ready for
 * parseTopology, the layer entries in file order, and warnings for the options it dropped.
 */
export function prepareKerasConfig(modelConfig: unknown, opts: PrepareOptions): PreparedConfig {
  if (!isObj(modelConfig) || typeof modelConfig.class_name !== 'string' || !('config' in modelConfig)) {
    throw new ValueError(`${opts.source}: the model config is not a Keras model ({class_name, config}); got ${short(modelConfig)}`);
  }
  const topology = structuredClone(modelConfig) as Obj;
  const ctx: Ctx = { opts, warnings: [], bidirectionalSequences: null };
  const layers: KerasLayerEntry[] = [];
  for (const [i, entry] of layerList(topology, opts.source).entries()) {
    if (!isObj(entry) || typeof entry.class_name !== 'string') throw new ValueError(`${opts.source}: layer ${i} of the model config is not {class_name, config}: ${short(entry)}`);
    const raw = isObj(entry.config) ? entry.config : ((entry.config = {}) as Obj);
    checkLayer(entry.class_name, raw, ctx);
    const name = typeof raw.name === 'string' ? raw.name : typeof entry.name === 'string' ? entry.name : `${i}`;
    layers.push({ className: entry.class_name, name, config: cleanKeras3(raw) as Obj });
  }
  return { topology, layers, warnings: ctx.warnings };
}

/** What compile() needs, from a Keras 2 training_config or a Keras 3 compile_config. */
export interface KerasTrainingConfig {
  optimizer: { className: string; config: Obj };
  loss: string;
  metrics: string[];
  /** Optimizer settings tsrnn's optimizers lack, which compiling drops. */
  notes: string[];
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A loss or metric as a name tsrnn can resolve, or a reason it cannot be used. */
function nameOf(v: unknown, what: string): string | { problem: string } {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1) return nameOf(v[0], what);
  if (isObj(v) && typeof v.class_name === 'string' && !('module' in v && typeof v.module === 'string' && !v.module.startsWith('keras'))) {
    const c = isObj(v.config) ? v.config : {};
    if (c.from_logits === true) return { problem: `the ${what} ${v.class_name} takes logits (from_logits=True), which tsrnn's losses do not` };
    if (typeof c.label_smoothing === 'number' && c.label_smoothing !== 0) return { problem: `the ${what} ${v.class_name} uses label_smoothing=${c.label_smoothing}` };
    if (c.ignore_class != null) return { problem: `the ${what} ${v.class_name} uses ignore_class=${short(c.ignore_class)}` };
    return lowerFirst(v.class_name);
  }
  if (isObj(v) && Object.keys(v).length === 1) return nameOf(Object.values(v)[0], what);
  return { problem: `the ${what} ${short(v)} is not a single named ${what}` };
}

/**
 * Reads a Keras 2 training_config ({optimizer_config, loss, metrics}) or a Keras 3 compile_config
 * ({optimizer, loss, metrics}) into names tsrnn's compile takes; a string explains why it cannot.
 */
export function kerasTrainingConfig(tc: unknown): KerasTrainingConfig | string {
  if (!isObj(tc)) return 'the training config is not an object';
  const opt = tc.optimizer_config ?? tc.optimizer;
  let optimizer: KerasTrainingConfig['optimizer'];
  if (typeof opt === 'string') optimizer = { className: opt, config: {} };
  else if (isObj(opt) && typeof opt.class_name === 'string') optimizer = { className: opt.class_name, config: (cleanKeras3(isObj(opt.config) ? opt.config : {}) as Obj) };
  else return 'the training config names no optimizer';
  const loss = nameOf(tc.loss, 'loss');
  if (typeof loss !== 'string') return loss.problem;
  const metrics: string[] = [];
  const flat = (Array.isArray(tc.metrics) ? tc.metrics : tc.metrics == null ? [] : [tc.metrics]).flat(2);
  for (const m of flat) {
    const n = nameOf(m, 'metric');
    if (typeof n !== 'string') return n.problem;
    metrics.push(n);
  }
  // Keras 2's 'decay' is a learning-rate schedule (RMSprop's running-average factor is 'rho');
  // Keras 3's weight decay, EMA and gradient accumulation change the update too
  const notes: string[] = [];
  const oc = optimizer.config;
  for (const k of ['decay', 'weight_decay', 'use_ema', 'gradient_accumulation_steps', 'loss_scale_factor', 'schedule_decay']) {
    if (!isOff(oc[k]) && !(k === 'decay' && optimizer.className.toLowerCase() === 'rmsprop' && !('rho' in oc))) {
      notes.push(`the optimizer's ${k}=${short(oc[k])} is not supported by tsrnn's ${optimizer.className}; compiled without it`);
    }
  }
  if (isObj(oc.learning_rate)) return `the optimizer's learning rate is a schedule (${describeObject(oc.learning_rate)}), which tsrnn lacks`;
  return { optimizer, loss, metrics, notes };
}
