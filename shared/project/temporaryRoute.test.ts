import { describe, expect, it } from 'vitest';
import { applyChanges } from './changes';
import { temporaryRouteChanges } from './temporaryRoute';
import type { Flow } from '../schema/project';

const flow: Flow = {
  name: 'Main',
  nodes: [
    { id: 'start', kind: 'start', position: { x: 0, y: 0 }, next: 'listen' },
    { id: 'listen', kind: 'listen', position: { x: 300, y: 0 }, routes: [{ intent: 'greet', next: 'start' }] },
    { id: 'temp_buy_bitcoin', kind: 'message', position: { x: 600, y: 0 }, say: { en: 'taken id' } },
  ],
};

describe('a temporary route for a new intent', () => {
  it('routes the intent to a message that names the topic, marked temporary, and waits again', () => {
    const next = applyChanges(
      flow,
      temporaryRouteChanges(flow, { listen: 'listen', intent: 'buy_bitcoin', topic: 'buying crypto', locale: 'en', day: '2026-12-07' }),
    );
    const listen = next.nodes.find((n) => n.id === 'listen');
    expect(listen?.kind === 'listen' && listen.routes).toEqual([
      { intent: 'greet', next: 'start' },
      { intent: 'buy_bitcoin', next: 'temp_buy_bitcoin_2' },
    ]);
    const message = next.nodes.find((n) => n.id === 'temp_buy_bitcoin_2');
    expect(message).toMatchObject({ kind: 'message', next: 'listen', title: 'Temporary: buy_bitcoin' });
    expect(message?.kind === 'message' && message.say?.en).toMatch(/^Sorry, I can't help with buying crypto here yet\./);
    expect(message?.notes).toMatch(/Temporary route added from Insights on 2026-12-07/);
  });

  it('refuses a node that is not a listen node, or an intent already routed there', () => {
    expect(() => temporaryRouteChanges(flow, { listen: 'start', intent: 'x', topic: 'x', locale: 'en', day: '2026-12-07' })).toThrow(/not a listen node/);
    expect(() => temporaryRouteChanges(flow, { listen: 'listen', intent: 'greet', topic: 'x', locale: 'en', day: '2026-12-07' })).toThrow(
      /already routes greet/,
    );
  });
});
