import { describe, expect, it } from 'vitest';
import { bankBalanceFlow, bankGlobals, bankHumanFlow, bankMainFlow, lostCardQuestions, n, say } from '../../test/fixtures/bankFlows';
import { flow, keywordNlu, makeModel, simpleSlots } from '../../test/fixtures/engineProject';
import { createEngine, initialState, runTurn, runTurnSync, type EnginePorts } from './engine';
import { LlmError, type HttpResult, type LlmPort } from './ports';
import type { Output, SessionState, TraceEntry, UserInput } from './types';

const bank = makeModel(
  {
    main: bankMainFlow({ payments: 'pay', transfers: 'xfer' }, [
      n({ id: 'pay', kind: 'message', say: say('Payments.'), next: 'menu' }),
      n({ id: 'xfer', kind: 'message', say: say('Transfers.'), next: 'menu' }),
    ]),
    balance: bankBalanceFlow('https://bank.test/b/{{customer.name}}'),
    lost: flow('Lost card', [
      ...lostCardQuestions(),
      n({ id: 'cond', kind: 'condition', branches: [{ id: 'yes', when: 'slots.confirm == true', next: 'blocked' }], else: 'kept' }),
      n({ id: 'blocked', kind: 'message', say: say('Blocked.'), next: 'end' }),
      n({ id: 'kept', kind: 'message', say: say('Not blocked.'), next: 'end' }),
      n({ id: 'end', kind: 'end' }),
      n({ id: 'to_agent', kind: 'handoff', queue: 'cards', say: say('Passing you to Cards.'), summary: 'Card {{slots.card_type}}', unavailable: 'closed' }),
      n({ id: 'closed', kind: 'message', say: say('Cards team closed.') }),
    ]),
    hours: flow('Hours', [
      n({ id: 'start', kind: 'start', next: 'msg' }),
      n({ id: 'msg', kind: 'message', say: say('Open 9 to 5.'), next: 'end' }),
      n({ id: 'end', kind: 'end' }),
    ]),
    help: flow('Help', [n({ id: 'start', kind: 'start', next: 'msg' }), n({ id: 'msg', kind: 'message', say: say('I can help with cards.') })]),
    human: bankHumanFlow(),
  },
  {
    globals: bankGlobals(),
  },
);

const engine = createEngine(bank, { nlu: keywordNlu, extractSlot: simpleSlots });
const okHttp = (body: unknown, status = 200): EnginePorts['http'] => ({ request: (): HttpResult => ({ ok: true, status, body, ms: 3 }) });

const texts = (outs: Output[]) => outs.filter((o) => o.type === 'text').map((o) => (o as { text: string }).text);

/** Plays a script of inputs from a fresh conversation; returns every turn's result. */
function play(inputs: (string | UserInput)[], ports: EnginePorts = { http: okHttp({ data: { balance: 512.5 } }) }, e = engine) {
  let state: SessionState = initialState(e);
  const turns = [];
  for (const i of [{ type: 'start' } as UserInput, ...inputs]) {
    const input: UserInput = typeof i === 'string' ? { type: 'text', text: i } : i;
    const r = runTurnSync(e, state, input, ports);
    turns.push(r);
    state = r.state;
  }
  return { turns, state, last: turns[turns.length - 1]! };
}

const kinds = (trace: TraceEntry[], kind: TraceEntry['kind']) => trace.filter((t) => t.kind === kind);

