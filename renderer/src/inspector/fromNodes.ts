import { useRef } from 'react';
import type { FlowNode } from '../../../shared/schema/nodes';
import { useStudio } from '../store/studioStore';

const NO_NODES: readonly FlowNode[] = [];

/** The last value derived, from which input and for which key. */
export interface Derived<I, T> {
  input: I;
  key: unknown;
  value: T;
}

/**
 * `derive(input)`, derived again only for a new `input` or a new `key` (what `derive` depends on besides the input):
 * the last value otherwise, and also when the new one is `equal` to it (for the same key), so a component that
 * selects it does not render again.
 */
export function deriveOnce<I, T>(
  last: Derived<I, T> | undefined,
  input: I,
  key: unknown,
  derive: (input: I) => T,
  equal: (a: T, b: T) => boolean,
): Derived<I, T> {
  if (last && last.input === input && Object.is(last.key, key)) return last;
  const next = derive(input);
  const value = last && Object.is(last.key, key) && equal(last.value, next) ? last.value : next;
  return { input, key, value };
}

/**
 * A value derived from the nodes of flow `flowId` (and `key`), selected from the store: derived again when the
 * flow's nodes are new (an edit of that flow), not on every change of the store (a save, the problems, another
 * flow, the selection), which on a flow of thousands of nodes cost a pass over every node each time.
 */
export function useFromNodes<T>(flowId: string, key: unknown, derive: (nodes: readonly FlowNode[]) => T, equal: (a: T, b: T) => boolean = Object.is): T {
  const last = useRef<Derived<readonly FlowNode[], T> | undefined>(undefined);
  return useStudio((s) => {
    last.current = deriveOnce(last.current, s.flows[flowId]?.flow.nodes ?? NO_NODES, key, derive, equal);
    return last.current.value;
  });
}

/** Two lists with the same items in the same order. */
export const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
