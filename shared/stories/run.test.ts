import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HOURS_PASSAGE, hoursRetrieval, storyBankEngine, storyBankModel } from '../../test/fixtures/storyBank';
import { LlmError, type LlmPort, type LlmRequest } from '../engine/ports';
import { formatProblem } from '../project/problems';
import { coverage } from './coverage';
import { indexProject, loadStory } from './load';
import { runStory, type Failure, type RunOptions, type StoryResult } from './run';

const engine = storyBankEngine();
const index = indexProject(storyBankModel);
const globals = (storyBankModel.manifest.globals ?? []).map((g) => g.id);

/** Loads a story given as an object (written out as YAML, so turn lines are real) and runs it. */
async function run(story: Record<string, unknown>, o: Partial<RunOptions> = {}): Promise<StoryResult> {
  const text = stringify({ name: 'test story', ...story });
  const r = loadStory({ file: 'stories/test.yaml', text }, index, globals);
  if (!r.story) throw new Error(r.problems.map(formatProblem).join('\n'));
  return runStory(r.story, { engine, retrieval: hoursRetrieval, ...o });
}

const BALANCE = { api: { get_balance: { body: { data: { balance: 512.5 } } } } };
const BALANCE_PATH = ['main/go_balance', 'balance/start', 'balance/fetch', 'balance/check', 'balance/ok_msg', 'balance/done', 'main/anything', 'main/menu'];
const BALANCE_SAYS = ['Your balance is $512.50.', 'Anything else?'];

/** A port that answers every request with `reply` and records the requests. */
function llmPort(reply: string | ((req: LlmRequest) => string)): LlmPort & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  return {
    requests,
    complete(req) {
      requests.push(req);
      const text = typeof reply === 'string' ? reply : reply(req);
      return Promise.resolve({ text, model: 'stub', stopReason: 'end_turn', usage: { inputTokens: 0, outputTokens: 0 }, ttftMs: 0, totalMs: 0 });
    },
  };
}

interface Case {
  name: string;
  user: string | string[];
  fixtures?: Record<string, unknown>;
  right: Record<string, unknown>;
  wrong: Record<string, unknown>;
  failure: Failure;
}

