// A CX fulfillment as a chain of Parley nodes, built backwards from what follows it (`next`): parameter presets
// (a `set` node), then the messages (message nodes: a text's variants are the copy's variants, languages side by
// side, rich-content chips the buttons), then conditional responses (a `condition` node), then the webhook (an
// `api` node with a TODO note and a `success` mock, as the Rasa importer does for custom actions).
import { responsePathProblem } from '../../../shared/engine/responsePath';
import type { Button } from '../../../shared/schema/nodes';
import type { Report } from '../common/report';
import { toId } from '../common/text';
import { toCondition, toTemplate } from './cxtext';
import type { CxNlu } from './nlu';
import type { Case, Fulfillment, Message, Webhook } from './schema';

export type Node = Record<string, unknown> & { id: string; kind: string };

export class Builder {
  readonly nodes: Node[] = [];
  private readonly ids = new Set<string>();
  /** Names the nodes after the page they belong to (`collect_details_say`). */
  prefix = '';
  /** The canvas column of the page being built (one column a page). */
  column = 0;
  private readonly rows = new Map<number, number>();
  id(name: string): string {
    return toId(name.slice(0, 56), this.ids, 'n');
  }
  push(node: Omit<Node, 'id'> & { id?: string }, name: string): string {
    const id = node.id ?? this.id(this.prefix ? `${this.prefix.slice(0, 40)}_${name}` : name);
    const row = this.rows.get(this.column) ?? 0;
    this.rows.set(this.column, row + 1);
    this.nodes.push({ ...node, id, position: { x: this.column * 360, y: row * 140 } } as unknown as Node);
    return id;
  }
}

export interface Ctx {
  report: Report;
  /** CX language code (lower case) → Parley locale. */
  locales: Map<string, string>;
  defaultLocale: string;
  slotId: (name: string) => string;
  nlu: CxNlu;
  webhooks: Map<string, Webhook>;
  /** `webhook|tag` → API operation id. */
  operations: Map<string, string>;
  hosts: Set<string>;
  /** The copy the import says, as CX wrote it (default locale): the variants of each message, for the stories' patterns. */
  copy: Map<string, string[]>;
}

/** Remembers a message's variants for the stories' patterns. */
export function addCopy(ctx: Ctx, variants: string[]): void {
  const v = variants.filter((t) => t.trim());
  if (v.length) ctx.copy.set(JSON.stringify(v), v);
}

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function text(t: string, where: string, ctx: Ctx): string | undefined {
  const r = toTemplate(t, ctx.slotId);
  if (r.unmapped.some((u) => u.startsWith('$request.generative'))) {
    ctx.report.person(`${where}: a message said a generator's output (\`${r.unmapped[0]}\`), an LLM call Parley does not import; add an \`llm\` node for it.`);
    return undefined;
  }
  if (r.unmapped.length) ctx.report.approximated(`${where}: \`${r.unmapped[0]}\` in a message has no Parley equivalent and is said as written.`);
  return r.text.trim() ? r.text : undefined;
}

export function chips(payload: Record<string, unknown>, where: string, ctx: Ctx): Button[] {
  const out: Button[] = [];
  const ids = new Set<string>();
  const rich = Array.isArray(payload.richContent) ? (payload.richContent as unknown[]).flat() : [];
  for (const item of rich) {
    const o = item as { type?: unknown; options?: unknown; text?: unknown };
    const options = o.type === 'chips' && Array.isArray(o.options) ? o.options : o.type === 'button' ? [o] : [];
    for (const opt of options as { text?: unknown }[]) {
      if (typeof opt.text !== 'string' || !opt.text.trim()) continue;
      const label = opt.text.trim().slice(0, 500);
      out.push({ id: toId(label, ids, 'button'), label: { [ctx.defaultLocale]: label }, payload: label });
    }
    if (o.type !== 'chips' && o.type !== 'button')
      ctx.report.approximated(`${where}: rich content of type \`${String(o.type)}\` is not imported (Parley messages have text and buttons).`);
  }
  if (!rich.length)
    ctx.report.person(`${where}: a custom payload (${Object.keys(payload).join(', ')}) is not imported; send it from an api node if a channel needs it.`);
  return out.slice(0, 20);
}

