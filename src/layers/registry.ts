// The layer registry: class name (as written in model.json, 'SimpleRNN') → a function that builds the
// layer from its camelCase config. io/ deserializes model files through it; layers register themselves
// (src/layers/index.ts registers every built-in layer at import), so io/ never imports a layer class.
//
// Wrappers (Bidirectional, TimeDistributed) get their nested layer as `config.layer = {className, config}`
// (already camelCase) and build it with deserializeLayer in their own fromConfig.
import { ValueError } from '../errors.js';
import type { Layer } from './layer.js';

/** Builds a layer from its camelCase config (the keys its factory takes, plus name/trainable/dtype/batchInputShape). */
export type LayerFromConfig = (config: Record<string, unknown>) => Layer;

const registry = new Map<string, LayerFromConfig>();

/**
 * Registers (or replaces) the builder for a class name. The config a builder gets may carry keys the
 * layer does not know (a newer Keras or tfjs writes more): builders should ignore keys they do not use.
 */
export function registerLayer(className: string, fromConfig: LayerFromConfig): void {
  if (typeof className !== 'string' || className.length === 0) throw new ValueError('registerLayer: className must be a non-empty string');
  if (typeof fromConfig !== 'function') throw new ValueError(`registerLayer('${className}'): fromConfig must be a function`);
  registry.set(className, fromConfig);
}

/** The class names that deserializeLayer knows, sorted. */
export function registeredLayerClasses(): string[] {
  return [...registry.keys()].sort();
}

export function isLayerRegistered(className: string): boolean {
  return registry.has(className);
}

/** {className, config} (camelCase, as tfjs's serialization gives it) → a new, unbuilt layer. */
export function deserializeLayer(spec: { className: string; config?: Record<string, unknown> | null }): Layer {
  if (spec === null || typeof spec !== 'object' || typeof spec.className !== 'string') {
    throw new ValueError(`deserializeLayer expects {className, config}, got ${describe(spec)}`);
  }
  const f = registry.get(spec.className);
  if (!f) {
    const known = registeredLayerClasses();
    throw new ValueError(
      `Unknown layer class '${spec.className}'. Registered layer classes: ${known.length ? known.join(', ') : '(none: import tsrnn or src/layers/index.js first)'}`,
    );
  }
  const config = spec.config ?? {};
  try {
    return f({ ...config });
  } catch (e) {
    const name = typeof config.name === 'string' ? ` '${config.name}'` : '';
    if (e instanceof ValueError) throw new ValueError(`Cannot build layer${name} (${spec.className}) from its config: ${e.message}`);
    throw e;
  }
}

function describe(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 200 ? s.slice(0, 200) + '…' : s;
  } catch {
    return String(v);
  }
}
