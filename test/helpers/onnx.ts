// ONNX as an independent reference for the recurrent layers: reading the decoded ONNX backend test
// fixtures (../shared/fixtures/onnx/*), turning ONNX RNN weights into Keras's layout, checking a layer's
// last outputs against a fixture's Y_h, and writing a one-node ONNX model (a few protobuf fields by hand)
// for onnxruntime-web to run.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Layer } from '../../src/layers/layer.js';
import { Tensor } from '../../src/tensor.js';

export const ONNX_FIXTURES = '../shared/fixtures/onnx';

export interface OnnxTensorJson {
  name: string;
  dims: number[];
  dtype: string;
  data: number[];
}

export interface OnnxCase {
  node: { op_type: string; effective_attributes: Record<string, unknown>; node_inputs: string[]; node_outputs: string[] };
  inputs: Record<string, OnnxTensorJson>;
  outputs: Record<string, OnnxTensorJson>;
}

/** One fixture folder: the decoded node and its test_data_set_0 inputs/outputs, keyed by name. */
export function loadOnnxCase(name: string): OnnxCase {
  const dir = join(ONNX_FIXTURES, name);
  const node = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8'));
  const inputs: Record<string, OnnxTensorJson> = {};
  const outputs: Record<string, OnnxTensorJson> = {};
  const data = join(dir, 'test_data_set_0');
  for (const f of readdirSync(data).filter((n) => n.endsWith('.json')).sort()) {
    const t = JSON.parse(readFileSync(join(data, f), 'utf8')) as OnnxTensorJson;
    (f.startsWith('input_') ? inputs : outputs)[t.name] = t;
  }
  return { node, inputs, outputs };
}

/**
 * ONNX W [1, gates·U, n] (or R) → Keras kernel (n, gates·U). kerasToOnnx[k] is the ONNX block index of
 * Keras gate block k: LSTM Keras i,f,c,o ← ONNX i,o,f,c gives [0, 2, 3, 1]; GRU z,r,h is the same order.
 */
export function onnxToKerasKernel(w: ArrayLike<number>, U: number, n: number, kerasToOnnx: number[]): Float32Array {
  const G = kerasToOnnx.length * U;
  const out = new Float32Array(n * G);
  kerasToOnnx.forEach((src, k) => {
    for (let u = 0; u < U; u++) for (let i = 0; i < n; i++) out[i * G + k * U + u] = w[(src * U + u) * n + i];
  });
  return out;
}

/** ONNX bias [1, 2·gates·U] = [Wb; Rb] → the gate blocks in Keras order, as rows [Wb; Rb] (2, gates·U). */
export function onnxToKerasBias(b: ArrayLike<number>, U: number, kerasToOnnx: number[]): Float32Array {
  const G = kerasToOnnx.length * U;
  const out = new Float32Array(2 * G);
  for (let row = 0; row < 2; row++) {
    kerasToOnnx.forEach((src, k) => {
      for (let u = 0; u < U; u++) out[row * G + k * U + u] = b[row * G + src * U + u];
    });
  }
  return out;
}

/** Keras kernel (n, gates·U) → ONNX W [1, gates·U, n] (the inverse of onnxToKerasKernel). */
export function kerasToOnnxKernel(k: ArrayLike<number>, U: number, n: number, kerasToOnnx: number[]): Float32Array {
  const G = kerasToOnnx.length * U;
  const out = new Float32Array(G * n);
  kerasToOnnx.forEach((dst, g) => {
    for (let u = 0; u < U; u++) for (let i = 0; i < n; i++) out[(dst * U + u) * n + i] = k[i * G + g * U + u];
  });
  return out;
}

/**
 * Runs each ONNX backend RNN fixture through `make(U, case)`: X (either layout) as a batch-major (B, T, I) batch,
 * W and R in Keras's layout (`kerasToOnnx` gate order), Keras's single bias Wb + Rb (zeros when the case has no B).
 * Asserts every sequence's last output matches Y_h to 1e-6; returns the worst abs error.
 */
