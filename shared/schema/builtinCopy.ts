// The lines the engine says itself (a clarification, "Now, back to where we were.", re-asking, giving up), as
// project copy: parley.yaml's `builtinCopy` replaces a line project-wide, per locale; a node's `builtinCopy`
// replaces it (or, with `false`, removes it) where that node is the one speaking. The defaults are in
// shared/engine/copy.ts. A line's copy id is `builtin/<key>` (a node's own: `flow/node.builtinCopy.<key>`).
import { z } from 'zod';
import { LocalizedText } from './common';

export const BUILTIN_KEYS = [
  'clarify',
  'noneOfThese',
  'didNotUnderstand',
  'chooseOption',
  'somethingWrong',
  'loop',
  'escalating',
  'noAgents',
  'back',
  'formAbandon',
  'formSwitch',
  'formContinue',
  'changed',
  'yes',
  'no',
  'closed',
  'closedUntil',
  'recorded',
  'notRecorded',
] as const;
export type BuiltinKey = (typeof BUILTIN_KEYS)[number];

/** The placeholders each line may use (`{{first}}`), besides the conversation's variables. */
export const BUILTIN_PLACEHOLDERS: Partial<Record<BuiltinKey, readonly string[]>> = {
  clarify: ['first', 'second'],
  formAbandon: ['form'],
  formSwitch: ['form', 'to'],
  closedUntil: ['opensAt'],
};

/** Lines that carry quick replies (or are one): a node cannot remove them. */
const KEPT: ReadonlySet<BuiltinKey> = new Set(['clarify', 'noneOfThese', 'chooseOption', 'formAbandon', 'formSwitch', 'yes', 'no']);

const key = z.enum(BUILTIN_KEYS, { error: () => `unknown built-in line; the lines are ${BUILTIN_KEYS.join(', ')}` });

/** parley.yaml's `builtinCopy`: a line per key, in the project's locales. */
export const ProjectBuiltinCopy = z.partialRecord(key, LocalizedText);

/** A node's `builtinCopy`: its own version of a line, or `false` to say nothing there. */
export const NodeBuiltinCopy = z.partialRecord(key, z.union([LocalizedText, z.literal(false)])).superRefine((v, ctx) => {
  for (const [k, line] of Object.entries(v))
    if (line === false && KEPT.has(k as BuiltinKey))
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message: `"${k}" cannot be removed: the quick replies it offers need it (give the node its own wording instead)`,
      });
});
