// The workloads: seeded data, one model definition shared by every engine, and each workload's
// floating-point operation count.
//
// A model definition is a function of a layers namespace (`tsrnn.layers` or `tf.layers`): the two
// libraries take the same factory names and camelCase options, so the very same code builds both
// models. Every engine starts from the same initial weights (tsrnn's, seeded, copied into tfjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { multiplicationTask, parseConllu, Random, sequenceTask, uposId, UPOS_TAGS } from '../src/index.js';
import type { BenchOptions, WorkloadId } from './options.js';

/** Structural type of `tsrnn.layers` and `tf.layers`: factories taking tfjs-style options. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LayersNs = Record<string, (args: any) => any>;
export type ModelDef = (L: LayersNs) => unknown[];

export interface Arrays {
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: number[];
}

export interface TrainData extends Arrays {
  /** Validation set, evaluated at the end of every epoch. */
  val?: Arrays;
  /** Informational: what the data is. */
  describe: string;
  /** Real (unpadded) sample-steps of the training set, when padded. */
  realSteps?: number;
}

export type Kind = 'matmul' | 'fit' | 'epochs' | 'infer' | 'memory';

export interface Workload {
  id: WorkloadId;
  title: string;
  kind: Kind;
  /** Engines this workload runs on (default: all). */
  tsrnnOnly?: boolean;
  model?: ModelDef;
  loss?: string;
  batchSize?: number;
  /** For 'fit' workloads: epochs inside the one timed fit call. */
  fitEpochs?: number;
  /** The data, or a reason to skip. */
  data?: () => TrainData | { skip: string };
  /** GEMM FLOPs of one timed unit (an epoch, a whole fit, a predict call, a batch), and how it was counted. */
  flops?: (d: TrainData) => number;
  /** Training samples of one timed unit (for samples/s). */
  samples?: (d: TrainData) => number;
  /** Stated under the table. */
  notes?: string[];
}

// ---------------------------------------------------------------------------------------------
// FLOP counts. Only the matrix products are counted (elementwise gate math, activations, the
// optimizer and the loss are left out: they are O(units), not O(units²)). Per sample and step:
//
//   recurrent layer, G gate blocks (SimpleRNN 1, GRU 3, LSTM 4), input I, units U:
//     forward  F = 2·G·U·(I + U)             (x_t·W: I×GU, h_{t-1}·R: U×GU)
//   Dense, input I, units U:  forward F = 2·I·U
//   Embedding: 0 (a gather)
//   Bidirectional: 2 × the wrapped layer
//
//   training = 3·F per sample-step: the forward product, then in the backward pass dX = dZ·Wᵀ and
//   dW = Xᵀ·dZ, each as many FLOPs as the forward one (the convention of every FLOP count of
//   backprop; the first layer's dX is counted even though neither engine needs it for ids).
//   inference / validation = F.
//
//   epoch FLOPs = N_train·(T·Σ_rnn 3F + Σ_head 3F) + N_val·(T·Σ_rnn F + Σ_head F)
//   matmul M×K×N: 2·M·K·N.
// ---------------------------------------------------------------------------------------------
export const rnnFwd = (gates: number, I: number, U: number): number => 2 * gates * U * (I + U);
export const denseFwd = (I: number, U: number): number => 2 * I * U;

/** Forward FLOPs of one sample of the two-layer multiplication model (T steps, 2 inputs, 30 units, Dense(1)). */
function multForward(gates: number, T: number): number {
  return T * (rnnFwd(gates, 2, 30) + rnnFwd(gates, 30, 30)) + denseFwd(30, 1);
}

function trainEpochFlops(fwdPerSample: number, nTrain: number, nVal: number): number {
  return 3 * fwdPerSample * nTrain + fwdPerSample * nVal;
}

// ---------------------------------------------------------------------------------------------
// Data

