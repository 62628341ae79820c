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
  // compromise keeps every character (each term's text with what comes before and after it): the offsets are the
  // running length, checked against the text
  const terms: TaggedTerm[] = [];
  let at = 0;
  for (const sentence of nlp(text).docs) {
    for (const t of sentence) {
      at += t.pre.length;
      if (text.startsWith(t.text, at)) terms.push({ start: at, end: at + t.text.length, tags: [...(t.tags ?? [])] });
      at += t.text.length + t.post.length;
    }
  }
  // "#Honorific? #Person+": runs of people's names, with a title before them
  const people: { start: number; end: number }[] = [];
  for (let i = 0; i < terms.length; i++) {
    if (!terms[i]!.tags.includes('Person')) continue;
    let j = i;
    while (j + 1 < terms.length && terms[j + 1]!.tags.includes('Person')) j++;
    const from = i > 0 && terms[i - 1]!.tags.includes('Honorific') ? i - 1 : i;
    people.push({ start: terms[from]!.start, end: terms[j]!.end });
    i = j;
  }
  const tagged = { people, terms };
  last = { text, tagged };
  return tagged;
}