describe('engine: running nodes', () => {
  it('greets with the profile, offers quick replies and waits at the listen node', () => {
    const { last, state } = play([]);
    expect(texts(last.outputs)).toEqual(['Hi Alex!']);
    expect((last.outputs[0] as { quickReplies?: unknown[] }).quickReplies).toEqual([{ id: 'bal', label: 'Balance', payload: 'bal' }]);
    expect(state.wait).toEqual({ kind: 'listen', flow: 'main', node: 'menu' });
    expect(last.path.map((p) => p.node)).toEqual(['start', 'greet', 'menu']);
  });

  it('routes an intent into a called flow: api, condition, template filters, end returns to the caller', () => {
    const { last, state } = play(['what is my balance']);
    expect(texts(last.outputs)).toEqual(['Your balance is $512.50.', 'Anything else?']);
    expect(last.path.map((p) => `${p.flow}/${p.node}`)).toEqual([
      'main/go_balance',
      'balance/start',
      'balance/fetch',
      'balance/check',
      'balance/ok_msg',
      'balance/done',
      'main/anything',
      'main/menu',
    ]);
    expect(state.vars.account).toEqual({ balance: 512.5 });
    expect(kinds(last.trace, 'vars')).toEqual([{ kind: 'vars', changes: [{ path: 'account.balance', before: 250, after: 512.5 }] }]);
    expect(kinds(last.trace, 'api')[0]).toMatchObject({ operation: 'get_balance', url: 'https://bank.test/b/Alex', status: 200, outcome: 'success' });
    expect(state.stack).toEqual([]);
  });

  it('takes the condition branch, the error exit on a 500 and the timeout exit on a timeout', () => {
    expect(texts(play(['balance'], { http: okHttp({ data: { balance: 12 } }) }).last.outputs)[0]).toBe('Your balance is low: $12.00.');
    expect(texts(play(['balance'], { http: okHttp({}, 500) }).last.outputs)[0]).toBe('The bank is down.');
    const slow = play(['balance'], { http: { request: (): HttpResult => ({ ok: false, reason: 'timeout', message: 'no answer in 100 ms', ms: 100 }) } });
    expect(texts(slow.last.outputs)[0]).toBe('The bank is slow.');
    expect(kinds(slow.last.trace, 'api')[0]).toMatchObject({ outcome: 'timeout' });
  });

  it('a clicked quick reply follows its button, and typing its label does too', () => {
    expect(texts(play([{ type: 'button', payload: 'bal' }]).last.outputs)[0]).toBe('Your balance is $512.50.');
    expect(texts(play(['Balance']).last.outputs)[0]).toBe('Your balance is $512.50.');
  });

  it('ends the conversation at a top-level end node; the next input starts at the home listen node', () => {
    const { turns, state } = play(['bye', 'balance']);
    expect(turns[1]!.outputs).toEqual([
      expect.objectContaining({ type: 'text', text: 'Bye Alex.' }),
      expect.objectContaining({ type: 'end', outcome: 'resolved' }),
    ]);
    expect(turns[1]!.state.ended).toMatchObject({ outcome: 'resolved' });
    expect(texts(turns[2]!.outputs)[0]).toBe('Your balance is $512.50.');
    expect(state.ended).toBeUndefined();
  });

  it('jump moves to another flow without returning', () => {
    const e = createEngine(
      makeModel({
        main: flow('M', [n({ id: 'start', kind: 'start', next: 'j' }), n({ id: 'j', kind: 'jump', flow: 'other', node: 'b' })]),
        other: flow('O', [n({ id: 'a', kind: 'message', say: say('A') }), n({ id: 'b', kind: 'message', say: say('B') })]),
      }),
    );
    const r = runTurnSync(e, initialState(e), { type: 'start' });
    expect(texts(r.outputs)).toEqual(['B']);
    expect(r.state.wait).toEqual({ kind: 'idle' });
  });
});

describe('engine: slots', () => {
  it('fills a slot from the message that started the flow, asks for the rest', () => {
    const { last, state } = play(['I lost my visa']);
    expect(state.vars.slots).toEqual({ card_type: 'credit' });
    expect(texts(last.outputs)).toEqual(['Last 4 digits?']);
    expect(kinds(last.trace, 'slot')[0]).toMatchObject({ slot: 'slots.card_type', ok: true, reason: 'from the last message' });
  });

  it('re-prompts, says the validation message, and takes the failed exit after maxRetries', () => {
    const { turns, state } = play(['I lost my card', 'um', 'debit', '1111', 'no idea', '2222']);
    expect(texts(turns[2]!.outputs)).toEqual(['Please say debit or credit.']);
    expect(texts(turns[3]!.outputs)).toEqual(['Last 4 digits?']);
    expect(texts(turns[4]!.outputs)).toEqual(['No card ends 1111... try again.']);
    expect(texts(turns[5]!.outputs)).toEqual(['Last 4 digits?']); // no reprompt copy: the prompt again
    expect(turns[6]!.outputs).toEqual([
      expect.objectContaining({ text: 'Passing you to Cards.' }),
      expect.objectContaining({ type: 'handoff', queue: 'cards', summary: 'Card debit' }),
    ]);
    expect(state.ended).toMatchObject({ outcome: 'escalated' });
  });

  it('an unavailable agent queue takes the unavailable exit', () => {
    const { last } = play(['lost card', 'debit', '1', '2', '3'], { handoff: { available: () => false } });
    // the called flow ran out after the message, so the conversation returns to the caller
    expect(texts(last.outputs)).toEqual(['Cards team closed.', 'Anything else?']);
  });

  it('completes the lost-card flow, with skipIfFilled: false asking again', () => {
    const { turns, state } = play(['lost card', 'credit', 'it ends 9034', 'yes']);
    expect(texts(turns[3]!.outputs)).toEqual(['Block your credit card ending 9034?']);
    expect(texts(turns[4]!.outputs)).toEqual(['Blocked.', 'Anything else?']);
    expect(state.vars.slots).toEqual({ card_type: 'credit', last4: '9034', confirm: true });
  });
});

