// Profanity: obscenity's English dataset with its recommended transformers (leetspeak, repeated letters,
// confusable characters), a Spanish list (Spain and Latin America), and the project's allow- and deny-lists.
// Each match gets a category: `swearing` (strong words), `slur` (hate terms), `sexual`, and `abuse` when the
// message aims them at someone ("fuck you", "eres un gilipollas") or threatens ("I know where you live").
// Mild words ("useless", "stupid", "damn", "idiota") are in no list: a frustrated customer is not an abusive one.
//
// One function decides for both directions: `findProfanity`. The copy lint of the review issue calls
// `copyLintProfanity`, which is the same function on the same lists, so a line the lint passes is never blocked
// when the bot says it (the output rule blocks any category).
import { DataSet, RegExpMatcher, englishDataset, englishRecommendedTransformers, type MatchPayload } from 'obscenity';
import { LRUCache } from 'lru-cache';

export type ProfanityCategory = 'swearing' | 'abuse' | 'slur' | 'sexual';

export interface ProfanityFinding {
  category: ProfanityCategory;
  /** The list word it matched (`fuck`, `gilipollas`), for the trace; never more of the customer's text. */
  word: string;
  start: number;
  end: number;
}

export interface ProfanityOptions {
  /** The message's locale (`es`, `en-GB`): Spanish ones leave out English words that are ordinary Spanish (`negro`). */
  locale?: string;
  /** Words never counted (case-insensitive): list words, or whole words a match sits in. */
  allow?: readonly string[];
  /** Extra words counted as swearing (whole words, case-insensitive). */
  deny?: readonly string[];
}

/** What a bank lets through by default: frustration, not abuse. A project's `allow` adds to it. */
export const DEFAULT_ALLOW: readonly string[] = ['useless', 'stupid', 'damn', 'crap', 'hell', 'bloody', 'idiot', 'sucks', 'idiota', 'estupido', 'inutil'];

const SLURS = new Set([
  'abeed',
  'abo',
  'africoon',
  'arabush',
  'boonga',
  'chingchong',
  'chink',
  'dyke',
  'fag',
  'kike',
  'negro',
  'nigger',
  'retard',
  'spastic',
  'tranny',
]);
const SWEARING = new Set([
  'arse',
  'ass',
  'bastard',
  'bitch',
  'bollocks',
  'cock',
  'cuck',
  'cunt',
  'dick',
  'fuck',
  'piss',
  'prick',
  'shit',
  'turd',
  'twat',
  'wank',
]);
// everything else in the English dataset is sexual

/** English words that are ordinary Spanish words. */
const NOT_IN_SPANISH = new Set(['negro']);

const SPANISH: Readonly<Record<Exclude<ProfanityCategory, 'abuse'>, readonly string[]>> = {
  swearing: [
    'mierda', 'joder', 'jodete', 'jodido', 'jodida', 'cono', 'cabron', 'cabrona', 'cabrones', 'gilipollas', 'hijoputa', 'hijo de puta',
    'hija de puta', 'puta', 'puto', 'putos', 'putas', 'pendejo', 'pendeja', 'pendejos', 'culero', 'chingar', 'chinga', 'chingada', 'chingado',
    'carajo', 'hostia', 'hostias', 'capullo', 'cojones', 'verga', 'mamon', 'mamona', 'malparido', 'malparida', 'me cago en', 'pinche', 'huevon',
    'boludo', 'pelotudo', 'concha de tu madre', 'coger', 'cagada',
  ],
  slur: ['maricon', 'marica', 'sudaca', 'negrata', 'subnormal', 'mongolo', 'mongolico', 'retrasado mental', 'tortillera', 'travelo'],
  sexual: ['follar', 'follame', 'chupamela', 'chupame la', 'mamada', 'polla', 'zorra', 'pajote'],
}; // prettier-ignore

