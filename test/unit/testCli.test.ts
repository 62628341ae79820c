// `parley test` as a subprocess: exit codes, the text report, JUnit XML, JSON, filters and bad input.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BALANCE_RETRY_STORY, LOST_CARD_STORY } from '../fixtures/sampleBankStories';
import { copySample } from '../fixtures/tinyProject';

const root = path.resolve(import.meta.dirname, '../..');
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(root, 'bin/parley.mjs'), 'test', ...args], {
    cwd: root,
    env: { ...process.env, ANTHROPIC_API_KEY: '' },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const STORIES: Record<string, string> = {
  'balance.yaml': BALANCE_RETRY_STORY,
  'card.yaml': LOST_CARD_STORY,
  'hours.yaml': `name: Opening hours with a model fixture
tags: [hours]
fixtures:
  llm:
    - node: hours/answer_hours
      reply: Branches open 9 am to 5 pm on weekdays.
turns:
  - user: what are your opening hours
    expect:
      says:
        - contains: 9 am to 5 pm
`,
};

const WRONG = `name: Lost card & the wrong <node>
tags: [cards]
turns:
  - user: I lost my credit card
  - user: "4821"
    expect:
      waits_at: card_lost/ask_card_type
`;

const BAD = `name: Invalid story
turns:
  - user: hi
    expect:
      waits_at: main/nowhere
      intent: no_such_intent
`;

function project(extra: Record<string, string> = {}): string {
  const dir = copySample();
  rmSync(path.join(dir, 'stories'), { recursive: true, force: true });
  mkdirSync(path.join(dir, 'stories'));
  for (const [file, text] of Object.entries({ ...STORIES, ...extra })) writeFileSync(path.join(dir, 'stories', file), text);
  return dir;
}

/** A minimal XML check: one root, every tag closed in order, attributes quoted, no raw `<` or stray `&` in text. */
function parseXml(text: string): { name: string; attrs: Record<string, string>; children: number }[] {
  const body = text.replace(/^<\?xml [^>]*\?>\s*/, '');
  const elements: { name: string; attrs: Record<string, string>; children: number }[] = [];
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/gy;
  let at = 0;
  while (at < body.length) {
    const lt = body.indexOf('<', at);
    const textPart = body.slice(at, lt < 0 ? body.length : lt);
    if (/&(?!(lt|gt|amp|quot|apos);)/.test(textPart)) throw new Error(`stray & in text near ${at}`);
    if (textPart.trim() && !stack.length) throw new Error('text outside the root element');
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) throw new Error(`malformed tag at ${lt}: ${body.slice(lt, lt + 60)}`);
    const [, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        if (/&(?!(lt|gt|amp|quot|apos);)/.test(a[2] as string)) throw new Error(`stray & in attribute ${a[1]}`);
        attrs[a[1] as string] = a[2] as string;
      }
      if (!stack.length) roots++;
      elements.push({ name, attrs, children: 0 });
      if (!selfClose) stack.push(name);
    }
    at = tag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return elements;
}

