// Text helpers every importer uses: another platform's names to Parley ids, and bot copy to a regular expression
// (RE2) that a story checks the bot's line with.

/** A Parley id (`^[a-z][a-z0-9_]{0,63}$`) for a name; `taken` keeps the ids given so far unique. */
export function toId(name: string, taken?: Set<string>, prefix = 'x'): string {
  let id = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(id)) id = `${prefix}_${id}`.replace(/_+$/, '');
  id = id.slice(0, 64);
  if (!taken) return id;
  let out = id;
  for (let n = 2; taken.has(out); n++) out = `${id.slice(0, 60)}_${n}`;
  taken.add(out);
  return out;
}

const escapeRe = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);

/**
 * A regular expression (RE2) that matches any of the texts as the engine says them: the literal text, with
 * anything where a placeholder (matched by `placeholder`, Rasa's `{slot}` by default) stands, whitespace runs loose.
 */
export function responsePattern(texts: string[], placeholder: RegExp = /\{[A-Za-z_][A-Za-z0-9_-]*\}/): string {
  const alts = texts.map((t) =>
    t
      .trim()
      .split(placeholder)
      .map((part) => part.split(/\s+/).filter(Boolean).map(escapeRe).join('\\s+'))
      .join('.*'),
  );
  return `(?s)(?:${alts.map((a) => a || '.*').join('|')})`;
}
