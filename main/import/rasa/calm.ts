// Rasa Pro CALM flows (`flows:` in data/*.yml) to Parley flows `calm_<id>`: `collect` (or the older `question`)
// becomes an `ask` node, `action` a message or an `api` node, `set_slots` a `set` node, `link` a `jump`, `call` a
// `call`, and a step's `next` with `if`/`then`/`else` a `condition` node. An `nlu_trigger` intent becomes the start
// node's trigger; flows Rasa starts from its LLM command generator get no trigger and are listed in IMPORT.md.
import { ExpressionError, ExpressionLanguage } from '../../../shared/engine/expressions';
import type { Flow } from '../../../shared/schema/project';
import type { Report } from './report';
import type { Act } from './steps';
import { toId } from './text';

type Node = Record<string, unknown> & { id: string; kind: string };
type Step = Record<string, unknown>;

export interface CalmContext {
  report: Report;
  /** CALM flow name → Parley flow id. */
  flowIds: Map<string, string>;
  intentId: (name: string) => string | undefined;
  slotId: (name: string) => string;
  isSlot: (name: string) => boolean;
  /** Adds a node to the flow being built. */
  push: (node: Node) => Node;
  newId: (name: string) => string;
  addAct: (act: Act) => Node | undefined;
  askFor: (slot: string, step: Step) => Node;
}

const lang = new ExpressionLanguage();

/** A CALM condition (pypred) as a Parley expression, or undefined when it does not convert. */
export function calmCondition(source: string, ctx: Pick<CalmContext, 'slotId' | 'isSlot'>): string | undefined {
  const out = source
    .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
    .map((part, i) => {
      if (i % 2 === 1) return part; // a quoted string
      return part
        .replace(/\bis\s+not\s+null\b/g, '!= null')
        .replace(/\bis\s+null\b/g, '== null')
        .replace(/\bis\s+not\b/g, '!=')
        .replace(/\bis\b/g, '==')
        .replace(/\band\b/g, '&&')
        .replace(/\bor\b/g, '||')
        .replace(/\bnot\s+/g, '!')
        .replace(/\b(?<!\.)(slots\.)?([A-Za-z_][A-Za-z0-9_]*)\b/g, (m, prefix: string | undefined, name: string) =>
          prefix || ctx.isSlot(name) ? `slots.${ctx.slotId(name)}` : m,
        );
    })
    .join('');
  return lang.compile(out) instanceof ExpressionError ? undefined : out;
}

