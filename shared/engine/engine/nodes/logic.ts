// Nodes that compute: condition (the first branch whose expression holds) and set (assign variables).
import type { NodeOf } from '../../../schema/nodes';
import type { At } from '../../types';
import type { Step } from '../effects';
import type { Turn } from '../turn';

export function execCondition(t: Turn, node: NodeOf<'condition'>, at: At): Step {
  for (const b of node.branches) {
    let ok = false;
    try {
      ok = Boolean(t.engine.lang.evaluate(b.when, t.scope()));
    } catch (e) {
      t.problem(`branches.${b.id}.when: ${e instanceof Error ? e.message : String(e)} (treated as false)`, at);
    }
    if (ok) return t.go(at, b.next, `branch:${b.id}`);
  }
  return t.go(at, node.else, 'else');
}

export function execSet(t: Turn, node: NodeOf<'set'>, at: At): Step {
  for (const a of node.assign) {
    try {
      t.setVar(a.var, t.engine.lang.evaluate(a.value, t.scope()));
    } catch (e) {
      t.problem(`assign ${a.var}: ${e instanceof Error ? e.message : String(e)} (not set)`, at);
    }
  }
  return t.go(at, node.next, 'next');
}
