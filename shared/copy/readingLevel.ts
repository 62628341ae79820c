// Reading level of a line of English copy: the Flesch-Kincaid grade (the US school grade that can read it),
// counted with maintained packages (`flesch-kincaid`, `syllable`, from the retext ecosystem the copy lint builds
// on). English only: the formula's constants are fitted to English, so other languages get no grade.
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';

/** Whether a locale's copy gets a reading level (English: `en`, `en-GB`, …). */
export const gradedLocale = (locale: string): boolean => locale === 'en' || locale.startsWith('en-');

/**
 * The Flesch-Kincaid grade of a text, rounded to one decimal and at least 0; placeholders (`{{amount}}`) count as
 * one short word. Undefined for a text without words.
 */
export function readingGrade(text: string): number | undefined {
  const plain = text.replace(/\{\{[^}]*\}\}/g, 'it');
  const words = plain.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
  if (words.length === 0) return undefined;
  const sentences = Math.max(1, (plain.match(/[.!?]+(?=\s|$)/g) ?? []).length);
  const syllables = words.reduce((n, w) => n + Math.max(1, syllable(w)), 0);
  const grade = fleschKincaid({ sentence: sentences, word: words.length, syllable: syllables });
  return Math.max(0, Math.round(grade * 10) / 10);
}
