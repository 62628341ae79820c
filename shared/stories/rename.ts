// A node renamed in the studio is renamed in the stories that name it: `path`, `visits`, `avoids`, `waits_at`,
// copy ids (`flow/node` and `flow/node.<field>`) and LLM fixtures' `node`. Only those scalars are rewritten, in
// place in the text, so the rest of the file (comments, layout, quoting) is kept byte for byte.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

/**
 * Returns the story text with every reference to `flow/oldId` changed to `flow/newId`, and how many there were
 * (0: the text is returned unchanged). A file that does not parse is left alone (its problems are reported
 * elsewhere).
 */
export function renameNodeInStory(text: string, flow: string, oldId: string, newId: string): { text: string; count: number } {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length) return { text, count: 0 };
  const from = `${flow}/${oldId}`;
  const edits: { start: number; end: number }[] = [];
  const address = (n: unknown, copy: boolean) => {
    if (!isScalar(n) || typeof n.value !== 'string' || !n.range) return;
    const v = n.value;
    if (v === from || (copy && v.startsWith(`${from}.`))) edits.push({ start: n.range[0], end: n.range[1] });
  };
  const get = (n: unknown, key: string): unknown => (isMap(n) ? n.get(key, true) : undefined);
  const items = (n: unknown): unknown[] => (isSeq(n) ? n.items : []);
  for (const f of items(get(get(doc.contents, 'fixtures'), 'llm'))) address(get(f, 'node'), false);
  for (const t of items(get(doc.contents, 'turns'))) {
    const e = get(t, 'expect');
    for (const a of items(get(e, 'path'))) address(a, false);
    for (const a of items(get(e, 'avoids'))) address(a, false);
    address(get(e, 'visits'), false);
    address(get(e, 'waits_at'), false);
    for (const c of items(get(e, 'says'))) address(get(c, 'copy'), true);
  }
  if (!edits.length) return { text, count: 0 };
  let out = text;
  // Ids are plain words, so the value appears verbatim in its source (plain or quoted): replace it there.
  for (const e of edits.sort((a, b) => b.start - a.start)) {
    const src = out.slice(e.start, e.end);
    out = out.slice(0, e.start) + src.replace(from, `${flow}/${newId}`) + out.slice(e.end);
  }
  return { text: out, count: edits.length };
}
