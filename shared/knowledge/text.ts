// Words of the knowledge index: tokens (letters and digits, lower case), stop words, stems (@orama/stemmers, one
// stemmer per language of the project's locales; each distinct token is stemmed once and cached) with accents
// folded after stemming, and synonym groups (project-defined phrases that mean the same thing, matched on stems).
import { stemmer as englishStemmer } from '@orama/stemmers/english';
import { stemmer as spanishStemmer } from '@orama/stemmers/spanish';
import { tokens } from './scan';

export type Language = 'en' | 'es' | 'none';

// Function words that carry no topic. Short on purpose: "open", "card" or "first" stay searchable.
const STOP: Record<Language, Set<string>> = {
  en: new Set(
    'a an and are as at be been being but by can could did do does doing for from get got had has have how i if in into is it its just me my of on or our ours please should so tell than that the their them then there these they this those to was we were what when where which who whom why will with would you your yours about any am also much many some very'.split(
      ' ',
    ),
  ),
  es: new Set(
    'a al algo algun alguna algunas alguno algunos ante como con cual cuales cuando de del desde donde el ella ellas ellos en entre era es esa esas ese eso esos esta estas este esto estos fue ha han hay la las le les lo los me mi mis muy nos nuestra nuestro o os para pero por porque puedo puede que quien se si sin sobre son su sus te tengo tiene tu tus un una unas uno unos y ya yo favor cómo cuál cuáles cuándo dónde qué quién está están más sí él'.split(
      ' ',
    ),
  ),
  none: new Set(),
};

const STEMMERS: Record<Language, (w: string) => string> = {
  en: englishStemmer,
  es: spanishStemmer,
  none: (w) => w,
};

/** The languages the index stems for, from the project's locales (`en-GB` → en); others index words as written. */
export function languagesFor(locales: readonly string[]): Language[] {
  const out: Language[] = [];
  for (const l of locales) {
    const base = l.toLowerCase().split(/[-_]/)[0];
    const lang: Language = base === 'en' ? 'en' : base === 'es' ? 'es' : 'none';
    if (!out.includes(lang)) out.push(lang);
  }
  return out.length ? out : ['en'];
}

const fold = (s: string): string => (/[^ -~]/.test(s) ? s.normalize('NFD').replace(/\p{M}+/gu, '') : s);

export { tokens };

/** A language's analyser: token → stem (accents folded) or null for a stop word, cached per distinct token. */
export class Analyzer {
  private readonly cache = new Map<string, string | null>();
  private readonly stop: Set<string>;
  private readonly stem: (w: string) => string;
  constructor(readonly language: Language) {
    this.stop = STOP[language];
    this.stem = STEMMERS[language];
  }
  term(token: string): string | null {
    let t = this.cache.get(token);
    if (t === undefined) {
      t = this.stop.has(token) || this.stop.has(fold(token)) ? null : fold(this.stem(token));
      if (this.cache.size < 1_000_000) this.cache.set(token, t);
    }
    return t;
  }
  /** Stems of a text's content words, in order. */
  terms(text: string): string[] {
    const out: string[] = [];
    for (const tok of tokens(text)) {
      const t = this.term(tok);
      if (t) out.push(t);
    }
    return out;
  }
}

/** How many of a language's stop words a text uses: the document's language is the project language it uses most. */
export function guessLanguage(text: string, languages: readonly Language[]): Language {
  if (languages.length < 2) return languages[0] ?? 'en';
  const sample = tokens(text.slice(0, 4000));
  let best = languages[0] as Language;
  let bestCount = -1;
  for (const lang of languages) {
    let n = 0;
    for (const tok of sample) if (STOP[lang].has(tok)) n++;
    if (n > bestCount) {
      best = lang;
      bestCount = n;
    }
  }
  return best;
}

/**
 * Synonym groups for one language: each phrase as its stem sequence, with its group's term (`~0`, `~1`: never a
 * word, since words have no `~`). A matched phrase stands for its group, so "cash machine" finds "ATM".
 */
export function synonymPhrases(groups: readonly (readonly string[])[], analyzer: Analyzer): { stems: string[]; group: string }[] {
  const out: { stems: string[]; group: string }[] = [];
  groups.forEach((phrases, g) => {
    for (const phrase of phrases) {
      const stems = analyzer.terms(phrase);
      if (stems.length) out.push({ stems, group: `~${g}` });
    }
  });
  return out;
}