describe('engine: digressions and globals', () => {
  it('digresses from a question to another flow and comes back to ask it again', () => {
    const { turns, state } = play(['lost card', 'debit', 'what are your opening hours', '4821']);
    const digress = turns[3]!;
    expect(kinds(digress.trace, 'global')[0]).toMatchObject({ handler: 'hours', action: 'digress', flow: 'hours' });
    expect(texts(digress.outputs)).toEqual(['Open 9 to 5.', 'Now, back to where we were.', 'Last 4 digits?']);
    expect(digress.state.wait).toEqual({ kind: 'ask', flow: 'lost', node: 'ask_last4', retries: 0 });
    expect(texts(turns[4]!.outputs)).toEqual(['Block your debit card ending 4821?']);
    expect(state.stack).toEqual([{ kind: 'call', flow: 'main', node: 'go_lost', next: 'anything' }]);
  });

  it('a digression flow that runs out of nodes (no end node) also returns', () => {
    const r = play(['help']).last;
    expect(texts(r.outputs)).toEqual(['I can help with cards.']);
    expect(r.state.wait).toEqual({ kind: 'listen', flow: 'main', node: 'menu' });
  });

  it('goto leaves the current task; cancel clears the slots and goes home; restart greets again', () => {
    const agent = play(['lost card', 'talk to a human']).last;
    expect(agent.outputs.map((o) => o.type)).toEqual(['text', 'handoff']);
    expect(agent.state.stack).toEqual([]);

    const cancel = play(['lost card', 'debit', 'cancel']).last;
    expect(texts(cancel.outputs)).toEqual(['Canceled.']);
    expect(cancel.state.vars.slots).toBeUndefined();
    expect(cancel.state.wait).toEqual({ kind: 'listen', flow: 'main', node: 'menu' });
    expect(cancel.state.stack).toEqual([]);

    const restart = play(['balance', 'start over']).last;
    expect(texts(restart.outputs)).toEqual(['Hi Alex!']);
    expect(restart.state.vars.account).toEqual({ balance: 250 });
  });

  it('a trigger intent enters its flow from anywhere (here: in the middle of a question in another flow)', () => {
    const model = structuredClone(bank);
    model.flows.main!.nodes.push(n({ id: 'amount', kind: 'ask', slot: 'slots.amount', type: 'number', prompt: say('How much?'), next: 'menu' }));
    (model.flows.main!.nodes.find((x) => x.id === 'menu') as { routes: { intent: string; next: string }[] }).routes.push({
      intent: 'transfers',
      next: 'amount',
    });
    (model.flows.main!.nodes.find((x) => x.id === 'menu') as { routes: { intent: string; next: string }[] }).routes.splice(3, 1);
    const e = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
    const { turns, last } = play(['transfer', 'my card was stolen'], {}, e);
    expect(texts(turns[1]!.outputs)).toEqual(['How much?']);
    expect(texts(last.outputs)).toEqual(['Debit or credit?']);
    expect(kinds(last.trace, 'global')[0]).toMatchObject({ handler: 'trigger:lost', flow: 'lost' });
  });
});

