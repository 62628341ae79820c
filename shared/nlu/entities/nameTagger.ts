// compromise's part-of-speech tagger, for people's names: the spans it tags as people and every term's tags.
// Loaded on demand (`loadNameTagger`): building its lexicon costs about 0.4 s of CPU and a pass about 1 ms, which
// a project that never asks for a person should not pay at every start and every message.

import type nlpType from 'compromise/two';

export interface TaggedTerm {
  start: number;
  end: number;
  tags: readonly string[];
}

export interface Tagged {
  /** Spans compromise tags as a person, with an honorific before them ("dr. Patel"). */
  people: { start: number; end: number }[];
  terms: TaggedTerm[];
}

interface JsonTerm {
  tags?: string[];
  offset?: { start: number; length: number };
}
interface JsonMatch {
  offset?: { start: number; length: number };
  terms?: JsonTerm[];
}

let nlp: typeof nlpType | undefined;
let loading: Promise<void> | undefined;

/** Loads the tagger once per process; later calls return the same promise. */
export function loadNameTagger(): Promise<void> {
  loading ??= import('compromise/two').then((m) => {
    nlp = m.default;
  });
  return loading;
}

export function nameTaggerLoaded(): boolean {
  return nlp !== undefined;
}

/** compromise's reading of the text (one text at a time: a turn asks for the same text twice at most). */
let last: { text: string; tagged: Tagged } | undefined;

/** The tagger's reading, or undefined while it is not loaded. */
export function nameTagger(text: string): Tagged | undefined {
  if (!nlp) return undefined;
  if (last?.text === text) return last.tagged;
  const doc = nlp(text);
  const people = (doc.match('#Honorific? #Person+').json({ offset: true }) as JsonMatch[]).flatMap((m) =>
    m.offset ? [{ start: m.offset.start, end: m.offset.start + m.offset.length }] : [],
  );
  const terms = (doc.json({ offset: true }) as JsonMatch[]).flatMap((s) =>
    (s.terms ?? []).flatMap((t) => (t.offset ? [{ start: t.offset.start, end: t.offset.start + t.offset.length, tags: t.tags ?? [] }] : [])),
  );
  const tagged = { people, terms };
  last = { text, tagged };
  return tagged;
}
