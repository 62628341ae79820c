// The schema check a flow passes before it is saved, for flows of thousands of nodes: a save follows every edit, and
// the whole flow's check cost 92 ms at 10,000 nodes. An edit replaces only the objects it changes (the nodes are
// immutable), so a node object found valid once stays valid: each save checks the flow without its nodes and the
// node objects not seen before. Nodes that came from main (read and checked by its loader) count as seen. When
// anything fails, the whole flow is checked as before, so the message names the same first problem.
import { z } from 'zod';
import { FlowNode } from '../../../shared/schema/nodes';
import { Flow as FlowSchema, type Flow } from '../../../shared/schema/project';

const FlowShell = FlowSchema.extend({ nodes: z.array(z.unknown()) });
const validNodes = new WeakSet<object>();

/** Nodes main sent (its loader checked them): they need no check before a save. */
export function checkedByMain(flow: Flow): void {
  for (const n of flow.nodes) validNodes.add(n);
}

/** The same answer as `Flow.safeParse(flow)`, checking only the node objects not known to be valid. */
export function checkFlow(flow: Flow): { success: true } | { success: false; error: z.ZodError } {
  if (FlowShell.safeParse(flow).success) {
    let ok = true;
    for (const n of flow.nodes) {
      if (validNodes.has(n)) continue;
      if (typeof n === 'object' && n !== null && FlowNode.safeParse(n).success) validNodes.add(n);
      else {
        ok = false;
        break;
      }
    }
    if (ok) return { success: true };
  }
  const full = FlowSchema.safeParse(flow);
  return full.success ? { success: true } : { success: false, error: full.error };
}
