// The full weight names tfjs gives a layer's variables (and writes in the weights manifest), derived
// from the layer's class, name and config the way tfjs's name scopes build them:
//   Dense 'dense'                        → dense/kernel, dense/bias
//   LSTM 'lstm'                          → lstm/kernel, lstm/recurrent_kernel, lstm/bias
//   Bidirectional 'bidirectional'(LSTM 'lstm') → bidirectional/forward_lstm/kernel, …, bidirectional/backward_lstm/bias
//   TimeDistributed 'time_distributed'(Dense) → time_distributed/kernel, time_distributed/bias
// tfjs's loader matches weights by these names (strictly), so a tsrnn file must use them.
// A layer whose LayerVariable names already hold a '/' (a path below the layer) keeps them as given.
import { ValueError } from '../errors.js';

type Obj = Record<string, unknown>;

function innerLayer(config: Obj): { className: string; config: Obj } | null {
  const l = config.layer as Obj | undefined;
  if (!l || typeof l !== 'object' || typeof l.className !== 'string') return null;
  return { className: l.className, config: (l.config as Obj) ?? {} };
}

/** Weight paths below the layer ('kernel', 'forward_lstm/kernel') for its short variable names, in order. */
function relativeNames(className: string, config: Obj, short: string[]): string[] {
  if (short.some((s) => s.includes('/'))) return short.slice();
  const inner = innerLayer(config);
  if (className === 'Bidirectional' && inner) {
    if (short.length % 2 !== 0) {
      throw new ValueError(`Bidirectional layer '${String(config.name)}' has ${short.length} weights; expected an even number (forward then backward)`);
    }
    const half = short.length / 2;
    const innerName = String(inner.config.name ?? snakeClass(inner.className));
    const fwd = relativeNames(inner.className, inner.config, short.slice(0, half)).map((s) => `forward_${innerName}/${s}`);
    const bwd = relativeNames(inner.className, inner.config, short.slice(half)).map((s) => `backward_${innerName}/${s}`);
    return [...fwd, ...bwd];
  }
  if (className === 'TimeDistributed' && inner) return relativeNames(inner.className, inner.config, short);
  return short.slice();
}

function snakeClass(c: string): string {
  return c.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Full manifest names for one layer's weights: `${layerName}/${path}`.
 * `config` is the layer's camelCase getConfig(); `short` its LayerVariable names in order.
 */
export function layerWeightNames(layerName: string, className: string, config: Obj, short: string[]): string[] {
  return relativeNames(className, config, short).map((s) => `${layerName}/${s}`);
}

/**
 * A manifest name in the form the matcher compares: without the ':0' TensorFlow appends
 * ('lstm_1/kernel:0' → 'lstm_1/kernel').
 */
export function normalizeWeightName(name: string): string {
  return name.replace(/:\d+$/, '');
}

/**
 * Alternative spellings of a manifest name that mean the same variable: TF ≥ 2.2 puts the RNN cell's
 * name in the path ('lstm/lstm_cell/kernel' for 'lstm/kernel'), as tfjs's loader also accepts.
 */
export function weightNameAliases(name: string): string[] {
  const n = normalizeWeightName(name);
  const tokens = n.split('/');
  const out = [n];
  if (tokens.length >= 3) out.push([...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/'));
  return out;
}
