import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BALANCE_RETRY_STORY, LOST_CARD_STORY } from '../../test/fixtures/sampleBankStories';
import { copySample, makeTinyProject } from '../../test/fixtures/tinyProject';
import { createAnthropicLlm } from '../llm/anthropicLlm';
import { startMockLlm, type MockLlm } from '../llm/mockServer';
import { jsonReport, textReport } from './report';
import { runTests, type StoryRun, type TestReport } from './runner';

let mock: MockLlm | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const REPLY = 'Our branches open 9 am to 5 pm on weekdays.';

/** The hours flow's llm node (answer_hours) answers; no fixture, so the reply comes from a cassette or the model. */
const HOURS_STORY = (extra = '') => `name: Opening hours from the model
tags: [hours, llm]
${extra}turns:
  - user: what are your opening hours
    expect:
      visits: hours/answer_hours
      avoids: [hours/say_passage]
      says:
        - contains: 9 am to 5 pm
`;

/** A copy of acme-bank with only `stories` (the sample's own are removed), `llm.baseUrl` set when given. */
function sampleWith(stories: Record<string, string>, baseUrl?: string): string {
  const dir = copySample();
  rmSync(path.join(dir, 'stories'), { recursive: true, force: true });
  mkdirSync(path.join(dir, 'stories'));
  for (const [file, text] of Object.entries(stories)) {
    mkdirSync(path.dirname(path.join(dir, 'stories', file)), { recursive: true });
    writeFileSync(path.join(dir, 'stories', file), text);
  }
  if (baseUrl) {
    const manifest = path.join(dir, 'parley.yaml');
    const text = readFileSync(manifest, 'utf8');
    expect(text).toMatch(/^llm:\n/m);
    // a model name the SDK does not warn about
    writeFileSync(manifest, text.replace(/^llm:\n/m, `llm:\n  baseUrl: ${baseUrl}\n`).replace(/^ {2}model: .*$/m, '  model: claude-test'));
  }
  return dir;
}

/** No key from the environment or the user's credentials file reaches the mock. */
// trust: true is `parley test --trust`, as CI runs it (trust itself: main/trust/*.test.ts)
const hermetic = (dir: string) => ({ env: { XDG_CONFIG_HOME: path.join(dir, '.config') }, trust: true });
const only = (r: TestReport, name: string): StoryRun => {
  const s = r.stories.find((x) => x.name === name);
  if (!s) throw new Error(`no story "${name}" in ${r.stories.map((x) => x.name).join(', ')}`);
  return s;
};

