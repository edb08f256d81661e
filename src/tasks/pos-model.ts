// Part-of-speech tagging (the 17 Universal POS tags) with a bidirectional LSTM, Keras-style:
//
//   token features [B,T,K] ──TimeDistributed(Embedding)──▶ [B,T,K,D] ──TimeDistributed(Flatten)──▶ [B,T,K·D]
//   ──Masking(0)──▶ Bidirectional(LSTM(U, returnSequences)) [B,T,2U] ──TimeDistributed(Dense(17, softmax))──▶ [B,T,17]
//
// Each word is K ids, one per feature (the lower-cased word, its last 1-4 letters, its shape such as
// 'Xx' or 'd.d'; see pos-features.ts), all rows of ONE embedding table (feature k owns a block of rows), so a plain
// Sequential of standard Keras layers concatenates K embeddings per word: the saved model loads in
// Keras and TensorFlow.js as is. The affix and shape features are what a word unseen in training
// (7.5% of EWT's test words) is tagged from; the word id alone would give them one shared vector.
// Id 0 is padding in every slot, its embedding row is zero and stays zero (padded steps are masked,
// so it gets no gradient), and Masking(0) turns the all-zero rows of padded steps into the mask
// that the LSTM, the loss and the metrics honour.
import { ValueError } from '../errors.js';
import { layers } from '../layers/index.js';
import { Sequential, sequential } from '../model/sequential.js';
import { POS_DEFAULTS } from './pos-defaults.js';
import type { PosFeaturizer } from './pos-features.js';

export interface PosModelArgs {
  /** Embedding size of each feature (default 32): the LSTM reads K × this per word. */
  embeddingDim?: number;
  /** LSTM units per direction (default 64). */
  units?: number;
  /** Input dropout of the LSTM (one mask per sequence, as Keras; default 0.25). */
  dropout?: number;
  /** Stacked bidirectional layers (default 1); each feeds the next its whole output sequence. */
  rnnLayers?: number;
  /** Dropout on the BiLSTM's outputs, before the tag layer (default 0.3). */
  outputDropout?: number;
  /** Recurrent cell (default 'lstm'). */
  cell?: 'lstm' | 'gru';
}

/** The Sequential tagger for this featurizer (built, its padding row zeroed; not compiled). */
export function buildPosModel(featurizer: PosFeaturizer, numTags: number, args: PosModelArgs = {}): Sequential {
  const D = args.embeddingDim ?? POS_DEFAULTS.embeddingDim;
  const U = args.units ?? POS_DEFAULTS.units;
  const K = featurizer.featureCount;
  const outputDropout = args.outputDropout ?? POS_DEFAULTS.outputDropout;
  const depth = args.rnnLayers ?? POS_DEFAULTS.rnnLayers;
  if (!(Number.isInteger(depth) && depth >= 1)) throw new ValueError(`buildPosModel: rnnLayers must be an integer ≥ 1, got ${depth}`);
  const rnnArgs = { units: U, returnSequences: true, dropout: args.dropout ?? POS_DEFAULTS.dropout };
  const cell = () => ((args.cell ?? 'lstm') === 'gru' ? layers.gru(rnnArgs) : layers.lstm(rnnArgs));
  const recurrent = Array.from({ length: depth }, (_, i) => layers.bidirectional({ layer: cell(), name: i === 0 ? 'bilstm' : `bilstm_${i + 1}` }));
  const model = sequential({
    layers: [
      layers.timeDistributed({ layer: layers.embedding({ inputDim: featurizer.inputDim, outputDim: D }), inputShape: [null, K], name: 'features' }),
      layers.timeDistributed({ layer: layers.flatten(), name: 'concat_features' }),
      layers.masking({ maskValue: 0, name: 'padding_mask' }),
      ...recurrent,
      ...(outputDropout > 0 ? [layers.dropout({ rate: outputDropout, name: 'dropout' })] : []),
      layers.timeDistributed({ layer: layers.dense({ units: numTags, activation: 'softmax' }), name: 'tags' }),
    ],
  });
  const w = model.layers[0].weights[0];
  w.value.fill(0, 0, D); // padding row: zero, so Masking(0) sees padded steps
  return model;
}
