import { describe, expect, it } from 'vitest';
import { promoteVariant } from './abWinner';
import type { FlowNode } from '../schema/nodes';

const greet: FlowNode = {
  id: 'greet',
  kind: 'message',
  say: { en: 'Hello! How can I help you today?', es: '¡Hola!' },
  variants: [{ id: 'control' }, { id: 'short', weight: 2, say: { en: 'Hi! What can I do for you?' } }],
  next: 'menu',
};

describe('making the winner the only variant', () => {
  it("gives a message node the winner's copy and ends the experiment", () => {
    expect(promoteVariant(greet, 'short')).toEqual({ id: 'greet', kind: 'message', say: { en: 'Hi! What can I do for you?' }, next: 'menu' });
  });
  it('keeps the node as it is when the control wins', () => {
    expect(promoteVariant(greet, 'control')).toEqual({ id: 'greet', kind: 'message', say: greet.kind === 'message' ? greet.say : {}, next: 'menu' });
  });
  it("gives an llm node the winner's settings", () => {
    const answer: FlowNode = {
      id: 'answer',
      kind: 'llm',
      prompt: '{{input}}',
      system: 'Short.',
      variants: [{ id: 'control' }, { id: 'warm', system: 'Warmly.', temperature: 0.7 }],
    };
    expect(promoteVariant(answer, 'warm')).toEqual({ id: 'answer', kind: 'llm', prompt: '{{input}}', system: 'Warmly.', temperature: 0.7 });
  });
  it('refuses an unknown variant or a node without variants', () => {
    expect(() => promoteVariant(greet, 'long')).toThrow(/no variant long/);
    expect(() => promoteVariant({ id: 'l', kind: 'listen' } as FlowNode, 'x')).toThrow(/listen node/);
  });
});
