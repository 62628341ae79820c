// Numbers in text: digits ("1,250.50", "10,50", "1.500" in Spanish) and number words in English ("twenty five",
// "one hundred and five", "a thousand") and Spanish ("veinticinco", "treinta y dos", "mil doscientos").

import { normalizeText } from './text';

export interface NumberMatch {
  value: number;
  start: number;
  end: number;
  /** Written with digits, or with words. */
  kind: 'digits' | 'words';
  /** The value of each single-digit word in a spoken digit sequence ("four eight two one"), else undefined. */
  digits?: string;
}

type WordKind = 'unit' | 'teen' | 'tens' | 'hundreds' | 'hundred' | 'scale';
interface NumberWord {
  value: number;
  kind: WordKind;
}

function table(entries: Record<string, [number, WordKind]>): Map<string, NumberWord> {
  return new Map(Object.entries(entries).map(([w, [value, kind]]) => [w, { value, kind }]));
}

const EN = table({
  zero: [0, 'unit'],
  one: [1, 'unit'],
  two: [2, 'unit'],
  three: [3, 'unit'],
  four: [4, 'unit'],
  five: [5, 'unit'],
  six: [6, 'unit'],
  seven: [7, 'unit'],
  eight: [8, 'unit'],
  nine: [9, 'unit'],
  ten: [10, 'teen'],
  eleven: [11, 'teen'],
  twelve: [12, 'teen'],
  thirteen: [13, 'teen'],
  fourteen: [14, 'teen'],
  fifteen: [15, 'teen'],
  sixteen: [16, 'teen'],
  seventeen: [17, 'teen'],
  eighteen: [18, 'teen'],
  nineteen: [19, 'teen'],
  twenty: [20, 'tens'],
  thirty: [30, 'tens'],
  forty: [40, 'tens'],
  fourty: [40, 'tens'],
  fifty: [50, 'tens'],
  sixty: [60, 'tens'],
  seventy: [70, 'tens'],
  eighty: [80, 'tens'],
  ninety: [90, 'tens'],
  hundred: [100, 'hundred'],
  thousand: [1000, 'scale'],
  million: [1_000_000, 'scale'],
  billion: [1_000_000_000, 'scale'],
});

