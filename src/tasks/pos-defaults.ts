// The defaults of the POS tagger (src/tasks/pos-train.ts's trainPosTagger): the featurizer's
// count thresholds, the model's sizes and the training schedule, in one object so that the
// featurizer, the model builder, the trainer and the CLI (`tsrnn pos train --help`) agree.

/** The defaults of trainPosTagger (the CLI shows and uses the same). */
export const POS_DEFAULTS = {
  minCount: 2,
  affixMinCount: 3,
  embeddingDim: 32,
  units: 64,
  rnnLayers: 1,
  dropout: 0.25,
  outputDropout: 0.3,
  epochs: 12,
  batchSize: 32,
  learningRate: 0.002,
  patience: 2,
  lrPatience: null as number | null,
  lrFactor: 0.5,
  wordDropout: 0.25,
  seed: 42,
} as const;
