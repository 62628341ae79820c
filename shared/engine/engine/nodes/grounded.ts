// Grounded answers for the knowledge node: the prompt that has the model answer only from numbered passages,
// the citations read back from its reply, and the extractive answer used without a model (or when the model's
// reply cannot be trusted: it cites nothing, or only numbers it was not given).
//
// The passages reach the model as data (the data/instruction rule, shared/llm/promptData.ts): each is numbered
// `[n]` with its source and heading. The model cites with `[n]`; when the sources do not hold the answer it
// replies with NOT_IN_SOURCES alone, which the node takes as "not sure". The driver holds a streamed reply back
// while it could still be that word (drivers.ts, `holdBack`), so a customer never sees it.
import { dataSection } from '../../../llm/promptData';
import { normalizeText, words } from '../../../nlu/text';
import type { RetrievalHit } from '../../ports';
import type { Citation } from '../../types';

/** What the model replies, alone, when the passages do not answer the question. */
export const NOT_IN_SOURCES = 'NOT_IN_SOURCES';

/** The fixed rules of a grounded answer, after the designer's own instructions (if any). */
export function groundedSystem(instructions: string): string {
  const rules =
    'Answer the customer using only the numbered sources in the conversation data. After each sentence that uses a source, ' +
    'cite it with its number in square brackets, like [1] or [1][2]. Do not use any other knowledge, and do not guess. ' +
    `If the sources do not contain the answer, reply with exactly ${NOT_IN_SOURCES} and nothing else.`;
  return instructions.trim() ? `${instructions.trim()}\n\n${rules}` : rules;
}

/** A passage's label: its file, and the heading it sits under when there is one. */
const label = (h: RetrievalHit) => (h.heading ? `${h.source} › ${h.heading}` : h.source);

/** The data-block sections that carry the passages, numbered from 1 in retrieval order. */
export function sourceSections(hits: readonly RetrievalHit[]): string[] {
  return hits.map((h, i) => dataSection(`Source [${i + 1}] (${label(h)})`, h.text));
}

/** Whether the reply says the sources do not hold the answer (the word alone, give or take punctuation). */
export function saysNotInSources(reply: string): boolean {
  return reply.trim().replace(/[.!"'`]+$/g, '') === NOT_IN_SOURCES;
}

export function citationOf(n: number, h: RetrievalHit): Citation {
  return {
    n,
    source: h.source,
    text: h.text,
    ...(h.id !== undefined ? { id: h.id } : {}),
    ...(h.heading !== undefined ? { heading: h.heading } : {}),
    ...(h.start !== undefined ? { start: h.start } : {}),
    ...(h.end !== undefined ? { end: h.end } : {}),
  };
}

// `[1]`, `[2, 3]`, `[1][3]`; a group with anything but numbers in it (`[see below]`) is not a citation.
const MARKER = /\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g;

/**
 * The reply with its citation markers checked against the passages it was given: markers that name a passage
 * stay, those that do not (`[7]` of three) are removed; `cited` lists the passages cited, by number.
 */
export function readCitations(reply: string, hits: readonly RetrievalHit[]): { text: string; cited: Citation[] } {
  const used = new Set<number>();
  const text = reply
    .replace(MARKER, (_m, group: string) => {
      const ok = group
        .split(',')
        .map((s) => Number(s.trim()))
        .filter((n) => n >= 1 && n <= hits.length);
      for (const n of ok) used.add(n);
      return ok.map((n) => `[${n}]`).join('');
    })
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  const cited = [...used].sort((a, b) => a - b).map((n) => citationOf(n, hits[n - 1] as RetrievalHit));
  return { text, cited };
}

// Words too common to say what a sentence is about.
const COMMON = new Set(
  'a an and are as at be by can do does for from have how i if in is it me my of on or our so that the this to was we what when where which who why will with you your el la los las de del y en es un una que por para con mi se lo'.split(
    ' ',
  ),
);

const contentWords = (text: string) => new Set(words(normalizeText(text)).filter((w) => !COMMON.has(w)));

function sentences(text: string, locale: string): string[] {
  let seg: Intl.Segmenter;
  try {
    seg = new Intl.Segmenter(locale, { granularity: 'sentence' });
  } catch {
    seg = new Intl.Segmenter('en', { granularity: 'sentence' });
  }
  return [...seg.segment(text)].map((s) => s.segment.trim()).filter(Boolean);
}

/**
 * An answer taken from the passage itself: the sentence that shares the most content words with the question,
 * and the one after it when the first is short, in the passage's order, within `maxChars`; then ` [1]`.
 */
export function extractiveAnswer(question: string, hit: RetrievalHit, locale = 'en', maxChars = 320): string {
  const all = sentences(hit.text, locale);
  if (!all.length) return `${hit.text.trim()} [1]`;
  const q = contentWords(question);
  let best = 0;
  let bestScore = -1;
  all.forEach((s, i) => {
    let score = 0;
    for (const w of contentWords(s)) if (q.has(w)) score++;
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  let text = all[best] as string;
  const next = all[best + 1];
  if (text.length < 80 && next && text.length + 1 + next.length <= maxChars) text = `${text} ${next}`;
  if (text.length > maxChars) text = `${text.slice(0, maxChars - 1).replace(/\s+\S*$/, '')}…`;
  return `${text} [1]`;
}