export function checkOnnxLastOutputs(names: string[], kerasToOnnx: number[], make: (U: number, c: OnnxCase) => Layer): number {
  let worst = 0;
  for (const name of names) {
    const c = loadOnnxCase(name);
    const layout = c.node.effective_attributes.layout as number;
    const U = c.node.effective_attributes.hidden_size as number;
    const G = kerasToOnnx.length * U;
    const X = c.inputs.X;
    const [B, T, I] = layout === 1 ? X.dims : [X.dims[1], X.dims[0], X.dims[2]];
    const x = new Float32Array(B * T * I);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < I; i++) x[(b * T + t) * I + i] = X.data[layout === 1 ? (b * T + t) * I + i : (t * B + b) * I + i];
      }
    }
    const bias = new Float32Array(G);
    if (c.inputs.B) {
      const rows = onnxToKerasBias(c.inputs.B.data, U, kerasToOnnx);
      for (let j = 0; j < G; j++) bias[j] = rows[j] + rows[G + j];
    }
    const layer = make(U, c);
    layer.ensureBuilt([null, T, I]);
    layer.setWeights([
      new Tensor(onnxToKerasKernel(c.inputs.W.data, U, I, kerasToOnnx), [I, G]),
      new Tensor(onnxToKerasKernel(c.inputs.R.data, U, U, kerasToOnnx), [U, G]),
      new Tensor(bias, [G]),
    ]);
    const y = layer.apply(new Tensor(x, [B, T, I])) as Tensor;
    // Y_h is the last step's h for every sequence; Y_h is [1, B, U] (layout 0) or [B, 1, U] (layout 1), both B×U flat
    const yh = c.outputs.Y_h.data;
    for (let b = 0; b < B; b++) {
      for (let u = 0; u < U; u++) {
        const e = Math.abs(y.data[(b * T + T - 1) * U + u] - yh[b * U + u]);
        worst = Math.max(worst, e);
        assert.ok(e <= 1e-6, `${name}: h[${b},${u}] = ${y.data[(b * T + T - 1) * U + u]}, ONNX gives ${yh[b * U + u]}`);
      }
    }
  }
  return worst;
}

// ---- a one-node ONNX model, written as protobuf by hand ----

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const field = (num: number, wire: number) => varint(num * 8 + wire);
const bytes = (num: number, b: number[]) => [...field(num, 2), ...varint(b.length), ...b];
const str = (num: number, s: string) => bytes(num, [...Buffer.from(s, 'utf8')]);
const int = (num: number, v: number) => [...field(num, 0), ...varint(v)];

// ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1 (FLOAT=1), shape=2: {dim=1: {dim_value=1}}}}}
function floatInput(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, int(1, d)));
  return [...str(1, name), ...bytes(2, bytes(1, [...int(1, 1), ...bytes(2, shape)]))];
}

export interface OnnxNodeSpec {
  opType: string;
  inputs: { name: string; dims: number[] }[];
  outputs: { name: string; dims: number[] }[];
  intAttributes: Record<string, number>;
  opset?: number;
}

/** A ModelProto with one node, its inputs as graph inputs (weights are fed at run time). */
export function onnxModel(spec: OnnxNodeSpec): Uint8Array {
  // AttributeProto{name=1, i=3, type=20 (INT=2)}
  const attrs = Object.entries(spec.intAttributes).flatMap(([k, v]) => bytes(5, [...str(1, k), ...int(3, v), ...int(20, 2)]));
  const node = [...spec.inputs.flatMap((i) => str(1, i.name)), ...spec.outputs.flatMap((o) => str(2, o.name)), ...str(4, spec.opType), ...attrs];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'g'),
    ...spec.inputs.flatMap((i) => bytes(11, floatInput(i.name, i.dims))),
    ...spec.outputs.flatMap((o) => bytes(12, floatInput(o.name, o.dims))),
  ];
  // ModelProto{ir_version=1, graph=7, opset_import=8: {domain=1 '', version=2}}
  const model = [...int(1, 8), ...bytes(7, graph), ...bytes(8, int(2, spec.opset ?? 14))];
  return Uint8Array.from(model);
}
