import { describe, expect, it } from 'vitest';
import { applyChanges } from './changes';
import { withProjectCopyIds } from './copyIds';
import { markReviewed, withFlowStaleTranslations } from './staleTranslations';
import { nodeTranslationChecks, translationContext } from './validateTranslations';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';

type Message = Extract<FlowNode, { kind: 'message' }>;
const start = withProjectCopyIds({
  main: {
    name: 'Main',
    nodes: [
      {
        id: 'greet',
        kind: 'message',
        say: { en: 'Hi, I am Ace.', es: 'Hola, soy Ace.' },
        buttons: [{ id: 'yes', label: { en: 'Yes', es: 'Sí' } }],
      } as FlowNode,
    ],
  },
}).main!;
const ids = start.nodes[0]!.copyIds!;

/** The studio's edit of greet: `fn` of the node, as editFlow applies it. */
function edit(flow: Flow, fn: (n: Message) => Message): Flow {
  const node = flow.nodes[0] as Message;
  return withFlowStaleTranslations(flow, applyChanges(flow, [{ type: 'node.update', id: 'greet', node: fn(node) }]), 'en');
}
const greet = (f: Flow) => f.nodes[0] as Message;

describe('stale translations', () => {
  it('a change of the default text makes the other locales stale, recording the text they were written for (the first one)', () => {
    const once = edit(start, (n) => ({ ...n, say: { ...n.say, en: 'Hi, I am Ace, your assistant.' } }));
    expect(greet(once).staleTranslations).toEqual({ [ids.say!]: { es: 'Hi, I am Ace.' } });
    const twice = edit(once, (n) => ({ ...n, say: { ...n.say, en: 'Hello, I am Ace.' } }));
    expect(greet(twice).staleTranslations).toEqual({ [ids.say!]: { es: 'Hi, I am Ace.' } });
    // the button's label was not touched: not stale
    expect(greet(twice).staleTranslations![ids['buttons.yes.label']!]).toBeUndefined();
    // the validator says so, at the translation's field
    const found = nodeTranslationChecks(greet(twice), translationContext({ defaultLocale: 'en', locales: ['en', 'es'] }));
    expect(found.map((c) => `${c.path.join('.')}: ${c.message}`)).toEqual([
      'say.es: the Spanish (es) text was written for an earlier English (en) text ("Hi, I am Ace."): review it, then mark it reviewed',
    ]);
  });

  it('ends when the translation is edited, marked reviewed, or the default text goes back', () => {
    const stale = edit(start, (n) => ({ ...n, say: { ...n.say, en: 'Hello there.' } }));
    expect(greet(edit(stale, (n) => ({ ...n, say: { ...n.say, es: 'Hola.' } }))).staleTranslations).toBeUndefined();
    expect(markReviewed(greet(stale), ids.say!, 'es').staleTranslations).toBeUndefined();
    expect(greet(edit(stale, (n) => ({ ...n, say: { ...n.say, en: 'Hi, I am Ace.' } }))).staleTranslations).toBeUndefined();
    // nothing to review where there is no translation, nor for a line the node no longer has
    const noEs = edit(start, (n) => ({ ...n, buttons: [{ id: 'yes', label: { en: 'Sure' } }] }));
    expect(greet(noEs).staleTranslations).toBeUndefined();
    const gone = edit(
      edit(start, (n) => ({ ...n, buttons: [{ id: 'yes', label: { en: 'Sure', es: 'Sí' } }] })),
      (n) => ({ ...n, buttons: [] }),
    );
    expect(greet(gone).staleTranslations).toBeUndefined();
  });

  it('an edit of other fields, or of another node, leaves them as they are (the same objects)', () => {
    const stale = edit(start, (n) => ({ ...n, say: { ...n.say, en: 'Hello there.' } }));
    const moved = withFlowStaleTranslations(stale, applyChanges(stale, [{ type: 'node.move', id: 'greet', position: { x: 5, y: 5 } }]), 'en');
    expect(greet(moved).staleTranslations).toBe(greet(stale).staleTranslations);
    const titled = edit(stale, (n) => ({ ...n, title: 'Greeting' }));
    expect(greet(titled).staleTranslations).toEqual(greet(stale).staleTranslations);
  });
});
