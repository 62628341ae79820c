import { describe, expect, it } from 'vitest';
import { overviewLayout } from './FlowOverview';

describe('the overview map', () => {
  it('lays flows out in columns from the start flow, flows no call reaches in a column of their own', () => {
    const calls = new Map([
      ['main', new Set(['balance', 'help'])],
      ['balance', new Set(['human'])],
      ['help', new Set(['main'])],
    ]);
    const at = overviewLayout(['balance', 'help', 'human', 'main', 'orphan'], 'main', calls);
    expect(Object.fromEntries(at)).toEqual({
      balance: { x: 300, y: 0 },
      help: { x: 300, y: 110 },
      human: { x: 600, y: 0 },
      main: { x: 0, y: 0 },
      orphan: { x: 900, y: 0 },
    });
  });
});
