// Property: turns that run at the same time share nothing. Random sessions of the acme-bank sample (real NLU,
// slot extraction, retrieval and guardrail; mocked model and bank API), in English and Spanish, run interleaved
// at their await points, every port answering in an order fast-check picks; each session's outputs, traces and
// final state equal those of the same session run alone.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractSlotValue } from '../nlu/entities';
import { buildProjectNlu } from '../nlu/project';
import { loadProject, type SourceFile } from '../project/load';
import { createEngine, initialState, runTurn, type EnginePorts } from './engine';
import type { HttpRequest, HttpResult, LlmRequest, LlmResponse, RetrievalHit } from './ports';
import { checkText } from './simple/guardrail';
import type { SessionState, TurnResult, UserInput } from './types';
import { KnowledgeIndex } from '../knowledge/index';

const dir = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const source = (file: string): SourceFile => ({ file, text: readFileSync(path.join(dir, file), 'utf8') });
const loaded = loadProject({
  manifest: source('parley.yaml'),
  nlu: source('nlu.yaml'),
  flows: readdirSync(path.join(dir, 'flows')).map((f) => source(`flows/${f}`)),
});
if (!loaded.project) throw new Error(`the sample does not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
const model = loaded.project;
const entities = model.nlu.entities ?? [];
// as main/services/projectEngine.ts builds it
const engine = createEngine(model, { nlu: buildProjectNlu(model.nlu), extractSlot: (type, text, ctx) => extractSlotValue(type, text, { entities, ...ctx }) });
// as main/services/knowledgeIndex.ts builds it
const knowledge = KnowledgeIndex.build(
  readdirSync(path.join(dir, 'knowledge')).map((f) => ({ source: f, text: readFileSync(path.join(dir, 'knowledge', f), 'utf8') })),
  { locales: model.manifest.locales, synonyms: model.manifest.knowledge?.synonyms ?? [] },
);

const text = (t: string): UserInput => ({ type: 'text', text: t });
const button = (payload: string): UserInput => ({ type: 'button', payload });

// What a customer does, in each language: each journey goes through nodes that await a port (API, model,
// retrieval, guardrail, agents) and formats amounts and dates. A session is a few of them, in any order.
const JOURNEYS: Record<'en' | 'es', UserInput[][]> = {
  en: [
    [text('check my balance please')],
    [text('how much money do I have left'), button('retry')],
    [text('I lost my credit card'), text('4821'), text('yes'), text('Yes, send a new card')],
    [text('what are your opening hours')],
    [text('Will Acme ever ask me for my PIN?')],
    [text('I want to dispute a charge'), text('TXN-4821937705'), text('$42.50'), text('January 10'), text('I was charged twice for the same coffee')],
    [text('I want to dispute a charge'), text('TXN-1029384756'), text('$899.99'), text('January 2'), text('I never received what I paid for')],
    [text('talk to a human')],
    [text('help'), text('cancel')],
    [text('blorp zib'), text('this is useless, you idiot'), text('start over')],
  ],
  es: [
    [text('¿cuánto dinero tengo en mi cuenta?')],
    [text('¿cuánto dinero tengo en mi cuenta?'), button('retry')],
    [text('perdí mi tarjeta de débito'), text('9034'), text('sí'), text('no')],
    [text('¿a qué hora abren?')],
    [text('quiero hablar con un agente')],
    [text('ayuda'), text('gracias, eso es todo')],
    [text('I want to dispute a charge'), text('TXN-4821937705'), text('$42.50'), text('January 10'), text('I was charged twice for the same coffee')],
    [text('blorp zib'), text('start over')],
  ],
};

interface SessionSpec {
  locale: 'en' | 'es';
  tier: 'standard' | 'premier';
  balance: number;
  api: 'ok' | 'error' | 'timeout';
  llm: 'ok' | 'down';
  agents: boolean;
  now: number;
  inputs: UserInput[];
}

const sessionArb: fc.Arbitrary<SessionSpec> = fc.constantFrom('en' as const, 'es' as const).chain((locale) =>
  fc.record({
    locale: fc.constant(locale),
    tier: fc.constantFrom('standard' as const, 'premier' as const),
    balance: fc.constantFrom(1234.5, 57.25, -42.1, 2310),
    api: fc.constantFrom('ok' as const, 'ok' as const, 'error' as const, 'timeout' as const),
    llm: fc.constantFrom('ok' as const, 'ok' as const, 'down' as const),
    agents: fc.boolean(),
    now: fc.constantFrom(Date.UTC(2026, 0, 15, 12), Date.UTC(2025, 2, 14, 23, 30)),
    inputs: fc.array(fc.constantFrom(...JOURNEYS[locale]), { minLength: 1, maxLength: 3 }).map((js) => js.flat()),
  }),
);

/** The bank's answers: a function of the session and the request only. */
function bank(spec: SessionSpec, req: HttpRequest): HttpResult {
  if (spec.api === 'timeout') return { ok: false, reason: 'timeout', message: `no response within ${req.timeoutMs} ms`, ms: req.timeoutMs };
  if (spec.api === 'error') return { ok: true, status: 503, body: { error: 'service unavailable' }, ms: 3 };
  const data: Record<string, unknown> =
    {
      get_balance: {
        available_balance: spec.balance,
        account_name: spec.locale === 'es' ? 'Cuenta Corriente' : 'Everyday Checking',
        account_number_last4: '7720',
      },
      block_card: { reference: `BLK-${req.body?.length ?? 0}` },
      order_replacement: { estimated_delivery: '2026-01-23' },
      open_dispute: { case_id: `DSP-${req.body?.length ?? 0}`, decision_due_date: '2026-01-29' },
    }[req.operation] ?? {};
  return { ok: true, status: 200, body: { data }, ms: 7 };
}

/** The model: a reply made from the request (a JSON object for extraction), or down. */
function model_(spec: SessionSpec, req: LlmRequest): LlmResponse {
  if (spec.llm === 'down') throw new Error('the model is overloaded (529)');
  const last = req.messages[req.messages.length - 1]?.content ?? '';
  const text = /Reply with one JSON object/.test(req.system ?? '')
    ? JSON.stringify({ reason: last.includes('twice') ? 'duplicate' : 'other', contacted_merchant: false, summary: `${last.length} characters` })
    : `(${spec.locale}) ${req.node}: ${last.length}`;
  return { text, model: 'stub', stopReason: 'end_turn', usage: { inputTokens: last.length, outputTokens: text.length }, ttftMs: 1, totalMs: 2 };
}

type Defer = <A extends unknown[], T>(f: (...args: A) => T) => (...args: A) => T | Promise<T>;

function portsFor(spec: SessionSpec, defer: Defer): EnginePorts {
  return {
    http: { request: defer((req: HttpRequest) => bank(spec, req)) },
    llm: { complete: defer((req: LlmRequest) => model_(spec, req)) as (req: LlmRequest) => Promise<LlmResponse> },
    retrieval: { search: defer((q: string, o: { sources: string[]; limit: number }) => knowledge.search(q, o) as RetrievalHit[]) },
    guardrail: { check: defer(checkText) },
    handoff: { available: defer(() => spec.agents) },
    clock: { now: () => spec.now },
  };
}

async function runSession(spec: SessionSpec, defer: Defer): Promise<TurnResult[]> {
  const ports = portsFor(spec, defer);
  let state: SessionState = initialState(engine, { locale: spec.locale, vars: { customer: { tier: spec.tier } } });
  const results: TurnResult[] = [];
  for (const input of [{ type: 'start' } as UserInput, ...spec.inputs]) {
    const r = await runTurn(engine, state, input, ports);
    results.push(r);
    state = r.state;
  }
  return results;
}

// alone: every port answers at once (a rejected promise for a failing model, as an async client would)
const immediate: Defer =
  (f) =>
  (...args) => {
    try {
      return f(...args);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  };

describe('interleaved sessions', () => {
  it('each session of the sample, run alongside others, ends exactly as it does alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sessionArb, { minLength: 2, maxLength: 5 }), fc.scheduler(), async (specs, s) => {
        const alone = [];
        for (const spec of specs) alone.push(await runSession(spec, immediate));
        // every port call becomes a task that the scheduler resolves in an order of its choosing
        const scheduled: Defer = (f) => s.scheduleFunction(async (...args: Parameters<typeof f>) => f(...args));
        const together = await s.waitFor(Promise.all(specs.map((spec) => runSession(spec, scheduled))));
        for (let i = 0; i < specs.length; i++) expect(together[i]).toEqual(alone[i]);
      }),
      { numRuns: 60, seed: 20261127 },
    );
  });
});
