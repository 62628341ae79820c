import { fold } from './fold';

// Words and identifiers of folded text: the terms indexed, the terms of a query, and where a phrase occurs.

/** A word, or an identifier such as `card_last4` or `slots.card_type`. */
const WORD_RUN = /[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*/gu;
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

interface Span {
  term: string;
  start: number;
  end: number;
}

/**
 * Terms of folded text with their offsets. An identifier yields itself and its parts, so `slots.card_last4`
 * is found by `slots.card_last4`, `card_last4`, `card` and `last4`.
 */
export function spans(folded: string): Span[] {
  const out: Span[] = [];
  for (const m of folded.matchAll(WORD_RUN)) {
    const word = m[0];
    const at = m.index;
    if (!HAS_WORD_CHAR.test(word)) continue;
    out.push({ term: word, start: at, end: at + word.length });
    if (!/[._]/.test(word)) continue;
    const seen = new Set([word]);
    const push = (term: string, start: number) => {
      if (!term || seen.has(term) || !HAS_WORD_CHAR.test(term)) return;
      seen.add(term);
      out.push({ term, start, end: start + term.length });
    };
    let offset = 0;
    for (const seg of word.split('.')) {
      push(seg, at + offset);
      let inner = 0;
      for (const part of seg.split('_')) {
        push(part, at + offset + inner);
        inner += part.length + 1;
      }
      offset += seg.length + 1;
    }
  }
  return out;
}

/** The terms of `spans`, without offsets (indexing). */
export function indexTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of fold(text).text.matchAll(WORD_RUN)) {
    const word = m[0];
    if (!HAS_WORD_CHAR.test(word)) continue;
    out.push(word);
    if (!word.includes('.') && !word.includes('_')) continue;
    const seen = new Set([word]);
    for (const seg of word.split('.')) {
      for (const term of [seg, ...seg.split('_')]) {
        if (term && !seen.has(term) && HAS_WORD_CHAR.test(term)) {
          seen.add(term);
          out.push(term);
        }
      }
    }
  }
  return out;
}

/** Query terms: each word or identifier as typed (an identifier is not split, so it matches as a whole). */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  for (const m of fold(query).text.matchAll(WORD_RUN)) {
    const term = m[0].replace(/^[._]+|[._]+$/g, '');
    if (HAS_WORD_CHAR.test(term) && !terms.includes(term)) terms.push(term);
  }
  return terms;
}

/** The query as a phrase: folded, single-spaced, without leading or trailing punctuation. */
export const phraseOf = (query: string): string =>
  fold(query)
    .text.replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, '');

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/**
 * The best occurrence of `phrase` that starts a word, by `tierOf` (lower is better; `exact` when the phrase also
 * ends a word), earliest on a tie.
 */
export function findPhrase(
  folded: string,
  phrase: string,
  tierOf: (exact: boolean, start: number) => number,
): { start: number; end: number; tier: number } | undefined {
  let best: { start: number; end: number; tier: number } | undefined;
  for (let i = folded.indexOf(phrase); i >= 0; i = folded.indexOf(phrase, i + 1)) {
    if (isWordChar(folded[i - 1])) continue;
    const end = i + phrase.length;
    const tier = tierOf(!isWordChar(folded[end]), i);
    if (!best || tier < best.tier) best = { start: i, end, tier };
  }
  return best;
}
