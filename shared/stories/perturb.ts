// Deterministic perturbations of user turns, for robustness runs (`parley test --perturb typos,asr,case`):
// the same story, turn and kind always give the same text, so a failure can be reproduced.
//   typos: keyboard slips (a neighbouring key, a dropped, doubled or swapped letter), about one per 12 letters
//   asr:   what a speech recogniser makes of it: homophones, digits read out as words, dropped small words,
//          no punctuation, lower case
//   case:  random casing (ALL CAPS, all lower, or mixed)

import { seededRandom } from '../util/random';

export const PERTURBATIONS = ['typos', 'asr', 'case'] as const;
export type Perturbation = (typeof PERTURBATIONS)[number];

export const isPerturbation = (s: string): s is Perturbation => (PERTURBATIONS as readonly string[]).includes(s);

/** A generator seeded from a string (FNV-1a hash of it). */
function rng(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return seededRandom(h);
}

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbour(c: string, r: () => number): string {
  const lower = c.toLowerCase();
  for (let y = 0; y < ROWS.length; y++) {
    const x = (ROWS[y] as string).indexOf(lower);
    if (x < 0) continue;
    const options = [ROWS[y]?.[x - 1], ROWS[y]?.[x + 1], ROWS[y - 1]?.[x], ROWS[y + 1]?.[x]].filter((k): k is string => Boolean(k));
    const k = options[Math.floor(r() * options.length)] ?? lower;
    return c === lower ? k : k.toUpperCase();
  }
  return c;
}

function typos(text: string, r: () => number): string {
  const chars = [...text];
  const letter = chars.map((c) => /\p{L}/u.test(c));
  // the length of the run of letters each character is in (0 for others)
  const wordLength = new Array<number>(chars.length).fill(0);
  for (let i = 0; i < chars.length;) {
    let j = i;
    while (j < chars.length && letter[j]) j++;
    for (let k = i; k < j; k++) wordLength[k] = j - i;
    i = j === i ? i + 1 : j;
  }
  const out: string[] = [];
  let sinceLast = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    sinceLast++;
    // only inside words longer than 3 letters, never the first letter
    const inWord = letter[i] && i > 0 && letter[i - 1] && (wordLength[i] as number) > 3;
    if (inWord && sinceLast > 6 && r() < 1 / 8) {
      sinceLast = 0;
      const kind = Math.floor(r() * 4);
      if (kind === 0) out.push(neighbour(c, r));
      else if (kind === 1)
        continue; // dropped
      else if (kind === 2)
        out.push(c, c); // doubled
      else if (i + 1 < chars.length && /\p{L}/u.test(chars[i + 1] as string)) {
        out.push(chars[i + 1] as string, c); // swapped with the next
        i++;
      } else out.push(neighbour(c, r));
      continue;
    }
    out.push(c);
  }
  return out.join('');
}

const HOMOPHONES: Record<string, string[]> = {
  to: ['two', 'too'],
  for: ['four'],
  their: ['there'],
  there: ['their'],
  your: ["you're"],
  card: ['cart', 'car'],
  lost: ['last'],
  know: ['no'],
  no: ['know'],
  right: ['write'],
  by: ['buy'],
  would: ['wood'],
  debit: ['debbie'],
  hours: ['ours'],
  balance: ['balanced'],
  cancel: ['cancer'],
  block: ['black'],
  new: ['knew'],
  one: ['won'],
  i: ['eye'],
};
const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const SMALL = new Set(['a', 'the', 'is', 'of', 'my', 'an', 'it', 'that']);

function asr(text: string, r: () => number): string {
  const words = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const out: string[] = [];
  for (const w of words) {
    if (/^\d+$/.test(w)) {
      // numbers are read out digit by digit, as recognisers often return them
      out.push(...[...w].map((d) => DIGITS[Number(d)] as string));
      continue;
    }
    const alt = HOMOPHONES[w];
    if (alt && r() < 0.35) out.push(alt[Math.floor(r() * alt.length)] as string);
    else if (SMALL.has(w) && r() < 0.25) continue;
    else out.push(w);
  }
  return out.join(' ');
}

function casing(text: string, r: () => number): string {
  const mode = Math.floor(r() * 3);
  if (mode === 0) return text.toUpperCase();
  if (mode === 1) return text.toLowerCase();
  return [...text].map((c) => (r() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** The perturbed text; `seed` makes it reproducible (the runner uses the story file and the turn). */
export function perturb(text: string, kind: Perturbation, seed: string): string {
  const r = rng(`${kind}:${seed}:${text}`);
  switch (kind) {
    case 'typos':
      return typos(text, r);
    case 'asr':
      return asr(text, r);
    case 'case':
      return casing(text, r);
  }
}