describe('engine: NLU thresholds', () => {
  it('between clarify and accept the bot asks which of the top two was meant, and the choice routes', () => {
    const { turns } = play(['payment or transfer?', { type: 'button', payload: 'intent:transfers' }]);
    const ask = turns[1]!;
    expect(kinds(ask.trace, 'nlu')[0]).toMatchObject({ decision: 'clarify' });
    expect(ask.outputs[0]).toMatchObject({
      text: 'Sorry, did you mean "Payments" or "Transfers"?',
      quickReplies: [
        { id: 'payments', label: 'Payments', payload: 'intent:payments' },
        { id: 'transfers', label: 'Transfers', payload: 'intent:transfers' },
      ],
    });
    expect(ask.state.wait).toMatchObject({ kind: 'clarify', intents: ['payments', 'transfers'] });
    expect(texts(turns[2]!.outputs)).toEqual(['Transfers.']);
  });

  it('uses the listen node lowConfidence exit when it has one', () => {
    const model = structuredClone(bank);
    const menu = model.flows.main!.nodes.find((x) => x.id === 'menu') as { lowConfidence?: string };
    menu.lowConfidence = 'sorry';
    const e = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
    expect(texts(play(['payment or transfer?'], {}, e).last.outputs)).toEqual(['Sorry, say again?']);
  });

  it('counts consecutive no-matches and escalates at the limit; an accepted intent resets the count', () => {
    const { turns } = play(['blah', 'blah', 'balance', 'blah', 'blah', 'blah']);
    expect(kinds(turns[2]!.trace, 'fallback')).toEqual([{ kind: 'fallback', count: 2, limit: 3, escalated: false }]);
    expect(turns[3]!.state.fallbacks).toBe(0);
    expect(texts(turns[4]!.outputs)).toEqual(['Sorry, say again?']);
    const last = turns[6]!;
    expect(kinds(last.trace, 'fallback')).toEqual([{ kind: 'fallback', count: 3, limit: 3, escalated: true }]);
    expect(last.outputs.map((o) => o.type)).toEqual(['text', 'text', 'handoff']);
    expect(texts(last.outputs)[0]).toMatch(/bringing in a member of our team/);
  });
});

describe('engine: expressions, templates and problems', () => {
  const model = makeModel({
    main: flow('M', [
      n({ id: 'start', kind: 'start', next: 'set' }),
      n({
        id: 'set',
        kind: 'set',
        assign: [
          { var: 'calc.total', value: 'account.balance * 2 + 1' },
          { var: 'calc.bad', value: 'account.balance +* 2' },
        ],
        next: 'cond',
      }),
      n({
        id: 'cond',
        kind: 'condition',
        branches: [
          { id: 'broken', when: 'nope(1)', next: 'x' },
          { id: 'big', when: 'calc.total > 500', next: 'big' },
        ],
        else: 'small',
      }),
      n({ id: 'big', kind: 'message', say: say('Total {{calc.total}}; missing {{account.overdraft | currency}}.') }),
      n({ id: 'small', kind: 'message', say: say('small') }),
      n({ id: 'x', kind: 'message', say: say('x') }),
    ]),
  });

  it('evaluates set and conditions; a bad expression is a problem in the trace, not a crash', () => {
    const r = runTurnSync(createEngine(model), initialState(createEngine(model)), { type: 'start' });
    expect(r.state.vars.calc).toEqual({ total: 501 });
    const problems = kinds(r.trace, 'problem').map((p) => (p as { message: string }).message);
    expect(problems[0]).toMatch(/^assign calc.bad: .*\(not set\)$/);
    expect(problems[1]).toMatch(/^branches.broken.when: unknown function "nope".*\(treated as false\)$/);
    // a missing variable is reported and left visible, never rendered as an empty string
    expect(texts(r.outputs)).toEqual(['Total 501; missing {{account.overdraft | currency}}.']);
    expect(problems[2]).toBe('say: {{account.overdraft | currency}}: no value for account.overdraft');
  });

  it('stops a loop at the step limit, reports it, and the conversation can go on', () => {
    const loop = makeModel({
      main: flow('M', [
        n({ id: 'start', kind: 'start', next: 'a' }),
        n({ id: 'a', kind: 'set', assign: [{ var: 'n', value: 'n + 1' }], next: 'b' }),
        n({ id: 'b', kind: 'condition', branches: [{ id: 'again', when: 'true', next: 'a' }] }),
      ]),
    });
    const e = createEngine(loop, { stepLimit: 50 });
    const r = runTurnSync(e, initialState(e, { vars: { n: 0 } }), { type: 'start' });
    expect(r.outputs[0]).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/^step limit \(50\) reached in one turn: the flow loops \(.*a → b.*\)$/),
    });
    expect(r.state.vars.n).toBe(25);
    expect(r.state.wait).toEqual({ kind: 'idle' });
    expect(() => runTurnSync(e, r.state, { type: 'text', text: 'hello' })).not.toThrow();
  });

  it('an edge to a missing node is reported, not thrown', () => {
    const bad = makeModel({ main: flow('M', [n({ id: 'start', kind: 'start', next: 'ghost' })]) });
    const e = createEngine(bad);
    const r = runTurnSync(e, initialState(e), { type: 'start' });
    expect(r.outputs).toEqual([expect.objectContaining({ type: 'error', message: 'node "ghost" not found in flow "main"' })]);
  });

  it('picks the locale, falling back to the default locale', () => {
    const m = makeModel({
      main: flow('M', [
        n({ id: 'start', kind: 'start', next: 'm' }),
        n({ id: 'm', kind: 'message', say: { en: 'Hello', es: 'Hola' }, next: 'm2' }),
        n({ id: 'm2', kind: 'message', say: { en: 'Only English' } }),
      ]),
    });
    const e = createEngine(m);
    expect(texts(runTurnSync(e, initialState(e, { locale: 'es' }), { type: 'start' }).outputs)).toEqual(['Hola', 'Only English']);
  });
});

