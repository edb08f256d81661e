// A trained POS tagger: the Sequential model (pos-model.ts) and the featurizer that feeds it
// (pos-features.ts), with the tag list; words in, the most probable Universal POS tag of each out.
// toJSON / fromJSON give the companion file saved beside the model.
//
// Library-level: strings in, no file system (src/io/model-dir.ts saves and loads a tagger's folder).
import { ValueError } from '../errors.js';
import { UPOS_TAGS } from '../data/conllu.js';
import { Sequential } from '../model/sequential.js';
import { Tensor } from '../tensor.js';
import { lengthBatches } from './bucketed-fit.js';
import { PosFeaturizer, type PosFeaturizerJSON } from './pos-features.js';
import { wordTokenize } from './word-tokenize.js';

export interface PosTaggerJSON {
  format: 'tsrnn-pos-tagger';
  version: 1;
  /** Output class i is tags[i] (UPOS_TAGS order). */
  tags: string[];
  features: PosFeaturizerJSON;
}

/** A trained tagger: the model and the featurizer that feeds it. */
export class PosTagger {
  readonly tags: readonly string[];
  private readonly tagIndex: Map<string, number>;

  constructor(readonly model: Sequential, readonly featurizer: PosFeaturizer, tags: readonly string[] = UPOS_TAGS) {
    this.tags = tags.slice();
    this.tagIndex = new Map(this.tags.map((t, i) => [t, i]));
    const first = model.layers[0];
    const emb = (first as { layer?: { inputDim?: number } }).layer;
    if (emb?.inputDim !== undefined && emb.inputDim !== featurizer.inputDim) {
      throw new ValueError(
        `PosTagger: the model's embedding has ${emb.inputDim} rows but the features need ${featurizer.inputDim}; the model and the feature file do not belong together`,
      );
    }
    const out = model.outputShapeFull;
    if (out && out[out.length - 1] !== this.tags.length) {
      throw new ValueError(`PosTagger: the model outputs ${out[out.length - 1]} classes but there are ${this.tags.length} tags`);
    }
  }

  /** Probabilities [T,C] for each sentence (batched by length). */
  probabilities(sentences: readonly (readonly string[])[], batchSize = 64): Float32Array[] {
    const K = this.featurizer.featureCount, C = this.tags.length;
    const out: Float32Array[] = new Array(sentences.length);
    const lengths = sentences.map((s) => s.length);
    for (const idx of lengthBatches(lengths, batchSize)) {
      const T = Math.max(...idx.map((i) => lengths[i]));
      if (T === 0) {
        for (const i of idx) out[i] = new Float32Array(0);
        continue;
      }
      const x = new Float32Array(idx.length * T * K);
      idx.forEach((i, b) => x.set(this.featurizer.encodeSentence(sentences[i]), b * T * K));
      const y = this.model.predict(new Tensor(x, [idx.length, T, K]), { batchSize: idx.length }).data;
      idx.forEach((i, b) => (out[i] = y.slice(b * T * C, (b * T + lengths[i]) * C)));
    }
    return out;
  }

  /** The most probable tag of every word. */
  tag(sentences: readonly (readonly string[])[], batchSize = 64): string[][] {
    const C = this.tags.length;
    return this.probabilities(sentences, batchSize).map((p) => {
      const tags: string[] = [];
      for (let t = 0; t < p.length / C; t++) tags.push(this.tags[argmax(p, t * C, C)]);
      return tags;
    });
  }

  /** Raw text → words (wordTokenize) with their tags. */
  tagText(text: string): { word: string; tag: string }[] {
    const words = wordTokenize(text);
    if (words.length === 0) return [];
    const tags = this.tag([words])[0];
    return words.map((word, i) => ({ word, tag: tags[i] }));
  }

  tagId(tag: string): number | undefined {
    return this.tagIndex.get(tag);
  }

  toJSON(): PosTaggerJSON {
    return { format: 'tsrnn-pos-tagger', version: 1, tags: this.tags.slice(), features: this.featurizer.toJSON() };
  }

  /** From toJSON()'s object (or its text) and the model saved beside it. */
  static fromJSON(model: Sequential, json: PosTaggerJSON | string, source = 'the tagger config'): PosTagger {
    let obj: unknown = json;
    if (typeof json === 'string') {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        throw new ValueError(`${source}: not valid JSON (${(e as Error).message})`);
      }
    }
    const j = obj as Partial<PosTaggerJSON> | null;
    if (!j || j.format !== 'tsrnn-pos-tagger') throw new ValueError(`${source}: not a tsrnn POS tagger config (format ${JSON.stringify(j?.format)})`);
    if (j.version !== 1) throw new ValueError(`${source}: version ${j.version} is not supported (expected 1)`);
    if (!Array.isArray(j.tags) || !j.features) throw new ValueError(`${source}: missing tags or features`);
    return new PosTagger(model, PosFeaturizer.fromJSON(j.features), j.tags);
  }
}

/** The index of the largest of p[off..off+C) (the first on ties). */
export function argmax(p: Float32Array, off: number, C: number): number {
  let best = 0;
  for (let c = 1; c < C; c++) if (p[off + c] > p[off + best]) best = c;
  return best;
}