const ES_BASE: Record<string, [number, WordKind]> = {
  cero: [0, 'unit'],
  uno: [1, 'unit'],
  un: [1, 'unit'],
  una: [1, 'unit'],
  dos: [2, 'unit'],
  tres: [3, 'unit'],
  cuatro: [4, 'unit'],
  cinco: [5, 'unit'],
  seis: [6, 'unit'],
  siete: [7, 'unit'],
  ocho: [8, 'unit'],
  nueve: [9, 'unit'],
  diez: [10, 'teen'],
  once: [11, 'teen'],
  doce: [12, 'teen'],
  trece: [13, 'teen'],
  catorce: [14, 'teen'],
  quince: [15, 'teen'],
  dieciseis: [16, 'teen'],
  diecisiete: [17, 'teen'],
  dieciocho: [18, 'teen'],
  diecinueve: [19, 'teen'],
  veinte: [20, 'tens'],
  treinta: [30, 'tens'],
  cuarenta: [40, 'tens'],
  cincuenta: [50, 'tens'],
  sesenta: [60, 'tens'],
  setenta: [70, 'tens'],
  ochenta: [80, 'tens'],
  noventa: [90, 'tens'],
  cien: [100, 'hundreds'],
  ciento: [100, 'hundreds'],
  doscientos: [200, 'hundreds'],
  doscientas: [200, 'hundreds'],
  trescientos: [300, 'hundreds'],
  trescientas: [300, 'hundreds'],
  cuatrocientos: [400, 'hundreds'],
  cuatrocientas: [400, 'hundreds'],
  quinientos: [500, 'hundreds'],
  quinientas: [500, 'hundreds'],
  seiscientos: [600, 'hundreds'],
  seiscientas: [600, 'hundreds'],
  setecientos: [700, 'hundreds'],
  setecientas: [700, 'hundreds'],
  ochocientos: [800, 'hundreds'],
  ochocientas: [800, 'hundreds'],
  novecientos: [900, 'hundreds'],
  novecientas: [900, 'hundreds'],
  mil: [1000, 'scale'],
  millon: [1_000_000, 'scale'],
  millones: [1_000_000, 'scale'],
};
// veintiuno ... veintinueve
const ES_UNITS = ['', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'];
for (let u = 1; u <= 9; u++) ES_BASE[`veinti${ES_UNITS[u]}`] = [20 + u, 'teen'];
ES_BASE.veintiun = [21, 'teen'];
const ES = table(ES_BASE);

function language(locale: string | undefined): 'en' | 'es' {
  return locale?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

/** Parses a run of digits with separators ("1,250.50", "10,50", "1.500,25"). NaN when it is not a number. */
export function parseDigits(s: string, locale?: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return Number(s.replace(/,/g, ''));
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(s) && (language(locale) === 'es' || s.includes(','))) {
    return Number(s.replace(/\./g, '').replace(',', '.'));
  }
  if (/^\d+\.\d+$/.test(s)) return Number(s);
  if (/^\d+,\d{1,2}$/.test(s)) return Number(s.replace(',', '.'));
  return NaN;
}

const DIGITS = /(?<![\p{L}\p{N}])\d(?:[\d.,]*\d)?(?![\p{N}])/gu;

/** Numbers written with digits. */
export function findDigitNumbers(text: string, locale?: string): NumberMatch[] {
  const out: NumberMatch[] = [];
  for (const m of text.matchAll(DIGITS)) {
    const value = parseDigits(m[0], locale);
    if (Number.isFinite(value)) out.push({ value, start: m.index, end: m.index + m[0].length, kind: 'digits' });
  }
  return out;
}

interface Token {
  word: string;
  start: number;
  end: number;
}

/** Words of the text with their positions in the original string (accents and case folded for matching). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) {
    out.push({ word: normalizeText(m[0]), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Numbers written with words ("twenty-five", "a hundred and five", "veinticinco"). */
export function findWordNumbers(text: string, locale?: string): NumberMatch[] {
  const lang = language(locale);
  const words = lang === 'es' ? ES : EN;
  const connector = lang === 'es' ? 'y' : 'and';
  const tokens = tokenize(text);
  const out: NumberMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const first = words.get(tokens[i]!.word);
    const article = lang === 'en' && tokens[i]!.word === 'a' && ['hundred', 'thousand', 'million'].includes(tokens[i + 1]?.word ?? '');
    if (!first && !article) {
      i++;
      continue;
    }
    let total = 0;
    let current = 0;
    let last: WordKind | 'start' = 'start';
    let end = i;
    let digits = '';
    let allDigits = true;
    let j = i;
    if (article) {
      current = 1;
      last = 'unit';
      allDigits = false;
      j = i + 1;
    }
    for (; j < tokens.length; j++) {
      const w = words.get(tokens[j]!.word);
      if (!w && tokens[j]!.word === connector && j + 1 < tokens.length && words.get(tokens[j + 1]!.word) && last !== 'start') {
        const next = words.get(tokens[j + 1]!.word)!;
        // "one hundred and five", "treinta y dos": a connector only joins a smaller number to a larger one
        if ((lang === 'en' && (last === 'hundred' || last === 'scale')) || (lang === 'es' && last === 'tens' && next.kind === 'unit')) continue;
        break;
      }
      if (!w) break;
      // single-digit words after single-digit words are a spoken digit sequence ("four eight two one")
      if (w.kind === 'unit' && last === 'unit' && allDigits) {
        digits += String(w.value);
        end = j;
        continue;
      }
      const fits =
        last === 'start' ||
        (last === 'tens' && w.kind === 'unit' && (lang === 'en' || tokens[j - 1]!.word === connector)) ||
        ((last === 'hundred' || last === 'hundreds') && w.kind !== 'hundred' && w.kind !== 'hundreds') ||
        (last === 'scale' && w.kind !== 'scale') ||
        (w.kind === 'hundred' && (last === 'unit' || last === 'teen' || last === 'tens') && current > 0 && current < 100) ||
        w.kind === 'scale';
      if (!fits) break;
      if (w.kind === 'hundred') current = (current || 1) * 100;
      else if (w.kind === 'scale') {
        total += (current || 1) * w.value;
        current = 0;
      } else current += w.value;
      if (w.kind !== 'unit') allDigits = false;
      else if (last === 'start') digits = String(w.value);
      last = w.kind;
      end = j;
    }
    if (end < i || (article && end === i)) {
      i++;
      continue;
    }
    const isDigitSequence = allDigits && digits.length > 1;
    const value = isDigitSequence ? Number(digits) : total + current;
    out.push({
      value,
      start: tokens[i]!.start,
      end: tokens[end]!.end,
      kind: 'words',
      ...(isDigitSequence ? { digits } : {}),
    });
    i = end + 1;
  }
  return out;
}

/** All numbers in the text, digits and words, in order of position. */
export function findNumbers(text: string, locale?: string): NumberMatch[] {
  return [...findDigitNumbers(text, locale), ...findWordNumbers(text, locale)].sort((a, b) => a.start - b.start);
}