describe('runTests: cassettes against the mock Messages API (real SDK)', () => {
  it('replay without a recording fails with "no recording"; --record passes and writes the cassette; replay then passes offline; a changed prompt misses', async () => {
    mock = await startMockLlm({ script: [{ match: { lastUser: 'opening hours' }, reply: REPLY }] });
    const dir = sampleWith({ 'hours.yaml': HOURS_STORY() }, mock.url);
    const cassette = path.join(dir, 'stories/cassettes/hours.json');

    const before = await runTests({ projectDir: dir, llm: 'replay', ...hermetic(dir) });
    expect(before.ok).toBe(false);
    const missing = only(before, 'Opening hours from the model');
    expect(missing.passed).toBe(false);
    expect(missing.result.error).toBe(
      'turn 1: no recording of this request to hours/answer_hours in stories/cassettes/hours.json; run parley test --record against a live model',
    );
    expect(textReport(before)).toContain('stories/hours.yaml: Opening hours from the model: error: turn 1: no recording of this request to hours/answer_hours');
    expect(mock.requests).toHaveLength(0);
    expect(existsSync(cassette)).toBe(false);

    const recorded = await runTests({ projectDir: dir, record: true, ...hermetic(dir) });
    expect(recorded.stories.map((s) => [s.name, s.passed, s.result.error])).toEqual([['Opening hours from the model', true, undefined]]);
    expect(recorded.recorded).toBe(1);
    expect(mock.requests).toHaveLength(1);
    // the retrieved passage is data at the top of the user turn, the question after it
    expect(mock.requests[0]).toMatchObject({
      model: 'claude-test',
      max_tokens: 200,
      messages: [
        {
          role: 'user',
          content: expect.stringMatching(
            /^<conversation_data>\n[\s\S]*Retrieved passage \(kb, from hours\.md\)[\s\S]*\n<\/conversation_data>\n\nwhat are your opening hours$/,
          ),
        },
      ],
    });
    const entries = Object.values(JSON.parse(readFileSync(cassette, 'utf8')) as Record<string, { request: { system: string }; response: { text: string } }>);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.request.system).toContain("You are Ace, Acme Bank's virtual assistant.");
    expect(entries[0]?.response.text).toBe(REPLY);
    expect(recorded.stories[0]?.result.turns[1]?.says).toContain(REPLY);

    await mock.close();
    mock = undefined;
    const offline = await runTests({ projectDir: dir, ...hermetic(dir) });
    expect(offline.ok).toBe(true);
    expect(offline.recorded).toBe(0);
    expect(offline.stories[0]?.result.turns[1]?.says).toContain(REPLY);

    const flow = path.join(dir, 'flows/hours.yaml');
    const text = readFileSync(flow, 'utf8');
    expect(text).toContain("You are Ace, Acme Bank's virtual assistant.");
    // (in every variant of the node's prompt: the story gets whichever its seed assigns)
    writeFileSync(flow, text.replaceAll("You are Ace, Acme Bank's virtual assistant.", "You are Ace, Acme Bank's cheerful virtual assistant."));
    const changed = await runTests({ projectDir: dir, ...hermetic(dir) });
    expect(changed.ok).toBe(false);
    expect(changed.stories[0]?.result.error).toMatch(/^turn 1: no recording of this request to hours\/answer_hours in stories\/cassettes\/hours\.json/);
  });

  it('a judge expectation is recorded and replayed like any other model call', async () => {
    mock = await startMockLlm({
      script: [
        { match: { system: 'You grade the last reply' }, reply: '{"score": 0.9, "reason": "it gives the hours"}' },
        { match: { lastUser: 'opening hours' }, reply: REPLY },
      ],
    });
    const judged = HOURS_STORY().replace(/ {6}says:\n.*\n$/, '      judge: { rubric: gives the weekday opening hours, threshold: 0.8 }\n');
    expect(judged).toMatch(/judge: .*\n$/);
    const dir = sampleWith({ 'judged.yaml': judged }, mock.url);
    const recorded = await runTests({ projectDir: dir, record: true, ...hermetic(dir) });
    expect(recorded.stories[0]).toMatchObject({ passed: true });
    expect(recorded.recorded).toBe(2);
    expect(mock.requests.map((q) => q.messages[0]?.content)).toEqual([
      expect.stringMatching(/\n\nwhat are your opening hours$/),
      expect.stringContaining('Rubric: gives the weekday opening hours'),
    ]);
    await mock.close();
    mock = undefined;
    const replayed = await runTests({ projectDir: dir, ...hermetic(dir) });
    expect(replayed.stories[0]).toMatchObject({ passed: true });
    // with --llm mock there is no model to judge with: a failure that says so
    const mocked = await runTests({ projectDir: dir, llm: 'mock', ...hermetic(dir) });
    expect(mocked.stories[0]?.result.firstFailure?.failure).toMatchObject({
      check: 'judge',
      actual: 'the judge failed: a judge needs a model: run with --llm live, or replay a recording',
    });
  });

  it('a cassette that is not JSON is invalid input naming the file', async () => {
    const dir = sampleWith({ 'hours.yaml': HOURS_STORY() });
    mkdirSync(path.join(dir, 'stories/cassettes'));
    writeFileSync(path.join(dir, 'stories/cassettes/hours.json'), '{ not json');
    await expect(runTests({ projectDir: dir })).rejects.toThrow('stories/cassettes/hours.json: not valid JSON; delete it and record again with --record');
  });
});

