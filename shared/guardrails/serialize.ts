// guardrails.yaml as the studio's guardrails panel writes it: keys in a fixed order (the file's, then each rule's),
// so an edit changes the lines it should (the line per rule saying what it does is in describe.ts).
import { stringify } from 'yaml';
import type { GuardrailsFile } from '../schema/guardrails';

const FILE_ORDER = ['allow', 'deny', 'jailbreak', 'rules'] as const;
const RULE_ORDER = [
  'id',
  'description',
  'detector',
  'categories',
  'pattern',
  'direction',
  'action',
  'message',
  'flow',
  'queue',
  'interrupts',
  'enabled',
] as const;

function ordered<T extends object>(value: T, order: readonly string[]): Record<string, unknown> {
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of order) if (v[k] !== undefined) out[k] = v[k];
  for (const k of Object.keys(v)) if (!(k in out) && v[k] !== undefined) out[k] = v[k];
  return out;
}

/** The text of guardrails.yaml for `file`. */
export function serializeGuardrails(file: GuardrailsFile): string {
  const doc = ordered({ ...file, rules: file.rules.map((r) => ordered(r, RULE_ORDER)) }, FILE_ORDER);
  return stringify(doc, { lineWidth: 0 });
}
