// Reading a Keras file's weights in Keras order, layer by layer, and setting them on the model.
//
// Keras 2 full-model HDF5 (and legacy .h5 written by Keras 3):
//   /model_weights                 attr layer_names: the layers in model order
//   /model_weights/<layer>         attr weight_names: ['lstm_1/kernel:0', 'lstm_1/recurrent_kernel:0', ...]
//   /model_weights/<layer>/<weight_name>   the dataset (weight names are paths below the layer group)
// The weight_names attribute IS the order (Keras's load_weights reads it); HDF5 lists a group's members
// alphabetically, which would put a Bidirectional's backward_* before forward_*, and bias before kernel.
//
// Keras 3 `.keras` (model.weights.h5 inside the zip):
//   /layers/<key>/vars/0..n        a layer's own variables, in creation order (kernel, bias)
//   /layers/<key>/cell/vars/0..2   SimpleRNN/LSTM/GRU: the cell's kernel, recurrent_kernel, bias
//   /layers/<key>/forward_layer/…, /layers/<key>/backward_layer/…   Bidirectional
//   /layers/<key>/layer/…          TimeDistributed
// <key> is not the layer's name but its class in snake_case, numbered per class in model order
// (lstm, dense, dense_1; Keras's saving_lib). The vars group's 'name' attribute, when present, holds
// the layer's name; it is checked, and used to find the group when the class key does not match.
import { ValueError } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import { Tensor } from '../../tensor.js';
import type { H5Dataset, H5Group } from './hdf5.js';
import type { KerasLayerEntry } from './keras-config.js';

export interface KerasWeight {
  /** Where it was read: the Keras weight name, or the path in the weights file. */
  name: string;
  shape: number[];
  values: Float32Array;
}

function asGroup(x: H5Group | H5Dataset | null): H5Group | null {
  return x !== null && x.kind === 'group' ? x : null;
}

function strings(v: unknown): string[] | null {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  return null;
}

function readDataset(ds: H5Dataset, name: string): KerasWeight {
  return { name, shape: ds.shape.slice(), values: ds.read() };
}

/** Keras 2: layer name → its weights, in weight_names order, for every layer listed in model_weights. */
export function legacyWeights(modelWeights: H5Group, source: string): Map<string, KerasWeight[]> {
  const out = new Map<string, KerasWeight[]>();
  const listed = strings(modelWeights.attr('layer_names'));
  const names = listed ?? modelWeights.keys();
  for (const layerName of names) {
    const g = asGroup(modelWeights.get(layerName));
    if (!g) {
      if (listed) throw new ValueError(`${source}: model_weights lists layer '${layerName}', but has no group for it`);
      continue;
    }
    const wn = g.attr('weight_names');
    const weightNames = wn === undefined ? [] : strings(wn);
    if (weightNames === null) throw new ValueError(`${source}: the weight_names attribute of model_weights/${layerName} is not a list of names`);
    out.set(
      layerName,
      weightNames.map((wname) => {
        const ds = g.get(wname);
        if (!ds || ds.kind !== 'dataset') {
          throw new ValueError(`${source}: weight '${wname}' of layer '${layerName}' is listed in weight_names but missing from model_weights/${layerName}`);
        }
        return readDataset(ds, wname);
      }),
    );
  }
  return out;
}

/** Keras's naming.to_snake_case, which names the weight groups of a .keras file: 'SimpleRNN' → 'simple_rnn'. */
export function kerasSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** vars/0, vars/1, … of a group, numerically ordered (HDF5 would list 10 before 2). */
function numberedVars(group: H5Group | null, path: string, source: string): KerasWeight[] {
  const vars = group ? asGroup(group.get('vars')) : null;
  if (!vars) return [];
  const keys = vars.keys();
  const bad = keys.filter((k) => !/^\d+$/.test(k));
  if (bad.length) throw new ValueError(`${source}: ${path}/vars holds ${bad.map((k) => `'${k}'`).join(', ')}; expected variables numbered 0, 1, …`);
  const sorted = keys.map(Number).sort((a, b) => a - b);
  sorted.forEach((k, i) => {
    if (k !== i) throw new ValueError(`${source}: ${path}/vars has variables ${sorted.join(', ')}; expected 0 to ${sorted.length - 1}`);
  });
  return sorted.map((k) => {
    const ds = vars.get(String(k));
    if (!ds || ds.kind !== 'dataset') throw new ValueError(`${source}: ${path}/vars/${k} is not a dataset`);
    return readDataset(ds, `${path}/vars/${k}`);
  });
}

/** Whether a group holds any dataset below it. */
function holdsData(g: H5Group): boolean {
  return g.keys().some((k) => {
    const c = g.get(k);
    return c !== null && (c.kind === 'dataset' || holdsData(c));
  });
}

const RNN_CLASSES = new Set(['SimpleRNN', 'LSTM', 'GRU']);

/** The sublayers of a tsrnn layer, by the attribute name Keras 3 stores them under. */
function children(layer: Layer): [string, Layer][] {
  if (layer.className === 'Bidirectional') {
    const b = layer as unknown as { forwardLayer: Layer; backwardLayer: Layer };
    return [['forward_layer', b.forwardLayer], ['backward_layer', b.backwardLayer]];
  }
  if (layer.className === 'TimeDistributed') return [['layer', (layer as unknown as { layer: Layer }).layer]];
  return [];
}

