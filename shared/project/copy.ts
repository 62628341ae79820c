// Where a node keeps the copy the bot says, for the checks, the search and the copy deck.
import type { FlowNode } from '../schema/nodes';

/** Calls `fn` for every piece of localized copy on a node, with its path relative to the node. */
export function forEachCopy(node: FlowNode, fn: (path: PropertyKey[], text: Record<string, string | string[]>) => void): void {
  switch (node.kind) {
    case 'message':
      fn(['say'], node.say);
      (node.buttons ?? []).forEach((b, i) => fn(['buttons', i, 'label'], b.label));
      break;
    case 'ask':
      fn(['prompt'], node.prompt);
      if (node.reprompt) fn(['reprompt'], node.reprompt);
      if (node.validation) fn(['validation', 'message'], node.validation.message);
      break;
    case 'handoff':
    case 'end':
      if (node.say) fn(['say'], node.say);
      break;
    default:
      break;
  }
}
