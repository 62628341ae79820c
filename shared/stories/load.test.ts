import { describe, expect, it } from 'vitest';
import { storyBankModel } from '../../test/fixtures/storyBank';
import { formatProblem } from '../project/problems';
import { withProjectCopyIds } from '../project/copyIds';
import { indexProject, loadStory } from './load';

const index = indexProject(storyBankModel);
const globals = (storyBankModel.manifest.globals ?? []).map((g) => g.id);
const FILE = 'stories/sample.yaml';

const load = (text: string) => loadStory({ file: FILE, text }, index, globals);
/** The problems as `file:line: field: message`. */
const problems = (text: string) => load(text).problems.map(formatProblem);
/** 1-based line of the first line containing `needle` (after `from`, a 1-based line). */
const lineOf = (text: string, needle: string, from = 0) => {
  const i = text.split('\n').findIndex((l, k) => k >= from && l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in the text`);
  return i + 1;
};

const VALID = `name: Lost card, happy path
tags: [cards, happy]
fixtures:
  api:
    block_card:
      status: 200
      body: { data: { reference: BLK-1 } }
  llm:
    - node: hours/answer
      reply: We open at nine.
turns:
  - user: I lost my debit card
    expect:
      intent: lost_card
      minConfidence: 0.7
      path: [main/go_lost, lost/ask_type, lost/ask_last4]
      visits: lost/ask_last4
      avoids: [main/sorry]
      waits_at: lost/ask_last4
      says:
        - copy: lost/ask_last4
        - contains: Last 4
      vars: { slots.card_type: debit }
  - user: "1111"
    remember: { type: slots.card_type }
    expect:
      says:
        - copy: lost/ask_last4.validation.message
  - button: intent:lost_card
  - event: timeout
    expect:
      says:
        - copy: lost/ask_type.reprompt
        - copy: main/greet.buttons.bal.label
        - copy: globals/cancel
        - not_contains: "{{ memory.type }}"
`;

describe('loadStory: a valid story', () => {
  it('loads, with the line of each turn', () => {
    const r = load(VALID);
    expect(r.problems).toEqual([]);
    expect(r.story?.file).toBe(FILE);
    expect(r.story?.story.name).toBe('Lost card, happy path');
    expect(r.story?.story.turns).toHaveLength(4);
    expect([0, 1, 2, 3].map((i) => r.story?.turnLine(i))).toEqual([
      lineOf(VALID, 'user: I lost'),
      lineOf(VALID, 'user: "1111"'),
      lineOf(VALID, 'button: intent:'),
      lineOf(VALID, 'event: timeout'),
    ]);
  });
});

describe('loadStory: the format', () => {
  it('reports malformed YAML with its line', () => {
    const text = 'name: Broken\nturns:\n  - user: [unclosed\n';
    const p = problems(text);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^stories\/sample\.yaml:\d+: invalid YAML/);
    expect(load(text).story).toBeUndefined();
  });

  it('reports a turn with both user and button at the turn, naming it', () => {
    const text = 'name: Both\nturns:\n  - user: hello\n  - user: balance\n    button: bal\n';
    expect(problems(text)).toEqual([`${FILE}:${lineOf(text, 'user: balance')}: turns[1]: a turn has exactly one of user, button or event`]);
  });

  it('reports a turn with none of user, button or event', () => {
    const text = 'name: None\nturns:\n  - expect: { intent: balance }\n';
    expect(problems(text)).toEqual([`${FILE}:3: turns[0]: a turn has exactly one of user, button or event`]);
  });

  it('reports an expectation of the wrong type with its field and line', () => {
    const text = 'name: Wrong type\nturns:\n  - user: hi\n    expect:\n      intent: balance\n      minConfidence: high\n';
    const p = problems(text);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(new RegExp(`^${FILE}:6: turns\\[0\\]\\.expect\\.minConfidence: .*number`));
  });

  it('reports a list expectation given as a string, and a regular expression that does not compile', () => {
    const text = 'name: Wrong shapes\nturns:\n  - user: hi\n    expect:\n      path: main/menu\n      says:\n        - matches: "(unclosed"\n';
    const p = problems(text);
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(new RegExp(`^${FILE}:5: turns\\[0\\]\\.expect\\.path: .*array`));
    expect(p[1]).toBe(`${FILE}:7: turns[0].expect.says[0].matches: not a valid regular expression: missing closing ): \`(unclosed\``);
  });

  it('reports a pattern RE2 cannot run (lookaround, backreferences), naming the construct, in says and in LLM fixtures', () => {
    const text =
      'name: Lookaround\nfixtures:\n  llm:\n    - prompt: \'(\\w)\\1\'\n      reply: ok\nturns:\n  - user: hi\n    expect:\n      says:\n        - matches: "(?<!not )open"\n';
    const p = problems(text);
    expect(p).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:4: fixtures\\.llm\\[0\\]\\.prompt: not a valid regular expression: backreference \`\\\\1\` is not supported`)),
      expect.stringMatching(
        new RegExp(
          `^${FILE}:10: turns\\[0\\]\\.expect\\.says\\[0\\]\\.matches: not a valid regular expression: negative lookbehind \`\\(\\?<!\` is not supported .*; use \`\\\\b\` for a word boundary`,
        ),
      ),
    ]);
  });

  it('reports a misspelt expectation instead of ignoring it', () => {
    const text = 'name: Typo\nturns:\n  - user: hi\n    expect:\n      wait_at: main/menu\n';
    const p = problems(text);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(new RegExp(`^${FILE}:\\d+: turns\\[0\\]\\.expect: .*wait_at`));
  });

  it('reports a node address that is not flow/node, and a story with no turns', () => {
    expect(problems('name: Bad address\nturns:\n  - user: hi\n    expect: { waits_at: menu }\n')).toEqual([
      `${FILE}:4: turns[0].expect.waits_at: must be flow/node, e.g. card_lost/ask_last4`,
    ]);
    expect(problems('name: Empty\nturns: []\n')).toEqual([`${FILE}:2: turns: a story needs at least one turn`]);
  });
});