/** A Keras 3 layer group's variables in Keras order (own, then the cell's or the sublayers'). */
function collectKeras3(group: H5Group | null, layer: Layer, path: string, source: string): KerasWeight[] {
  const out = numberedVars(group, path, source);
  const known = new Set(['vars']);
  if (RNN_CLASSES.has(layer.className)) {
    known.add('cell');
    out.push(...numberedVars(group ? asGroup(group.get('cell')) : null, `${path}/cell`, source));
  }
  for (const [attr, sub] of children(layer)) {
    known.add(attr);
    const g = group ? asGroup(group.get(attr)) : null;
    if (!g && sub.weights.length > 0) throw new ValueError(`${source}: no weights for ${sub.className} '${sub.name}': ${path}/${attr} is missing`);
    out.push(...collectKeras3(g, sub, `${path}/${attr}`, source));
  }
  if (group) {
    for (const k of group.keys()) {
      const g = asGroup(group.get(k));
      if (!known.has(k) && g && holdsData(g)) {
        throw new ValueError(`${source}: ${path}/${k} holds weights that tsrnn's ${layer.className} layer '${layer.name}' has no place for`);
      }
    }
  }
  return out;
}

/**
 * Keras 3 (.keras): layer name → its weights in Keras order. `entries` are the config's layers in file
 * order (InputLayers included), which fixes each layer's group key.
 */
export function keras3Weights(root: H5Group, model: { layers: Layer[] }, entries: KerasLayerEntry[], source: string): Map<string, KerasWeight[]> {
  const layersGroup = asGroup(root.get('layers'));
  if (!layersGroup) {
    throw new ValueError(`${source}: model.weights.h5 has no 'layers' group (members: ${root.keys().join(', ') || 'none'}); it is not a Keras 3 weights file`);
  }
  // class key of each layer name, as Keras's saving_lib numbers them
  const used = new Map<string, number>();
  const keyOf = new Map<string, string>();
  for (const e of entries) {
    const base = kerasSnakeCase(e.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    keyOf.set(e.name, n === undefined ? base : `${base}_${n + 1}`);
  }
  const varsName = (key: string): string | null => {
    const g = asGroup(layersGroup.get(key));
    const v = g ? asGroup(g.get('vars')) : null;
    const a = v ? v.attr('name') : undefined;
    return typeof a === 'string' ? a : null;
  };
  const out = new Map<string, KerasWeight[]>();
  for (const layer of model.layers) {
    let key = keyOf.get(layer.name) ?? null;
    const recorded = key === null ? null : varsName(key);
    if (key === null || asGroup(layersGroup.get(key)) === null || (recorded !== null && recorded !== layer.name)) {
      // fall back on the name recorded in each group's vars (or the layer's own name as the key)
      const byName = layersGroup.keys().filter((k) => varsName(k) === layer.name);
      key = byName.length === 1 ? byName[0] : asGroup(layersGroup.get(layer.name)) ? layer.name : null;
    }
    if (key === null) {
      if (layer.weights.length === 0) continue;
      throw new ValueError(
        `${source}: no weights for layer '${layer.name}' (${layer.className}) in model.weights.h5: expected layers/${keyOf.get(layer.name) ?? kerasSnakeCase(layer.className)} ` +
          `(groups present: ${layersGroup.keys().join(', ') || 'none'})`,
      );
    }
    out.set(layer.name, collectKeras3(asGroup(layersGroup.get(key)), layer, `layers/${key}`, source));
  }
  return out;
}

/**
 * Sets every layer's weights from `byLayer` (layer name → weights in Keras order). Counts and shapes
 * are checked for every layer before any is set; weights for a layer the model lacks are an error.
 */
export function setKerasWeights(model: { layers: Layer[] }, byLayer: Map<string, KerasWeight[]>, source: string): void {
  const names = new Set(model.layers.map((l) => l.name));
  for (const [name, ws] of byLayer) {
    if (ws.length > 0 && !names.has(name)) {
      throw new ValueError(`${source}: the file has weights for layer '${name}' (${ws.map((w) => w.name).join(', ')}), which is not in the model config`);
    }
  }
  const plan: [Layer, KerasWeight[]][] = [];
  for (const layer of model.layers) {
    const ws = byLayer.get(layer.name) ?? [];
    const want = layer.weights;
    const list = (xs: { name: string; shape: number[] }[]) => xs.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ') || 'none';
    if (ws.length !== want.length) {
      throw new ValueError(
        `${source}: layer '${layer.name}' (${layer.className}) has ${want.length} weights in tsrnn (${list(want)}), ` +
          `but the file has ${ws.length} for it (${list(ws)})`,
      );
    }
    ws.forEach((w, i) => {
      const s = want[i].shape;
      if (w.shape.length !== s.length || w.shape.some((d, j) => d !== s[j])) {
        const gru = layer.className.includes('GRU') || layer.className === 'Bidirectional' ? ' (a GRU bias is [3·units] with reset_after false, [2, 3·units] with reset_after true)' : '';
        throw new ValueError(
          `${source}: weight '${w.name}' has shape [${w.shape.join(', ')}], but layer '${layer.name}' (${layer.className}) expects [${s.join(', ')}] for its ${want[i].name}${gru}`,
        );
      }
    });
    plan.push([layer, ws]);
  }
  for (const [layer, ws] of plan) if (ws.length > 0) layer.setWeights(ws.map((w) => new Tensor(w.values, w.shape.slice())));
}
