// Tiny hand-written corpora for the text-task tests: tagged sentences (and their CoNLL-U text) and
// labelled sentiment rows (and their TSV text). Small enough to train on in a second or two.

/** [sentence, tags] pairs; tags are UPOS. */
export const TAGGED: [string, string][] = [
  ['The cat sleeps .', 'DET NOUN VERB PUNCT'],
  ['A dog runs .', 'DET NOUN VERB PUNCT'],
  ['The dog sleeps quietly .', 'DET NOUN VERB ADV PUNCT'],
  ['She runs quickly .', 'PRON VERB ADV PUNCT'],
  ['He sleeps .', 'PRON VERB PUNCT'],
  ['The big cat runs .', 'DET ADJ NOUN VERB PUNCT'],
  ['A small dog sleeps .', 'DET ADJ NOUN VERB PUNCT'],
  ['I work at Google .', 'PRON VERB ADP PROPN PUNCT'],
  ['They work at Microsoft .', 'PRON VERB ADP PROPN PUNCT'],
  ['We live in Paris .', 'PRON VERB ADP PROPN PUNCT'],
  ['Two cats sleep .', 'NUM NOUN VERB PUNCT'],
  ['3 dogs run and 2 cats sleep .', 'NUM NOUN VERB CCONJ NUM NOUN VERB PUNCT'],
];

export const TAGGED_DEV: [string, string][] = [
  ['The small cat sleeps .', 'DET ADJ NOUN VERB PUNCT'],
  ['They live in Google .', 'PRON VERB ADP PROPN PUNCT'],
];

export function taggedSentences(rows: [string, string][]): { words: string[]; tags: string[] }[] {
  return rows.map(([s, t]) => ({ words: s.split(' '), tags: t.split(' ') }));
}

/** CoNLL-U text of the sentences (FORM and UPOS filled in, the other columns '_' or trivial). */
export function conlluText(rows: [string, string][]): string {
  return rows
    .map(([s, t], i) => {
      const words = s.split(' '), tags = t.split(' ');
      const lines = [`# sent_id = s${i + 1}`, `# text = ${s}`];
      words.forEach((w, j) => lines.push([String(j + 1), w, w.toLowerCase(), tags[j], '_', '_', j === 0 ? '0' : '1', j === 0 ? 'root' : 'dep', '_', '_'].join('\t')));
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

const POSITIVE = ['good', 'great', 'wonderful', 'fine', 'lovely', 'charming', 'witty', 'gorgeous'];
const NEGATIVE = ['bad', 'awful', 'dull', 'boring', 'tedious', 'weak', 'clumsy', 'ugly'];
const NOUNS = ['film', 'movie', 'story', 'cast', 'script', 'picture'];

/** Sentiment rows: "a <adjective> <noun>" style phrases, label 1 for positive adjectives. Deterministic. */
export function sentimentRows(n: number, offset = 0): { texts: string[]; labels: number[] } {
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i + offset;
    const pos = k % 2 === 0;
    const adj = (pos ? POSITIVE : NEGATIVE)[(k * 7 + 3) % 8];
    const noun = NOUNS[(k * 5 + 1) % NOUNS.length];
    const forms = [`a ${adj} ${noun} .`, `the ${noun} is ${adj}`, `${adj} and ${(pos ? POSITIVE : NEGATIVE)[(k + 1) % 8]} ${noun}`, `this ${noun} is really ${adj} .`];
    texts.push(forms[Math.floor(k / 2) % forms.length]);
    labels.push(pos ? 1 : 0);
  }
  return { texts, labels };
}

/** TSV text with SST-2's header and its "sentence <TAB>label" rows. */
export function tsvText(rows: { texts: string[]; labels: number[] }): string {
  return ['sentence\tlabel', ...rows.texts.map((t, i) => `${t} \t${rows.labels[i]}`)].join('\n') + '\n';
}
