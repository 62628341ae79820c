// The Rasa importer on a small fixture of our own in the shape of public Rasa 3 projects
// (test/fixtures/rasa/pizzabot): each mapping, bad input, the no-overwrite rule, and import → validate → test.
import { cp, mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateDir } from '../../cli/validate';
import { runTests } from '../../stories/runner';
import { runImportRasaCli } from '../../cli/importRasa';
import { calmCondition } from './calm';
import { importRasa, RasaImportError } from './index';
import { responsePattern, stripAnnotations, toId } from './text';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/rasa/pizzabot');
const tmp = await mkdtemp(path.join(tmpdir(), 'parley-rasa-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const out = path.join(tmp, 'pizza');
const result = await importRasa(FIXTURE, out);
// the shapes these tests read back (the assertions check them)
interface NodeY {
  id: string;
  assign?: unknown;
  kind: string;
  next?: string;
  noMatch?: string;
  say?: unknown;
  buttons?: unknown;
  routes?: { intent: string }[];
  slot?: string;
  type?: string;
  prompt?: Record<string, string>;
  notes?: string;
}
interface FlowY {
  nodes: NodeY[];
}
interface NluY {
  intents: { id: string; examples: Record<string, string[]> }[];
  entities: { id: string; values?: { value: string }[] }[];
}
interface ManifestY {
  globals: unknown[];
  mocks: Record<string, Record<string, unknown>>;
  environments: Record<string, { hosts: string[] }>;
}
interface StoryY {
  fixtures: { api: unknown };
  turns: { user?: string; event?: string; expect?: { says?: unknown } }[];
}
const yamlOf = async <T>(rel: string) => parseYaml(await readFile(path.join(out, rel), 'utf8')) as T;
const node = (flow: FlowY, id: string | undefined): NodeY => {
  const n = flow.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};

/** A copy of the fixture with one file replaced. */
async function variant(name: string, rel: string, text: string): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(FIXTURE, dir, { recursive: true });
  await writeFile(path.join(dir, rel), text);
  return dir;
}

async function importError(src: string, dest: string): Promise<string[]> {
  try {
    await importRasa(src, dest);
  } catch (e) {
    if (e instanceof RasaImportError) return e.problems;
    throw e;
  }
  throw new Error('the import did not fail');
}

describe('parley import rasa: mappings', () => {
  it('NLU: intents with annotation-free examples, retrieval sub-intents, list entities with synonyms and lookups, regexes', async () => {
    const nlu = await yamlOf<NluY>('nlu.yaml');
    const ids = nlu.intents.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining(['greet', 'order_pizza', 'faq_opening_hours', 'faq_delivery_area']));
    expect(ids).not.toContain('faq');
    const order = nlu.intents.find((i) => i.id === 'order_pizza');
    expect(order?.examples.en).toContain('can I get a large pizza');
    const size = nlu.entities.find((e) => e.id === 'size');
    expect(size?.values).toEqual([{ value: 'large', synonyms: ['big', 'family size'] }, { value: 'medium' }]);
    const topping = nlu.entities.find((e) => e.id === 'topping');
    expect(topping?.values?.map((v) => v.value)).toEqual(['pepperoni', 'mushroom', 'margherita', 'ham', 'pineapple']);
    expect(nlu.entities.find((e) => e.id === 'order_id')).toEqual({ id: 'order_id', kind: 'regex', pattern: '[A-Z]{2}-[0-9]{4}' });
    expect(nlu.entities.find((e) => e.id === 'email')).toBeUndefined(); // the built-in email type reads it
  });

  it('responses: variations, {slot} placeholders and buttons (intent payloads and entity values)', async () => {
    const msg = node(await yamlOf<FlowY>('flows/greet.yaml'), 'utter_greet');
    expect(msg.kind).toBe('message');
    expect(msg.buttons).toEqual([
      { id: 'order_a_pizza', label: { en: 'Order a pizza' }, payload: 'intent:order_pizza' },
      { id: 'large_please', label: { en: 'Large please' }, payload: 'large' },
    ]);
    const bye = node(await yamlOf<FlowY>('flows/goodbye.yaml'), 'utter_goodbye');
    expect(bye.say).toEqual({ en: ['Bye, enjoy your meal!', 'See you soon!'] });
  });

  it('main routes starting intents to their flows, each also a digress global; nlu_fallback is the no-match path', async () => {
    const main = await yamlOf<FlowY>('flows/main.yaml');
    const menu = node(main, 'menu');
    expect(menu.kind).toBe('listen');
    expect(menu.routes?.map((r) => r.intent)).toEqual(expect.arrayContaining(['greet', 'help', 'order_pizza', 'faq_opening_hours', 'goodbye', 'check_order']));
    expect(node(main, menu.noMatch).say).toEqual({ en: "Sorry, I didn't get that." });
    const manifest = await yamlOf<ManifestY>('parley.yaml');
    expect(manifest.globals).toContainEqual({ id: 'help', intent: 'help', action: 'digress', flow: 'help' });
  });

  it('a form becomes a form node, one field per slot typed from the slot mappings, followed by the submit rule', async () => {
    const form = await yamlOf<FlowY>('flows/form_pizza_form.yaml');
    const formNode = form.nodes.find((n) => n.kind === 'form') as (NodeY & { fields: NodeY[] }) | undefined;
    const asks = formNode?.fields ?? [];
    expect(asks.map((a) => [a.slot, a.type])).toEqual([
      ['slots.size', 'entity'],
      ['slots.topping', 'entity'],
      ['slots.email', 'email'],
      ['slots.notes', 'text'],
      ['slots.confirm', 'yes_no'],
    ]);
    expect(asks[2]?.prompt).toEqual({ en: "What's your email for the receipt?" }); // utter_ask_<form>_<slot> first
    expect(asks[4]?.prompt?.en).toBe('Shall I place the order for a {{slots.size}} {{slots.topping}} pizza?');
    expect(formNode?.next).toBe('action_place_order');
    // a rule that answers an intent by deactivating the form: that intent abandons it, unasked, saying the rule's words
    expect(formNode).toMatchObject({ abandonOn: ['deny'], confirmLeave: false, abandoned: 'utter_sorry' });
    expect(node(form, 'utter_sorry')).toMatchObject({ kind: 'message' });
    const flow = await yamlOf<FlowY>('flows/order_pizza.yaml');
    // slots mapped from an entity without a form condition are filled from the message that starts the flow
    expect(node(flow, 'fill_slots')).toMatchObject({
      kind: 'set',
      assign: [
        { var: 'slots.size', value: 'entities.size ? entities.size : slots.size' },
        { var: 'slots.topping', value: 'entities.topping ? entities.topping : slots.topping' },
      ],
      next: 'pizza_form',
    });
    expect(flow.nodes.find((n) => n.kind === 'call')).toMatchObject({ flow: 'form_pizza_form' });
  });

  it('reads Rasa 2 forms, whose slot mappings sit in the form', async () => {
    const domain = (await readFile(path.join(FIXTURE, 'domain.yml'), 'utf8'))
      .replace('version: "3.1"', 'version: "2.0"')
      .replace(
        /forms:\n {2}pizza_form:\n {4}required_slots:\n( {6}- \w+\n)+/,
        'forms:\n  pizza_form:\n    size:\n      - type: from_entity\n        entity: size\n    email:\n      - type: from_entity\n        entity: email\n',
      );
    const src = await variant('rasa2-form', 'domain.yml', domain);
    const dest = path.join(tmp, 'out-rasa2-form');
    await importRasa(src, dest);
    const form = parseYaml(await readFile(path.join(dest, 'flows/form_pizza_form.yaml'), 'utf8')) as FlowY;
    const fields = (form.nodes.find((n) => n.kind === 'form') as (NodeY & { fields: NodeY[] }) | undefined)?.fields ?? [];
    expect(fields.map((a) => [a.slot, a.type])).toEqual([
      ['slots.size', 'entity'],
      ['slots.email', 'email'],
    ]);
  });

  it('custom actions become api nodes with a TODO note and a success mock; stories continue with a listen node', async () => {
    const flow = await yamlOf<FlowY>('flows/check_order.yaml');
    const api = flow.nodes.find((n) => n.kind === 'api')!;
    expect(api).toMatchObject({ operation: 'action_check_order', method: 'POST', url: 'http://localhost:5055/webhook' });
    expect(api.notes).toMatch(/^TODO: Rasa custom action `action_check_order`/);
    const listen = node(flow, api.next);
    expect(listen.kind).toBe('listen');
    expect(listen.routes?.map((r) => r.intent)).toEqual(['affirm', 'deny']);
    const manifest = await yamlOf<ManifestY>('parley.yaml');
    expect(manifest.mocks.action_check_order?.success).toEqual({ body: { events: [], responses: [] } });
    expect(manifest.environments.rasa_actions?.hosts).toEqual(['localhost:5055']);
  });

  it('test stories become Parley stories with intents, response patterns, events and api fixtures', async () => {
    const story = await yamlOf<StoryY>('stories/check_an_order.yaml');
    expect(story.fixtures.api).toEqual({ action_place_order: { mock: 'success' }, action_check_order: { mock: 'success' } });
    expect(story.turns[0]).toEqual({ user: 'where is my order', expect: { intent: 'check_order' } });
    expect(story.turns[1]?.expect?.says).toEqual([{ matches: '(?s)(?:Great!)' }]);
    // a Rasa Pro end-to-end test case: `utter` and `bot` steps are checks on the turn's lines
    const e2e = await yamlOf<StoryY>('stories/ask_for_help_then_the_delivery_area.yaml');
    expect(e2e.turns.map((t) => [t.user, t.expect?.says])).toEqual([
      ['I need help', [{ matches: '(?s)(?:I\\s+can\\s+take\\s+a\\s+pizza\\s+order\\s+or\\s+check\\s+an\\s+order\\.)' }]],
      ['how far do you deliver', [{ matches: '(?s)(?:We\\s+deliver\\s+within\\s+5\\s+km\\.)' }]],
    ]);
    const help = await yamlOf<StoryY>('stories/help_without_a_message.yaml');
    expect(help.turns[0]?.event).toBe('help');
  });

  it('writes IMPORT.md with what mapped, what was approximated and what needs a person', async () => {
    const md = await readFile(path.join(out, 'IMPORT.md'), 'utf8');
    expect(md).toMatch(/## What mapped\n\n- \d+ intents/);
    expect(md).toMatch(/## What was approximated[\s\S]*ignored_intents|## What was approximated[\s\S]*not_intent/);
    expect(md).toMatch(/## What needs a person[\s\S]*validate_pizza_form[\s\S]*custom actions/);
    expect(result.counts).toMatchObject({ stories: 6, operations: 2 });
  });

  it('round trip: the imported project validates and its stories pass', async () => {
    const report = await validateDir(out, { cache: false });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    const tests = await runTests({ projectDir: out, trust: true, userDataDir: path.join(tmp, 'user') });
    expect(tests.problems).toEqual([]);
    expect(tests.stories.filter((s) => !s.passed).map((s) => s.name)).toEqual([]);
    expect(tests.stories).toHaveLength(6);
  });
});

describe('parley import rasa: bad input writes nothing', () => {
  it('an unsupported version names the file, line and key', async () => {
    const src = await variant('v1', 'data/rules.yml', 'version: "1.0"\nrules: []\n');
    const dest = path.join(tmp, 'out-v1');
    expect(await importError(src, dest)).toEqual(['data/rules.yml:1: version: Rasa format version "1.0" is not supported (this importer reads 2.x and 3.x)']);
    await expect(readdir(dest)).rejects.toThrow(/ENOENT/);
  });

  it('broken YAML names the file and line', async () => {
    const src = await variant('broken', 'data/stories.yml', 'version: "3.1"\nstories:\n  - story: x\n    steps: [\n');
    const dest = path.join(tmp, 'out-broken');
    const problems = await importError(src, dest);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^data\/stories\.yml:\d+: invalid YAML: /);
    await expect(readdir(dest)).rejects.toThrow(/ENOENT/);
  });

  it('an unknown key names the file, line and key', async () => {
    const src = await variant('unknown', 'domain.yml', (await readFile(path.join(FIXTURE, 'domain.yml'), 'utf8')) + 'templates:\n  utter_x: []\n');
    const problems = await importError(src, path.join(tmp, 'out-unknown'));
    expect(problems).toEqual([expect.stringMatching(/^domain\.yml:\d+: templates: unknown key "templates"/)]);
  });

  it('an unknown key below the top level is imported without it and listed in IMPORT.md', async () => {
    const domain = (await readFile(path.join(FIXTURE, 'domain.yml'), 'utf8')).replace(
      '  notes:\n    type: text\n',
      '  notes:\n    type: text\n    colour: blue\n',
    );
    const src = await variant('nested-unknown', 'domain.yml', domain);
    const dest = path.join(tmp, 'out-nested-unknown');
    await importRasa(src, dest);
    expect(await readFile(path.join(dest, 'IMPORT.md'), 'utf8')).toContain('- domain.yml: slots.notes: unknown key `colour` is not imported.');
  });

  it('a folder without domain.yml is not a Rasa project', async () => {
    const dir = path.join(tmp, 'empty-src');
    await mkdir(dir);
    expect((await importError(dir, path.join(tmp, 'out-empty')))[0]).toMatch(/no domain\.yml/);
  });
});

describe('parley import rasa: output folder', () => {
  it('never overwrites an existing folder unless forced', async () => {
    const dest = path.join(tmp, 'existing');
    await mkdir(dest);
    await writeFile(path.join(dest, 'keep.txt'), 'mine');
    expect((await importError(FIXTURE, dest))[0]).toMatch(/already exists and is not empty.*--force/);
    expect(await readFile(path.join(dest, 'keep.txt'), 'utf8')).toBe('mine');
    await importRasa(FIXTURE, dest, { force: true });
    const entries = await readdir(dest);
    expect(entries).toContain('parley.yaml');
    expect(entries).not.toContain('keep.txt');
  });
});

describe('parley import rasa: the command', () => {
  it('prints what it imported (exit 0), or every problem and that nothing was written (exit 2)', async () => {
    const io = { out: '', err: '' };
    const capture = { write: (t: string) => void (io.out += t), err: (t: string) => void (io.err += t) };
    expect(await runImportRasaCli(FIXTURE, { out: path.join(tmp, 'cli-ok') }, capture)).toBe(0);
    expect(io.out).toMatch(/^Imported into .*cli-ok: 10 intents, 3 entities, 9 flows, 6 stories, 2 API operations\.\nIMPORT\.md: \d+ mapped/);
    const src = await variant('cli-bad', 'data/rules.yml', 'version: "4.0"\nrules: []\n');
    expect(await runImportRasaCli(src, { out: path.join(tmp, 'cli-bad-out') }, capture)).toBe(2);
    expect(io.err).toBe(
      'parley import rasa: nothing was written:\n  data/rules.yml:1: version: Rasa format version "4.0" is not supported (this importer reads 2.x and 3.x)\n',
    );
  });
});

describe('text helpers', () => {
  it('ids, annotations and response patterns', () => {
    const taken = new Set<string>();
    expect(toId('utter_faq/payment-methods', taken)).toBe('utter_faq_payment_methods');
    expect(toId('utter_faq/payment-methods', taken)).toBe('utter_faq_payment_methods_2');
    expect(toId('1st', undefined)).toBe('x_1st');
    expect(stripAnnotations('fly to [Berlin](city:berlin) with [two]{"entity": "number", "value": "2"} bags')).toEqual({
      text: 'fly to Berlin with two bags',
      entities: [
        { entity: 'city', text: 'Berlin', value: 'berlin' },
        { entity: 'number', text: 'two', value: '2' },
      ],
    });
    const re = new RegExp(responsePattern(['Your {size} pizza (hot) is on its way.']).replace('(?s)', ''), 's');
    expect(re.test('Your large pizza (hot) is on its way.')).toBe(true);
    expect(re.test('Your large pizza is on its way.')).toBe(false);
  });
});

describe('parley import rasa: Rasa Pro CALM flows', () => {
  const CALM = path.resolve(__dirname, '../../../test/fixtures/rasa/calmbot');

  it('collect, action, link and next with if/then/else become ask, message/api, jump and condition nodes', async () => {
    const dest = path.join(tmp, 'calm');
    await importRasa(CALM, dest);
    const flow = parseYaml(await readFile(path.join(dest, 'flows/calm_transfer_money.yaml'), 'utf8')) as FlowY & { description: string };
    expect(flow.description).toBe('Send money to someone.');
    expect(node(flow, 'start')).toMatchObject({ triggers: ['transfer_money'], next: 'ask_recipient' });
    expect(node(flow, 'ask_amount')).toMatchObject({ type: 'number', next: 'ask_amount_next' });
    expect(node(flow, 'ask_amount_next')).toMatchObject({
      kind: 'condition',
      branches: [{ id: 'b1', when: 'slots.amount > 1000', next: 'utter_large_transfer' }],
      else: 'ask_confirmed',
    });
    expect(node(flow, 'ask_confirmed')).toMatchObject({ type: 'yes_no', skipIfFilled: false });
    expect(node(flow, 'ask_confirmed_next')).toMatchObject({
      branches: [{ when: 'slots.confirmed', next: 'action_send_money' }],
      else: 'utter_transfer_cancelled',
    });
    expect(node(flow, 'utter_large_transfer').next).toMatch(/^end_/);
    const balance = parseYaml(await readFile(path.join(dest, 'flows/calm_check_balance.yaml'), 'utf8')) as FlowY;
    expect(balance.nodes.find((n) => n.kind === 'jump')).toMatchObject({ flow: 'calm_transfer_money' });

    const report = await validateDir(dest, { cache: false });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const tests = await runTests({ projectDir: dest, trust: true, userDataDir: path.join(tmp, 'user') });
    expect(tests.problems).toEqual([]);
    expect(tests.stories.map((s) => [s.name, s.passed])).toEqual([
      ['a large amount needs a person', true],
      ['send a small amount', true],
    ]);
  });

  it('converts CALM conditions to Parley expressions, and refuses what does not convert', () => {
    const ctx = { slotId: (n: string) => n, isSlot: (n: string) => ['amount', 'confirmed', 'name'].includes(n) };
    expect(calmCondition('amount > 100 and not confirmed', ctx)).toBe('slots.amount > 100 && !slots.confirmed');
    expect(calmCondition('slots.name is not null or name == "and"', ctx)).toBe('slots.name != null || slots.name == "and"');
    expect(calmCondition('amount >>> 3', ctx)).toBeUndefined();
  });
});
