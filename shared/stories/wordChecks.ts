// Stories that check a line of copy by its words (`says: - contains: "block your card"`): a writer who rewords the
// line breaks them. The inspector lists them under the line (the checks whose words are in the line's text as the
// node was when it was opened), says which ones the new text no longer contains, and rewrites a check to name the
// line by its stable copy id instead (`copy: c_…`), in place in the story's text, so the rest of the file
// (comments, layout, quoting) is kept byte for byte.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Pair } from 'yaml';

/** One `contains` check of a story: where it is, and its words. */
export interface WordCheck {
  file: string;
  /** The turn's index and the check's index in its `says`. */
  turn: number;
  index: number;
  words: string;
}

const items = (n: unknown): unknown[] => (isSeq(n) ? n.items : []);
const get = (n: unknown, key: string): unknown => (isMap(n) ? n.get(key, true) : undefined);

/** The `contains` pair of a story's check, if it has one with plain words (no `{{ }}`, which the story expands). */
function containsPair(check: unknown): Pair | undefined {
  if (!isMap(check)) return undefined;
  const pair = check.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'contains');
  return pair && isScalar(pair.value) && typeof pair.value.value === 'string' && !pair.value.value.includes('{{') ? pair : undefined;
}

const byText = new Map<string, WordCheck[]>();

/** The word checks of one story file (none for a file that does not parse). Remembered per text. */
export function wordChecksOf(file: string, text: string): WordCheck[] {
  const key = `${file}\n${text}`;
  let out = byText.get(key);
  if (!out) {
    out = [];
    const doc = parseDocument(text, { uniqueKeys: false });
    if (!doc.errors.length)
      items(get(doc.contents, 'turns')).forEach((t, turn) => {
        items(get(get(t, 'expect'), 'says')).forEach((c, index) => {
          const pair = containsPair(c);
          if (pair) out!.push({ file, turn, index, words: String((pair.value as { value: string }).value) });
        });
      });
    if (byText.size > 500) byText.clear();
    byText.set(key, out);
  }
  return out;
}

const lower = (s: string) => s.toLocaleLowerCase();

/** Whether a check's words are in one of the texts, as a story compares them (case-insensitive). */
export const checksWords = (c: WordCheck, texts: readonly string[]) => texts.some((t) => lower(t).includes(lower(c.words)));

/**
 * The story text with check `index` of turn `turn` naming line `copyId` instead of its words, or undefined when the
 * text has no such word check (changed meanwhile).
 */
export function checkByCopyId(text: string, turn: number, index: number, copyId: string): string | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length) return undefined;
  const says = get(get(items(get(doc.contents, 'turns'))[turn], 'expect'), 'says');
  const pair = containsPair(items(says)[index]);
  const [start] = (pair?.key as { range?: [number, number, number] } | undefined)?.range ?? [];
  const end = (pair?.value as { range?: [number, number, number] } | undefined)?.range?.[1];
  if (start === undefined || end === undefined) return undefined;
  return `${text.slice(0, start)}copy: ${copyId}${text.slice(end)}`;
}
