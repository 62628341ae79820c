import type { CopyText, LocalizedText } from '../schema/common';
import type { FlowNode, NodeKind } from '../schema/nodes';

export const KIND_LABEL: Record<NodeKind, string> = {
  start: 'Start',
  message: 'Message',
  ask: 'Ask',
  form: 'Form',
  listen: 'Listen',
  condition: 'Condition',
  set: 'Set',
  llm: 'LLM',
  knowledge: 'Knowledge',
  api: 'API',
  guardrail: 'Guardrail',
  handoff: 'Handoff',
  jump: 'Jump',
  call: 'Call',
  end: 'End',
};

/** First variant of a piece of copy in a locale, falling back to the default locale, then any. */
export function copyIn(text: LocalizedText | undefined, locale: string, fallback?: string): string | undefined {
  if (!text) return undefined;
  const pick = (t: CopyText | undefined) => (t === undefined ? undefined : Array.isArray(t) ? t[0] : t);
  return pick(text[locale]) ?? (fallback ? pick(text[fallback]) : undefined) ?? pick(Object.values(text)[0]);
}

/** What a node card shows: the copy the bot says, or a one-line description of what the node does. */
export function nodeSummary(node: FlowNode, locale: string): { text: string; isCopy: boolean } {
  const copy = (t: LocalizedText | undefined) => copyIn(t, locale);
  switch (node.kind) {
    case 'start':
      return { text: node.triggers?.length ? `on ${node.triggers.join(', ')}` : 'entry point', isCopy: false };
    case 'message':
      return { text: copy(node.say) ?? '', isCopy: true };
    case 'ask':
      return { text: copy(node.prompt) ?? '', isCopy: true };
    case 'form':
      return { text: node.fields.map((f) => copy(f.prompt) ?? f.id).join('\n'), isCopy: true };
    case 'listen':
      return { text: `waits for: ${(node.routes ?? []).map((r) => r.intent).join(', ') || 'any intent'}`, isCopy: false };
    case 'condition':
      return { text: node.branches.map((b) => `${b.id}: ${b.when}`).join('\n'), isCopy: false };
    case 'set':
      return { text: node.assign.map((a) => `${a.var} = ${a.value}`).join('\n'), isCopy: false };
    case 'llm':
      return { text: node.prompt, isCopy: false };
    case 'knowledge':
      return { text: `search ${node.sources?.length ? node.sources.join(', ') : 'all knowledge'} for ${node.query ?? '{{input}}'}`, isCopy: false };
    case 'api':
      return { text: `${node.method ?? 'GET'} ${node.url}`, isCopy: false };
    case 'guardrail':
      return { text: `checks ${node.checks.join(', ')}`, isCopy: false };
    case 'handoff':
      return node.say ? { text: copy(node.say) ?? '', isCopy: true } : { text: `to ${node.queue ?? 'general'} queue`, isCopy: false };
    case 'jump':
      return { text: `→ ${node.flow}${node.node ? `/${node.node}` : ''}`, isCopy: false };
    case 'call':
      return { text: `calls ${node.flow}${node.node ? `/${node.node}` : ''}, then returns`, isCopy: false };
    case 'end':
      return node.say ? { text: copy(node.say) ?? '', isCopy: true } : { text: node.outcome ?? 'resolved', isCopy: false };
  }
}