describe('runTests: a live model with --repeat', () => {
  it('reports passes of runs and the pass rate, and passes a story at its passRate', async () => {
    // the first two calls fail (500, no retries): the flow shows the passage instead, so those runs fail
    mock = await startMockLlm({ script: [{ match: { lastUser: 'opening hours' }, reply: REPLY, fault: { status: 500, times: 2 } }] });
    const liveLlm = createAnthropicLlm({ baseUrl: mock.url, apiKey: () => 'test-key', model: 'claude-test', maxRetries: 0 });
    const dir = sampleWith(
      { 'lenient.yaml': HOURS_STORY('passRate: 0.6\n'), 'strict.yaml': HOURS_STORY('passRate: 0.8\n'), 'default.yaml': HOURS_STORY() },
      mock.url,
    );

    const lenient = await runTests({ projectDir: dir, llm: 'live', liveLlm, repeat: 5, files: ['stories/lenient.yaml'] });
    const s = lenient.stories[0] as StoryRun;
    expect({ runs: s.runs, passes: s.passes, passRate: s.passRate, required: s.required, passed: s.passed }).toEqual({
      runs: 5,
      passes: 3,
      passRate: 0.6,
      required: 0.6,
      passed: true,
    });
    expect(s.result.passed).toBe(false); // the run shown is a failing one
    expect(s.result.firstFailure?.failure).toMatchObject({ check: 'avoids', expected: 'not hours/say_passage' });
    expect(mock.requests).toHaveLength(5);
    expect(lenient.ok).toBe(true);
    expect(textReport(lenient)).toMatch(/^✓ Opening hours from the model 3\/5 /m);
    expect(JSON.parse(jsonReport(lenient)).stories[0]).toMatchObject({ runs: 5, passes: 3, passRate: 0.6, required: 0.6, passed: true });

    mock.setScript([{ match: { lastUser: 'opening hours' }, reply: REPLY, fault: { status: 500, times: 2 } }]);
    const strict = await runTests({ projectDir: dir, llm: 'live', liveLlm, repeat: 5, files: ['stories/strict.yaml'] });
    expect(strict.stories[0]).toMatchObject({ runs: 5, passes: 3, passRate: 0.6, required: 0.8, passed: false });
    expect(strict.ok).toBe(false);
    expect(textReport(strict)).toContain(
      'stories/strict.yaml:5: Opening hours from the model (passed 3/5, needs 80%): turn 1 "what are your opening hours": avoids:',
    );

    // no passRate: 0.8 with --repeat (docs/FORMAT.md); one failure in five passes
    mock.setScript([{ match: { lastUser: 'opening hours' }, reply: REPLY, fault: { status: 500, times: 1 } }]);
    const byDefault = await runTests({ projectDir: dir, llm: 'live', liveLlm, repeat: 5, files: ['stories/default.yaml'] });
    expect(byDefault.stories[0]).toMatchObject({ runs: 5, passes: 4, passRate: 0.8, required: 0.8, passed: true });
  });
});

const NOTE_FLOW = `name: Main
nodes:
  - id: start
    kind: start
    position: { x: 0, y: 0 }
    next: welcome
  - id: welcome
    kind: message
    position: { x: 320, y: 0 }
    say:
      en: Hi! Shall I take a note?
    buttons:
      - id: note
        label:
          en: Take a note
        next: ask_note
      - id: skip
        label:
          en: Not now
        next: bye
  - id: ask_note
    kind: ask
    position: { x: 640, y: 0 }
    slot: slots.note
    type: text
    prompt:
      en: What should I note?
    next: noted
  - id: noted
    kind: message
    position: { x: 960, y: 0 }
    say:
      en: "Noted: {{slots.note}}"
    next: bye
  - id: bye
    kind: end
    position: { x: 1280, y: 0 }
    outcome: resolved
`;

describe('runTests: perturbations', () => {
  it('runs every story again per kind and reports the stories that pass with perturbed user turns', async () => {
    const dir = makeTinyProject({
      'flows/main.yaml': NOTE_FLOW,
      // buttons only: nothing to perturb, so it passes every kind
      'stories/skip.yaml': 'name: Skip the note\nturns:\n  - button: skip\n    expect: { ended: resolved }\n',
      // the note is kept word for word, so any change to the user's text fails it
      'stories/note.yaml':
        'name: Note kept verbatim\nturns:\n  - button: note\n  - user: Please Remember The Milk And The Bread For Tomorrow\n    expect:\n      vars: { slots.note: Please Remember The Milk And The Bread For Tomorrow }\n      ended: resolved\n',
    });
    const r = await runTests({ projectDir: dir, llm: 'mock', perturb: ['typos', 'asr', 'case'] });
    expect(r.stories.map((s) => [s.name, s.passed])).toEqual([
      ['Note kept verbatim', true],
      ['Skip the note', true],
    ]);
    expect(r.perturbations).toEqual([
      { kind: 'typos', passed: 1, total: 2, rate: 0.5, failed: ['Note kept verbatim'] },
      { kind: 'asr', passed: 1, total: 2, rate: 0.5, failed: ['Note kept verbatim'] },
      { kind: 'case', passed: 1, total: 2, rate: 0.5, failed: ['Note kept verbatim'] },
    ]);
    // the perturbed runs do not change the verdict of the stories themselves
    expect(r.ok).toBe(true);
    expect(textReport(r)).toContain(
      'Robustness (stories passing with perturbed user turns):\n  typos  1/2 (50%); failing: Note kept verbatim\n  asr    1/2 (50%); failing: Note kept verbatim\n  case   1/2 (50%); failing: Note kept verbatim',
    );
    // deterministic: the same again
    expect((await runTests({ projectDir: dir, llm: 'mock', perturb: ['case'] })).perturbations).toEqual([r.perturbations[2]]);
  });
});