/** Sizes of each workload, full or --quick. */
export function sizes(o: BenchOptions) {
  const q = o.quick;
  return {
    matmulN: q ? 128 : 512,
    seedEpochs: q ? 10 : 100,
    multTrain: q ? 128 : 2048,
    multVal: q ? 32 : 512,
    multT: 100,
    textN: q ? 128 : 2048,
    textT: 100,
    textVocab: 10000,
    posSentences: q ? Math.min(o.posSentences || 64, 64) : o.posSentences,
    posMaxLen: o.posMaxLen,
    inferN: q ? 64 : 512,
    /** Warm-up batches before timed epochs (excluded from the timing). */
    warmBatches: q ? 1 : 2,
    /** memory: training batches on tsrnn (and on a peer: memory.ts), memory sampled every memoryEvery. */
    memoryBatches: q ? 1000 : 10000,
    memoryEvery: q ? 100 : 500,
    memoryT: 20,
  };
}

/** The first n rows of a data set. */
export function rowsOf(a: Arrays, n: number): Arrays {
  const rx = a.x.length / a.xShape[0], ry = a.y.length / a.yShape[0];
  return {
    x: a.x.subarray(0, n * rx), xShape: [n, ...a.xShape.slice(1)],
    y: a.y.subarray(0, n * ry), yShape: [n, ...a.yShape.slice(1)],
  };
}

function split(x: Float32Array, xShape: number[], y: Float32Array, yShape: number[], nTrain: number): TrainData {
  const rowX = xShape.slice(1).reduce((a, b) => a * b, 1);
  const rowY = yShape.slice(1).reduce((a, b) => a * b, 1);
  const n = xShape[0];
  return {
    x: x.subarray(0, nTrain * rowX), xShape: [nTrain, ...xShape.slice(1)],
    y: y.subarray(0, nTrain * rowY), yShape: [nTrain, ...yShape.slice(1)],
    val: {
      x: x.subarray(nTrain * rowX), xShape: [n - nTrain, ...xShape.slice(1)],
      y: y.subarray(nTrain * rowY), yShape: [n - nTrain, ...yShape.slice(1)],
    },
    describe: '',
  };
}

function multData(o: BenchOptions): TrainData {
  const s = sizes(o);
  const { x, y } = multiplicationTask({ n: s.multTrain + s.multVal, timesteps: s.multT, seed: o.seed });
  const d = split(x.data, x.shape, y.data, y.shape, s.multTrain);
  d.describe = `multiplicationTask seed ${o.seed}: ${s.multTrain} train + ${s.multVal} val sequences of ${s.multT}×2`;
  return d;
}

/**
 * N sequences of T token ids in [1, vocab) drawn log-uniformly (id ≈ vocab^u, a Zipf-like spread, so a
 * batch touches few frequent rows and many rare ones as real text does); label 1 when more than half of
 * a sequence's ids are below √vocab (a rule the model could learn, though the bench does not care).
 */
export function textData(o: BenchOptions): TrainData {
  const s = sizes(o);
  const r = new Random(o.seed + 1000);
  const N = s.textN, T = s.textT, V = s.textVocab;
  const x = new Float32Array(N * T);
  const y = new Float32Array(N);
  const lnV = Math.log(V - 1);
  for (let n = 0; n < N; n++) {
    let small = 0;
    for (let t = 0; t < T; t++) {
      const id = Math.min(V - 1, Math.floor(Math.exp(r.uniform() * lnV)));
      x[n * T + t] = id;
      if (id < Math.sqrt(V)) small++;
    }
    y[n] = small * 2 > T ? 1 : 0;
  }
  return { x, xShape: [N, T], y, yShape: [N, 1], describe: `${N} sequences of ${T} ids from a ${V}-word vocabulary (seed ${o.seed + 1000})` };
}

export interface PosData extends TrainData {
  vocab: number;
  tokens: number;
  cut: number;
}

