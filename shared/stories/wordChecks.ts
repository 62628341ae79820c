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

/** How long a placeholder's value may be when a story's words are matched against a line (a name, an amount, a date). */
const MAX_VALUE = 40;

/**
 * Whether `w` (a tail of the words) is the rest of a saying of `lits`, the literal parts of a line that follow a
 * placeholder: each value at most MAX_VALUE characters, and the words may end inside a value or a literal part.
 * `matched`: characters of the words matched by literal text so far; at least half of all `total` must be.
 */
function restMatches(w: string, lits: readonly string[], matched: number, total: number): boolean {
  let pos = 0;
  let lit = matched;
  for (const m of lits) {
    if (m === '') continue;
    const at = w.indexOf(m, pos);
    if (at >= 0 && at - pos <= MAX_VALUE) {
      lit += m.length;
      pos = at + m.length;
      continue;
    }
    // the words end inside the value before `m`, or inside `m` after that value
    const tail = w.slice(pos);
    for (let j = 0; j <= Math.min(MAX_VALUE, tail.length); j++) {
      const inM = tail.slice(j);
      if (m.startsWith(inM)) return lit + inM.length >= total / 2;
    }
    return false;
  }
  return pos === w.length && lit >= total / 2;
}

/**
 * Whether the words are said by the line `text`, as a story compares them (case-insensitive): as they are, or with
 * its placeholders filled in ("debit card ending 9034 is now blocked" for "{{slots.card_type}} card ending
 * {{slots.card_last4}} is now blocked"). No regular expression is built from the line: plain string search.
 */
function saidBy(words: string, text: string): boolean {
  const w = lower(words);
  const t = lower(text);
  if (t.includes(w)) return true;
  const lits = t.split(/\{\{[\s\S]*?\}\}/);
  for (let i = 0; i < lits.length - 1; i++) {
    const head = lits[i]!;
    // the words start with the end of a literal part (or inside the value after it)
    for (let k = Math.min(head.length, w.length); k >= 0; k--)
      if (head.endsWith(w.slice(0, k)) && restMatches(w.slice(k), lits.slice(i + 1), k, w.length)) return true;
  }
  return false;
}

/** Whether a check's words are said by one of the texts (see saidBy). */
export const checksWords = (c: WordCheck, texts: readonly string[]) => texts.some((t) => saidBy(c.words, t));

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
