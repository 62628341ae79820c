// CX flows to Parley flows. A flow's start page and each page become nodes:
// - entering a page: its entry fulfillment (./fulfillment), then one `ask` node per required form parameter
//   (skipped when already filled; the prompt, the no-match re-prompt), then the page's routes;
// - the routes: condition routes in order (a `condition` node each; a route with no target falls through to the
//   next, as the page stays), then a `listen` node routing the intents of the page, its route groups and the
//   flow; no match runs the page's (else the flow's) `sys.no-match-default` handler and listens again;
// - targets: a page (its entry), a flow (`call`, then back to the page's routes), End Session and End Flow
//   (`end`), Current Page, Start Page.
import type { Flow } from '../../../shared/schema/project';
import type { FlowNode } from '../../../shared/schema/nodes';
import { toId } from '../common/text';
import { toCondition } from './cxtext';
import { addCopy, Builder, chips, type Ctx, emitFulfillment, type Node } from './fulfillment';
import { slotTypeOf } from './nlu';
import type { CxFlow, Located } from './read';
import type { EventHandler, FormParameter, Message, Page, Route, RouteGroup } from './schema';

const EXITS = ['next', 'else', 'error', 'timeout', 'failed', 'unavailable', 'noMatch', 'lowConfidence', 'outOfHours', 'ticketFailed', 'notSure', 'flagged'];
const END_TARGETS: Record<string, string> = {
  'End Session': 'resolved',
  'End Flow': 'resolved',
  END_SESSION: 'resolved',
  END_FLOW: 'resolved',
  END_FLOW_WITH_HUMAN_ESCALATION: 'escalated',
  END_FLOW_WITH_FAILURE: 'unresolved',
  END_FLOW_WITH_CANCELLATION: 'abandoned',
};
const NO_MATCH = ['sys.no-match-default', 'sys.no-match-1'];

/** Replaces placeholder exits (`@entry:3`) with node ids once every page is built. */
function resolve(nodes: Node[], refs: Map<string, string | undefined>): void {
  const fix = (v: unknown) => (typeof v === 'string' && v.startsWith('@') ? refs.get(v) : v);
  for (const n of nodes) {
    for (const k of EXITS) {
      if (k in n) {
        const v = fix(n[k]);
        if (v === undefined) delete n[k];
        else n[k] = v;
      }
    }
    for (const list of ['branches', 'routes', 'buttons']) {
      const arr = n[list] as Record<string, unknown>[] | undefined;
      for (const x of arr ?? []) {
        if (!('next' in x)) continue;
        const v = fix(x.next);
        if (v === undefined) delete x.next;
        else x.next = v;
      }
    }
  }
}

