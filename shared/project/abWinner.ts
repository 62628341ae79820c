// "Make the winner the only variant" (Insights, A/B results): the node takes the winning variant's copy (a message's
// `say`) or its model settings (an llm node's `system`, `prompt`, `model`, `temperature`), and the experiment ends:
// `variants` goes. The control winning keeps the node as it is, without its variants.
import type { FlowNode } from '../schema/nodes';

export function promoteVariant(node: FlowNode, variantId: string): FlowNode {
  if (node.kind !== 'message' && node.kind !== 'llm') throw new Error(`${node.id} is a ${node.kind} node: it has no A/B variants`);
  const winner = node.variants?.find((v) => v.id === variantId);
  if (!winner) throw new Error(`${node.id} has no variant ${variantId}`);
  if (node.kind === 'message') {
    const { variants: _variants, ...rest } = node;
    const say = (winner as { say?: typeof node.say }).say;
    return { ...rest, say: say ?? node.say };
  }
  const { variants: _variants, ...rest } = node;
  const w = winner as { system?: string; prompt?: string; model?: string; temperature?: number };
  return {
    ...rest,
    ...(w.system !== undefined ? { system: w.system } : {}),
    ...(w.prompt !== undefined ? { prompt: w.prompt } : {}),
    ...(w.model !== undefined ? { model: w.model } : {}),
    ...(w.temperature !== undefined ? { temperature: w.temperature } : {}),
  };
}
