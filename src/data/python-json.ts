// The JSON text Python's json.dumps writes for a flat dict, and a parser for such text that keeps
// the key order. Keras's tokenizer_to_json stores its dictionaries as JSON strings inside the JSON
// (tokenizer.ts), and both directions must keep word order: JSON.parse would move integer-like keys
// such as "2" first.
import { ValueError } from '../errors.js';

/** Python's json.dumps(dict) for a flat map: ", " and ": " separators, non-ASCII escaped (ensure_ascii). */
export function pyJsonDumps(m: Map<string | number, string | number>): string {
  const parts: string[] = [];
  for (const [k, v] of m) parts.push(`${pyJsonString(String(k))}: ${typeof v === 'string' ? pyJsonString(v) : String(v)}`);
  return `{${parts.join(', ')}}`;
}

function pyJsonString(s: string): string {
  // Python escapes everything outside ' '..'~' (DEL and non-ASCII too, as UTF-16 code units).
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const FLAT_ENTRY = /\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)\s*([,}])/y;

/** Parses a flat JSON object {"k": scalar, ...} keeping key order (JSON.parse would move integer-like keys first). */
export function parseFlatJsonObject(s: string, what: string): [string, unknown][] {
  const bad = (at: number) => new ValueError(`tokenizerFromJSON: ${what} is not a flat JSON object (at character ${at})`);
  const open = /^\s*\{\s*/.exec(s);
  if (open === null) throw bad(0);
  let pos = open[0].length;
  const out: [string, unknown][] = [];
  if (s[pos] === '}') {
    if (s.slice(pos + 1).trim() !== '') throw bad(pos + 1);
    return out;
  }
  for (;;) {
    FLAT_ENTRY.lastIndex = pos;
    const m = FLAT_ENTRY.exec(s);
    if (m === null) throw bad(pos);
    out.push([JSON.parse(m[1]) as string, JSON.parse(m[2])]);
    pos = FLAT_ENTRY.lastIndex;
    if (m[3] === '}') break;
  }
  if (s.slice(pos).trim() !== '') throw bad(pos);
  return out;
}