/** The messages as message nodes before `next`; the first node's id (or `next` when none). */
export function emitMessages(b: Builder, messages: Message[], next: string | undefined, where: string, ctx: Ctx): string | undefined {
  const nodes: { say: Record<string, string[]>; buttons: Button[]; texts: string[] }[] = [];
  const count = new Map<string, number>();
  let handoff = false;
  for (const m of messages) {
    const locale = ctx.locales.get((m.languageCode ?? '').toLowerCase()) ?? ctx.defaultLocale;
    if (m.text?.text) {
      const variants = m.text.text.map((t) => text(t, where, ctx)).filter((t): t is string => t !== undefined);
      if (!variants.length) continue;
      const k = count.get(locale) ?? 0;
      count.set(locale, k + 1);
      nodes[k] ??= { say: {}, buttons: [], texts: [] };
      nodes[k].say[locale] = variants;
      if (locale === ctx.defaultLocale) addCopy(ctx, m.text.text);
    } else if (m.payload) {
      const buttons = chips(m.payload, where, ctx);
      if (!buttons.length) continue;
      const k = Math.max(0, (count.get(ctx.defaultLocale) ?? 0) - 1);
      nodes[k] ??= { say: { [ctx.defaultLocale]: ['Choose one:'] }, buttons: [], texts: [] };
      nodes[k].buttons.push(...buttons);
    } else if (m.liveAgentHandoff) handoff = true;
    else {
      const kind = Object.keys(m).find((k) => k !== 'languageCode' && k !== 'channel') ?? 'unknown';
      ctx.report.approximated(`${where}: a \`${kind}\` message is not imported (Parley's messages are text).`);
    }
  }
  let cur = next;
  if (handoff) {
    cur = b.push({ kind: 'handoff', reason: 'user_request', ...(cur ? { unavailable: cur } : {}) }, 'handoff');
    ctx.report.approximated(`${where}: a live-agent handoff became a \`handoff\` node (queue \`general\`); when no agent is available the flow goes on.`);
  }
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k];
    if (!n) continue;
    const say = Object.fromEntries(Object.entries(n.say).map(([l, v]) => [l, v.length === 1 ? v[0]! : v]));
    cur = b.push({ kind: 'message', say, ...(n.buttons.length ? { buttons: n.buttons } : {}), ...(cur ? { next: cur } : {}) }, 'say');
  }
  return cur;
}

function emitCases(b: Builder, cases: Case[], next: string | undefined, where: string, ctx: Ctx): string | undefined {
  const branches: { id: string; when: string; next?: string }[] = [];
  let otherwise = next;
  for (const c of cases) {
    let chain = next;
    for (const item of [...(c.caseContent ?? [])].reverse()) {
      if (item.message) chain = emitMessages(b, [item.message], chain, where, ctx);
      else if (item.additionalCases?.cases) chain = emitCases(b, item.additionalCases.cases, chain, where, ctx);
    }
    if (c.condition === undefined) {
      otherwise = chain;
      break;
    }
    const when = toCondition(c.condition, ctx.slotId);
    if (!when) {
      ctx.report.person(
        `${where}: the condition \`${c.condition}\` of a conditional response does not convert to a Parley expression; that case was left out.`,
      );
      continue;
    }
    branches.push({ id: `case_${branches.length + 1}`, when, ...(chain ? { next: chain } : {}) });
  }
  if (!branches.length) return otherwise;
  return b.push({ kind: 'condition', branches, ...(otherwise ? { else: otherwise } : {}) }, 'conditional');
}

/** A CX parameter preset's value as a Parley expression (undefined when it has no Parley form). */
export function presetValue(v: unknown, slotId: (n: string) => string, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  if (typeof v === 'string') {
    const ref = /^\$(?:session\.params|flow|page\.params)\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(v.trim());
    return ref ? `slots.${slotId(ref[1]!)}` : JSON.stringify(v);
  }
  if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean') return v === undefined ? 'null' : JSON.stringify(v);
  const parts = Array.isArray(v)
    ? v.map((x) => presetValue(x, slotId, depth + 1))
    : Object.entries(v as Record<string, unknown>).map(([k, x]) => {
        const val = presetValue(x, slotId, depth + 1);
        // an object literal's keys are names in Parley's expressions
        return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && val !== undefined ? `${k}: ${val}` : undefined;
      });
  if (parts.some((x) => x === undefined)) return undefined;
  return Array.isArray(v) ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}

