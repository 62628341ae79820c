// Writes one of the engine's lines into parley.yaml's text (`builtinCopy.<key>.<locale>`). Only the `builtinCopy`
// section is written again; the rest of the file stays byte for byte as it was (comments, order, quoting, flow
// style). The text is then saved through `file.write`, which validates it.
import { isMap, isScalar, parseDocument, stringify } from 'yaml';
import type { BuiltinKey } from '../../../shared/schema/builtinCopy';

type Lines = Record<string, Record<string, unknown>>;

/**
 * parley.yaml's text with `builtinCopy.<key>.<locale>` set to `text`, or, with `undefined`, removed (and the
 * key's map, then `builtinCopy`, when nothing is left in them). Throws when the text is not a YAML mapping.
 */
export function withBuiltinLine(yamlText: string, key: BuiltinKey, locale: string, text: string | undefined): string {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0) throw new Error(`parley.yaml does not parse: ${doc.errors[0]?.message ?? ''}`);
  if (!isMap(doc.contents)) throw new Error('parley.yaml is not a mapping');
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'builtinCopy');
  const current = pair?.value && isMap(pair.value) ? (pair.value.toJSON() as Lines) : {};
  if (text === undefined && current[key]?.[locale] === undefined) return yamlText;

  const lines: Lines = { ...current };
  const line = { ...(lines[key] ?? {}) };
  if (text === undefined) delete line[locale];
  else line[locale] = text;
  if (Object.keys(line).length > 0) lines[key] = line;
  else delete lines[key];
  const section = Object.keys(lines).length > 0 ? stringify({ builtinCopy: lines }, { lineWidth: 0 }).trimEnd() : '';

  if (!pair) return `${yamlText}${yamlText.endsWith('\n') || yamlText === '' ? '' : '\n'}${section}\n`;
  const start = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : undefined;
  let end = (pair.value as { range?: [number, number, number] } | null)?.range?.[1];
  if (start === undefined || end === undefined) throw new Error('parley.yaml: cannot find builtinCopy in the text');
  // a block map's range takes in the line break (and blank lines) after it: those stay
  while (end > start && /\s/.test(yamlText.charAt(end - 1))) end--;
  if (section) return `${yamlText.slice(0, start)}${section}${yamlText.slice(end)}`;
  // nothing left: the section's lines go, up to the end of its last line
  const lineEnd = yamlText.indexOf('\n', end);
  return `${yamlText.slice(0, start)}${lineEnd === -1 ? '' : yamlText.slice(lineEnd + 1)}`;
}