export function buildFlow(cx: CxFlow, flowIds: Map<string, string>, groups: Located<RouteGroup>[], ctx: Ctx): Flow {
  const { report } = ctx;
  const fname = cx.data.displayName;
  const b = new Builder();
  const pageIdx = new Map<string, number>(cx.pages.map((p, i) => [p.data.displayName, i]));
  const refs = new Map<string, string | undefined>();
  const entryRef = (i: number) => `@entry:${i}`;
  const routesRef = (i: number) => (i < 0 ? '@routes:start' : `@routes:${i}`);
  const ends = new Map<string, string>();
  const groupRoutes = (names: string[] | undefined, where: string): Route[] =>
    (names ?? []).flatMap((g) => {
      const found = [...cx.groups, ...groups].find((x) => x.data.displayName === g || x.data.name === g);
      if (!found) report.person(`${where}: route group \`${g}\` is not in the export: its routes are missing.`);
      return found?.data.transitionRoutes ?? [];
    });

  const target = (r: { targetPage?: string; targetFlow?: string; targetPlaybook?: string }, from: number, where: string): string | undefined => {
    if (r.targetFlow) {
      const flow = flowIds.get(r.targetFlow);
      if (!flow) {
        report.person(`${where}: the target flow \`${r.targetFlow}\` is not in the export; the route stays on the page.`);
        return routesRef(from);
      }
      return b.push({ kind: 'call', flow, next: routesRef(from) }, `call_${flow}`);
    }
    if (r.targetPlaybook) {
      report.person(`${where}: the target playbook \`${r.targetPlaybook}\` (an LLM agent) is not imported; the route stays on the page.`);
      return routesRef(from);
    }
    const t = r.targetPage;
    if (t === undefined) return undefined;
    const outcome = END_TARGETS[t];
    if (outcome) {
      const key = `${t === 'End Session' || t === 'END_SESSION' ? 'end_session' : 'end_flow'}_${outcome}`;
      if (!ends.has(key)) ends.set(key, b.push({ kind: 'end', outcome }, key.replace('_resolved', '')));
      return ends.get(key);
    }
    if (t === 'Current Page') return from < 0 ? routesRef(from) : entryRef(from);
    if (t === 'Start Page') return routesRef(-1);
    if (t === 'Previous Page') {
      report.approximated(`${where}: a transition to the previous page stays on the page (Parley has no page history).`);
      return routesRef(from);
    }
    const i = pageIdx.get(t);
    if (i === undefined) {
      report.person(`${where}: the target page \`${t}\` is not in flow \`${fname}\`; the route stays on the page.`);
      return routesRef(from);
    }
    return entryRef(i);
  };

  const handler = (handlers: EventHandler[] | undefined, events: string[]) => handlers?.find((h) => events.includes(h.event));
  const flowNoMatch = handler(cx.data.eventHandlers, NO_MATCH);
  const otherEvents = new Set<string>();
  const noteEvents = (hs: EventHandler[] | undefined) => {
    for (const h of hs ?? []) if (!NO_MATCH.includes(h.event) && !/^sys\.no-match-\d$/.test(h.event)) otherEvents.add(h.event);
  };
  noteEvents(cx.data.eventHandlers);

  /** The page's routes: condition routes, then a listen node for its intents; the first node's id. */
  const routes = (page: Page | undefined, from: number, where: string): string | undefined => {
    const own = [
      ...(page ? (page.transitionRoutes ?? []) : (cx.data.transitionRoutes ?? [])),
      ...groupRoutes(page ? page.transitionRouteGroups : cx.data.transitionRouteGroups, where),
    ];
    const inherited = page ? (cx.data.transitionRoutes ?? []).filter((r) => r.intent) : [];
    const intentRoutes = [...own, ...inherited].filter((r) => r.intent);
    const condRoutes = own.filter((r) => !r.intent && r.condition !== undefined);
    const routeChain = (r: Route, fallthrough: string | undefined) =>
      emitFulfillment(b, r.triggerFulfillment, target(r, from, where) ?? fallthrough, where, ctx);
    let listen: string | undefined;
    const listenNode = () => {
      if (listen) return listen;
      listen = b.id(`${b.prefix || 'start'}_listen`);
      const seen = new Set<string>();
      const lroutes: { intent: string; next?: string }[] = [];
      for (const r of intentRoutes) {
        const intent = ctx.nlu.intentIds.get(r.intent!);
        if (!intent) {
          report.person(`${where}: the route for intent \`${r.intent}\` names an intent that is not in the export (or a negative intent): left out.`);
          continue;
        }
        if (seen.has(intent)) continue;
        seen.add(intent);
        let next = routeChain(r, routesRef(from));
        const fills = ctx.nlu.fills.get(intent) ?? [];
        if (fills.length) {
          const assign = fills.map(({ param, entity }) => {
            const slot = `slots.${ctx.slotId(param)}`;
            return { var: slot, value: `entities.${entity} ? entities.${entity} : ${slot}` };
          });
          next = b.push({ kind: 'set', assign, ...(next ? { next } : {}) }, `${intent}_params`);
        }
        if (r.condition !== undefined && r.condition.trim() !== 'true') {
          const when = toCondition(r.condition, ctx.slotId);
          if (when) next = b.push({ kind: 'condition', branches: [{ id: 'when', when, ...(next ? { next } : {}) }], else: listen }, `${intent}_if`);
          else report.person(`${where}: the condition \`${r.condition}\` on the route for \`${r.intent}\` does not convert; the route takes the intent alone.`);
        }
        lroutes.push({ intent, ...(next ? { next } : {}) });
      }
      const nm = handler(page?.eventHandlers, NO_MATCH) ?? flowNoMatch;
      const noMatch = nm ? emitFulfillment(b, nm.triggerFulfillment, target(nm, from, where) ?? listen, `${where} (no match)`, ctx) : undefined;
      b.push({ id: listen, kind: 'listen', routes: lroutes, ...(noMatch && noMatch !== listen ? { noMatch } : {}) }, listen);
      return listen;
    };
    let cur: string | undefined;
    // a route whose condition always holds and that leaves the page: the page never waits for the user
    const always = (r: Route) => (r.condition!.trim() === 'true' || toCondition(r.condition!, ctx.slotId) === 'true') && (r.targetPage || r.targetFlow);
    const reachable = !condRoutes.some(always);
    if (reachable) cur = listenNode();
    for (const r of [...condRoutes].reverse()) {
      const cond = r.condition!.trim();
      if (cond === 'true') {
        cur = routeChain(r, cur);
        continue;
      }
      const when = toCondition(cond, ctx.slotId);
      if (!when) {
        report.person(
          `${where}: the route condition \`${cond}\` does not convert to a Parley expression (\`$sys.func\`, \`:\`, \`$intent\`); the route was left out.`,
        );
        continue;
      }
      if (when === 'false') continue;
      const next = routeChain(r, cur);
      cur =
        when === 'true'
          ? next
          : b.push({ kind: 'condition', branches: [{ id: 'when', when, ...(next ? { next } : {}) }], ...(cur ? { else: cur } : {}) }, 'check');
    }
    return cur;
  };

  const ask = (p: FormParameter, next: string | undefined, from: number, where: string, sameTypeBefore: boolean, asked?: Message[]): string | undefined => {
    if (!p.required) {
      report.approximated(`${where}: the optional form parameter \`${p.displayName}\` is not asked (CX fills it only when the user says it).`);
      return next;
    }
    const { type, entity, approximate, pattern } = slotTypeOf(p.entityType, ctx.nlu);
    if (pattern)
      report.approximated(
        `${where}: parameter \`${p.displayName}\` (\`${p.entityType}\`) is a text question whose answer must match a pattern (Parley has no such type).`,
      );
    if (approximate)
      report.approximated(
        `${where}: parameter \`${p.displayName}\` has entity type \`${p.entityType ?? '(none)'}\`, which Parley has no type for: its question takes the answer as text.`,
      );
    const fb = p.fillBehavior;
    const initial = asked ?? fb?.initialPromptFulfillment?.messages ?? [];
    const re = fb?.repromptEventHandlers ?? [];
    const texts = initial.flatMap((m) => (m.text?.text?.length ? [{ lang: m.languageCode, t: m.text.text }] : []));
    const byLocale = (list: { lang?: string; t: string[] }[]) => {
      const out: Record<string, string | string[]> = {};
      for (const { lang, t } of list) {
        const locale = ctx.locales.get((lang ?? '').toLowerCase()) ?? ctx.defaultLocale;
        const conv = t
          .map((x) => x.replace(/\$(?:session\.params|flow|page\.params)\.([A-Za-z_][A-Za-z0-9_-]*)/g, (_m, n: string) => `{{slots.${ctx.slotId(n)}}}`))
          .filter((x) => x.trim());
        if (!conv.length) continue;
        const prev = out[locale];
        out[locale] = prev === undefined ? (conv.length === 1 ? conv[0]! : conv) : `${Array.isArray(prev) ? prev[0] : prev}\n\n${conv[0]}`;
      }
      return out;
    };
    for (const m of [...initial, ...re.flatMap((h) => h.triggerFulfillment?.messages ?? [])])
      if (!m.languageCode || ctx.locales.get(m.languageCode.toLowerCase()) === ctx.defaultLocale) addCopy(ctx, m.text?.text ?? []);
    let prompt = byLocale(texts);
    if (!Object.keys(prompt).length) {
      prompt = { [ctx.defaultLocale]: `What is your ${p.displayName.replace(/[-_]/g, ' ')}?` };
      report.person(
        `${where}: parameter \`${p.displayName}\` has no prompt text (a webhook or generator asks for it): its question has a placeholder prompt to rewrite.`,
      );
    }
    const buttons = initial
      .filter((m) => m.payload)
      .flatMap((m) => chips(m.payload!, where, ctx))
      .map((x) => ({ id: x.id, label: x.label, value: x.payload }));
    if (fb?.initialPromptFulfillment?.webhook || fb?.initialPromptFulfillment?.setParameterActions?.length)
      report.person(`${where}: the prompt for \`${p.displayName}\` calls a webhook or sets parameters, which a question does not do: add nodes before it.`);
    const nm = re.find((h) => NO_MATCH.includes(h.event)) ?? re.find((h) => /^sys\.no-match-\d$/.test(h.event));
    const reprompt = byLocale(
      (nm?.triggerFulfillment?.messages ?? []).flatMap((m) => (m.text?.text?.length ? [{ lang: m.languageCode, t: m.text.text }] : [])),
    );
    const giveUp = re.find((h) => h.targetPage || h.targetFlow);
    const failed = giveUp ? target(giveUp, from, where) : undefined;
    if (re.some((h) => /no-input/.test(h.event))) report.approximated(`${where}: no-input re-prompts are not imported (a text channel has no silence).`);
    const slot = ctx.slotId(p.displayName);
    return b.push(
      {
        kind: 'ask',
        slot: `slots.${slot}`,
        type,
        ...(entity ? { entity } : {}),
        prompt,
        ...(Object.keys(reprompt).length ? { reprompt } : {}),
        ...(pattern ? { validation: { expr: `matches(value, "${pattern}")`, message: Object.keys(reprompt).length ? reprompt : prompt } } : {}),
        ...(buttons.length ? { buttons: buttons.slice(0, 20) } : {}),
        // an answer to the question before it would fill it too ("LAX" answers both airports): it asks
        ...(sameTypeBefore && type !== 'text' ? { skipIfFilled: false } : {}),
        // CX fills a form parameter from the message that answers it (or an intent's parameters), never from earlier ones
        ...(type !== 'text' && type !== 'number' && type !== 'yes_no' ? { fromEarlier: false } : {}),
        ...(next ? { next } : {}),
        ...(failed ? { failed } : {}),
      },
      `ask_${slot}`,
    );
  };

  // the start page
  const start = b.push({ id: 'start', kind: 'start' }, 'start');
  refs.set('@routes:start', routes(undefined, -1, `flows/${fname}: start page`));
  const prefixes = new Set<string>(['start']);
  cx.pages.forEach(({ data: page, file }, i) => {
    const where = file;
    b.prefix = toId(page.displayName, prefixes, 'page');
    b.column = i + 1;
    noteEvents(page.eventHandlers);
    refs.set(routesRef(i), routes(page, i, where));
    let cur: string | undefined = routesRef(i);
    const params = (page.form?.parameters ?? []).filter((p) => p.required);
    const key = (p: FormParameter) => JSON.stringify(slotTypeOf(p.entityType, ctx.nlu));
    // a first question without a prompt of its own is asked by the page's last entry message
    let entry = page.entryFulfillment;
    let asked: Message[] | undefined;
    const first = params[0];
    if (first && !(first.fillBehavior?.initialPromptFulfillment?.messages ?? []).some((m) => m.text?.text?.some((t) => t.trim())) && entry?.messages) {
      const textual = entry.messages.filter((m) => m.text?.text?.length);
      const lastOf = new Map(textual.map((m) => [(m.languageCode ?? '').toLowerCase(), m]));
      asked = [...lastOf.values()];
      if (asked.length) entry = { ...entry, messages: entry.messages.filter((m) => !asked!.includes(m)) };
      else asked = undefined;
    }
    for (const [j, p] of [...(page.form?.parameters ?? []).entries()].reverse())
      cur = ask(p, cur, i, where, params.slice(0, params.indexOf(p)).some((q) => key(q) === key(p)) && j > 0, p === first ? asked : undefined);
    refs.set(entryRef(i), emitFulfillment(b, entry, cur, where, ctx));
    if (page.knowledgeConnectorSettings) report.person(`${where}: data store (knowledge) settings are not imported; add a \`knowledge\` node.`);
  });
  (b.nodes.find((n) => n.id === start) as Node).next = '@routes:start';
  // a placeholder that stands for another placeholder (a page whose entry is its routes)
  for (const [k, v] of refs) {
    let r = v;
    for (let n = 0; r?.startsWith('@') && n < 10; n++) r = refs.get(r);
    refs.set(k, r);
  }
  resolve(b.nodes, refs);
  for (const e of otherEvents) report.approximated(`Flow \`${fname}\`: event handler \`${e}\` is not imported (Parley has no such event).`);
  return {
    name: fname.slice(0, 200),
    ...(cx.data.description ? { description: cx.data.description.slice(0, 5000) } : {}),
    nodes: b.nodes as unknown as FlowNode[],
  };
}
