import { describe, expect, it } from 'vitest';
import { deriveOnce, sameItems, type Derived } from './fromNodes';

describe('a value derived from the nodes', () => {
  const nodes = [{ id: 'a' }, { id: 'b' }];
  const ids = (list: readonly { id: string }[]) => list.map((n) => n.id);

  it('is derived again only for new nodes or a new key', () => {
    let calls = 0;
    const derive = (list: readonly { id: string }[]) => (calls++, ids(list));
    const first = deriveOnce(undefined, nodes, 'k', derive, sameItems);
    expect(first.value).toEqual(['a', 'b']);
    expect(deriveOnce(first, nodes, 'k', derive, sameItems)).toBe(first);
    expect(calls).toBe(1);
    deriveOnce(first, nodes, 'other', derive, sameItems);
    deriveOnce(first, [...nodes], 'k', derive, sameItems);
    expect(calls).toBe(3);
  });

  it('keeps the last value when the new one equals it, for the same key only', () => {
    const first: Derived<readonly { id: string }[], string[]> = deriveOnce(undefined, nodes, 'k', ids, sameItems);
    const moved = [{ ...nodes[0]!, x: 1 }, nodes[1]!];
    const again = deriveOnce(first, moved, 'k', ids, sameItems);
    expect(again.value).toBe(first.value);
    expect(again.input).toBe(moved);
    expect(deriveOnce(first, moved, 'k2', ids, sameItems).value).not.toBe(first.value);
    const renamed = deriveOnce(first, [{ id: 'c' }, nodes[1]!], 'k', ids, sameItems);
    expect(renamed.value).toEqual(['c', 'b']);
  });

  it('compares lists item by item', () => {
    expect(sameItems(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameItems(['a', 'b'], ['a'])).toBe(false);
    expect(sameItems(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(sameItems([], [])).toBe(true);
  });
});
