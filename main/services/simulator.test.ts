// The simulator service with the real engine, NLU, knowledge files and Anthropic SDK (against the mock):
// turns, streaming events, rewinding, Wizard of Oz, LLM failures and following edits.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { EventPayload, TurnView } from '../../shared/api/contract';
import { startMockLlm, type MockLlm, type Rule } from '../llm/mockServer';
import { copySample } from '../../test/fixtures/tinyProject';
import { createMainServices, type MainServices } from './mainServices';

const HOURS = 'Branches open 9 to 5 on weekdays. On Saturdays they open 9 to 1.';
let services: MainServices | undefined;
let mock: MockLlm | undefined;

afterEach(async () => {
  await services?.dispose();
  await mock?.close();
  services = undefined;
  mock = undefined;
});

async function setup(opts: { script?: Rule[]; llm?: 'mock' | 'none'; timeoutMs?: number; edit?: (dir: string) => void } = {}) {
  mock = await startMockLlm({ script: opts.script ?? [{ match: { lastUser: 'opening hours' }, reply: HOURS }], chunkChars: 4, chunkDelayMs: 5 });
  const dir = copySample();
  const manifest = path.join(dir, 'parley.yaml');
  let text = readFileSync(manifest, 'utf8');
  text = opts.llm === 'none' ? text.replace(/^llm:\n( {2}.*\n)+/m, '') : text.replace(/^llm:\n/m, `llm:\n  baseUrl: ${mock.url}\n`);
  if (opts.timeoutMs) text = text.replace(/timeoutMs: \d+/, `timeoutMs: ${opts.timeoutMs}`);
  writeFileSync(manifest, text);
  opts.edit?.(dir);
  services = await createMainServices({
    mode: 'web',
    projectDir: dir,
    userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-sim-ud-')),
    watch: false,
    env: {},
    credentialsFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-sim-cfg-')), 'credentials.json'),
  });
  const h = services.handlers;
  // the user trusts their own copy of the sample (trust itself is tested in main/trust)
  const trust = await h['trust.status']({});
  await h['trust.grant']({ project: dir, digest: trust!.digest, envVars: [] });
  const tokens: EventPayload<'simulator.token'>[] = [];
  const wizard: EventPayload<'simulator.wizard'>[] = [];
  services.bus.subscribe((event, payload) => {
    if (event === 'simulator.token') tokens.push(payload as EventPayload<'simulator.token'>);
    if (event === 'simulator.wizard') wizard.push(payload as EventPayload<'simulator.wizard'>);
  });
  const texts = (t: TurnView) => t.outputs.flatMap((o) => (o.type === 'text' ? [o.text] : []));
  return { dir, h, tokens, wizard, texts };
}

