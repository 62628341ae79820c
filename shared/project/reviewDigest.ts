// The digest an approval holds: the flow's canonical YAML without where the nodes sit on the canvas (moving a card
// is no change a reviewer approved or not) and without the view, hashed. Any other change (copy, an exit, a
// condition, a node added) gives another digest, so the approval no longer applies.
import { hash64Hex } from '../util/hash';
import type { Flow } from '../schema/project';
import { serializeFlow } from './serialize';

export function reviewDigest(flow: Flow): string {
  const { viewport: _v, ...rest } = flow;
  return hash64Hex(serializeFlow({ ...rest, nodes: rest.nodes.map(({ position: _p, ...n }) => n) } as Flow));
}