/** Lower case, accents removed, one UTF-16 unit per character kept where the input had precomposed letters. */
export const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019`]/g, "'")
    .toLowerCase();

const wordRe = (words: readonly string[]) =>
  new RegExp(
    `\\b(?:${words
      .map((w) =>
        fold(w)
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/ /g, '\\s+'),
      )
      .join('|')})\\b`,
    'g',
  );

const SPANISH_RES = (Object.entries(SPANISH) as [Exclude<ProfanityCategory, 'abuse'>, readonly string[]][]).map(([category, words]) => ({
  category,
  re: wordRe(words),
}));

type EnglishMeta = { originalWord: string };

interface EnglishMatcher {
  matcher: RegExpMatcher;
  dataset: DataSet<EnglishMeta>;
}

const matchers = new LRUCache<string, EnglishMatcher>({ max: 16 });

/** obscenity's English matcher without the allowed words (built once per allow-list). */
function englishMatcher(drop: ReadonlySet<string>): EnglishMatcher {
  const key = [...drop].sort().join('|');
  let m = matchers.get(key);
  if (!m) {
    const dataset = new DataSet<EnglishMeta>().addAll(englishDataset as DataSet<EnglishMeta>).removePhrasesIf((p) => drop.has(p.metadata?.originalWord ?? ''));
    m = { matcher: new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers }), dataset };
    matchers.set(key, m);
  }
  return m;
}

// aimed at someone: the message says it to "you" (not "your": a complaint about the bank's app is not abuse)
const SECOND_PERSON = /(?<![a-z'])(?:you|you'?re|youre|ya|u|yourself|yourselves|eres|sois|tu|te|ti|usted|ustedes|vosotros|os)(?![a-z'])/;
// said to someone, whatever the words around: "fuck off", "vete a la mierda", threats
const ABUSE_PHRASES: readonly RegExp[] = [
  /\b(?:fuck|f+u+c*k+|fk|screw|sod|bugger|piss)\s+(?:off|you|u|yourself|yourselves|ya)\b/,
  /\bgo\s+(?:fuck|screw)\s+(?:yourself|yourselves|off)\b/,
  /\bgo\s+(?:to\s+hell|die|kill\s+yourself)\b/,
  /\bkill\s+yourself\b/,
  /\b(?:i'?ll|i\s+will|i'?m\s+(?:going|gonna)\s+to|i'?m\s+gonna|gonna)\s+(?:come\s+(?:down\s+)?(?:there|in|round)\s+and\s+)?(?:kill|hurt|stab|shoot|beat(?:\s+up)?|murder|attack|find|hunt\s+down|come\s+for)\s+(?:you|u|ya|somebody|someone|people|anyone|every(?:one|body)|your\s+\w+(?:\s+\w+)?)\b/,
  /\bi\s+know\s+where\s+(?:you|your\s+\w+(?:\s+\w+)?)\s+(?:live|lives|work|works)\b/,
  /\b(?:bomb|burn\s+down|shoot\s+up|blow\s+up|smash\s+up|smash|wreck|trash|torch)\s+(?:the|your|that|this)\s+(?:bank|branch|office|building|shop)\b/,
  /\bburn\s+(?:it|the\s+place|your\s+\w+(?:\s+\w+)?|the\s+\w+)\s+down\b/,
  /\b(?:vete|iros|idos|que\s+te\s+vayas)\s+a\s+(?:la\s+mierda|tomar\s+por\s+culo|la\s+verga|la\s+chingada|el\s+carajo|al\s+carajo)/,
  /\bvete\s+al\s+(?:carajo|diablo)/,
  /\bque\s+(?:te|os|les)\s+(?:jodan|den|folle|follen)\b/,
  /\b(?:chinga|me\s+cago\s+en)\s+(?:tu|vuestra|su|la\s+puta)\s+madre/,
  /\b(?:te|os|les)\s+voy\s+a\s+(?:matar|partir\s+la\s+cara|reventar|buscar|encontrar|romper\s+la\s+cara)/,
  /\bse\s+donde\s+(?:vives|trabajas|vive|trabaja)\b/,
  /\b(?:hij[oa]\s+de\s+(?:la\s+gran\s+)?puta|hijoputa)\b/,
  /\b(?:muerete|ojala\s+te\s+mueras|matate)\b/,
];

/** Is the match at [start, end) said to someone: a second-person word within a few words of it. */
function aimed(folded: string, start: number, end: number): boolean {
  const from = Math.max(0, start - 30);
  const window = folded.slice(from, Math.min(folded.length, end + 30));
  return SECOND_PERSON.test(window);
}

/** The whole word a match sits in (for the allow-list: "Scunthorpe" is allowed when the project says so). */
function wordAround(text: string, start: number, end: number): string {
  let a = start;
  let b = end;
  while (a > 0 && /[\p{L}\p{N}'-]/u.test(text[a - 1] as string)) a--;
  while (b < text.length && /[\p{L}\p{N}'-]/u.test(text[b] as string)) b++;
  return text.slice(a, b);
}

// words that are insults of a person, not of a situation: abuse wherever they are ("useless cunt of a machine")
const INSULTS = new Set([
  'cunt',
  'twat',
  'prick',
  'bastard',
  'bitch',
  'gilipollas',
  'cabron',
  'cabrona',
  'mamon',
  'mamona',
  'pendejo',
  'pendeja',
  'capullo',
  'malparido',
  'malparida',
  'hijo de puta',
  'hija de puta',
  'hijoputa',
  'huevon',
  'boludo',
  'pelotudo',
]);

const isSpanish = (locale: string | undefined) => /^es(?:-|$)/i.test(locale ?? '');

/** Profanity in `text`, each match with its category (abuse when aimed at someone), in order. */
export function findProfanity(text: string, o: ProfanityOptions = {}): ProfanityFinding[] {
  const allow = new Set([...DEFAULT_ALLOW, ...(o.allow ?? [])].map(fold));
  const drop = new Set([...allow, ...(isSpanish(o.locale) ? NOT_IN_SPANISH : [])]);
  const folded = fold(text);
  const out: ProfanityFinding[] = [];
  const push = (word: string, base: Exclude<ProfanityCategory, 'abuse'>, start: number, end: number) => {
    if (allow.has(fold(wordAround(folded, start, end))) || allow.has(fold(word))) return;
    const category: ProfanityCategory = base === 'slur' ? 'slur' : INSULTS.has(word) || aimed(folded, start, end) ? 'abuse' : base;
    out.push({ category, word, start, end });
  };
  const { matcher, dataset } = englishMatcher(drop);
  const seen = new Set<string>();
  for (const m of matcher.getAllMatches(text, true) as MatchPayload[]) {
    const word = dataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? 'profanity';
    const key = `${m.startIndex}:${word}`;
    if (seen.has(key)) continue; // one dataset word can match through two of its patterns
    seen.add(key);
    push(word, SLURS.has(word) ? 'slur' : SWEARING.has(word) ? 'swearing' : 'sexual', m.startIndex, m.endIndex + 1);
  }
  for (const { category, re } of SPANISH_RES) for (const m of folded.matchAll(re)) push(m[0].replace(/\s+/g, ' '), category, m.index, m.index + m[0].length);
  if (o.deny?.length) for (const m of folded.matchAll(wordRe(o.deny))) push(m[0], 'swearing', m.index, m.index + m[0].length);
  for (const re of ABUSE_PHRASES) {
    const m = re.exec(folded);
    if (m && !out.some((f) => f.category === 'abuse' && f.start <= m.index && m.index < f.end))
      out.push({ category: 'abuse', word: m[0].replace(/\s+/g, ' '), start: m.index, end: m.index + m[0].length });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * For the copy lint (the review issue): the profanity in a line of the bot's copy, any category. The output stage
 * blocks a bot message exactly when this finds something with the same allow-list, so a line the lint passes is
 * never blocked when sent.
 */
export function copyLintProfanity(text: string, locale: string, allow: readonly string[] = [], deny: readonly string[] = []): ProfanityFinding[] {
  return findProfanity(text, { locale, allow, deny });
}