describe('simulator service', () => {
  it('lets the designer pick an A/B variant, and refuses one the project does not have', async () => {
    const { dir, h } = await setup();
    for (const variant of ['control', 'one_sentence']) {
      const { sessionId } = await h['simulator.start']({ project: dir, variants: { 'hours/answer_hours': variant } });
      const hours = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'what are your opening hours' } });
      expect(hours.trace.find((e) => e.kind === 'variant')).toMatchObject({ flow: 'hours', node: 'answer_hours', variant });
    }
    await expect(h['simulator.start']({ project: dir, variants: { 'hours/answer_hours': 'nope' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('runs the sample: intent with scores, slot from the utterance, digression streamed from the model, back to the question', async () => {
    const { dir, h, tokens, texts } = await setup();
    const { sessionId, turn } = await h['simulator.start']({ project: dir });
    expect(texts(turn)[0]).toMatch(/^Hi Alex, welcome to Acme Bank/);

    const lost = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'I lost my credit card' } });
    const nlu = lost.trace.find((e) => e.kind === 'nlu');
    expect(nlu).toMatchObject({ decision: 'accept', intent: 'lost_card' });
    expect(lost.state.vars.slots).toEqual({ card_type: 'credit' });
    expect(lost.state.wait).toMatchObject({ kind: 'ask', flow: 'card_lost', node: 'ask_last4' });

    const hours = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'what are your opening hours' } });
    expect(texts(hours)).toContain(HOURS);
    expect(texts(hours).at(-1)).toMatch(/^What are the last 4 digits/);
    const streamed = tokens.filter((t) => t.turn === 2);
    // released a sentence at a time, each screened by the output guardrails first
    expect(streamed.map((t) => t.delta)).toEqual(['Branches open 9 to 5 on weekdays. ', 'On Saturdays they open 9 to 1.']);
    expect(streamed[0]).toMatchObject({ sessionId, flow: 'hours', node: 'answer_hours' });
    const llm = hours.trace.find((e) => e.kind === 'llm');
    expect(llm).toMatchObject({ reply: HOURS, usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) } });
    expect(hours.path.map((p) => `${p.flow}/${p.node}`)).toContain('hours/answer_hours');
  });

  it('shows what the turn stored of a message the input stage redacted, and nothing for one stored as typed', async () => {
    const { dir, h } = await setup();
    const { sessionId } = await h['simulator.start']({ project: dir });
    const paid = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'I want to pay my credit card 4111 1111 1100 9034' } });
    expect(paid.stored).toBe('I want to pay my credit card [card ••••9034]');
    // the flow heard the number: the card question took its last four digits
    expect(paid.state.vars.slots).toMatchObject({ pay_card: '9034' });
    const amount = await h['simulator.send']({ sessionId, input: { type: 'text', text: '$150' } });
    expect(amount).not.toHaveProperty('stored');
  });

  it('saves a conversation with a card number as a story with a test card that keeps the last four digits; the story passes', async () => {
    const { dir, h } = await setup();
    const { sessionId } = await h['simulator.start']({ project: dir });
    const paid = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'I want to pay my credit card 4111 1111 1100 9034' } });
    // the panel is told what kind of data the message holds, to say so before saving
    expect(paid.personalData).toEqual(['card']);
    await h['simulator.send']({ sessionId, input: { type: 'text', text: '4111-1111-1100-9034' } });
    const amount = await h['simulator.send']({ sessionId, input: { type: 'text', text: '$150' } });
    expect(amount).not.toHaveProperty('personalData');

    const { file } = await h['stories.saveConversation']({ project: dir, sessionId, name: 'Pay with the whole number' });
    const text = readFileSync(path.join(dir, file), 'utf8');
    expect(text).not.toMatch(/4111/);
    const story = parse(text) as { turns: { user: string; expect?: { vars?: Record<string, unknown> } }[] };
    const card = /card (\d{4} \d{4} \d{4} 9034)$/.exec(story.turns[0]!.user)?.[1] as string;
    expect(card).toBeDefined();
    expect(story.turns[1]!.user).toBe(card.replace(/ /g, '-'));
    expect(story.turns[0]!.expect?.vars).toMatchObject({ 'slots.pay_card': '9034' });
    // replayed, the test card takes the path the typed one took
    const run = await h['stories.run']({ project: dir, files: [file] });
    expect(run.stories.map((r) => [r.file, r.passed, r.firstFailure])).toEqual([[file, true, undefined]]);

    // as typed, when the designer asks for it
    const typed = await h['stories.saveConversation']({ project: dir, sessionId, name: 'Pay with the whole number', typed: true });
    expect(typed.file).not.toBe(file);
    expect(readFileSync(path.join(dir, typed.file), 'utf8')).toContain('I want to pay my credit card 4111 1111 1100 9034');
  });

  it('a slot that keeps the customer`s words keeps the test value too, and the story replays', async () => {
    const { dir, h } = await setup();
    const { sessionId } = await h['simulator.start']({ project: dir, mocks: true });
    for (const text of [
      'I want to dispute a charge',
      'TXN-4821937705',
      '$18',
      '3 January 2026',
      'The cafe charged my card 4111 1111 1111 1111 twice, mail me at jo@gmail.com',
    ])
      await h['simulator.send']({ sessionId, input: { type: 'text', text } });
    const { file } = await h['stories.saveConversation']({ project: dir, sessionId, name: 'Dispute with a card in the reason' });
    const text = readFileSync(path.join(dir, file), 'utf8');
    expect(text).not.toMatch(/4111 1111 1111 1111|jo@gmail\.com/);
    const story = parse(text) as { turns: { user: string; expect?: { vars?: Record<string, unknown> } }[] };
    const last = story.turns.at(-1)!;
    expect(last.user).toMatch(/^The cafe charged my card \d{4} \d{4} \d{4} 1111 twice, mail me at customer@example\.com$/);
    expect(last.expect?.vars).toMatchObject({ 'slots.reason_text': last.user });
    const run = await h['stories.run']({ project: dir, files: [file] });
    expect(run.stories.map((r) => [r.file, r.passed, r.firstFailure])).toEqual([[file, true, undefined]]);
  });

  it('the project`s own redact patterns are saved as test values that the rule still redacts, or as typed and said so; the story replays', async () => {
    // the bank's own reference numbers and a code name, redacted like personal data
    const own = [
      '  - id: customer_ref',
      '    detector: pattern',
      String.raw`    pattern: '\bACME-\d{6}\b'`,
      '    action: redact',
      '  - id: codename',
      '    detector: pattern',
      String.raw`    pattern: '\bproject falcon\b'`,
      '    action: redact',
      '',
    ].join('\n');
    const { dir, h } = await setup({
      edit: (d) => {
        const rulesFile = path.join(d, 'guardrails.yaml');
        writeFileSync(rulesFile, readFileSync(rulesFile, 'utf8').replace(/^rules:\n/m, `rules:\n${own}`));
      },
    });
    const { sessionId } = await h['simulator.start']({ project: dir, mocks: true });
    let last: TurnView | undefined;
    for (const text of [
      'I want to dispute a charge',
      'TXN-4821937705',
      '$18',
      '3 January 2026',
      'Charged twice, my reference is ACME-123456, see Project Falcon',
    ])
      last = await h['simulator.send']({ sessionId, input: { type: 'text', text } });
    expect(last!.stored).toBe('Charged twice, my reference is [redacted], see [redacted]');
    // the panel is told which rules matched, and which match has no test value
    expect(last!.projectData).toEqual([
      { rule: 'customer_ref', typed: false },
      { rule: 'codename', typed: true },
    ]);
    expect(last).not.toHaveProperty('personalData');
    const { file } = await h['stories.saveConversation']({ project: dir, sessionId, name: 'Dispute with a reference' });
    const text = readFileSync(path.join(dir, file), 'utf8');
    expect(text).not.toMatch(/ACME-123456/);
    const story = parse(text) as { turns: { user: string; expect?: { vars?: Record<string, unknown> } }[] };
    expect(story.turns.at(-1)!.user).toBe('Charged twice, my reference is ACME-000000, see Project Falcon');
    expect(story.turns.at(-1)!.expect?.vars).toMatchObject({ 'slots.reason_text': story.turns.at(-1)!.user });
    const run = await h['stories.run']({ project: dir, files: [file] });
    expect(run.stories.map((r) => [r.file, r.passed, r.firstFailure])).toEqual([[file, true, undefined]]);
  });

  it('rewinds to an earlier turn and branches from there', async () => {
    const { dir, h, texts } = await setup();
    const { sessionId } = await h['simulator.start']({ project: dir });
    await h['simulator.send']({ sessionId, input: { type: 'text', text: 'I lost my debit card' } });
    await h['simulator.send']({ sessionId, input: { type: 'text', text: '4821' } });
    expect(await h['simulator.rewind']({ sessionId, keep: 2 })).toEqual({ turns: 2 });
    const branch = await h['simulator.send']({ sessionId, input: { type: 'text', text: '9034' } });
    expect(branch.index).toBe(2);
    expect(texts(branch)[0]).toMatch(/debit card ending 9034/);
    await expect(h['simulator.rewind']({ sessionId, keep: 9 })).rejects.toThrow(/keep must be between 1 and 3/);
  });

  it('a model failure takes the flow error exit and says why in the trace; the conversation goes on', async () => {
    const { dir, h, texts } = await setup({ script: [{ match: {}, reply: 'x', fault: { status: 529 } }] });
    const { sessionId } = await h['simulator.start']({ project: dir });
    const t = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'what are your opening hours' } });
    expect(texts(t)[0]).toMatch(/^Here's what I found: /);
    expect(t.trace.find((e) => e.kind === 'llm')).toMatchObject({ error: expect.stringMatching(/overloaded \(529\)/) });
    const next = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'I lost my card' } });
    expect(texts(next)[0]).toMatch(/^I'm sorry to hear that/);
  }, 20_000);

  it('a model timeout takes the error exit', async () => {
    const { dir, h, texts } = await setup({ script: [{ match: {}, reply: 'late', fault: { firstTokenDelayMs: 3000 } }], timeoutMs: 300 });
    const { sessionId } = await h['simulator.start']({ project: dir });
    const t = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'what are your opening hours' } });
    expect(texts(t)[0]).toMatch(/^Here's what I found: /);
    expect(t.trace.find((e) => e.kind === 'llm')).toMatchObject({ error: expect.stringMatching(/did not start answering within 0\.3 s/) });
  });

  it('without a model it says exactly what to set; Wizard of Oz lets the designer type the reply', async () => {
    const { dir, h, wizard, texts } = await setup({ llm: 'none' });
    const status = await h['llm.status']({});
    expect(status).toMatchObject({ configured: false, keySource: null });
    expect(status.message).toMatch(/Add an llm section with a model to parley\.yaml/);

    // a key saved from the panel goes to the private credentials file (no keychain in web mode), never back out
    const saved = await h['llm.saveKey']({ key: 'sk-test-0123456789' });
    expect(saved).toMatchObject({ configured: false, keySource: 'config', saveTarget: 'config' }); // a key, but still no model
    expect(JSON.stringify(saved)).not.toContain('sk-test-0123456789');

    const { sessionId } = await h['simulator.start']({ project: dir, wizard: true });
    const pending = h['simulator.send']({ sessionId, input: { type: 'text', text: 'what are your opening hours' } });
    await expect.poll(() => wizard.length).toBe(1);
    // the passage is data in the user turn, never in the system prompt
    expect(wizard[0]).toMatchObject({
      sessionId,
      flow: 'hours',
      node: 'answer_hours',
      messages: [
        {
          role: 'user',
          content: expect.stringMatching(
            /^<conversation_data>\n[\s\S]*Retrieved passage \(kb, from hours\.md\)[\s\S]*<\/conversation_data>\n\nwhat are your opening hours$/,
          ),
        },
      ],
    });
    expect(wizard[0]?.system).not.toMatch(/hours\.md/);
    await h['simulator.wizardReply']({ sessionId, requestId: wizard[0]!.requestId, text: 'We open at nine.' });
    expect(texts(await pending)).toContain('We open at nine.');
  });

  it('follows an edit to the flow on the next turn, without a restart', async () => {
    const { dir, h, texts } = await setup();
    const { sessionId } = await h['simulator.start']({ project: dir });
    const snap = await h['project.current']({});
    const flow = structuredClone(snap!.flows.card_lost!.flow);
    const intro = flow.nodes.find((n) => n.id === 'intro') as { say: Record<string, string> };
    intro.say = { en: 'Oh no! Let us block it.' };
    await h['flow.save']({ project: dir, flowId: 'card_lost', flow, baseRevision: snap!.flows.card_lost!.revision });
    const t = await h['simulator.send']({ sessionId, input: { type: 'text', text: 'I lost my card' } });
    expect(texts(t)[0]).toBe('Oh no! Let us block it.');
  });

  it('starts with a preset customer profile and locale', async () => {
    const { dir, h, texts } = await setup();
    const { turn } = await h['simulator.start']({ project: dir, locale: 'es', vars: { customer: { first_name: 'Sam', name: 'Sam Lee' } } });
    expect(texts(turn)[0]).toMatch(/^Hola, Sam\./);
    // merged key by key over parley.yaml's variables
    expect(turn.state.vars.customer).toMatchObject({ first_name: 'Sam', name: 'Sam Lee', id: 'cus_demo_0001', tier: 'standard' });
  });

  it('closing a session cancels it; a closed session is reported clearly', async () => {
    const { dir, h } = await setup();
    const { sessionId } = await h['simulator.start']({ project: dir });
    await h['simulator.close']({ sessionId });
    await expect(h['simulator.send']({ sessionId, input: { type: 'text', text: 'hi' } })).rejects.toThrow(/no simulator session/);
  });

  it('keeps each turn through the runtime core: the trace and state redacted, the replies and the typed input as they were', async () => {
    const { dir, h, texts } = await setup();
    const { sessionId } = await h['simulator.start']({ project: dir });
    await h['simulator.send']({ sessionId, input: { type: 'text', text: 'I lost my debit card' } });
    const typed = 'the card ending 4821, write to jo@example.com';
    const t = await h['simulator.send']({ sessionId, input: { type: 'text', text: typed } });
    // the engine heard the raw words: the slot was filled from them and the reply says so
    expect(t.state.vars.slots).toMatchObject({ card_last4: '4821' });
    expect(texts(t)[0]).toMatch(/debit card ending 4821/);
    // the trace the panel shows and the state kept are redacted
    expect(t.trace[0]).toEqual({ kind: 'input', input: { type: 'text', text: 'the card ending 4821, write to [email]' } });
    expect(JSON.stringify(t.trace)).not.toContain('jo@example.com');
    const conv = services!.simulator.conversation(sessionId);
    const kept = conv.turns[2]!;
    expect(JSON.stringify(kept.state)).not.toContain('jo@example.com');
    // the designer's own input stays as typed, so "save as story" replays it
    expect(kept.input).toEqual({ type: 'text', text: typed });
  });
});
