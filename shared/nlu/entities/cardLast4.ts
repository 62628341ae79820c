// Built-in card_last4 entity: four-digit groups (digits or number words), each marked with whether a cue
// ("ending", "last four", "terminada en") comes just before it.

import { findWordNumbers } from '../numbers';

const LAST4_CUE =
  /(?:ending(?:\s+(?:in|with))?|ends?\s+(?:in|with)|last\s+(?:4|four)(?:\s+digits)?(?:\s+(?:are|is|of\s+\w+))?|card(?:\s+number)?|account(?:\s+number)?|number|no\.?|#|\*{2,}|x{2,}|terminad[ao]\s+en|termina\s+en|acabad[ao]\s+en|[uú]ltimos\s+(?:4|cuatro)(?:\s+d[ií]gitos)?(?:\s+son)?|tarjeta)[\s:#*x.-]*$/iu;

export function last4Candidates(text: string, locale: string | undefined): { value: string; start: number; end: number; cue: boolean }[] {
  const out: { value: string; start: number; end: number; cue: boolean }[] = [];
  for (const m of text.matchAll(/(?<![\d])\d{4}(?!\s?\d)(?![.,]\d)/g)) {
    if (/\d[\s-]?$/.test(text.slice(0, m.index))) continue;
    out.push({ value: m[0], start: m.index, end: m.index + 4, cue: LAST4_CUE.test(text.slice(Math.max(0, m.index - 40), m.index)) });
  }
  for (const n of findWordNumbers(text, locale)) {
    if (n.digits?.length !== 4) continue;
    out.push({ value: n.digits, start: n.start, end: n.end, cue: LAST4_CUE.test(text.slice(Math.max(0, n.start - 40), n.start)) });
  }
  return out.sort((a, b) => a.start - b.start);
}
