// The io namespace (tsrnn.io.fromMemory(...), as tf.io) and the model save/load entry points.
export { fromMemory, withSaveHandler, fileSystem, handlerForUrl, artifactsInfo, MODEL_JSON_FILENAME, WEIGHTS_BINARY_FILENAME } from './handlers.js';
export type { FileSaveHooks, FileSystemOptions } from './handlers.js';
export { encodeWeights, decodeWeights, crc32 } from './weights.js';
export { convertPythonicToTs, convertTsToPythonic, toCamelCase, toSnakeCase } from './case.js';
export { parseTopology, modelToTopology } from './model-json.js';
export { saveModel, modelToArtifacts, namedModelWeights } from './save.js';
export type { SaveConfig } from './save.js';
export { loadLayersModel, artifactsToModel } from './load.js';
export type { LoadOptions } from './load.js';
export type {
  IOHandler, ModelArtifacts, ModelArtifactsInfo, ModelJSON, SaveResult, TrainingConfig, WeightsManifestConfig, WeightsManifestEntry,
} from './types.js';