describe('loadStory: references into the project', () => {
  it('reports unknown nodes in path, visits, avoids and waits_at, each at its own line', () => {
    const text = `name: Unknown nodes
turns:
  - user: lost card
    expect:
      path:
        - main/go_lost
        - lost/ask_colour
      visits: lost/nowhere
      avoids: [main/sorry, nope/menu]
      waits_at: main/lobby
`;
    expect(problems(text)).toEqual([
      `${FILE}:${lineOf(text, 'ask_colour')}: turns[0].expect.path[1]: unknown node "lost/ask_colour"`,
      `${FILE}:${lineOf(text, 'visits:')}: turns[0].expect.visits: unknown node "lost/nowhere"`,
      `${FILE}:${lineOf(text, 'avoids:')}: turns[0].expect.avoids[1]: unknown node "nope/menu"`,
      `${FILE}:${lineOf(text, 'waits_at:')}: turns[0].expect.waits_at: unknown node "main/lobby"`,
    ]);
    expect(load(text).story).toBeUndefined();
  });

  it('reports unknown intents, in expectations and in intent buttons', () => {
    const text = 'name: Unknown intents\nturns:\n  - user: hi\n    expect: { intent: mortgage }\n  - button: intent:loans\n';
    expect(problems(text)).toEqual([`${FILE}:4: turns[0].expect.intent: unknown intent "mortgage"`, `${FILE}:5: turns[1].button: unknown intent "loans"`]);
  });

  it('reports unknown copy ids: no such node, no such field, a node with no main copy, an unknown global', () => {
    const text = `name: Unknown copy
turns:
  - user: hi
    expect:
      says:
        - copy: main/greeting
        - copy: lost/ask_last4.hint
        - copy: main/menu
        - copy: main/greet.buttons.nope.label
        - copy: globals/weather
`;
    expect(problems(text)).toEqual([
      `${FILE}:6: turns[0].expect.says[0].copy: unknown copy id "main/greeting": no node "main/greeting"`,
      `${FILE}:7: turns[0].expect.says[1].copy: unknown copy id "lost/ask_last4.hint": the ask node has no such copy`,
      `${FILE}:8: turns[0].expect.says[2].copy: unknown copy id "main/menu": the listen node has no such copy`,
      `${FILE}:9: turns[0].expect.says[3].copy: unknown copy id "main/greet.buttons.nope.label": the message node has no such copy`,
      `${FILE}:10: turns[0].expect.says[4].copy: unknown global handler in copy id "globals/weather"`,
    ]);
  });

  it('reports a fixture for an API operation no node has, and an LLM fixture for an unknown node', () => {
    const text = `name: Unknown fixtures
fixtures:
  api:
    get_balance: { status: 200, body: {} }
    get_mortgage: { status: 200 }
  llm:
    - node: hours/reply
      reply: hi
turns:
  - user: hi
`;
    expect(problems(text)).toEqual([
      `${FILE}:${lineOf(text, 'get_mortgage')}: fixtures.api.get_mortgage: no api node has the operation "get_mortgage"`,
      `${FILE}:${lineOf(text, 'hours/reply')}: fixtures.llm[0].node: unknown node "hours/reply"`,
    ]);
  });

  it('reports every problem of the file at once, in file order within each kind', () => {
    const text = 'name: Many\nturns:\n  - user: hi\n    expect: { intent: nope, waits_at: main/nope }\n  - user: hi\n    expect: { visits: x/y }\n';
    expect(load(text).problems.map((p) => p.field)).toEqual(['turns[0].expect.intent', 'turns[0].expect.waits_at', 'turns[1].expect.visits']);
  });

  it('reports a remember expression and {{ }} placeholders that do not parse', () => {
    const text = `name: Bad memory
turns:
  - user: hi
    remember: { last4: "slots.last4 +" }
    expect:
      says:
        - contains: "{{ memory.last4 + }}"
      vars: { slots.last4: "{{ memory.last4 | nofilter }}", slots.card_type: debit }
`;
    const p = problems(text);
    expect(p).toHaveLength(3);
    expect(p[0]).toMatch(new RegExp(`^${FILE}:4: turns\\[0\\]\\.remember\\.last4: not a valid expression: `));
    expect(p[1]).toMatch(new RegExp(`^${FILE}:7: turns\\[0\\]\\.expect\\.says\\[0\\]\\.contains: not a valid template: `));
    expect(p[2]).toMatch(new RegExp(`^${FILE}:8: turns\\[0\\]\\.expect\\.vars\\.slots\\.last4: not a valid template: `));
  });
});

describe('copy checks by stable id', () => {
  const flows = withProjectCopyIds(storyBankModel.flows);
  const withIds = indexProject({ ...storyBankModel, flows });
  const greet = flows.main!.nodes.find((n) => n.id === 'greet')!;
  const story = (copy: string) => `name: By id\nturns:\n  - user: hi\n    expect:\n      says:\n        - copy: ${copy}\n`;

  it('names a line by its stable id and is checked as its alias, the copy id outputs carry', () => {
    const r = loadStory({ file: FILE, text: story(greet.copyIds!['buttons.bal.label']!) }, withIds, globals);
    expect(r.problems).toEqual([]);
    expect(r.story!.story.turns[0]!.expect!.says).toEqual([{ copy: 'main/greet.buttons.bal.label' }]);
  });

  it('reports a stable id no line has, with its line', () => {
    const found = loadStory({ file: FILE, text: story('c_0000000000') }, withIds, globals).problems.map(formatProblem);
    expect(found).toEqual([`${FILE}:6: turns[0].expect.says[0].copy: unknown copy id "c_0000000000": no line of copy in the project has it`]);
  });
});
