// The Dialogflow CX importer on a small agent of our own in the shape of exported CX agents
// (test/fixtures/dialogflow-cx/salonbot): each mapping, the report, the command, and import → validate → test.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateDir } from '../../cli/validate';
import { runImportDialogflowCli } from '../../cli/importDialogflow';
import { runTests } from '../../stories/runner';
import { toCondition, toTemplate } from './cxtext';
import { importDialogflow } from './index';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/dialogflow-cx/salonbot');
const tmp = await mkdtemp(path.join(tmpdir(), 'parley-dfcx-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const out = path.join(tmp, 'salon');
const result = await importDialogflow(FIXTURE, out);

interface NodeY {
  id: string;
  kind: string;
  next?: string;
  else?: string;
  noMatch?: string;
  failed?: string;
  say?: Record<string, unknown>;
  buttons?: { id: string; label: Record<string, string>; payload?: string; value?: string }[];
  fromEarlier?: boolean;
  routes?: { intent: string; next?: string }[];
  branches?: { id: string; when: string; next?: string }[];
  assign?: { var: string; value?: string; path?: string }[];
  slot?: string;
  type?: string;
  entity?: string;
  prompt?: Record<string, unknown>;
  reprompt?: Record<string, unknown>;
  skipIfFilled?: boolean;
  flow?: string;
  outcome?: string;
  notes?: string;
  url?: string;
  body?: unknown;
  operation?: string;
}
interface FlowY {
  nodes: NodeY[];
}
const yamlOf = async <T>(rel: string) => parseYaml(await readFile(path.join(out, rel), 'utf8')) as T;
const node = (flow: FlowY, id: string | undefined): NodeY => {
  const n = flow.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};

describe('parley import dialogflow-cx: mappings', () => {
  it('intents: training phrase parts joined per language; the negative intent left out; entity types as lists and regexes', async () => {
    const nlu = await yamlOf<{ intents: { id: string; examples: Record<string, string[]> }[]; entities: unknown[] }>('nlu.yaml');
    expect(nlu.intents.map((i) => i.id)).toEqual(['default_welcome_intent', 'book_appointment', 'check_booking', 'confirm_no', 'confirm_yes', 'help']);
    expect(nlu.intents[0]?.examples).toEqual({ en: ['hi', 'hello', 'hey there', 'good morning'], es: ['hola', 'buenos días'] });
    expect(nlu.intents[1]?.examples.en).toContain('can I get a manicure tomorrow');
    expect(nlu.entities).toEqual([
      { id: 'booking_id', kind: 'regex', pattern: 'SB-[0-9]{4}' },
      {
        id: 'service',
        kind: 'list',
        values: [
          { value: 'haircut', synonyms: ['cut', 'trim'] },
          { value: 'colouring', synonyms: ['coloring', 'dye'] },
          { value: 'manicure', synonyms: ['nails'] },
        ],
      },
    ]);
  });

  it('the start page: a listen node for its intent routes and route groups, the flow no-match handler, a flow target as a call', async () => {
    const flow = await yamlOf<FlowY>('flows/default_start_flow.yaml');
    const listen = node(flow, node(flow, 'start').next);
    expect(listen.kind).toBe('listen');
    expect(listen.routes?.map((r) => r.intent)).toEqual(['default_welcome_intent', 'book_appointment', 'check_booking', 'help']);
    const hello = node(flow, listen.routes?.[0]?.next);
    expect(hello.say).toEqual({
      en: ['Hi! I can book a salon appointment or check a booking.', 'Hello! Want to book an appointment or check a booking?'],
      es: '¡Hola! Puedo reservar una cita.',
    });
    expect(hello.next).toBe(listen.id);
    expect(node(flow, listen.routes?.[2]?.next)).toMatchObject({ kind: 'call', flow: 'booking_status', next: listen.id });
    // the intent's annotated parameter is set from the message's entity when the intent matches
    expect(node(flow, listen.routes?.[1]?.next)).toMatchObject({
      kind: 'set',
      assign: [{ var: 'slots.service', value: 'entities.service ? entities.service : slots.service' }],
      next: 'collect_details_set_params',
    });
    expect(node(flow, listen.noMatch).say?.en).toMatch(/^Sorry, I didn't get that/);
  });

  it('a page: entry fulfillment (presets, message), then one ask per required form parameter, then its condition routes', async () => {
    const flow = await yamlOf<FlowY>('flows/default_start_flow.yaml');
    const entry = node(flow, 'collect_details_set_params');
    expect(entry.assign).toEqual([{ var: 'slots.attempt', value: '1' }]);
    expect(node(flow, entry.next).say).toEqual({ en: "Let's book your appointment." });
    const asks = flow.nodes.filter((n) => n.kind === 'ask');
    expect(asks.map((a) => [a.id, a.slot, a.type, a.entity])).toEqual([
      ['collect_details_ask_email', 'slots.email', 'email', undefined],
      ['collect_details_ask_appointment_time', 'slots.appointment_time', 'text', undefined],
      ['collect_details_ask_appointment_date', 'slots.appointment_date', 'date', undefined],
      ['collect_details_ask_service', 'slots.service', 'entity', 'service'],
    ]);
    const service = node(flow, 'collect_details_ask_service');
    expect(service).toMatchObject({
      prompt: { en: 'Which service would you like?' },
      reprompt: { en: 'We offer haircuts, colouring and manicures. Which one?' },
      // the prompt's chips answer the question
      buttons: [
        { id: 'haircut', label: { en: 'Haircut' }, value: 'Haircut' },
        { id: 'manicure', label: { en: 'Manicure' }, value: 'Manicure' },
      ],
      // CX fills a parameter from the message that answers it, not from earlier ones
      fromEarlier: false,
      next: 'collect_details_ask_appointment_date',
    });
    // @sys.time has no Parley type: a text question whose answer must look like a time
    expect(node(flow, 'collect_details_ask_appointment_time')).toMatchObject({
      validation: { expr: expect.stringMatching(/^matches\(value, "\(\?i\)\^/), message: { en: 'Please give a time such as 10am or 3:30pm.' } },
    });
    // the no-match-3 handler's target is the question's give-up exit
    expect(node(flow, 'collect_details_ask_email')).toMatchObject({ failed: 'collect_details_end_session', next: 'collect_details_call_booking_create' });
    // status = FINAL holds once the questions are answered: the webhook route (no target) falls through to the next routes
    const api = node(flow, 'collect_details_call_booking_create');
    expect(api).toMatchObject({ kind: 'api', operation: 'booking_create', url: 'https://salon.example.com/dialogflow', next: 'collect_details_check' });
    expect(api.notes).toMatch(/^TODO: Dialogflow CX webhook `booking` \(tag `create`\)/);
    const check = node(flow, 'collect_details_check');
    expect(check.branches?.[0]?.when).toBe('slots.service == "manicure"');
    expect(node(flow, check.branches?.[0]?.next).say).toEqual({ en: 'Manicures take about 45 minutes.' });
    expect(node(flow, check.else).say?.en).toMatch(
      /^So that's a \{\{slots\.service\}\} on \{\{slots\.appointment_date\}\}, confirmation to \{\{slots\.email\}\}/,
    );
  });

  it('chips become buttons; conditional responses a condition node; intent routes with presets; End Session an end node', async () => {
    const flow = await yamlOf<FlowY>('flows/default_start_flow.yaml');
    const summary = flow.nodes.find((n) => n.kind === 'message' && n.buttons)!;
    expect(summary.buttons).toEqual([
      { id: 'yes', label: { en: 'Yes' }, payload: 'Yes' },
      { id: 'no', label: { en: 'No' }, payload: 'No' },
    ]);
    const cond = node(flow, summary.next);
    expect(cond).toMatchObject({ kind: 'condition', branches: [{ when: 'slots.service == "colouring"' }], else: 'confirm_listen' });
    const listen = node(flow, 'confirm_listen');
    expect(listen.routes?.map((r) => r.intent)).toEqual(['confirm_yes', 'confirm_no', 'default_welcome_intent', 'book_appointment', 'check_booking']);
    const no = node(flow, listen.routes?.[1]?.next);
    expect(no.assign).toEqual([
      { var: 'slots.service', value: 'null' },
      { var: 'slots.appointment_date', value: 'null' },
      { var: 'slots.email', value: 'null' },
    ]);
    const yes = node(flow, listen.routes?.[0]?.next);
    expect(node(flow, yes.next)).toMatchObject({ kind: 'end', outcome: 'resolved' });
    expect(node(flow, listen.noMatch).say).toEqual({ en: 'Please answer yes or no.' });
  });

  it('a flexible webhook: its request body with placeholders and its parameter mapping as assign; End Flow ends the called flow', async () => {
    const flow = await yamlOf<FlowY>('flows/booking_status.yaml');
    // the page's last entry message asks its first question, which has no prompt of its own; `$flow.booking-id` is slots.booking_id
    expect(node(flow, node(flow, 'start').next)).toMatchObject({ kind: 'message', say: { en: 'Let me look that up.' }, next: 'lookup_ask_booking_id' });
    expect(node(flow, 'lookup_ask_booking_id')).toMatchObject({
      slot: 'slots.booking_id',
      type: 'entity',
      entity: 'booking_id',
      prompt: { en: "What's your booking reference? It looks like SB-1234." },
      reprompt: { en: "A booking reference looks like SB-1234. What's yours?" },
      next: 'lookup_set_params',
    });
    // an object preset is an expression literal
    expect(node(flow, 'lookup_set_params').assign).toEqual([{ var: 'slots.request', value: '{id: slots.booking_id, source: "chat"}' }]);
    const api = flow.nodes.find((n) => n.kind === 'api')!;
    expect(api).toMatchObject({ operation: 'status', body: { id: '{{slots.booking_id}}' }, assign: [{ var: 'slots.booking_state', path: '$.state' }] });
    // the next page checks what the webhook set
    const cases = node(flow, api.next);
    expect(cases.branches?.[0]?.when).toBe('slots.booking_state == "cancelled"');
    const confirmed = node(flow, cases.else);
    expect(confirmed.say).toEqual({ en: 'Booking {{slots.booking_id}} is confirmed.' });
    expect(node(flow, confirmed.next)).toMatchObject({ kind: 'end', outcome: 'resolved' });
    expect(flow.nodes.filter((n) => n.kind === 'listen')).toEqual([]); // the pages always leave: nothing waits there
    const manifest = await yamlOf<{
      startFlow: string;
      locales: string[];
      nlu: unknown;
      mocks: Record<string, unknown>;
      environments: Record<string, { hosts: string[] }>;
    }>('parley.yaml');
    expect(manifest).toMatchObject({ startFlow: 'default_start_flow', locales: ['en', 'es'], nlu: { fallbackLimit: 20 } });
    expect(manifest.mocks).toEqual({ status: { success: { body: {} } }, booking_create: { success: { body: {} } } });
    expect(manifest.environments.dialogflow_webhooks?.hosts).toEqual(['api.salon.example.com', 'salon.example.com']);
  });

  it('test cases become stories: user turns, the triggered intent, patterns of the agent copy, the end', async () => {
    const story = await yamlOf<{
      tags: string[];
      fixtures: unknown;
      turns: { user: string; expect?: { intent?: string; says?: { matches: string }[]; ended?: string } }[];
    }>('stories/book_a_haircut.yaml');
    expect(story.tags).toEqual(['dialogflow_import', 'booking']);
    expect(story.fixtures).toEqual({ api: { status: { mock: 'success' }, booking_create: { mock: 'success' } } });
    expect(story.turns.map((t) => t.user)).toEqual(['hello', 'I want to book a haircut', 'tomorrow', 'around lunch', '3pm', 'jo@example.com', 'yes please']);
    // a recorded variant matches every variant of its message
    expect(story.turns[0]?.expect?.says?.[0]?.matches).toContain('|Hello!\\s+Want');
    // recorded values stand where the copy has parameters
    expect(story.turns[5]?.expect?.says?.[0]?.matches).toBe("(?s)(?:So\\s+that's\\s+a.*on.*,\\s+confirmation\\s+to.*Shall\\s+I\\s+book\\s+it\\?)");
    expect(story.turns[6]?.expect).toMatchObject({ intent: 'confirm_yes', ended: 'resolved' });
    // a test case in another language runs in that locale, its responses matched by the recorded text
    expect(await yamlOf('stories/saludo.yaml')).toMatchObject({
      setup: { locale: 'es' },
      turns: [{ user: 'hola', expect: { intent: 'default_welcome_intent', says: [{ matches: '(?s)(?:¡Hola!\\s+Puedo\\s+reservar\\s+una\\s+cita\\.)' }] } }],
    });
  });

  it('writes IMPORT.md with what mapped, what was approximated and what needs a person', async () => {
    const md = await readFile(path.join(out, 'IMPORT.md'), 'utf8');
    expect(md).toMatch(/^# Import report: Salon Bot\n\nImported from the exported Dialogflow CX agent in `.*salonbot` by `parley import dialogflow-cx`\./);
    expect(md).toMatch(/## What mapped\n\n- 6 intents with 27 training phrases/);
    expect(md).toMatch(/## What was approximated[\s\S]*optional form parameter `note`[\s\S]*## What needs a person/);
    expect(md).toMatch(/## What mapped[\s\S]*Intent parameters: a route for an intent that has them first sets each parameter[\s\S]*## What was approximated/);
    expect(md).toMatch(/## What needs a person[\s\S]*`\$sys\.func\.COUNT\(\$session\.params\.email\) > 100` does not convert[\s\S]*2 webhook calls/);
    // a webhook's headers are named, never copied
    expect(md).toContain('Webhook `booking` sends credentials or headers (`requestHeaders`): not imported; declare a secret');
    for (const rel of ['IMPORT.md', 'parley.yaml', 'flows/default_start_flow.yaml'])
      expect(await readFile(path.join(out, rel), 'utf8')).not.toContain('not-a-real-key');
    expect(result.counts).toEqual({ intents: 6, entities: 2, flows: 2, stories: 4, operations: 2 });
  });

  it('round trip: the imported project validates and its stories pass', async () => {
    const report = await validateDir(out, { cache: false });
    // the only problems: the lines the agent has in English and not in Spanish (its own gaps, kept as warnings)
    const untranslated = report.problems.filter((p) => p.severity === 'warning' && p.message.startsWith('no Spanish (es) text'));
    // and what the copy lint finds in the agent's wording (warnings a writer reviews)
    const lint = report.problems.filter((p) => p.severity === 'warning' && p.message.startsWith('copy lint, '));
    expect(report.problems.filter((p) => !untranslated.includes(p) && !lint.includes(p))).toEqual([]);
    expect(untranslated).toHaveLength(25);
    const tests = await runTests({ projectDir: out, trust: true, userDataDir: path.join(tmp, 'user') });
    expect(tests.problems).toEqual([]);
    expect(tests.stories.map((s) => [s.name, s.passed])).toEqual([
      ['Ask for help', true],
      ['Book a haircut', true],
      ['Check a booking', true],
      ['Saludo', true],
    ]);
  });
});

describe('parley import dialogflow-cx: the command', () => {
  it('prints what it imported (exit 0), or every problem and that nothing was written (exit 2)', async () => {
    const io = { out: '', err: '' };
    const capture = { write: (t: string) => void (io.out += t), err: (t: string) => void (io.err += t) };
    expect(await runImportDialogflowCli(FIXTURE, { out: path.join(tmp, 'cli-ok'), name: 'Salon' }, capture)).toBe(0);
    expect(io.out).toMatch(/^Imported into .*cli-ok: 6 intents, 2 entities, 2 flows, 4 stories, 2 API operations\.\nIMPORT\.md: \d+ mapped/);
    expect(parseYaml(await readFile(path.join(tmp, 'cli-ok', 'parley.yaml'), 'utf8'))).toMatchObject({ name: 'Salon' });
    expect(await runImportDialogflowCli(path.join(tmp, 'missing'), { out: path.join(tmp, 'cli-bad') }, capture)).toBe(2);
    expect(io.err).toBe(`parley import dialogflow-cx: nothing was written:\n  ${path.join(tmp, 'missing')}: no such folder or zip\n`);
  });
});

describe('CX conditions and text', () => {
  const id = (n: string) => n.replace(/-/g, '_');
  it('converts conditions to Parley expressions, and refuses what does not convert', () => {
    expect(toCondition('$page.params.status = "FINAL"', id)).toBe('true');
    expect(toCondition('$page.params.status != "FINAL"', id)).toBe('false');
    expect(toCondition('$page.params.status = FINAL AND $session.params.x-y != ""', id)).toBe('slots.x_y != ""');
    expect(toCondition('NOT $session.params.a = "b" OR $flow.n <= 3', id)).toBe('!(slots.a == "b") || slots.n <= 3');
    expect(toCondition('($session.params.a = true) AND $session.params.b = null', id)).toBe('(slots.a == true) && slots.b == null');
    expect(toCondition('$sys.func.COUNT($flow.items) = 0', id)).toBeUndefined();
    expect(toCondition('$session.params.name : "ann"', id)).toBeUndefined();
    expect(toCondition('$intent.params.x.resolved = 1', id)).toBeUndefined();
  });
  it('turns parameter references in copy into placeholders and lists what it cannot map', () => {
    expect(toTemplate('Hi $session.params.first-name, from $flow.city and $page.params.x.', id)).toEqual({
      text: 'Hi {{slots.first_name}}, from {{slots.city}} and {{slots.x}}.',
      unmapped: [],
    });
    expect(toTemplate('Say $request.generative.answer', id).unmapped).toEqual(['$request.generative.answer']);
  });
});
