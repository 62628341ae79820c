// CX test cases (testCases/*.json) to Parley stories: each conversation turn's text is a user turn, expecting
// the intent CX triggered, a line matching each of the agent's text responses, and the end of the conversation
// where CX ended the session. A response is matched by the pattern of the agent copy it came from (a parameter
// reference matches anything), else as recorded. Webhooks answer with their `success` mock.
import type { Report } from '../common/report';
import { responsePattern, toId } from '../common/text';
import { compilePattern } from '../../../shared/util/regex';
import type { CxNlu } from './nlu';
import type { Located } from './read';
import type { TestCase } from './schema';

export interface StoryFile {
  file: string;
  story: Record<string, unknown>;
}

const CX_REF = /\$(?:session\.params|flow|page\.params|intent\.params|request\.generative|sys\.func)\.[A-Za-z0-9_.-]+(?:\([^)]*\))?/;
// the agent's copy is untrusted text: its patterns run on RE2 (linear time), as every project pattern does
const whole = (pattern: string) => compilePattern(`(?s)^(?:${pattern.replace(/^\(\?s\)/, '')})$`);

/** A pattern for a recorded response: the agent copy it matches (parameters as wildcards), else the text itself. */
function patternFor(said: string, copy: string[][]): string {
  const groups = copy.filter((g) => g.some((c) => whole(responsePattern([c], CX_REF)).test(said.trim())));
  return responsePattern(groups.length ? [...new Set(groups.flat())] : [said], CX_REF);
}

export interface StoryContext {
  nlu: CxNlu;
  /** The agent copy's variants (default locale), for the responses' patterns. */
  copy: Map<string, string[]>;
  operations: string[];
  slotId: (n: string) => string;
  locales: Map<string, string>;
  defaultLocale: string;
  report: Report;
}

export function convertTestCases(tests: Located<TestCase>[], { nlu, copy, operations, slotId, locales, defaultLocale, report }: StoryContext): StoryFile[] {
  const out: StoryFile[] = [];
  const names = new Set<string>();
  const copyList = [...copy.values()];
  for (const { file, data } of tests) {
    const turns: Record<string, unknown>[] = [];
    const vars: Record<string, unknown> = {};
    let skip: string | undefined;
    for (const [i, t] of (data.testCaseConversationTurns ?? []).entries()) {
      const text = t.userInput?.input?.text?.text;
      if (text === undefined) {
        skip = t.userInput?.input?.event ? `its turn ${i + 1} sends the event \`${t.userInput.input.event.event}\`` : `its turn ${i + 1} has no text (DTMF)`;
        break;
      }
      const inj = t.userInput?.injectedParameters;
      if (inj && Object.keys(inj).length) {
        if (i === 0) for (const [k, v] of Object.entries(inj)) vars[slotId(k)] = v;
        else report.approximated(`Test case "${data.displayName}": parameters injected after the first turn are not imported.`);
      }
      const o = t.virtualAgentOutput;
      const expect: Record<string, unknown> = {};
      const intent = o?.triggeredIntent ? nlu.intentIds.get(o.triggeredIntent.name) : undefined;
      if (intent) expect.intent = intent;
      const says = (o?.textResponses ?? []).flatMap((r) => (r.text ?? []).filter((x) => x.trim())).map((x) => ({ matches: patternFor(x, copyList) }));
      if (says.length) expect.says = says;
      if (o?.currentPage?.name === 'End Session') expect.ended = 'resolved';
      turns.push({ user: text.slice(0, 4000), ...(Object.keys(expect).length ? { expect } : {}) });
    }
    if (skip || !turns.length) {
      report.person(`Test case "${data.displayName}" (${file}) was not imported: ${skip ?? 'it has no turns'}.`);
      continue;
    }
    const tags = ['dialogflow_import', ...(data.tags ?? []).map((x) => toId(x.replace(/^#/, ''), undefined, 'tag'))];
    const story: Record<string, unknown> = { name: data.displayName.slice(0, 200), tags: [...new Set(tags)] };
    if (data.notes) story.description = data.notes.slice(0, 5000);
    const lang = data.testCaseConversationTurns?.[0]?.userInput?.input?.languageCode?.toLowerCase();
    const locale = lang ? locales.get(lang) : undefined;
    const setup = { ...(locale && locale !== defaultLocale ? { locale } : {}), ...(Object.keys(vars).length ? { vars: { slots: vars } } : {}) };
    if (Object.keys(setup).length) story.setup = setup;
    if (operations.length) story.fixtures = { api: Object.fromEntries(operations.map((op) => [op, { mock: 'success' }])) };
    story.turns = turns;
    out.push({ file: `stories/${toId(data.displayName, names, 'story')}.yaml`, story });
  }
  if (out.length)
    report.mapped(
      `${out.length} test cases became stories under \`stories/\`: each turn's text, expecting the intent CX triggered, a line matching each text response (by the pattern of the agent copy it came from; a parameter matches anything), and the end where CX ended the session; webhooks answer with their \`success\` mock.`,
    );
  if (tests.some((t) => (t.data.testCaseConversationTurns ?? []).some((x) => x.virtualAgentOutput?.sessionParameters)))
    report.approximated(
      'The session parameters test cases record after each turn are not checked by the stories (webhooks, which set most of them, answer with mocks).',
    );
  return out;
}
