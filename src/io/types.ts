// The TensorFlow.js model-artifact types (tfjs-core io/types.ts), written out so that tsrnn's handlers
// and tfjs's are interchangeable: a tfjs handler can save a tsrnn model and the other way round.

export type WeightDType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

/** One weight in a manifest: its name ('simple_rnn/kernel'), shape and stored dtype. */
export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: WeightDType;
  /** 'model' (default) or 'optimizer' (optimizer state, written after the model's weights). */
  group?: 'model' | 'optimizer' | string;
  /** tfjs-converter quantization: the bytes hold uint8/uint16 (affine) or float16 values. */
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number; original_dtype?: string };
}

/** The weightsManifest of model.json: groups of weights, each stored across the listed files (shards). */
export type WeightsManifestConfig = { paths: string[]; weights: WeightsManifestEntry[] }[];

/** Weight bytes: one buffer, or shards in manifest order (tfjs's WeightData). */
export type WeightData = ArrayBuffer | ArrayBuffer[];

/** tfjs's training config (snake_case keys; the optimizer config as the optimizer's getConfig gives it). */
export interface TrainingConfig {
  loss: string | string[] | Record<string, string>;
  metrics?: string[] | Record<string, string>;
  optimizer_config: { class_name: string; config: Record<string, unknown> };
  weighted_metrics?: unknown;
  loss_weights?: unknown;
  sample_weight_mode?: unknown;
}

export interface ModelArtifacts {
  /** The model's topology: {class_name, config, keras_version, backend} (snake_case), or {model_config, ...}. */
  modelTopology?: Record<string, unknown> | ArrayBuffer;
  trainingConfig?: TrainingConfig;
  weightSpecs?: WeightsManifestEntry[];
  weightData?: WeightData;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: Record<string, unknown>;
  userDefinedMetadata?: Record<string, unknown>;
}

/** model.json as written by tfjs's file and http handlers. */
export interface ModelJSON {
  modelTopology: Record<string, unknown>;
  weightsManifest?: WeightsManifestConfig;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: TrainingConfig;
  signature?: Record<string, unknown>;
  userDefinedMetadata?: Record<string, unknown>;
}

export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON' | 'GraphDef';
  modelTopologyBytes?: number;
  weightSpecsBytes?: number;
  weightDataBytes?: number;
}

export interface SaveResult {
  modelArtifactsInfo: ModelArtifactsInfo;
  responses?: unknown[];
  errors?: unknown[];
}

/** tfjs's IOHandler: where a model's artifacts go to (save) and come from (load). */
export interface IOHandler {
  save?: (modelArtifacts: ModelArtifacts) => Promise<SaveResult>;
  load?: () => Promise<ModelArtifacts>;
}