export function buildCalmFlow(name: string, raw: Record<string, unknown>, ctx: CalmContext, start: Node): Pick<Flow, 'name' | 'description'> {
  const entries = new Map<string, string>(); // step id → its first node
  const pending: (() => void)[] = [];
  let ends = 0;
  const endNode = (): string => ctx.push({ id: ctx.newId(`end_${++ends}`), kind: 'end', outcome: 'resolved' }).id;

  const target = (t: unknown): string | undefined => {
    if (t === 'END') return endNode();
    if (typeof t === 'string') return entries.get(t);
    if (Array.isArray(t)) return steps(t as Step[]);
    return undefined;
  };
  const linkNext = (node: Node, next: unknown, fallthrough: () => string | undefined): void => {
    pending.push(() => {
      const set = (to: string | undefined) => {
        if (!to) return;
        node.next = to;
        if (node.kind === 'api') Object.assign(node, { error: to, timeout: to });
      };
      if (next === undefined && node.kind === 'condition') {
        const to = fallthrough();
        node.branches = [{ id: 'always', when: 'true', ...(to ? { next: to } : {}) }];
        return;
      }
      if (next === undefined) return set(fallthrough());
      if (node.kind === 'condition' && !Array.isArray(next)) {
        const to = target(next);
        node.branches = [{ id: 'always', when: 'true', ...(to ? { next: to } : {}) }];
        return;
      }
      if (!Array.isArray(next) || (next.length && typeof next[0] !== 'object')) return set(target(next));
      const branches: { id: string; when: string; next?: string }[] = [];
      let otherwise: string | undefined;
      for (const [i, b] of (next as Step[]).entries()) {
        if ('else' in b) otherwise = target(b.else);
        else if (typeof b.if === 'string' || typeof b.if === 'boolean') {
          const when = typeof b.if === 'boolean' ? String(b.if) : calmCondition(b.if, ctx);
          if (!when) {
            ctx.report.person(`CALM flow \`${name}\`: the condition \`${String(b.if)}\` does not convert to a Parley expression; its branch is left out.`);
            continue;
          }
          const to = target(b.then);
          branches.push({ id: `b${i + 1}`, when, ...(to ? { next: to } : {}) });
        }
      }
      if (node.kind === 'condition') {
        node.branches = branches.length ? branches : [{ id: 'always', when: 'true', ...(otherwise ? { next: otherwise } : {}) }];
        if (branches.length && otherwise) node.else = otherwise;
        return;
      }
      if (!branches.length) return set(otherwise);
      const cond = ctx.push({ id: ctx.newId(`${node.id}_next`), kind: 'condition', branches, ...(otherwise ? { else: otherwise } : {}) });
      set(cond.id);
    });
  };

  /** Adds a list of steps; returns the id of its first node. */
  function steps(list: Step[]): string | undefined {
    const made: (Node | undefined)[] = list.map((s) => stepNode(s));
    list.forEach((s, i) => {
      const node = made[i];
      if (node && typeof s.id === 'string') entries.set(s.id, node.id);
      if (!node) return;
      linkNext(node, s.next, () => made.slice(i + 1).find((n) => n)?.id);
    });
    return made.find((n) => n)?.id;
  }

  function stepNode(s: Step): Node | undefined {
    const slot = typeof s.collect === 'string' ? s.collect : typeof s.question === 'string' ? s.question : undefined;
    if (slot) {
      if (s.rejections !== undefined)
        ctx.report.person(`CALM flow \`${name}\`: the \`rejections\` of \`collect: ${slot}\` are not imported; write them as the question's \`validation\`.`);
      return ctx.askFor(slot, s);
    }
    if (typeof s.action === 'string') {
      const a = s.action;
      return ctx.addAct(a.startsWith('utter_') ? { kind: 'utter', name: a } : { kind: 'custom', name: a });
    }
    if (Array.isArray(s.set_slots)) {
      const assign = (s.set_slots as Record<string, unknown>[]).flatMap((o) =>
        Object.entries(o).map(([k, v]) => ({ var: `slots.${ctx.slotId(k)}`, value: v === null || v === undefined ? 'null' : JSON.stringify(v) })),
      );
      return assign.length ? ctx.push({ id: ctx.newId('set_slots'), kind: 'set', assign }) : undefined;
    }
    for (const kind of ['link', 'call'] as const) {
      if (typeof s[kind] !== 'string') continue;
      const flow = ctx.flowIds.get(s[kind]);
      if (!flow) {
        ctx.report.person(`CALM flow \`${name}\`: \`${kind}: ${s[kind]}\` names a flow that is not in the project (a Rasa pattern flow?): left out.`);
        return undefined;
      }
      return ctx.push({ id: ctx.newId(`${kind}_${s[kind]}`), kind: kind === 'link' ? 'jump' : 'call', flow });
    }
    // a step that only branches: its condition node is the step itself
    if (s.noop !== undefined) return ctx.push({ id: ctx.newId(typeof s.id === 'string' ? s.id : 'noop'), kind: 'condition', branches: [] });
    ctx.report.person(
      `CALM flow \`${name}\`: a step with ${Object.keys(s)
        .map((k) => `\`${k}\``)
        .join(', ')} is not imported.`,
    );
    return undefined;
  }

  if (raw.if !== undefined) ctx.report.person(`CALM flow \`${name}\`: its guard (\`if\`) is not imported; check the condition where the flow starts.`);
  const list = Array.isArray(raw.steps) ? (raw.steps as Step[]) : [];
  const first = steps(list);
  for (let i = 0; i < pending.length; i++) pending[i]!();
  if (first) start.next = first;
  const triggers = (Array.isArray(raw.nlu_trigger) ? (raw.nlu_trigger as unknown[]) : [])
    .map((t) =>
      typeof t === 'string'
        ? t
        : typeof t === 'object' && t && typeof (t as { intent?: unknown }).intent === 'string'
          ? (t as { intent: string }).intent
          : typeof (t as { intent?: { name?: unknown } })?.intent === 'object'
            ? String((t as { intent: { name?: unknown } }).intent.name)
            : undefined,
    )
    .map((t) => (t ? ctx.intentId(t) : undefined))
    .filter((t): t is string => t !== undefined);
  if (triggers.length) start.triggers = triggers;
  else
    ctx.report.person(
      `CALM flow \`${name}\` has no \`nlu_trigger\` intent (Rasa starts it from its LLM command generator): add a trigger intent to its start node, or route to it.`,
    );
  const description = typeof raw.description === 'string' ? raw.description.slice(0, 5000) : undefined;
  return { name: (typeof raw.name === 'string' ? raw.name : `CALM flow ${name}`).slice(0, 200), ...(description ? { description } : {}) };
}

export const calmFlowId = (name: string, taken: Set<string>): string => toId(`calm_${name}`, taken);
