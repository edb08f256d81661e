// tsrnn's public API. Names follow TensorFlow.js so a tfjs user can switch by changing an import;
// semantics and defaults follow Keras where the two differ (see README).
export { Tensor, tensor, tensor1d, tensor2d, tensor3d, zeros, ones } from './tensor.js';
export type { TensorLike, NestedArray, DType } from './tensor.js';
export { ValueError, NotImplementedError } from './errors.js';
export { setSeed, Random } from './random.js';
export * as initializers from './initializers.js';
export { layers } from './layers/index.js';
export * from './layers/index.js';
export { Sequential, sequential } from './model/sequential.js';
export type { ModelCompileArgs, ModelEvaluateArgs, ModelPredictArgs } from './model/sequential.js';
export type { ModelFitArgs } from './model/fit.js';
export { Callback, History, EarlyStopping, TerminateOnNaN, callbacks } from './model/callbacks.js';
export type { Logs, CallbackHooks } from './model/callbacks.js';
export { GradientFlow, gradientFlow, measureGradientFlow } from './model/gradient-flow.js';
export type { GradientFlowArgs, GradientFlowRecord, GradientFlowJSON } from './model/gradient-flow.js';
export { train, getOptimizer, Optimizer } from './optimizers/index.js';
export { getLoss } from './model/losses.js';
export type { Loss } from './model/losses.js';
export { resolveMetric } from './model/metrics.js';
export type { Metric } from './model/metrics.js';
export { loadLayersModel } from './io/load.js';
export * as io from './io/index.js';
// Text and sequence data: tokenizer, padding, CoNLL-U and labelled-text parsers (strings in; no file system).
export { Tokenizer, tokenizerFromJSON } from './data/tokenizer.js';
export { Vocabulary } from './data/vocabulary.js';
export { textToWordSequence } from './data/text-to-word-sequence.js';
export { padSequences } from './data/pad-sequences.js';
export type { PadSequencesArgs } from './data/pad-sequences.js';
export { parseConllu, UPOS_TAGS, uposId } from './data/conllu.js';
export type { ConlluSentence, ConlluToken } from './data/conllu.js';
export { parseLabelledText } from './data/tsv.js';
export { sequenceTask, multiplicationTask, MULTIPLICATION_BASELINE_MSE } from './data/seed-tasks.js';
// Backends: 'wasm' (WebAssembly SIMD, threads) or 'js'; see src/kernels/backend.ts.
export { setBackend, setBackendSync, getBackend, setNumThreads, getNumThreads, backendInfo } from './kernels/backend.js';
export type { BackendName } from './kernels/backend.js';
