// An answer's text cut at its citation markers: `[1]`, `[2, 3]`, `[1][3]` (the engine's syntax,
// shared/engine/engine/nodes/grounded.ts). A marker is a citation only when every number in it is one of the
// answer's citations; anything else (`[see below]`, `[9]` with two sources) stays text.

const MARKER = /\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g;

export type CitedPart = string | { ns: number[]; raw: string };

export function citationParts(text: string, known: ReadonlySet<number>): CitedPart[] {
  const parts: CitedPart[] = [];
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    const ns = (m[1] as string).split(',').map((n) => Number(n.trim()));
    if (!ns.every((n) => known.has(n))) continue;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ ns, raw: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