function emitWebhook(b: Builder, name: string, tag: string | undefined, next: string | undefined, where: string, ctx: Ctx): string {
  const key = `${name}|${tag ?? ''}`;
  let op = ctx.operations.get(key);
  if (!op) {
    op = toId(tag ? `${name}_${tag}` : name, new Set(ctx.operations.values()), 'webhook');
    ctx.operations.set(key, op);
  }
  const ws = ctx.webhooks.get(name)?.genericWebService;
  const credentials = ['requestHeaders', 'username', 'password', 'secretVersionForUsernamePassword', 'oauthConfig', 'serviceAgentAuth'].filter(
    (k) => ws && (ws as Record<string, unknown>)[k] !== undefined,
  );
  // their values are never copied: a header may hold a key
  if (credentials.length)
    ctx.report.person(
      `Webhook \`${name}\` sends credentials or headers (${credentials.map((k) => `\`${k}\``).join(', ')}): not imported; declare a secret in parley.yaml and add the header to its api nodes.`,
    );
  let url = `http://localhost:8080/${op}`;
  try {
    const u = new URL(ws?.uri ?? '');
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      url = u.toString();
      ctx.hosts.add(u.host.toLowerCase());
    }
  } catch {
    ctx.report.person(`Webhook \`${name}\` has no usable URL (or is not in webhooks/): its api nodes call ${url}; point them at the real service.`);
  }
  if (url.startsWith('http://localhost:8080/')) ctx.hosts.add('localhost:8080');
  const method = (ws?.httpMethod ?? 'POST').toUpperCase();
  let body: unknown = { fulfillmentInfo: { tag: tag ?? '' }, text: '{{input}}' };
  if (ws?.webhookType === 'FLEXIBLE' && ws.requestBody) {
    try {
      body = JSON.parse(toTemplate(ws.requestBody, ctx.slotId).text) as unknown;
    } catch {
      body = toTemplate(ws.requestBody, ctx.slotId).text;
    }
  }
  const mapping = Array.isArray(ws?.parameterMapping) ? ws.parameterMapping.map((m) => [m.key, m.value] as const) : Object.entries(ws?.parameterMapping ?? {});
  const bad = mapping.filter(([, p]) => p.length > 300 || responsePathProblem(p) !== undefined);
  if (bad.length)
    ctx.report.person(
      `Webhook \`${name}\`: ${bad.length} response mapping(s) (${bad.map(([k]) => `\`${k}\``).join(', ')}) use JSONPath filters Parley does not run: map the list and pick from it in a \`set\` node.`,
    );
  const assign = mapping.filter((m) => !bad.includes(m)).map(([k, p]) => ({ var: `slots.${ctx.slotId(k)}`, path: p }));
  const notes = `TODO: Dialogflow CX webhook \`${name}\`${tag ? ` (tag \`${tag}\`)` : ''} ran here. Point this node at the service, map its response to variables with \`assign\`${assign.length ? " (the flexible webhook's parameter mapping is imported)" : ' (a standard webhook returns sessionInfo.parameters and fulfillmentResponse.messages)'}, and add the messages it sent. Stories answer it with the \`success\` mock in parley.yaml.`;
  void where;
  return b.push(
    {
      kind: 'api',
      notes,
      operation: op,
      method: HTTP_METHODS.has(method) ? method : 'POST',
      url,
      body,
      ...(assign.length ? { assign } : {}),
      ...(next ? { next, error: next, timeout: next } : {}),
    },
    `call_${op}`,
  );
}

/** The fulfillment's nodes before `next`; the first one's id (or `next` when the fulfillment does nothing). */
export function emitFulfillment(b: Builder, f: Fulfillment | undefined, next: string | undefined, where: string, ctx: Ctx): string | undefined {
  if (!f) return next;
  let cur = next;
  if (f.webhook) cur = emitWebhook(b, f.webhook, f.tag, cur, where, ctx);
  for (const cc of [...(f.conditionalCases ?? [])].reverse()) if (cc.cases) cur = emitCases(b, cc.cases, cur, where, ctx);
  if (f.messages?.length) cur = emitMessages(b, f.messages, cur, where, ctx);
  if (f.generators?.length) ctx.report.person(`${where}: ${f.generators.length} generator(s) (LLM prompts) are not imported; add \`llm\` nodes for them.`);
  if (f.enableGenerativeFallback) ctx.report.approximated(`${where}: the generative fallback is not imported.`);
  const assign = (f.setParameterActions ?? []).flatMap((a) => {
    const value = presetValue(a.value, ctx.slotId);
    if (value === undefined)
      ctx.report.person(`${where}: the preset of \`${a.parameter}\` (an object whose keys are not names) was left out; set it in a \`set\` node.`);
    return value === undefined ? [] : [{ var: `slots.${ctx.slotId(a.parameter)}`, value }];
  });
  if (assign.length) cur = b.push({ kind: 'set', assign, ...(cur ? { next: cur } : {}) }, 'set_params');
  return cur;
}