/** The first n training sentences of UD English-EWT, word ids (1-based, 0 = padding) and UPOS ids, padded/cut to maxLen. */
export function posData(o: BenchOptions): PosData | { skip: string } {
  const dir = o.udDir;
  if (!existsSync(dir)) return { skip: `UD English-EWT absent: ${dir}` };
  const file = readdirSync(dir).find((f) => /train.*\.conllu$/.test(f));
  if (!file) return { skip: `no *train*.conllu in ${dir}` };
  const all = parseConllu(readFileSync(join(dir, file), 'utf8'), { file });
  const s = sizes(o);
  const sents = s.posSentences > 0 ? all.slice(0, s.posSentences) : all;
  const L = s.posMaxLen;
  const vocab = new Map<string, number>();
  const N = sents.length;
  const x = new Float32Array(N * L);
  const y = new Float32Array(N * L);
  let tokens = 0, cut = 0;
  sents.forEach((sent, n) => {
    sent.tokens.forEach((tok, t) => {
      if (t >= L) return;
      let id = vocab.get(tok.form);
      if (id === undefined) vocab.set(tok.form, (id = vocab.size + 1));
      x[n * L + t] = id;
      y[n * L + t] = uposId(tok.upos);
      tokens++;
    });
    if (sent.tokens.length > L) cut++;
  });
  return {
    x, xShape: [N, L], y, yShape: [N, L, 1], vocab: vocab.size + 1, tokens, cut, realSteps: tokens,
    describe: `${file}: ${N} sentences (${tokens} tokens, ${cut} cut) padded to ${L}, vocabulary ${vocab.size} + padding`,
  };
}

// ---------------------------------------------------------------------------------------------
// Model definitions (tfjs option names; sigmoid recurrent activations passed explicitly because
// tfjs defaults to hardSigmoid and Keras/tsrnn to sigmoid)

const mult = (cell: 'simpleRNN' | 'lstm' | 'gru', extra: Record<string, unknown>, T: number): ModelDef => (L) => [
  L[cell]({ units: 30, returnSequences: true, inputShape: [T, 2], ...extra }),
  L[cell]({ units: 30, ...extra }),
  L.dense({ units: 1 }),
];

const GATED = { recurrentActivation: 'sigmoid' };

