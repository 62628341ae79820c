// Built-in person entity: people's names in what the user wrote ("my name is Ana María López", "transfer to John
// Smith", "it's for dr. Patel"), found without a list of names. compromise's tagger (its lexicon of first and last
// names, honorifics and the shape of the sentence) finds most; cue phrases find the rest ("me llamo …", "to Priya
// Natarajan"). The value is the name as written, trimmed, title-cased when it was typed all in lower case.

import type { ExtractedEntity } from '../../engine/ports';
import { foldPhrase } from './fold';
import { nameTagger, nameTaggerLoaded, type TaggedTerm } from './nameTagger';

/** Words inside a name that stay in lower case ("Sofía de la Cruz", "Ludwig van Beethoven"). */
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'van', 'von', 'der', 'den', 'da', 'di', 'du', 'le', 'bin', 'ibn', 'al', 'el']);

/** Titles kept with the name ("dr. Patel", "doctora Fernández"), and read as a cue for the next word. */
const TITLES = new Set([
  'dr',
  'doctor',
  'doctora',
  'mr',
  'mrs',
  'ms',
  'miss',
  'prof',
  'professor',
  'sr',
  'sra',
  'srta',
  'senor',
  'senora',
  'senorita',
  'don',
  'dona',
]);

/** Words that end a name read after a cue: "my name is ana and I lost my card". */
const STOP = new Set(
  (
    'and or of but please thanks thank here speaking calling from to for with at in on by my your his her our their the a an ' +
    'i im is am are was be this that it its me you he she we they not no yes ok also too now today tomorrow yesterday ' +
    'y o pero por favor gracias aqui hablando desde para con en mi mis tu su sus el la los las un una es soy no si ya ' +
    'hoy manana ayer tambien que'
  ).split(' '),
);

/** Phrases after which what follows is a name, in any case ("my name is ana maría"). */
const STRONG_CUES = [
  'my name is',
  "my name's",
  'my full name is',
  'name is',
  'under the name of',
  'under the name',
  'in the name of',
  'account holder is',
  'me llamo',
  'mi nombre es',
  'mi nombre completo es',
  'a nombre de',
  'el titular es',
  'la titular es',
];

const STRONG_CUE_WORDS = STRONG_CUES.map((c) => foldPhrase(c).split(' '));

/** Words after which capitalised words are a name when there are at least two of them ("to Priya Natarajan"). */
const WEAK_CUES: Record<'en' | 'es', ReadonlySet<string>> = {
  en: new Set(['to', 'for', 'with', 'pay', 'from', 'call', 'is', 'am', 'im']),
  es: new Set(['a', 'para', 'con', 'paga', 'pagar', 'de', 'es', 'soy']),
};
/** Words after which one capitalised word is a name too ("I'm Sarah", "soy Xiomara"). */
const INTRODUCTIONS: Record<'en' | 'es', ReadonlySet<string>> = {
  en: new Set(['im', 'am']),
  es: new Set(['soy']),
};

/** compromise's tags that say a capitalised word is not a person's name. */
const NOT_A_NAME = ['Organization', 'Place', 'Month', 'WeekDay', 'Date', 'Acronym', 'Currency', 'Value', 'Demonym'];
/** Tags of words a bare answer made of them cannot be a name with ("no idea", "I don't know"). */
const NOT_IN_A_NAME = [
  ...NOT_A_NAME,
  'Verb',
  'Adjective',
  'Adverb',
  'Pronoun',
  'Preposition',
  'Conjunction',
  'Determiner',
  'Expression',
  'QuestionWord',
  'Copula',
  'Negative',
];

interface Span {
  start: number;
  end: number;
}

