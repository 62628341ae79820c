// The ask node: skipped when its slot is filled, filled from what the user just said or an earlier message when it
// can, else asks (with its buttons) and waits (the answer is heard in answers.ts and question.ts).
import type { NodeOf } from '../../../schema/nodes';
import type { At } from '../../types';
import { getPath } from '../../vars';
import type { Step } from '../effects';
import { askQuestion } from '../question';
import { extract, fromEarlier, prefillText, useUp, validate } from '../slots';
import type { Turn } from '../turn';

export function execAsk(t: Turn, node: NodeOf<'ask'>, at: At): Step {
  if (node.skipIfFilled !== false) {
    const have = getPath(t.s.vars, node.slot);
    if (have !== undefined && have !== null && have !== '') {
      t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: true, value: have, reason: 'already filled' });
      return t.go(at, node.next, 'next');
    }
    // fill from what the user just said ("I lost my credit card" answers "which card?")
    if (t.utterance && node.type !== 'text') {
      const got = extract(t, node, prefillText(t, node));
      if (got.ok && validate(t, node, got.value, at) === undefined) {
        t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: true, value: got.value, reason: 'from the last message' });
        t.setVar(node.slot, got.value);
        useUp(t, node);
        return t.go(at, node.next, 'next');
      }
    }
    // or from an earlier message ("…for April 12th" before the date question came up)
    const earlier = fromEarlier(t, node, at);
    if (earlier) {
      t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: true, value: earlier.value, reason: 'from an earlier message' });
      t.setVar(node.slot, earlier.value);
      return t.go(at, node.next, 'next');
    }
  }
  askQuestion(t, node, at, { text: node.prompt });
  t.trace.push({ kind: 'node', ...at, nodeKind: 'ask' });
  t.s.wait = { kind: 'ask', ...at, retries: 0 };
  return 'wait';
}
