/** Text lower-cased with accents, typographic quotes and whitespace normalised; `map` leads back to the source. */
export interface Folded {
  text: string;
  /** `map[i]` is the offset in the source of folded char `i` (length + 1); absent when offsets are unchanged. */
  map?: number[];
}

const SPECIAL: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '.' };
const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  let f = foldCache.get(ch);
  if (f === undefined) {
    f = /\s/u.test(ch)
      ? ' '
      : (SPECIAL[ch] ??
        ch
          .normalize('NFD')
          .replace(/\p{M}+/gu, '')
          .toLowerCase());
    foldCache.set(ch, f);
  }
  return f;
}

export function fold(text: string): Folded {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return { text: text.toLowerCase().replace(/\s/g, ' ') };
  let out = '';
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    out += f;
    for (let k = 0; k < f.length; k++) map.push(i);
    i += ch.length;
  }
  map.push(text.length);
  return { text: out, map };
}

export const toSource = (f: Folded, i: number): number => (f.map ? (f.map[i] ?? f.map[f.map.length - 1] ?? i) : i);
