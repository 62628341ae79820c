// YAML files (parley.yaml, guardrails.yaml) edited in place for the copy deck's edits (apply.ts computes them).
// A module of its own so the studio loads the YAML library when it first writes, not when it opens.
import { isMap, isSeq, parseDocument } from 'yaml';
import type { YamlEdit } from './apply';

/**
 * A YAML file's text with `edits` applied: each path set (created as maps where missing) or removed, a map left
 * empty by a removal removed too. Comments, order and the other values are kept. Throws on a text that does not
 * parse (a broken file is never written over).
 */
export function withYamlEdits(text: string, edits: readonly YamlEdit[], file: string): string {
  if (edits.length === 0) return text;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${file} does not parse: ${doc.errors[0]?.message ?? ''}`);
  for (const { path, value } of edits) {
    if (value === undefined) {
      doc.deleteIn(path);
      // the maps the removal emptied go too (`builtinCopy: {}` is noise)
      for (let n = path.length - 1; n > 0; n--) {
        const parent = doc.getIn(path.slice(0, n), true);
        if (!isMap(parent) || parent.items.length > 0) break;
        if (isSeq(doc.getIn(path.slice(0, n - 1), true))) break; // an item of a list stays
        doc.deleteIn(path.slice(0, n));
      }
    } else doc.setIn(path, doc.createNode(value));
  }
  return doc.toString({ lineWidth: 0 });
}