describe('engine: LLM, knowledge and guardrail nodes through their ports', () => {
  const model = makeModel({
    main: flow('M', [
      n({ id: 'start', kind: 'start', next: 'listen' }),
      n({ id: 'listen', kind: 'listen', routes: [{ intent: 'balance', next: 'extract' }], noMatch: 'guard' }),
      n({ id: 'guard', kind: 'guardrail', checks: ['profanity'], next: 'kb', flagged: 'calm' }),
      n({ id: 'calm', kind: 'message', say: say('Let us keep it civil.'), next: 'listen' }),
      n({ id: 'kb', kind: 'knowledge', minScore: 0.5, next: 'listen', notSure: 'ask_llm' }),
      n({
        id: 'ask_llm',
        kind: 'llm',
        system: 'You are a bank assistant for {{customer.name}}.',
        prompt: 'Answer: {{input}}',
        model: 'claude-test',
        next: 'listen',
        error: 'oops',
      }),
      n({ id: 'oops', kind: 'message', say: say('The assistant is unavailable.'), next: 'listen' }),
      n({
        id: 'extract',
        kind: 'llm',
        mode: 'extract',
        prompt: 'Text: {{input}}',
        extract: [
          { var: 'x.amount', description: 'amount', type: 'number' },
          { var: 'x.urgent', description: 'urgent?', type: 'boolean' },
        ],
        next: 'listen',
      }),
    ]),
  });
  const e = createEngine(model, { nlu: keywordNlu });

  const llmReply = (text: string): LlmPort => ({
    async complete(req, opts) {
      for (const piece of text.split(/(?<= )/)) opts?.onToken?.(piece);
      return { text, model: req.model ?? 'default', stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 5 }, ttftMs: 1, totalMs: 2 };
    },
  });

  async function turnAfterStart(text: string, ports: EnginePorts, onToken?: (d: string) => void) {
    const s0 = (await runTurn(e, initialState(e), { type: 'start' }, ports)).state;
    return runTurn(e, s0, { type: 'text', text }, ports, onToken ? { onToken: (_at, d) => onToken(d) } : {});
  }

  it('grounds an answer in the knowledge base when retrieval scores high enough', async () => {
    const r = await turnAfterStart('when do branches open', { retrieval: { search: () => [{ source: 'hours.md', text: 'Branches open at 9.', score: 0.8 }] } });
    // no model: the node answers from the passage, and cites it
    expect(texts(r.outputs)).toEqual(['Branches open at 9. [1]']);
    expect(r.outputs[0]).toMatchObject({ citations: [{ n: 1, source: 'hours.md', text: 'Branches open at 9.' }] });
    expect(kinds(r.trace, 'retrieval')[0]).toMatchObject({ query: 'when do branches open', grounded: true });
  });

  it('falls through to the LLM when not grounded: streams tokens, passes system, model and known facts (as data)', async () => {
    const tokens: string[] = [];
    let seen: Parameters<LlmPort['complete']>[0] | undefined;
    const llm = llmReply('Sure thing, here it is.');
    const spy: LlmPort = { complete: (req, o) => ((seen = req), llm.complete(req, o)) };
    const r = await turnAfterStart('tell me a story', { retrieval: { search: () => [{ source: 'a.md', text: 'x', score: 0.2 }] }, llm: spy }, (d) =>
      tokens.push(d),
    );
    expect(texts(r.outputs)).toEqual(['Sure thing, here it is.']);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe('Sure thing, here it is.');
    expect(seen?.model).toBe('claude-test');
    // instructions in the system prompt; the known facts in the data block of the user turn
    expect(seen?.system).toMatch(/^You are a bank assistant for Alex\.\n\nText between <conversation_data> and <\/conversation_data>/);
    expect(seen?.messages.at(-1)).toEqual({
      role: 'user',
      content: expect.stringMatching(/^<conversation_data>\nKnown facts \(JSON\):\n\{"account".*\n<\/conversation_data>\n\nAnswer: tell me a story$/s),
    });
    expect(seen?.messages[0]?.role).toBe('user');
    expect(kinds(r.trace, 'llm')[0]).toMatchObject({ reply: 'Sure thing, here it is.', usage: { inputTokens: 10, outputTokens: 5 } });
  });

  it('an LLM failure takes the error exit and says why in the trace', async () => {
    const failing: LlmPort = { complete: () => Promise.reject(new LlmError('no reply within 20000 ms', 'timeout')) };
    const r = await turnAfterStart('tell me a story', { llm: failing });
    expect(texts(r.outputs)).toEqual(['The assistant is unavailable.']);
    expect(kinds(r.trace, 'llm')[0]).toMatchObject({ error: 'LLM: no reply within 20000 ms' });
  });

  it('a partial (cut) reply is shown, marked partial, and the flow goes on', async () => {
    const cut: LlmPort = {
      complete: async () => ({
        text: 'Half a rep',
        model: 'm',
        stopReason: null,
        partial: true,
        usage: { inputTokens: 1, outputTokens: 1 },
        ttftMs: 1,
        totalMs: 1,
      }),
    };
    const r = await turnAfterStart('tell me a story', { llm: cut });
    expect(r.outputs[0]).toMatchObject({ type: 'text', text: 'Half a rep', partial: true, llm: true });
    expect(r.state.wait).toEqual({ kind: 'listen', flow: 'main', node: 'listen' });
  });

  it('extract mode stores typed values from the JSON reply', async () => {
    const r = await turnAfterStart('balance: I need 42 urgently', { llm: llmReply('Here: {"x.amount": "42", "urgent": true}') });
    expect(r.state.vars.x).toEqual({ amount: 42, urgent: true });
  });

  it('a flagged guardrail takes the flagged exit; no LLM configured is a clear problem', async () => {
    const flagged = await turnAfterStart('you are useless', { guardrail: { check: () => [{ check: 'profanity', detail: 'insult' }] } });
    expect(texts(flagged.outputs)).toEqual(['Let us keep it civil.']);
    const none = await turnAfterStart('tell me a story', {});
    expect(kinds(none.trace, 'problem').map((p) => (p as { message: string }).message)).toContain(
      'LLM: no LLM is configured: set llm.model in parley.yaml and an API key',
    );
  });
});

describe('engine: state', () => {
  it('is plain JSON, never mutated by a later turn, and replaying from an old state gives the same turn', () => {
    const { turns } = play(['lost card', 'debit']);
    const s1 = turns[1]!.state;
    const frozen = JSON.stringify(s1);
    const a = runTurnSync(engine, s1, { type: 'text', text: '4821' });
    const b = runTurnSync(engine, JSON.parse(frozen) as SessionState, { type: 'text', text: '4821' });
    expect(JSON.stringify(s1)).toBe(frozen);
    expect(b).toEqual(a);
    expect(JSON.parse(JSON.stringify(a.state))).toEqual(a.state);
  });

  it('keeps the transcript bounded', () => {
    const e = createEngine(bank, { nlu: keywordNlu, transcriptLimit: 6 });
    const { state } = play(Array(10).fill('payment') as string[], {}, e);
    expect(state.transcript).toHaveLength(6);
  });
});
