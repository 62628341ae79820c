import { describe, expect, it } from 'vitest';
import { FifoMap } from './fifoMap';

describe('FifoMap', () => {
  it('keeps at most its limit, the first set going first, reads not changing the order', () => {
    const m = new FifoMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.get('a')).toBe(1); // a read does not make a younger
    m.set('c', 3);
    expect([m.get('a'), m.get('b'), m.get('c'), m.size]).toEqual([undefined, 2, 3, 2]);
    // setting a key it holds replaces the value and pushes nothing out
    m.set('b', 20);
    expect([m.get('b'), m.get('c'), m.size]).toEqual([20, 3, 2]);
    m.set('d', 4);
    expect([m.get('b'), m.get('c'), m.get('d')]).toEqual([undefined, 3, 4]);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new FifoMap(0)).toThrow(/positive integer/);
    expect(() => new FifoMap(1.5)).toThrow(/positive integer/);
  });
});
