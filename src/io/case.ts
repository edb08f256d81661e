// camelCase (tfjs, tsrnn) ↔ snake_case (Keras, model.json) for configs, with tfjs's exact rules
// (tfjs-layers utils/serialization_utils.ts and generic_utils.ts), so a config round-trips the same way
// through tsrnn and through tfjs. Both keys AND string values are converted ('hardSigmoid' ↔
// 'hard_sigmoid', 'fanAvg' ↔ 'fan_avg'), except the string values of 'name' (and 'className' going
// out), which are names, not identifiers.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** tfjs's toSnakeCase: 'recurrentKernel' → 'recurrent_kernel', 'GRU' → 'gru'. */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const insecure = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  // tfjs prefixes names that would start with '_' (private classes)
  return insecure[0] !== '_' ? insecure : 'private' + insecure;
}

/** tfjs's toCamelCase: 'recurrent_kernel' → 'recurrentKernel'; strings without '_' are kept. */
export function toCamelCase(identifier: string): string {
  if (identifier.length <= 1 || identifier.indexOf('_') === -1) return identifier;
  return identifier.replace(/[_]+(\w|$)/g, (_m, p1: string) => p1.toUpperCase());
}

// Layer names in a functional model's node lists stay as they are (index 0 of each entry).
function isNodeName(key: string | undefined, index: number, value: unknown): boolean {
  return (key === 'inboundNodes' || key === 'outputLayers' || key === 'inputLayers' ||
    key === 'inbound_nodes' || key === 'output_layers' || key === 'input_layers') && index === 0 && typeof value === 'string';
}

/** A camelCase config → the snake_case form model.json holds (tfjs's convertTsToPythonic). */
export function convertTsToPythonic(value: unknown, key?: string): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toSnakeCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item, i) => (isNodeName(key, i, item) ? (item as string) : convertTsToPythonic(item, key)));
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  const out: { [k: string]: JsonValue } = {};
  for (const k of Object.keys(value as object)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    const pyKey = toSnakeCase(k);
    out[pyKey] = (k === 'name' || k === 'className') && typeof v === 'string' ? v : convertTsToPythonic(v, k);
  }
  return out;
}

/** A snake_case config from model.json → camelCase (tfjs's convertPythonicToTs). */
export function convertPythonicToTs(value: unknown, key?: string): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toCamelCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item, i) => (isNodeName(key, i, item) ? (item as string) : convertPythonicToTs(item, key)));
  const out: { [k: string]: JsonValue } = {};
  for (const k of Object.keys(value as object)) {
    const v = (value as Record<string, unknown>)[k];
    if (k === 'name' && typeof v === 'string') {
      out[k] = v;
    } else {
      const tsKey = toCamelCase(k);
      out[tsKey] = convertPythonicToTs(v, tsKey);
    }
  }
  return out;
}
