// "Save as story": turns a simulator conversation into a story whose expectations are what happened (the intent
// accepted, what the bot said by copy id, where it waits, the slots filled, handoffs and endings) and whose
// fixtures replay what the outside world answered (API responses, model replies), so the story runs offline.
// The designer then loosens or tightens the expectations.
//
// A story lands in git: the personal data the designer typed as the customer (a card number, an email..., in the
// messages and in the customer profile the session started with) is saved
// as test values of the same kind (testValues.ts: a card keeps its last four digits and passes the Luhn check; a
// match of one of the project's own redact patterns keeps matching it), in
// the customer's turns and in the slot values expected from them, so the story still takes the path it recorded.
// `typed: true` keeps them as typed. What the fixtures hold comes from the trace, which the turn runner stored
// redacted.
import { stringify } from 'yaml';
import type { Output, TraceEntry, UserInput, Wait } from '../engine/types';
import { getPath, type Vars } from '../engine/vars';
import { splitDataBlock } from '../llm/promptData';
import type { PiiOptions } from '../runtime/pii';
import type { ApiFixture, Expect, Story, StoryTurn } from './schema';
import { createTestValues, type RedactPattern } from './testValues';

export interface ConversationTurn {
  input: UserInput;
  outputs: Output[];
  /** As stored: redacted (shared/runtime/stored.ts). */
  trace: TraceEntry[];
  /** The state after the turn; `vars` as the flow keeps them (never redacted), `locale` the conversation's. */
  state: { wait: Wait | null; vars: Vars; ended?: { outcome: string } | undefined; locale?: string };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function storyFromConversation(
  turns: readonly ConversationTurn[],
  o: {
    name: string;
    locale?: string;
    vars?: Record<string, unknown>;
    tags?: string[];
    /** Keep the personal data in the customer's turns as typed (default: test values of the same kind). */
    typed?: boolean;
    /** The project's redact rules with a pattern (guardrails.yaml): their matches are replaced by test values too. */
    patterns?: readonly RedactPattern[];
  },
): Story {
  const testValues = createTestValues(o.patterns);
  /** Personal data as saved: test values (read in the turn's locale, as the input stage read it), or as typed. */
  const saved = <T>(value: T, t: ConversationTurn): T => {
    if (o.typed) return value;
    const locale = t.state.locale ?? o.locale;
    const pii: PiiOptions = locale ? { locale } : {};
    return testValues.strings(value, pii);
  };
  const api: Record<string, ApiFixture[]> = {};
  const llm: NonNullable<NonNullable<Story['fixtures']>['llm']> = [];
  const llmNodes = new Map<string, number>();
  for (const t of turns) for (const e of t.trace) if (e.kind === 'llm') llmNodes.set(`${e.flow}/${e.node}`, (llmNodes.get(`${e.flow}/${e.node}`) ?? 0) + 1);

  const out: StoryTurn[] = [];
  for (const t of turns) {
    for (const e of t.trace) {
      // a refused call was never made (replay refuses it again): it takes no fixture
      if (e.kind === 'api' && e.failure !== 'refused') {
        const f: ApiFixture = e.failure
          ? { fail: e.failure === 'timeout' ? 'timeout' : 'network' }
          : { status: e.status ?? 200, ...(e.response !== undefined ? { body: e.response } : {}) };
        (api[e.operation] ??= []).push(f);
      }
      if (e.kind === 'llm') {
        const node = `${e.flow}/${e.node}`;
        const last = splitDataBlock(e.request.messages[e.request.messages.length - 1]?.content ?? '').text;
        const many = (llmNodes.get(node) ?? 0) > 1;
        const fail = e.error ? (/time/i.test(e.error) ? 'timeout' : /overload|529/.test(e.error) ? 'overloaded' : 'server') : undefined;
        llm.push({ node, ...(many ? { prompt: `^${escapeRe(last.slice(0, 200))}` } : {}), ...(fail ? { fail } : { reply: e.reply ?? '' }) });
      }
    }
    if (t.input.type === 'start') continue;
    const turn: StoryTurn =
      t.input.type === 'text'
        ? { user: saved(t.input.text, t) }
        : t.input.type === 'button'
          ? { button: t.input.payload }
          : { event: t.input.type === 'event' ? t.input.name : 'start' };
    const expect: Expect = {};
    const nlu = t.trace.find((e): e is Extract<TraceEntry, { kind: 'nlu' }> => e.kind === 'nlu' && e.decision === 'accept');
    if (nlu?.intent) expect.intent = nlu.intent;
    const copies = [...new Set(t.outputs.flatMap((x) => (x.type === 'text' && x.copyId && !x.llm && !x.copyId.startsWith('/') ? [x.copyId] : [])))];
    if (copies.length) expect.says = copies.map((copy) => ({ copy }));
    // the slots this turn set, with their values as the flow keeps them (the trace's are redacted: a slot holding a
    // card number would expect a marker the replay never gives)
    const slots: Record<string, unknown> = {};
    for (const e of t.trace)
      if (e.kind === 'vars') for (const c of e.changes) if (c.path.startsWith('slots.')) slots[c.path] = saved(getPath(t.state.vars, c.path) ?? null, t);
    if (Object.keys(slots).length) expect.vars = slots;
    if (t.outputs.some((x) => x.type === 'handoff')) expect.handoff = true;
    if (t.state.ended) expect.ended = t.state.ended.outcome as NonNullable<Expect['ended']>;
    const w = t.state.wait;
    if (w && w.kind !== 'idle') expect.waits_at = `${w.flow}/${w.node}`;
    if (Object.keys(expect).length) turn.expect = expect;
    out.push(turn);
  }
  // the customer profile the session started with (the simulator's preset) holds personal data as much as a message
  const vars = o.vars && !o.typed ? testValues.strings(o.vars, o.locale ? { locale: o.locale } : {}) : o.vars;
  const apiFixtures = Object.fromEntries(Object.entries(api).map(([op, list]) => [op, list.length === 1 ? (list[0] as ApiFixture) : list]));
  const fixtures = {
    ...(Object.keys(apiFixtures).length ? { api: apiFixtures } : {}),
    ...(llm.length ? { llm } : {}),
  };
  return {
    name: o.name,
    ...(o.tags?.length ? { tags: o.tags } : {}),
    ...(o.locale || vars ? { setup: { ...(o.locale ? { locale: o.locale } : {}), ...(vars ? { vars } : {}) } } : {}),
    ...(Object.keys(fixtures).length ? { fixtures } : {}),
    turns: out.length ? out : [{ user: '' }],
  };
}

export function storyYaml(story: Story): string {
  return stringify(story, { lineWidth: 0 });
}

/** `Lost card, then hours!` → `lost_card_then_hours`. */
export function storyFileName(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return /^[a-z]/.test(base) ? base : `story_${base || 'untitled'}`;
}
