// Which of the engine's own lines (shared/schema/builtinCopy.ts) a node can speak, which it may remove, what each
// is for, and the wording a line has in a locale (the project's, else the engine's). Pure, for the sidebar's
// "Bot's own lines" section and the inspector's "Bot's own lines here".
import { NodeBuiltinCopy, type BuiltinKey } from '../../../shared/schema/builtinCopy';
import type { CopyText, LocalizedText } from '../../../shared/schema/common';
import type { FlowNode } from '../../../shared/schema/nodes';
import { defaultLine, hasDefaultLines } from '../../../shared/engine/copy';

/** When the engine says each line, in a writer's words. */
export const LINE_WHEN: Record<BuiltinKey, string> = {
  clarify: 'The bot is unsure which of two intents was meant',
  noneOfThese: 'The quick reply for “neither” after a clarification',
  didNotUnderstand: 'A listen node hears nothing it understands',
  chooseOption: 'The customer typed something that is none of the buttons',
  somethingWrong: 'An LLM node’s model call fails',
  loop: 'The conversation went round in a loop',
  escalating: 'Too many misunderstandings in a row, before handing over',
  noAgents: 'A handoff finds no agent available',
  back: 'A digression returns to a question',
  formAbandon: 'A form asks before it is abandoned',
  formSwitch: 'A form asks before the customer goes to another flow',
  formContinue: 'The customer said no to leaving a form',
  changed: 'A form took a correction (“actually make it 60”)',
  yes: 'The “yes” quick reply',
  no: 'The “no” quick reply',
  closed: 'A handoff out of business hours',
  closedUntil: 'A handoff out of business hours, with the next opening',
  recorded: 'Out of hours, the request was passed on',
  notRecorded: 'Out of hours, the request could not be passed on',
};

/** The lines a node may speak, so may word (or remove) for itself. */
export function nodeLines(node: FlowNode): BuiltinKey[] {
  switch (node.kind) {
    case 'ask':
      return ['back', 'changed'];
    case 'form':
      return ['back', 'changed', 'formContinue', 'formAbandon', 'formSwitch'];
    case 'listen':
      return ['clarify', 'didNotUnderstand', 'escalating'];
    case 'message':
      return node.buttons && node.buttons.length > 0 ? ['chooseOption'] : [];
    case 'llm':
      return ['somethingWrong'];
    case 'handoff':
      return ['noAgents', 'closed', 'closedUntil', 'recorded', 'notRecorded'];
    default:
      return [];
  }
}

/** Whether a node may say nothing instead of the line (not the lines whose quick replies need them); the schema decides. */
export const removable = (key: BuiltinKey): boolean => NodeBuiltinCopy.safeParse({ [key]: false }).success;

/** The first variant of a copy text (a line shown in a list). */
const firstOf = (t: CopyText | undefined): string | undefined => (Array.isArray(t) ? t[0] : (t as string | undefined));

export interface LineWording {
  text: string;
  /** The engine's own wording (the project does not word the line in this locale). */
  isDefault: boolean;
}

/**
 * The wording of a line in a locale, as the engine picks it: the project's `builtinCopy` in that locale, else the
 * engine's in its language when it has one, else the project's line in its default locale, else the engine's.
 */
export function lineWording(
  project: Partial<Record<BuiltinKey, LocalizedText>> | undefined,
  key: BuiltinKey,
  locale: string,
  defaultLocale: string,
): LineWording {
  const own = firstOf(project?.[key]?.[locale]);
  if (own) return { text: own, isDefault: false };
  const fallback = firstOf(project?.[key]?.[defaultLocale]);
  if (!hasDefaultLines(locale) && fallback) return { text: fallback, isDefault: false };
  return { text: defaultLine(key, locale), isDefault: true };
}