const cases: Case[] = [
  {
    name: 'intent',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { intent: 'balance' },
    wrong: { intent: 'lost_card' },
    failure: { check: 'intent', expected: 'lost_card', actual: 'balance', node: 'main/menu' },
  },
  {
    name: 'intent (none accepted)',
    user: 'mumble',
    right: { waits_at: 'main/menu' },
    wrong: { intent: 'balance' },
    failure: { check: 'intent', expected: 'balance', actual: 'no intent accepted', node: 'main/menu' },
  },
  {
    name: 'minConfidence',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { minConfidence: 0.9 },
    wrong: { minConfidence: 0.95 },
    failure: { check: 'minConfidence', expected: 0.95, actual: 0.9, node: 'main/menu' },
  },
  {
    name: 'path',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { path: ['main/go_balance', 'balance/fetch', 'balance/ok_msg', 'main/anything'] },
    wrong: { path: ['main/go_balance', 'balance/low_msg', 'main/anything'] },
    failure: { check: 'path', expected: ['main/go_balance', 'balance/low_msg', 'main/anything'], actual: BALANCE_PATH, node: 'balance/check' },
  },
  {
    name: 'path (order)',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { path: ['balance/fetch', 'balance/check'] },
    wrong: { path: ['balance/check', 'balance/fetch'] },
    failure: { check: 'path', expected: ['balance/check', 'balance/fetch'], actual: BALANCE_PATH, node: 'main/menu' },
  },
  {
    name: 'visits',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { visits: 'balance/ok_msg' },
    wrong: { visits: 'balance/low_msg' },
    failure: { check: 'visits', expected: 'balance/low_msg', actual: BALANCE_PATH, node: 'balance/check' },
  },
  {
    name: 'avoids',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { avoids: ['balance/low_msg', 'balance/api_err'] },
    wrong: { avoids: ['balance/api_err', 'balance/ok_msg'] },
    failure: { check: 'avoids', expected: 'not balance/ok_msg', actual: BALANCE_PATH, node: 'balance/check' },
  },
  {
    name: 'waits_at',
    user: 'I lost my card',
    right: { waits_at: 'lost/ask_type' },
    wrong: { waits_at: 'main/menu' },
    failure: { check: 'waits_at', expected: 'main/menu', actual: 'lost/ask_type', node: 'main/menu' },
  },
  {
    name: 'waits_at (idle)',
    user: 'bye',
    right: { ended: 'resolved' },
    wrong: { waits_at: 'main/menu' },
    failure: { check: 'waits_at', expected: 'main/menu', actual: 'nothing (idle)', node: 'main/menu' },
  },
  {
    name: 'says.contains (any case)',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { says: [{ contains: 'YOUR BALANCE is $512.50' }] },
    wrong: { says: [{ contains: '$99' }] },
    failure: { check: 'says[0].contains', expected: '$99', actual: BALANCE_SAYS, node: 'main/menu' },
  },
  {
    name: 'says.not_contains',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { says: [{ not_contains: 'low' }] },
    wrong: { says: [{ contains: 'balance' }, { not_contains: 'anything ELSE' }] },
    failure: { check: 'says[1].not_contains', expected: 'not "anything ELSE"', actual: BALANCE_SAYS, node: 'main/menu' },
  },
  {
    name: 'says.matches',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { says: [{ matches: '\\$\\d+\\.\\d{2}\\.' }] },
    wrong: { says: [{ matches: '^Balance:' }] },
    failure: { check: 'says[0].matches', expected: '^Balance:', actual: BALANCE_SAYS, node: 'main/menu' },
  },
  {
    name: 'says.copy',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { says: [{ copy: 'balance/ok_msg' }, { copy: 'main/anything' }] },
    wrong: { says: [{ copy: 'balance/low_msg' }] },
    failure: { check: 'says[0].copy', expected: 'balance/low_msg', actual: ['balance/ok_msg', 'main/anything'], node: 'balance/check' },
  },
  {
    name: 'says.copy (a global)',
    user: 'cancel',
    right: { says: [{ copy: 'globals/cancel' }] },
    wrong: { says: [{ copy: 'main/sorry' }] },
    failure: { check: 'says[0].copy', expected: 'main/sorry', actual: ['globals/cancel'], node: 'main/menu' },
  },
  {
    name: 'vars',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { vars: { 'account.balance': 512.5, 'customer.name': 'Alex' } },
    wrong: { vars: { 'account.balance': 250 } },
    failure: { check: 'vars.account.balance', expected: 250, actual: 512.5, node: 'main/menu' },
  },
  {
    name: 'vars (null is unset)',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { vars: { 'slots.card_type': null } },
    wrong: { vars: { 'account.balance': null } },
    failure: { check: 'vars.account.balance', expected: null, actual: 512.5, node: 'main/menu' },
  },
  {
    name: 'vars (unset)',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { vars: { 'account.balance': 512.5 } },
    wrong: { vars: { 'slots.card_type': 'debit' } },
    failure: { check: 'vars.slots.card_type', expected: 'debit', actual: null, node: 'main/menu' },
  },
  {
    name: 'handoff',
    user: 'get me a human',
    right: { handoff: true },
    wrong: { handoff: false },
    failure: { check: 'handoff', expected: false, actual: { queue: 'general', reason: 'user_request' }, node: 'human/agent' },
  },
  {
    name: 'handoff (none)',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { handoff: false },
    wrong: { handoff: true },
    failure: { check: 'handoff', expected: true, actual: false, node: 'main/menu' },
  },
  {
    name: 'handoff.queue',
    user: 'get me a human',
    right: { handoff: { queue: 'general' } },
    wrong: { handoff: { queue: 'cards' } },
    failure: { check: 'handoff.queue', expected: 'cards', actual: 'general', node: 'human/agent' },
  },
  {
    name: 'handoff.reason',
    user: ['I lost my debit card', '9034', 'yes'],
    fixtures: { api: { block_card: { status: 500 } } },
    right: { handoff: { queue: 'cards', reason: 'could NOT be blocked' } },
    wrong: { handoff: { reason: 'fraud' } },
    failure: { check: 'handoff.reason', expected: 'fraud', actual: 'card could not be blocked', node: 'lost/to_agent' },
  },
  {
    name: 'handoff.summary',
    user: 'get me a human',
    right: { handoff: { summary: 'REASON: the customer asked for a person' } },
    wrong: { handoff: { summary: 'card blocked' } },
    failure: {
      check: 'handoff.summary',
      expected: 'card blocked',
      actual: expect.stringMatching(/^Reason: the customer asked for a person \(user_request\)\nCustomer wants: /) as unknown as string,
      node: 'human/agent',
    },
  },
  {
    name: 'guardrail',
    user: 'a payment, my card is 4111 1111 1111 1111',
    right: { guardrail: 'pii' },
    wrong: { guardrail: 'profanity' },
    failure: { check: 'guardrail', expected: 'profanity', actual: ['pii'], node: 'main/menu' },
  },
  {
    name: 'guardrail (boolean)',
    user: 'a payment, my card is 4111 1111 1111 1111',
    right: { guardrail: true, visits: 'main/calm' },
    wrong: { guardrail: false },
    failure: { check: 'guardrail', expected: false, actual: ['pii'], node: 'main/menu' },
  },
  {
    name: 'guardrail (clean)',
    user: 'a payment please',
    right: { guardrail: false, visits: 'main/pay' },
    wrong: { guardrail: true },
    failure: { check: 'guardrail', expected: true, actual: false, node: 'main/menu' },
  },
  {
    name: 'citations',
    user: 'when are you open',
    fixtures: { llm: [{ node: 'hours/answer', reply: 'From 9 to 5.' }] },
    right: { citations: true },
    wrong: { citations: false },
    failure: { check: 'citations', expected: false, actual: ['hours.md'], node: 'hours/end' },
  },
  {
    name: 'citations (a file)',
    user: 'when are you open',
    fixtures: { llm: [{ node: 'hours/answer', reply: 'From 9 to 5.' }] },
    right: { citations: 'hours.md' },
    wrong: { citations: 'fees.md' },
    failure: { check: 'citations', expected: 'fees.md', actual: ['hours.md'], node: 'hours/end' },
  },
  {
    name: 'grounded',
    user: 'when are you open',
    fixtures: { llm: [{ node: 'hours/answer', reply: 'From 9 to 5.' }] },
    right: { grounded: true },
    wrong: { grounded: false },
    failure: { check: 'grounded', expected: false, actual: true, node: 'hours/end' },
  },
  {
    name: 'citations (not grounded)',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { citations: false },
    wrong: { citations: true },
    failure: { check: 'citations', expected: true, actual: false, node: 'main/menu' },
  },
  {
    name: 'ended',
    user: 'bye',
    right: { ended: 'resolved' },
    wrong: { ended: 'escalated' },
    failure: { check: 'ended', expected: 'escalated', actual: 'resolved', node: 'main/bye' },
  },
  {
    name: 'ended (not ended)',
    user: 'what is my balance',
    fixtures: BALANCE,
    right: { waits_at: 'main/menu' },
    wrong: { ended: 'resolved' },
    failure: { check: 'ended', expected: 'resolved', actual: 'not ended', node: 'main/menu' },
  },
];