export function workloads(o: BenchOptions): Workload[] {
  const s = sizes(o);
  const T = s.multT;
  const multWorkload = (id: WorkloadId, title: string, cell: 'simpleRNN' | 'lstm' | 'gru', extra: Record<string, unknown>, gates: number): Workload => ({
    id, title, kind: 'epochs', model: mult(cell, extra, T), loss: 'meanSquaredError', batchSize: 32,
    data: () => multData(o),
    flops: (d) => trainEpochFlops(multForward(gates, T), d.xShape[0], d.val?.xShape[0] ?? 0),
    samples: (d) => d.xShape[0],
  });
  let pos: PosData | { skip: string } | null = null;
  const getPos = () => (pos ??= posData(o));
  const list: Workload[] = [
    {
      id: 'matmul', title: `matmul ${s.matmulN}×${s.matmulN}×${s.matmulN}`, kind: 'matmul',
      flops: () => 2 * s.matmulN ** 3,
    },
    {
      id: 'seed', title: `seed sequence: SimpleRNN(10)→Dense(1), 6 samples, ${s.seedEpochs} epochs (one fit)`, kind: 'fit',
      model: (L) => [L.simpleRNN({ units: 10, inputShape: [4, 1] }), L.dense({ units: 1 })],
      loss: 'meanSquaredError', batchSize: 32, fitEpochs: s.seedEpochs,
      data: () => {
        const { x, y } = sequenceTask();
        return { x: x.data, xShape: x.shape, y: y.data, yShape: y.shape, describe: 'sequenceTask: 6 samples of 4×1' };
      },
      flops: (d) => s.seedEpochs * 3 * d.xShape[0] * (4 * rnnFwd(1, 1, 10) + denseFwd(10, 1)),
      samples: (d) => s.seedEpochs * d.xShape[0],
    },
    multWorkload('mult-simplernn', 'multiplication: SimpleRNN(30)×2→Dense(1), batch 32, 1 epoch + val', 'simpleRNN', {}, 1),
    multWorkload('mult-lstm', 'multiplication: LSTM(30)×2→Dense(1), batch 32, 1 epoch + val', 'lstm', GATED, 4),
    multWorkload('mult-gru', 'multiplication: GRU(30)×2 resetAfter:false→Dense(1), batch 32, 1 epoch + val', 'gru', { ...GATED, resetAfter: false }, 3),
    {
      ...multWorkload('mult-gru-ra', 'multiplication: GRU(30)×2 resetAfter:true (tsrnn default; tfjs lacks it)', 'gru', { ...GATED, resetAfter: true }, 3),
      tsrnnOnly: true,
    },
    {
      id: 'text', title: `text classifier: Embedding(${s.textVocab},64)→LSTM(128)→Dense(1,sigmoid), ${s.textN}×${s.textT} ids, batch 64, 1 epoch`,
      kind: 'epochs', loss: 'binaryCrossentropy', batchSize: 64,
      model: (L) => [
        L.embedding({ inputDim: s.textVocab, outputDim: 64, inputShape: [s.textT] }),
        L.lstm({ units: 128, ...GATED }),
        L.dense({ units: 1, activation: 'sigmoid' }),
      ],
      data: () => textData(o),
      flops: (d) => 3 * d.xShape[0] * (d.xShape[1] * rnnFwd(4, 64, 128) + denseFwd(128, 1)),
      samples: (d) => d.xShape[0],
    },
    {
      id: 'pos', title: 'POS tagger (UD EWT): Embedding(V,64,maskZero)→Bidirectional(LSTM(64),seq)→TimeDistributed(Dense(17,softmax)), batch 32, 1 epoch',
      kind: 'epochs', loss: 'sparseCategoricalCrossentropy', batchSize: 32,
      model: (L) => {
        const p = getPos() as PosData;
        return [
          L.embedding({ inputDim: p.vocab, outputDim: 64, maskZero: true, inputShape: [p.xShape[1]] }),
          L.bidirectional({ layer: L.lstm({ units: 64, returnSequences: true, ...GATED }) }),
          L.timeDistributed({ layer: L.dense({ units: UPOS_TAGS.length, activation: 'softmax' }) }),
        ];
      },
      data: getPos,
      // useful FLOPs: real tokens only. Padded steps are work an engine may or may not do (tfjs runs the
      // whole padded length; a kernel can skip masked rows), so counting them would credit waste.
      flops: (d) => 3 * (d.realSteps ?? d.xShape[0] * d.xShape[1]) * (2 * rnnFwd(4, 64, 64) + denseFwd(128, UPOS_TAGS.length)),
      samples: (d) => d.xShape[0],
    },
    {
      id: 'infer', title: `inference: predict ${s.inferN} sequences (batch 32) of the mult-lstm model; latency of 1 sequence`,
      kind: 'infer', model: mult('lstm', GATED, T),
      data: () => {
        const { x, y } = multiplicationTask({ n: s.inferN, timesteps: T, seed: o.seed + 1 });
        return { x: x.data, xShape: x.shape, y: y.data, yShape: y.shape, describe: `${s.inferN} multiplicationTask sequences (seed ${o.seed + 1})` };
      },
      flops: (d) => d.xShape[0] * multForward(4, T),
      samples: (d) => d.xShape[0],
    },
    {
      id: 'memory', kind: 'memory', tsrnnOnly: true,
      title: `memory: LSTM(32) on ${s.memoryT}×2→Dense(1), batch 32, adam/mse, ${s.memoryBatches.toLocaleString('en')} batches in one fit, ` +
        `memory sampled every ${s.memoryEvery} (one epoch)`,
      model: (L) => [L.lstm({ units: 32, inputShape: [s.memoryT, 2], ...GATED }), L.dense({ units: 1 })],
      loss: 'meanSquaredError', batchSize: 32,
      data: () => {
        const n = s.memoryEvery * 32;
        const { x, y } = multiplicationTask({ n, timesteps: s.memoryT, seed: o.seed + 2 });
        return { x: x.data, xShape: x.shape, y: y.data, yShape: y.shape, describe: `${n} multiplicationTask sequences of ${s.memoryT}×2 (seed ${o.seed + 2})` };
      },
      // per batch of 32
      flops: () => 3 * 32 * (s.memoryT * rnnFwd(4, 2, 32) + denseFwd(32, 1)),
      samples: () => 32,
    },
  ];
  return list;
}
