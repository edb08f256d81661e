// Raw text → words the way the two corpora are tokenized (Penn Treebank style, as UD English-EWT and
// SST-2 are): punctuation split from words, and the clitics n't, 's, 're, 've, 'll, 'd, 'm as words
// of their own ("Don't stop." → Do n't stop .). Text that is already tokenized comes back unchanged
// ("does n't" stays two words), so the same function serves typed input and corpus rows.
// A light rule set, not a full PTB tokenizer: URLs, e-mail addresses, numbers like 3.5 or 1,000,
// abbreviations like U.S., e.g. and initials (J.), '60s and 'em, PTB quotes `` and '', and hyphenated
// words stay whole.

const CLITIC = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m|’s|’re|’ve|’ll|’d|’m|n’t)$/i;
// A leading or trailing run of punctuation (each mark becomes its own word, except runs like ... and --).
const LEAD = /^(``|''|[("'`\[{<“‘«¿¡])/;
const TRAIL = /(\.\.\.|--|''|[)%"'\]}>”’».,;:!?])$/;
const KEEP_WHOLE = /^(?:[a-z][a-z0-9+.-]*:\/\/\S+|www\.\S+|\S+@\S+\.\S+|[+-]?\d[\d,.:/]*\d|(?:\p{L}\.)+|(?:mr|mrs|ms|dr|prof|st|jr|sr|vs|etc|inc|ltd|co|corp|bros|e\.g|i\.e)\.|'(?:\d0s|em|n'?|cause|til))$/iu;

/** Splits raw text into words (see the file comment). */
export function wordTokenize(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/\s+/u)) {
    if (chunk !== '') splitChunk(chunk, out);
  }
  return out;
}

const CLITIC_WORD = /^(?:n't|'s|'re|'ve|'ll|'d|'m|n’t|’s|’re|’ve|’ll|’d|’m)$/i;

function splitChunk(chunk: string, out: string[]): void {
  if (CLITIC_WORD.test(chunk) || KEEP_WHOLE.test(chunk) || /^\p{P}+$/u.test(chunk) && (chunk === '...' || chunk === '--' || chunk === '``' || chunk === "''" || chunk.length === 1)) {
    out.push(chunk);
    return;
  }
  // leading punctuation
  const lead = LEAD.exec(chunk);
  if (lead && lead[0].length < chunk.length) {
    out.push(lead[0]);
    splitChunk(chunk.slice(lead[0].length), out);
    return;
  }
  // trailing punctuation (peeled from the end, kept in order)
  const trail = TRAIL.exec(chunk);
  if (trail && trail[0].length < chunk.length) {
    splitChunk(chunk.slice(0, -trail[0].length), out);
    out.push(trail[0]);
    return;
  }
  if (/^\p{P}+$/u.test(chunk)) {
    // a run of mixed punctuation ("?!"): one word per mark
    for (const c of chunk) out.push(c);
    return;
  }
  const clitic = CLITIC.exec(chunk);
  if (clitic && /\p{L}/u.test(clitic[1])) {
    // can't → ca n't, won't → wo n't (as PTB); don't → do n't
    out.push(clitic[1], clitic[2]);
    return;
  }
  out.push(chunk);
}