const storyOf = (c: Case, expectation: Record<string, unknown>) => {
  const users = Array.isArray(c.user) ? c.user : [c.user];
  return {
    ...(c.fixtures ? { fixtures: c.fixtures } : {}),
    turns: users.map((user, i) => (i === users.length - 1 ? { user, expect: expectation } : { user })),
  };
};

describe('runStory: each expectation passes when right and fails precisely when wrong', () => {
  it.each(cases)('$name', async (c) => {
    const ok = await run(storyOf(c, c.right));
    expect(ok.turns.flatMap((t) => t.failures)).toEqual([]);
    expect(ok.passed).toBe(true);
    expect(ok.error).toBeUndefined();

    const bad = await run(storyOf(c, c.wrong));
    expect(bad.passed).toBe(false);
    const turn = Array.isArray(c.user) ? c.user.length : 1;
    expect(bad.firstFailure?.turn).toBe(turn);
    expect(bad.firstFailure?.failure).toEqual(c.failure);
    expect(bad.turns[turn]?.failures).toEqual([c.failure]);
  });

  it('a copy id of a button label passes when the bot offered that button', async () => {
    const r = await run({ turns: [{ user: 'mumble', expect: { says: [{ copy: 'main/sorry' }] } }] });
    expect(r.passed).toBe(true);
    const greet = await run({
      setup: { greet: false },
      turns: [{ event: 'start_over', expect: { says: [{ copy: 'main/greet' }, { copy: 'main/greet.buttons.bal.label' }] } }],
    });
    expect(greet.turns.flatMap((t) => t.failures)).toEqual([]);
    const absent = await run({ turns: [{ user: 'mumble', expect: { says: [{ copy: 'main/greet.buttons.bal.label' }] } }] });
    expect(absent.firstFailure?.failure).toEqual({
      check: 'says[0].copy',
      expected: 'main/greet.buttons.bal.label',
      actual: ['main/sorry'],
      node: 'main/menu',
    });
  });

  it('judge: scored by the judge port with the rubric and the transcript; a low score, no port and a broken port fail', async () => {
    const story = { fixtures: BALANCE, turns: [{ user: 'what is my balance', expect: { judge: { rubric: 'states the balance politely', threshold: 0.8 } } }] };
    const good = llmPort('{"score": 0.9, "reason": "clear and polite"}');
    expect((await run(story, { judge: good })).passed).toBe(true);
    expect(good.requests).toHaveLength(1);
    expect(good.requests[0]?.messages[0]?.content).toContain('Rubric: states the balance politely');
    expect(good.requests[0]?.messages[0]?.content).toContain('Customer: what is my balance\nBot: Your balance is $512.50.');

    const low = await run(story, { judge: llmPort('Sure. {"score": 0.5, "reason": "too curt"}') });
    expect(low.firstFailure?.failure).toEqual({
      check: 'judge',
      expected: 'states the balance politely (score ≥ 0.8)',
      actual: '0.5: too curt',
      node: 'main/menu',
    });

    const none = await run(story);
    expect(none.firstFailure?.failure).toMatchObject({ check: 'judge', actual: expect.stringContaining('no LLM to judge with') });

    const broken: LlmPort = { complete: () => Promise.reject(new LlmError('overloaded', 'overloaded')) };
    expect((await run(story, { judge: broken })).firstFailure?.failure).toMatchObject({ check: 'judge', actual: 'the judge failed: overloaded' });

    const unparsable = await run(story, { judge: llmPort('I think it is fine') });
    expect(unparsable.firstFailure?.failure).toMatchObject({ check: 'judge', actual: 'no score: I think it is fine' });
  });

  it('the judge is not asked when a rule check already failed', async () => {
    const port = llmPort('{"score": 1}');
    const r = await run(
      { fixtures: BALANCE, turns: [{ user: 'what is my balance', expect: { visits: 'balance/low_msg', judge: 'polite' } }] },
      { judge: port },
    );
    expect(r.firstFailure?.failure.check).toBe('visits');
    expect(port.requests).toEqual([]);
  });
});

