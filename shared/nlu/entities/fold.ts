// Text folding with positions: lower case without accents, each folded character remembering where it came from
// in the original text, so a match in the folded text maps back to a span of what the user wrote.

const MARKS = /\p{M}+/gu;

export interface Folded {
  text: string;
  /** Original start and end of each folded character. */
  starts: number[];
  ends: number[];
}

const ASCII = /^[^\u0080-\uffff]*$/;

// The last text folded and its folding: a turn folds the same text for the project's entities and for yes/no.
// A Folded is never changed once made (its users only read it).
let last: { text: string; folded: Readonly<Folded> } | undefined;

/** Lower case without accents, remembering where each character came from. The result is shared: read it only. */
export function fold(text: string): Readonly<Folded> {
  if (last?.text === text) return last.folded;
  const folded = ASCII.test(text) ? foldAscii(text) : foldAny(text);
  last = { text, folded };
  return folded;
}

/** ASCII has no marks to strip and lowers one character to one: positions map one to one. */
function foldAscii(text: string): Folded {
  const n = text.length;
  const starts = new Array<number>(n);
  const ends = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    starts[i] = i;
    ends[i] = i + 1;
  }
  return { text: text.toLowerCase(), starts, ends };
}

function foldAny(text: string): Folded {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch === '’' || ch === '‘' ? "'" : ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
    for (let k = 0; k < f.length; k++) {
      starts.push(i);
      ends.push(i + ch.length);
    }
    out += f;
    i += ch.length;
  }
  return { text: out, starts, ends };
}

export function foldPhrase(s: string): string {
  return s.replace(/[’‘]/g, "'").normalize('NFKD').replace(MARKS, '').toLowerCase().trim().replace(/\s+/g, ' ');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A regex matching any of the phrases on word boundaries, longest first, spaces matching any whitespace. It stays
 * a JavaScript RegExp (it needs lookaround for Unicode word edges): the project supplies only literals, escaped
 * here, so the pattern is an alternation of fixed words joined by `\s+`, with no nested quantifier to backtrack.
 */
export function phraseRegex(phrases: Iterable<string>): RegExp | null {
  const list = [...new Set(phrases)].filter(Boolean).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  if (!list.length) return null;
  const alt = list.map((p) => escapeRegex(p).replace(/ /g, '\\s+')).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alt})(?![\\p{L}\\p{N}])`, 'gu');
}
