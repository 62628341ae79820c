// Built-in yes_no entity: yes / no / unsure words and single letters (y, n, s), and whether the text opens with one.

import type { ExtractedEntity } from '../../engine/ports';
import { fold, phraseRegex } from './fold';

// yes / no, English and Spanish (accents folded away: "sí" is "si")
const YES = [
  'yes',
  'yeah',
  'yea',
  'yep',
  'yup',
  'ya',
  'sure',
  'ok',
  'okay',
  'okey',
  'correct',
  'right',
  'thats right',
  'that is right',
  'absolutely',
  'definitely',
  'certainly',
  'affirmative',
  'of course',
  'please do',
  'go ahead',
  'do it',
  'sounds good',
  'why not',
  'no problem',
  'i do',
  'it is',
  'indeed',
  'yes please',
  'si',
  'claro',
  'vale',
  'de acuerdo',
  'por supuesto',
  'correcto',
  'exacto',
  'asi es',
  'dale',
  'afirmativo',
  'efectivamente',
  'desde luego',
  'sin problema',
];
const NO = [
  'no',
  'nope',
  'nah',
  'no thanks',
  'no thank you',
  'negative',
  'not really',
  'never',
  'dont',
  "don't",
  'do not',
  'i dont',
  "i don't",
  'not now',
  'of course not',
  'absolutely not',
  'definitely not',
  'certainly not',
  'no way',
  'no gracias',
  'para nada',
  'de ninguna manera',
  'nunca',
  'tampoco',
  'negativo',
  'claro que no',
  'en absoluto',
];
const UNSURE = ['not sure', 'no se', 'maybe', 'quizas', 'tal vez', 'i dont know', "i don't know", 'no lo se'];
const YES_NO_LETTERS: Record<string, boolean> = { y: true, n: false, k: true, s: true };
const YES_NO_WORDS = new Map<string, boolean | null>([
  ...NO.map((w) => [w, false] as const),
  ...YES.map((w) => [w, true] as const),
  ...UNSURE.map((w) => [w, null] as const),
]);
const YES_NO_RE = phraseRegex(YES_NO_WORDS.keys())!;

export function findYesNo(text: string): (ExtractedEntity & { value: boolean | null })[] {
  const folded = fold(text);
  const bare = folded.text.replace(/[^\p{L}\p{N}]+/gu, '');
  if (bare in YES_NO_LETTERS && bare.length === 1) {
    const i = folded.text.indexOf(bare);
    return [
      { entity: 'yes_no', value: YES_NO_LETTERS[bare]!, text: text.slice(folded.starts[i]!, folded.ends[i]!), start: folded.starts[i]!, end: folded.ends[i]! },
    ];
  }
  const out: (ExtractedEntity & { value: boolean | null })[] = [];
  YES_NO_RE.lastIndex = 0;
  for (const m of folded.text.matchAll(YES_NO_RE)) {
    const value = YES_NO_WORDS.get(m[0].replace(/\s+/g, ' '));
    if (value === undefined) continue;
    const start = folded.starts[m.index]!;
    const end = folded.ends[m.index + m[0].length - 1]!;
    out.push({ entity: 'yes_no', value, text: text.slice(start, end), start, end });
  }
  return out;
}

/** Whether `text` before `start` is only punctuation, spaces and fillers ("well", "um", "pues"). */
export function atStart(text: string, start: number): boolean {
  return /^[\s\p{P}]*(?:(?:well|um+|uh+|oh|hmm+|pues|bueno|eh)[\s\p{P}]+)*$/iu.test(text.slice(0, start));
}