describe('runStory: fixtures', () => {
  it('api: a list of responses is used in order, a retry taking the next, and the last one repeats', async () => {
    const r = await run({
      // the GET is tried twice a turn (its default retry): two 500s make the first turn fail
      fixtures: { api: { get_balance: [{ status: 500 }, { status: 500 }, { body: { data: { balance: 42 } } }] } },
      turns: [
        { user: 'balance', expect: { visits: 'balance/api_err', says: [{ contains: 'The bank is down.' }] } },
        { user: 'balance', expect: { visits: 'balance/low_msg', says: [{ contains: 'low: $42.00' }] } },
        { user: 'balance', expect: { visits: 'balance/low_msg', vars: { 'account.balance': 42 } } },
      ],
    });
    expect(r.turns.flatMap((t) => t.failures)).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it('api: fail timeout takes the timeout exit, fail network the error exit, a missing fixture is a network error', async () => {
    const timeout = await run(
      {
        fixtures: { api: { get_balance: { fail: 'timeout' } } },
        turns: [{ user: 'balance', expect: { visits: 'balance/api_slow', says: [{ contains: 'The bank is slow.' }] } }],
      },
      { keepTrace: true },
    );
    expect(timeout.passed).toBe(true);
    expect(timeout.turns[1]?.trace?.filter((e) => e.kind === 'api')).toEqual([
      expect.objectContaining({
        operation: 'get_balance',
        outcome: 'timeout',
        message: expect.stringMatching(/^attempt 1 of 2: no response within 100 ms \(fixture\); retrying in \d+ ms$/),
      }),
      expect.objectContaining({ operation: 'get_balance', outcome: 'timeout', message: 'attempt 2 of 2: no response within 100 ms (fixture)' }),
    ]);
    const network = await run({ fixtures: { api: { get_balance: { fail: 'network' } } }, turns: [{ user: 'balance', expect: { visits: 'balance/api_err' } }] });
    expect(network.passed).toBe(true);
    const missing = await run({ turns: [{ user: 'balance', expect: { visits: 'balance/api_err' } }] }, { keepTrace: true });
    expect(missing.passed).toBe(true);
    expect(missing.turns[1]?.trace?.filter((e) => e.kind === 'api').at(-1)).toMatchObject({
      outcome: 'error',
      message: 'attempt 2 of 2: no fixture for the API operation "get_balance" in this story',
    });
  });

  it('api: each run of a story starts its sequences again', async () => {
    const story = {
      fixtures: { api: { get_balance: [{ status: 500 }, { status: 500 }, { body: { data: { balance: 42 } } }] } },
      turns: [{ user: 'balance', expect: { visits: 'balance/api_err' } }],
    };
    expect((await run(story)).passed).toBe(true);
    expect((await run(story)).passed).toBe(true);
  });

  it('llm: fixtures answer by node and by prompt (first match wins); failures take the error exit', async () => {
    const fixtures = {
      llm: [
        { prompt: '^are you open on sunday', reply: 'We are closed on Sundays.' }, // the prompt, after the data block
        { node: 'hours/answer', reply: 'From 9 to 5.' },
        { node: 'help/chat', reply: 'I can help with cards.' },
      ],
    };
    const r = await run({
      fixtures,
      turns: [
        { user: 'when are you open', expect: { says: [{ contains: 'From 9 to 5.' }, { copy: 'hours/answer' }, { copy: 'hours/more' }] } },
        { user: 'are you open on Sunday', expect: { says: [{ contains: 'We are closed on Sundays.' }] } },
        { user: 'help', expect: { says: [{ contains: 'I can help with cards.' }], avoids: ['hours/answer'] } },
      ],
    });
    expect(r.turns.flatMap((t) => t.failures)).toEqual([]);

    const failing = await run(
      {
        fixtures: { llm: [{ node: 'hours/answer', fail: 'timeout' }] },
        turns: [{ user: 'when are you open', expect: { visits: 'hours/say_passage', says: [{ contains: HOURS_PASSAGE }] } }],
      },
      { keepTrace: true },
    );
    expect(failing.passed).toBe(true);
    expect(failing.turns[1]?.trace?.find((e) => e.kind === 'llm')).toMatchObject({ error: 'LLM: the model failed (timeout, fixture)' });
  });

  it('says.matches and fixture prompts run in linear time: a catastrophic pattern cannot hang the run', async () => {
    // (a+)+b against many a's and no b: a backtracking engine takes minutes for each (the test would time out)
    const evil = `${'a'.repeat(32)}!`;
    const r = await run({
      fixtures: {
        llm: [
          { prompt: '(a+)+b', reply: 'wrong fixture' },
          { node: 'hours/answer', reply: evil },
        ],
      },
      turns: [{ user: `when are you open ${evil}`, expect: { says: [{ matches: '(a+)+b' }] } }],
    });
    expect(r.turns[1]?.failures).toEqual([expect.objectContaining({ check: 'says[0].matches', actual: expect.arrayContaining([evil]) })]);
  });

  it('llm: a request no fixture answers goes to the llm port; one nothing answers stops the story with an error naming the node', async () => {
    const port = llmPort((req) => `port answers ${req.flow}/${req.node}`);
    const viaPort = await run(
      {
        fixtures: { llm: [{ node: 'help/chat', reply: 'fixture' }] },
        turns: [{ user: 'when are you open', expect: { says: [{ contains: 'port answers hours/answer' }] } }],
      },
      { llm: port },
    );
    expect(viaPort.passed).toBe(true);
    // the passage a system template names is moved to the data block of the user turn
    expect(port.requests.map((q) => q.system)).toEqual([expect.stringMatching(/^Answer only from this passage: \[kb\.answer: see the conversation data\]/)]);
    expect(port.requests[0]?.messages.at(-1)?.content).toContain(`Retrieved passage (kb, from hours.md):\n${HOURS_PASSAGE}`);
    const none = await run(
      { turns: [{ user: 'balance' }, { user: 'when are you open', expect: { visits: 'hours/say_passage' } }, { user: 'bye' }] },
      { keepTrace: true },
    );
    expect(none.passed).toBe(false);
    expect(none.error).toBe('turn 2: no LLM fixture or recording answers hours/answer; add one under fixtures.llm, or record with --record');
    expect(none.turns.map((t) => t.index)).toEqual([0, 1, 2]);
    expect(none.turns[2]?.failures).toEqual([]);
    // after a failed turn the conversation is off the story's path: the failure is reported, not the unanswered request
    const offPath = await run({ turns: [{ user: 'balance', expect: { visits: 'hours/say_passage' } }, { user: 'when are you open' }] });
    expect(offPath.error).toBeUndefined();
    expect(offPath.firstFailure).toMatchObject({ turn: 1, failure: { check: 'visits' } });
    // a port that is not configured (no recording, no key) is the same: the story cannot run as written
    const unconfigured: LlmPort = { complete: () => Promise.reject(new LlmError('no recording of this request', 'not_configured')) };
    expect((await run({ turns: [{ user: 'when are you open' }] }, { llm: unconfigured })).error).toBe('turn 1: no recording of this request');
    // while a model that fails is a path through the flow (its error exit), not an error of the story
    const overloaded: LlmPort = { complete: () => Promise.reject(new LlmError('overloaded', 'overloaded')) };
    const failed = await run({ turns: [{ user: 'when are you open', expect: { visits: 'hours/say_passage' } }] }, { llm: overloaded });
    expect(failed.error).toBeUndefined();
    expect(failed.passed).toBe(true);
  });

  it('agents: false makes the handoff take its unavailable exit', async () => {
    const turns = ['I lost my debit card', '9034', 'yes'].map((user) => ({ user }));
    const story = (agents?: boolean) => ({ fixtures: { api: { block_card: { status: 500 } }, ...(agents === undefined ? {} : { agents }) }, turns });
    const available = await run(story());
    expect(available.turns[3]?.says).toEqual(['Passing you to Cards.', '[handoff to cards]']);
    const none = await run(story(false));
    expect(none.turns[3]?.says).toEqual(['Cards team closed.', 'Anything else?']);
    expect(none.turns[3]?.path).toContain('lost/closed');
  });

  it('setup: locale, vars over the manifest, no greeting', async () => {
    const r = await run({
      setup: { vars: { customer: { name: 'Sam' } }, greet: false },
      turns: [{ user: 'bye', expect: { says: [{ contains: 'Bye Sam.' }], vars: { 'customer.cards': ['4821', '9034'] } } }],
    });
    expect(r.passed).toBe(true);
    expect(r.turns.map((t) => t.index)).toEqual([1]);
  });
});

describe('runStory: memory', () => {
  it('remembers a value and checks it three turns later; {{ turns[i].user }} is what the user said', async () => {
    const r = await run({
      turns: [
        { user: 'I lost my debit card', expect: { waits_at: 'lost/ask_last4' } },
        { user: '9034', remember: { last4: 'slots.last4', type: 'slots.card_type' }, expect: { says: [{ contains: 'debit card ending 9034' }] } },
        { user: 'start over', expect: { vars: { 'slots.last4': null } } },
        { user: 'I lost my credit card', expect: { waits_at: 'lost/ask_last4' } },
        {
          user: '9034',
          expect: { says: [{ contains: 'ending {{ memory.last4 }}' }, { not_contains: '{{ memory.type }}' }], vars: { 'slots.last4': '{{ memory.last4 }}' } },
        },
        { user: 'no' },
        { user: 'transfer' },
        { user: 'rent for May', expect: { says: [{ contains: 'Noted: {{ turns[7].user }}' }, { not_contains: '{{ turns[0].user }}' }] } },
      ],
    });
    expect(r.turns.flatMap((t) => t.failures)).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it('a remembered value is compared with its own type; a wrong memory fails with the rendered value', async () => {
    const story = (user: string) => ({
      fixtures: { api: { get_balance: [{ body: { data: { balance: 512.5 } } }, { body: { data: { balance: 80 } } }] } },
      turns: [
        { user: 'balance', remember: { bal: 'account.balance' } },
        { user },
        { user: 'hmm' },
        { user: 'bye', expect: { vars: { 'account.balance': '{{ memory.bal }}' } } },
      ],
    });
    expect((await run(story('thanks'))).turns.flatMap((t) => t.failures)).toEqual([]);
    const changed = await run(story('balance again'));
    expect(changed.firstFailure).toMatchObject({ turn: 4, failure: { check: 'vars.account.balance', expected: 512.5, actual: 80 } });
  });

  it('a memory that was never set fails the check instead of comparing the placeholder', async () => {
    const r = await run({ turns: [{ user: 'hello', expect: { says: [{ not_contains: '{{ memory.nothing }}' }] } }] });
    expect(r.passed).toBe(false);
    expect(r.firstFailure?.failure).toMatchObject({ check: 'says[0].not_contains', actual: expect.stringContaining('memory.nothing') });
  });
});

describe('runStory: reports', () => {
  it('the first failure names the turn and its line; later turns still run and report their failures', async () => {
    const r = await run({
      fixtures: BALANCE,
      turns: [
        { user: 'what is my balance', expect: { intent: 'balance' } },
        { user: 'I lost my card', expect: { waits_at: 'lost/ask_last4', says: [{ contains: 'PIN' }] } },
        { user: 'debit', expect: { waits_at: 'main/menu' } },
        { user: '4821', expect: { waits_at: 'lost/confirm' } },
      ],
    });
    expect(r.passed).toBe(false);
    expect(r.firstFailure).toEqual({
      turn: 2,
      line: 12,
      failure: { check: 'waits_at', expected: 'lost/ask_last4', actual: 'lost/ask_type', node: 'lost/ask_type' },
    });
    expect(r.turns.map((t) => t.failures.map((f) => f.check))).toEqual([[], [], ['waits_at', 'says[0].contains'], ['waits_at'], []]);
    expect(r.turns[2]).toMatchObject({
      index: 2,
      input: { type: 'text', text: 'I lost my card' },
      says: ['Debit or credit?'],
      waitsAt: 'lost/ask_type',
      line: 12,
    });
  });

  it('an exception while running becomes the story error, not a crash', async () => {
    const r = await run(
      { fixtures: BALANCE, turns: [{ user: 'what is my balance' }, { user: 'boom' }, { user: 'bye' }] },
      {
        transform: (text) => {
          if (text === 'boom') throw new Error('the transform broke');
          return text;
        },
      },
    );
    expect(r.passed).toBe(false);
    expect(r.error).toBe('the transform broke');
    expect(r.turns.map((t) => t.index)).toEqual([0, 1]);
  });

  it('collects the nodes visited and the exits taken, and coverage counts them per flow', async () => {
    const r = await run({ fixtures: BALANCE, turns: [{ button: 'bal' }, { user: 'what is my balance' }] });
    expect(r.passed).toBe(true);
    expect(r.visited).toEqual(
      expect.arrayContaining(['main/start', 'main/greet', 'main/menu', 'main/go_balance', 'balance/fetch', 'balance/check', 'balance/ok_msg', 'main/anything']),
    );
    expect(r.visited).not.toContain('balance/low_msg');
    expect(r.exits).toEqual(
      expect.arrayContaining([
        'main/start:next',
        'main/greet:next',
        'main/greet:button:bal',
        'main/menu:intent:balance',
        'balance/fetch:next',
        'balance/check:else',
        'balance/ok_msg:next',
      ]),
    );
    expect(r.exits).not.toContain('balance/check:branch:low');

    const c = coverage(storyBankModel, r.visited, r.exits);
    const balance = c.flows.find((f) => f.flow === 'balance');
    expect(balance).toEqual({
      flow: 'balance',
      nodes: 8,
      visitedNodes: 5,
      exits: 10,
      coveredExits: 4,
      unvisited: ['low_msg', 'api_err', 'api_slow'],
      uncovered: ['fetch:error', 'fetch:timeout', 'check:branch:low', 'low_msg:next', 'api_err:next', 'api_slow:next'],
    });
    expect(c.flows.find((f) => f.flow === 'hours')).toMatchObject({ visitedNodes: 0, coveredExits: 0 });
    expect(c.nodes).toBe(c.flows.reduce((s, f) => s + f.nodes, 0));
    expect(c.visitedNodes).toBe(new Set(r.visited).size);
  });
});
