// The layers namespace (tsrnn.layers.simpleRNN(...), as tf.layers) and the registration of every
// built-in layer class for deserialization (model.json → layers).
import { registerLayer } from './registry.js';
import { Activation, activation, ActivationArgs } from './activation.js';
import { Bidirectional, bidirectional, bidirectionalFromConfig } from './bidirectional.js';
import { Dense, dense, DenseArgs } from './dense.js';
import { Dropout, dropout, DropoutArgs } from './dropout.js';
import { Embedding, embedding, EmbeddingArgs } from './embedding.js';
import { Flatten, flatten, FlattenArgs } from './flatten.js';
import { GRU, gru, GRUArgs } from './gru.js';
import { LSTM, lstm, LSTMArgs } from './lstm.js';
import { Masking, masking, MaskingArgs } from './masking.js';
import { RepeatVector, repeatVector, RepeatVectorArgs } from './repeat-vector.js';
import { Reshape, reshape, ReshapeArgs } from './reshape.js';
import { SimpleRNN, simpleRNN, SimpleRNNArgs } from './simple-rnn.js';
import { TimeDistributed, timeDistributed, timeDistributedFromConfig } from './time-distributed.js';

registerLayer('Activation', (c) => new Activation(c as unknown as ActivationArgs));
registerLayer('Bidirectional', bidirectionalFromConfig);
registerLayer('Dense', (c) => new Dense(c as unknown as DenseArgs));
registerLayer('Dropout', (c) => new Dropout(c as unknown as DropoutArgs));
registerLayer('Embedding', (c) => new Embedding(c as unknown as EmbeddingArgs));
registerLayer('Flatten', (c) => new Flatten(c as unknown as FlattenArgs));
registerLayer('GRU', (c) => new GRU(c as unknown as GRUArgs));
registerLayer('LSTM', (c) => new LSTM(c as unknown as LSTMArgs));
registerLayer('Masking', (c) => new Masking(c as unknown as MaskingArgs));
registerLayer('RepeatVector', (c) => new RepeatVector(c as unknown as RepeatVectorArgs));
registerLayer('Reshape', (c) => new Reshape(c as unknown as ReshapeArgs));
registerLayer('SimpleRNN', (c) => new SimpleRNN(c as unknown as SimpleRNNArgs));
registerLayer('TimeDistributed', timeDistributedFromConfig);

export const layers = {
  activation,
  bidirectional,
  dense,
  dropout,
  embedding,
  flatten,
  gru,
  lstm,
  masking,
  repeatVector,
  reshape,
  simpleRNN,
  timeDistributed,
};

export { Activation, Bidirectional, Dense, Dropout, Embedding, Flatten, GRU, LSTM, Masking, RepeatVector, Reshape, SimpleRNN, TimeDistributed };
export { Layer, LayerVariable } from './layer.js';
export type { LayerArgs, Mask, Shape } from './layer.js';
export { RecurrentLayer } from './recurrent.js';
export type { RecurrentArgs } from './recurrent.js';
export { registerLayer, deserializeLayer } from './registry.js';