const SAMPLE_STORIES: Record<string, string> = {
  'balance.yaml': BALANCE_RETRY_STORY,
  'card.yaml': `${LOST_CARD_STORY}  - user: "4821"
    expect:
      waits_at: card_lost/confirm_block
`,
  'wrong.yaml': `name: A story that expects the wrong node
tags: [cards]
turns:
  - user: I lost my credit card
    expect:
      waits_at: balance/show_balance
`,
  'hours.yaml': HOURS_STORY().replace('9 am to 5 pm', 'mock reply from hours/answer_hours'),
  'nested/goodbye.yaml': `name: Goodbye ends the conversation
turns:
  - user: that's all, bye
    expect:
      ended: resolved
`,
  'bad.yaml': `name: Invalid story
turns:
  - user: hi
    expect:
      waits_at: main/nowhere
`,
};

describe('runTests: selection, concurrency and invalid stories', () => {
  const strip = (r: TestReport) => r.stories.map((s) => ({ ...s, result: { ...s.result, ms: 0 } }));

  it('gives the same results with any concurrency', async () => {
    const dir = sampleWith(SAMPLE_STORIES);
    const one = await runTests({ projectDir: dir, llm: 'mock', concurrency: 1 });
    const many = await runTests({ projectDir: dir, llm: 'mock', concurrency: 8 });
    expect(one.stories.map((s) => [s.file, s.passed])).toEqual([
      ['stories/balance.yaml', true],
      ['stories/card.yaml', true],
      ['stories/hours.yaml', true],
      ['stories/nested/goodbye.yaml', true],
      ['stories/wrong.yaml', false],
    ]);
    expect(strip(many)).toEqual(strip(one));
    expect(many.coverage).toEqual(one.coverage);
    expect(many.problems).toEqual(one.problems);
  });

  it('reports an invalid story file and still runs the others; filters by --grep, --tag and file', async () => {
    const dir = sampleWith(SAMPLE_STORIES);
    const r = await runTests({ projectDir: dir, llm: 'mock' });
    expect(r.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`)).toEqual([
      'stories/bad.yaml:5: turns[0].expect.waits_at: unknown node "main/nowhere"',
    ]);
    expect(r.stories).toHaveLength(5);
    expect(r.ok).toBe(false);
    const wrong = only(r, 'A story that expects the wrong node');
    expect(wrong.result.firstFailure).toEqual({
      turn: 1,
      line: 4,
      failure: { check: 'waits_at', expected: 'balance/show_balance', actual: 'card_lost/ask_last4', node: 'main/listen_intent' },
    });

    const tagged = await runTests({ projectDir: dir, llm: 'mock', tags: ['cards'] });
    expect(tagged.stories.map((s) => s.name)).toEqual(['Lost card asks for the last digits', 'A story that expects the wrong node']);
    const grepped = await runTests({ projectDir: dir, llm: 'mock', grep: 'GOODBYE|balance\\.yaml' });
    expect(grepped.stories.map((s) => s.file)).toEqual(['stories/balance.yaml', 'stories/nested/goodbye.yaml']);
    const files = await runTests({ projectDir: dir, llm: 'mock', files: ['stories/card.yaml'] });
    expect(files.stories.map((s) => s.file)).toEqual(['stories/card.yaml']);
    expect(files.problems).toEqual([]);
    expect(files.ok).toBe(true);
  });

  it('coverage counts what the stories visited', async () => {
    const dir = sampleWith({ 'card.yaml': SAMPLE_STORIES['card.yaml'] as string });
    const r = await runTests({ projectDir: dir, llm: 'mock' });
    const cards = r.coverage.flows.find((f) => f.flow === 'card_lost');
    expect(cards?.unvisited).not.toContain('ask_last4');
    expect(cards?.unvisited).toContain('block_card');
    expect(r.coverage.flows.find((f) => f.flow === 'balance')?.visitedNodes).toBe(0);
    expect(readdirSync(path.join(dir, 'stories'))).toEqual(['card.yaml']); // nothing written without --record
  });
});
