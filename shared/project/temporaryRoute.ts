// A temporary route for a new intent found in conversations (Insights): the listen node where customers asked
// about it routes the intent to a message that acknowledges the topic and says the bot cannot help with it here
// yet, then waits for what the customer says next. It is marked as temporary in the node's notes, to be replaced
// by a real answer; until then the customer is at least not told the bot did not understand.
import type { FlowChange } from './changes';
import { uniqueId } from './factory';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';

export interface TemporaryRoute {
  /** The listen node that takes the intent. */
  listen: string;
  intent: string;
  /** What the customers asked about, in a few words ("buying crypto"). */
  topic: string;
  locale: string;
  /** YYYY-MM-DD, for the note. */
  day: string;
}

/** The changes that add the route and its message; throws when the node is not a listen node or already routes the intent. */
export function temporaryRouteChanges(flow: Flow, r: TemporaryRoute): FlowChange[] {
  const listen = flow.nodes.find((n) => n.id === r.listen);
  if (!listen || listen.kind !== 'listen') throw new Error(`${r.listen} is not a listen node of this flow`);
  if (listen.routes?.some((x) => x.intent === r.intent)) throw new Error(`${r.listen} already routes ${r.intent}`);
  const id = uniqueId(`temp_${r.intent}`, new Set(flow.nodes.map((n) => n.id)));
  const at = listen.position ?? { x: 0, y: 0 };
  const message: FlowNode = {
    id,
    kind: 'message',
    title: `Temporary: ${r.intent}`,
    notes: `Temporary route added from Insights on ${r.day}: customers asked about ${r.topic} and the bot did not understand. Replace it with a real answer.`,
    position: { x: at.x + 40, y: at.y + 260 },
    say: {
      [r.locale]: `Sorry, I can't help with ${r.topic} here yet. Is there anything else I can do for you?`,
    },
    next: listen.id,
  };
  const routed: FlowNode = { ...listen, routes: [...(listen.routes ?? []), { intent: r.intent, next: id }] };
  return [
    { type: 'node.add', node: message },
    { type: 'node.update', id: listen.id, node: routed },
  ];
}
