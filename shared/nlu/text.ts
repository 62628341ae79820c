// Text normalisation and tokenisation shared by the classifier and the entity extractor.

const MARKS = /\p{M}+/gu;
const APOSTROPHES = /['’‘`´]/g;
const WORD = /[\p{L}\p{N}]+/gu;

/** Lower case, accents removed (NFKD then combining marks dropped), apostrophes dropped ("don't" → "dont"). */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(APOSTROPHES, '');
}

/** The words of normalised text: runs of letters and digits. */
export function words(normalized: string): string[] {
  return normalized.match(WORD) ?? [];
}