describe('parley test', { timeout: 30_000 }, () => {
  let passing: string;
  let failing: string;
  let invalid: string;
  beforeAll(() => {
    passing = project();
    failing = project({ 'wrong.yaml': WRONG });
    invalid = project({ 'wrong.yaml': WRONG, 'bad.yaml': BAD });
  });

  it('exits 0 when every story passes, with a summary and coverage', async () => {
    const r = await run(passing, '--llm', 'mock');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^✓ Balance after a timeout and a retry \(stories\/balance\.yaml, \d+ ms\)$/m);
    expect(r.stdout).toMatch(/^✓ Lost card asks for the last digits /m);
    expect(r.stdout).toMatch(/^✓ Opening hours with a model fixture /m);
    expect(r.stdout).toMatch(/^Coverage: nodes \d+\/\d+ \(\d+%\), exits \d+\/\d+ \(\d+%\)$/m);
    expect(r.stdout).toMatch(/^3 passed, 0 failed \(3 stories, \d+ ms\)$/m);
    expect(r.code).toBe(0);
  });

  it('exits 1 when a story fails, naming the story, its line, the turn and the node; --junit writes valid JUnit XML', async () => {
    const junit = path.join(failing, 'junit.xml');
    const r = await run(failing, '--llm', 'mock', '--junit', junit);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ Lost card & the wrong <node> \(stories\/wrong\.yaml, \d+ ms\)$/m);
    expect(r.stdout).toContain(
      'stories/wrong.yaml:5: Lost card & the wrong <node>: turn 2 "4821": waits_at: expected "card_lost/ask_card_type", got "card_lost/confirm_block"; at node card_lost/ask_last4',
    );
    expect(r.stdout).toMatch(/^3 passed, 1 failed \(4 stories, \d+ ms\)$/m);

    const xml = readFileSync(junit, 'utf8');
    const elements = parseXml(xml);
    const suites = elements.filter((e) => e.name === 'testsuites');
    const cases = elements.filter((e) => e.name === 'testcase');
    const failures = elements.filter((e) => e.name === 'failure');
    expect(suites).toHaveLength(1);
    expect(suites[0]?.attrs).toMatchObject({ tests: '4', failures: '1', errors: '0' });
    expect(cases).toHaveLength(4);
    expect(cases.map((c) => c.attrs.name)).toContain('Lost card &amp; the wrong &lt;node&gt;');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.attrs.message).toContain('turn 2 &quot;4821&quot;: waits_at: expected &quot;card_lost/ask_card_type&quot;');
    expect(xml).toContain('FAIL waits_at: expected');
  });

  it('exits 2 for an invalid story file, reports it with file:line: field, and still runs and reports the others', async () => {
    const junit = path.join(invalid, 'junit.xml');
    const r = await run(invalid, '--llm', 'mock', '--junit', junit);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('stories/bad.yaml:5: turns[0].expect.waits_at: unknown node "main/nowhere"');
    expect(r.stdout).toContain('stories/bad.yaml:6: turns[0].expect.intent: unknown intent "no_such_intent"');
    expect(r.stdout.match(/^[✓✗] /gm)).toHaveLength(4);
    expect(r.stdout).toMatch(/^3 passed, 1 failed, 2 problems in story files \(4 stories, \d+ ms\)$/m);
    const elements = parseXml(readFileSync(junit, 'utf8'));
    expect(elements.filter((e) => e.name === 'testsuites')[0]?.attrs).toMatchObject({ tests: '5', failures: '1', errors: '1' });
    expect(elements.filter((e) => e.name === 'testcase')).toHaveLength(5);
    expect(elements.filter((e) => e.name === 'error')).toHaveLength(1);
  });

  it('--json prints one JSON report; --tag and --grep select stories', async () => {
    const tagged = await run(failing, '--llm', 'mock', '--json', '--tag', 'balance', '--tag', 'hours');
    expect(tagged.code).toBe(0);
    const report = JSON.parse(tagged.stdout) as Record<string, unknown> & { stories: Record<string, unknown>[] };
    expect(Object.keys(report).sort()).toEqual(['coverage', 'failed', 'ms', 'ok', 'passed', 'perturbations', 'problems', 'stories']);
    expect(report).toMatchObject({ ok: true, passed: 2, failed: 0, problems: [], perturbations: [] });
    expect(report.stories.map((s) => s.file)).toEqual(['stories/balance.yaml', 'stories/hours.yaml']);
    expect(Object.keys(report.stories[0] as object).sort()).toEqual(['file', 'ms', 'name', 'passRate', 'passed', 'passes', 'required', 'runs', 'tags']);

    const grepped = await run(failing, '--llm', 'mock', '--json', '--grep', 'WRONG');
    expect(grepped.code).toBe(1);
    const g = JSON.parse(grepped.stdout) as { stories: { file: string; passed: boolean; firstFailure: unknown }[] };
    expect(g.stories.map((s) => [s.file, s.passed])).toEqual([['stories/wrong.yaml', false]]);
    expect(g.stories[0]?.firstFailure).toEqual({
      turn: 2,
      line: 5,
      failure: { check: 'waits_at', expected: 'card_lost/ask_card_type', actual: 'card_lost/confirm_block', node: 'card_lost/ask_last4' },
    });
  });

  it('exits 2 when the project itself does not load, with its problems', async () => {
    const dir = project();
    const flow = path.join(dir, 'flows/hours.yaml');
    writeFileSync(flow, readFileSync(flow, 'utf8').replace('next: answer_hours', 'next: no_such_node'));
    const r = await run(dir, '--llm', 'mock');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^parley test: the project does not load:\nflows\/hours\.yaml:\d+: nodes\[\d+\]\.next: edge to missing node "no_such_node"$/m);
    expect(r.stdout).toBe('');
  });

  it('exits 2 with a clear message for a bad --perturb, --llm or --grep, before running anything', async () => {
    const perturb = await run(passing, '--perturb', 'typos,noise');
    expect(perturb.code).toBe(2);
    expect(perturb.stderr).toBe('parley test: --perturb: unknown perturbation "noise" (known: typos, asr, case)\n');
    expect(perturb.stdout).toBe('');
    const llm = await run(passing, '--llm', 'cloud');
    expect(llm.code).toBe(2);
    expect(llm.stderr).toBe('parley test: --llm must be replay, live or mock (not "cloud")\n');
    const grep = await run(passing, '--grep', '(unclosed');
    expect(grep.code).toBe(2);
    expect(grep.stderr).toBe('parley test: --grep: not a valid regular expression: (unclosed\n');
  });
});