const WORD = /[\p{L}][\p{L}\p{M}'’.-]*/gu;

interface Word extends Span {
  text: string;
  folded: string;
}

function words(text: string): Word[] {
  return [...text.matchAll(WORD)].map((m) => {
    const t = m[0].replace(/[.'’-]+$/u, '');
    return { text: t, folded: foldPhrase(t), start: m.index, end: m.index + t.length };
  });
}

const isCapitalised = (w: string) => /^\p{Lu}/u.test(w);

/** "ana maría de la cruz" → "Ana María de la Cruz"; "o'brien" → "O'Brien"; "al-farsi" → "Al-Farsi". */
export function titleCaseName(name: string): string {
  return name
    .split(/(\s+)/)
    .map((w, i) => {
      if (/^\s+$/.test(w) || (i > 0 && PARTICLES.has(w))) return w;
      return w.replace(/(^|[-'’])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
    })
    .join('');
}

/** The name's value: as written, trimmed, title-cased when written all in lower case. */
function valueOf(raw: string): string {
  const t = raw.trim().replace(/\s+/g, ' ');
  return t === t.toLowerCase() ? titleCaseName(t) : t;
}

function tagsAt(terms: readonly TaggedTerm[], s: Span): Set<string> {
  const out = new Set<string>();
  for (const t of terms) if (t.start < s.end && s.start < t.end) for (const tag of t.tags) out.add(tag);
  return out;
}

/** The name words from `from` on: up to four, with particles between them, none a stop word. */
function nameRun(text: string, ws: readonly Word[], from: number, capitalisedOnly: boolean): Word[] {
  const run: Word[] = [];
  for (let i = from; i < ws.length && run.length < 6; i++) {
    const w = ws[i]!;
    // a name is words with only spaces between them ("Olivia Brown here, I…" stops at the comma)
    if (i > from && /\S/.test(text.slice(ws[i - 1]!.end, w.start))) break;
    if (PARTICLES.has(w.folded) && run.length > 0 && i + 1 < ws.length && (!capitalisedOnly || isCapitalised(ws[i + 1]!.text))) {
      run.push(w);
      continue;
    }
    if (STOP.has(w.folded) || (capitalisedOnly && !isCapitalised(w.text))) break;
    run.push(w);
  }
  while (run.length && PARTICLES.has(run[run.length - 1]!.folded)) run.pop();
  return run.filter((w) => !PARTICLES.has(w.folded)).length <= 4 ? run : [];
}

function cueSpans(text: string, ws: readonly Word[], terms: readonly TaggedTerm[], lang: 'en' | 'es'): Span[] {
  const out: Span[] = [];
  const folded = ws.map((w) => w.folded);
  for (const parts of STRONG_CUE_WORDS) {
    for (let i = 0; i + parts.length <= ws.length; i++) {
      if (!parts.every((p, k) => folded[i + k] === p)) continue;
      const run = nameRun(text, ws, i + parts.length, false);
      if (run.length) out.push({ start: run[0]!.start, end: run[run.length - 1]!.end });
    }
  }
  for (let i = 0; i < ws.length; i++) {
    if (TITLES.has(ws[i]!.folded.replace(/\.$/, '')) && i + 1 < ws.length) {
      const run = nameRun(text, ws, i + 1, text !== text.toLowerCase());
      if (run.length) out.push({ start: ws[i]!.start, end: run[run.length - 1]!.end });
    }
    const cue = folded[i]!.replace(/'/g, '');
    if (!WEAK_CUES[lang].has(cue)) continue;
    const run = nameRun(text, ws, i + 1, true);
    if (run.filter((w) => !PARTICLES.has(w.folded)).length < (INTRODUCTIONS[lang].has(cue) ? 1 : 2)) continue;
    const s = { start: run[0]!.start, end: run[run.length - 1]!.end };
    const tags = tagsAt(terms, s);
    if (!NOT_A_NAME.some((t) => tags.has(t))) out.push(s);
  }
  return out;
}

/** compromise's people, without a leading or trailing common word ("brother David", "Antonio ayer"). */
function taggerSpans(text: string, ws: readonly Word[], people: readonly Span[]): Span[] {
  const cased = text !== text.toLowerCase();
  const out: Span[] = [];
  for (const p of people) {
    let inside = ws.filter((w) => w.start >= p.start && w.end <= p.end);
    if (cased && inside.some((w) => isCapitalised(w.text))) {
      const keep = (w: Word) => isCapitalised(w.text) || TITLES.has(w.folded.replace(/\.$/, ''));
      while (inside.length && !keep(inside[0]!)) inside = inside.slice(1);
      while (inside.length && !isCapitalised(inside[inside.length - 1]!.text)) inside = inside.slice(0, -1);
    }
    if (!inside.length) continue;
    let start = inside[0]!.start;
    // a title compromise does not know ("doctora Fernández", "señor Gómez")
    const before = ws.findLast((w) => w.end <= start);
    if (before && TITLES.has(before.folded.replace(/\.$/, '')) && !/[^\s.]/.test(text.slice(before.end, start))) start = before.start;
    out.push({ start, end: inside[inside.length - 1]!.end });
  }
  return out;
}

function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Span[] = [];
  for (const s of sorted) if (!kept.some((k) => k.start < s.end && s.start < k.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * People's names in the text, in order. The locale picks the cue words (English, or Spanish for `es`). None until
 * `loadNameTagger()` has resolved.
 */
export function findPersons(text: string, locale?: string): ExtractedEntity[] {
  if (!/\p{L}/u.test(text)) return [];
  const tagged = nameTagger(text);
  if (!tagged) return [];
  const ws = words(text);
  const spans = merge([...taggerSpans(text, ws, tagged.people), ...cueSpans(text, ws, tagged.terms, locale?.toLowerCase().startsWith('es') ? 'es' : 'en')]);
  return spans.map((s) => {
    const raw = text.slice(s.start, s.end);
    return { entity: 'person', value: valueOf(raw), text: raw, start: s.start, end: s.end };
  });
}

/**
 * The name a bare answer gives ("priya natarajan" to "what is your name?"): the person found in it, else the whole
 * answer when it is one to four words that could all be part of a name (no verb, pronoun, number, stop word...).
 */
export function personAnswer(text: string, locale?: string): string | undefined {
  if (!nameTaggerLoaded()) throw new Error('person names are not loaded: await loadPersonNames() first');
  const found = findPersons(text, locale)[0];
  if (found) return found.value as string;
  const t = text.trim().replace(/[.!]+$/u, '');
  const ws = words(t);
  if (!ws.length || ws.length > 4 || ws.map((w) => w.text).join(' ') !== t.replace(/\s+/g, ' ')) return undefined;
  if (ws.some((w) => STOP.has(w.folded) || TITLES.has(w.folded))) return undefined;
  const tags = tagsAt(nameTagger(t)!.terms, { start: 0, end: t.length });
  return NOT_IN_A_NAME.some((x) => tags.has(x)) ? undefined : valueOf(t);
}
