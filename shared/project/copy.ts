// Where a node keeps the copy the bot says, for the checks, the search and the copy deck.
import { questionsOf, validationRules, type FlowNode } from '../schema/nodes';

/** Calls `fn` for every piece of localized copy on a node, with its path relative to the node. */
export function forEachCopy(node: FlowNode, fn: (path: PropertyKey[], text: Record<string, string | string[]>) => void): void {
  // the engine's own lines in this node's words (shared/schema/builtinCopy.ts)
  for (const [key, line] of Object.entries(node.builtinCopy ?? {})) if (line) fn(['builtinCopy', key], line);
  switch (node.kind) {
    case 'message':
      fn(['say'], node.say);
      (node.variants ?? []).forEach((v, i) => v.say && fn(['variants', i, 'say'], v.say));
      (node.buttons ?? []).forEach((b, i) => fn(['buttons', i, 'label'], b.label));
      break;
    case 'ask':
    case 'form':
      for (const { path, q } of questionsOf(node)) {
        fn([...path, 'prompt'], q.prompt);
        if (q.reprompt) fn([...path, 'reprompt'], q.reprompt);
        const many = Array.isArray(q.validation);
        validationRules(q.validation).forEach((v, i) => fn([...path, 'validation', ...(many ? [i] : []), 'message'], v.message));
        (q.buttons ?? []).forEach((b, i) => fn([...path, 'buttons', i, 'label'], b.label));
      }
      break;
    case 'handoff':
      if (node.say) fn(['say'], node.say);
      if (node.outOfHoursSay) fn(['outOfHoursSay'], node.outOfHoursSay);
      break;
    case 'end':
      if (node.say) fn(['say'], node.say);
      break;
    default:
      break;
  }
}

/**
 * The copy id of a piece of copy `forEachCopy` gives (its `path`), as engine outputs carry it: `flow/node` for the
 * main copy, `flow/node@variant` for an A/B variant's copy, `flow/node.buttons.<id>.label` for a button's label,
 * `flow/node.<field>` for other fields (`reprompt`, `validation.message`). Lists are named by ids, not positions.
 */
export function copyIdOf(flowId: string, node: FlowNode, path: readonly PropertyKey[]): string {
  const base = `${flowId}/${node.id}`;
  const [field, index] = path;
  if (field === 'say' || field === 'prompt') return base;
  if (field === 'variants' && node.kind === 'message') return `${base}@${node.variants?.[index as number]?.id ?? String(index)}`;
  return `${base}.${copyKeyOf(node, path)}`;
}

/**
 * Where a line of copy sits in its node (its copy key, as the node's `copyIds` name it): the path forEachCopy
 * gives, with list items named by their ids, not positions: buttons (of a message, a question, a form's field), a
 * form's fields and a message's variants.
 */
export function copyKeyOf(node: FlowNode, path: readonly PropertyKey[]): string {
  const named: string[] = [];
  let at: unknown = node;
  path.forEach((p, i) => {
    const prev = path[i - 1];
    const item = (at as Record<PropertyKey, unknown> | undefined)?.[p];
    const id =
      typeof p === 'number' && (prev === 'buttons' || prev === 'fields' || prev === 'variants') ? (item as { id?: unknown } | undefined)?.id : undefined;
    named.push(typeof id === 'string' ? id : String(p));
    at = item;
  });
  return named.join('.');
}
