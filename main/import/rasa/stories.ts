// Rasa test stories (tests/*.yml) to Parley stories: each user step is a turn (its message with the entity
// annotations removed, or the intent as an event when the step gives none), expecting the intent Rasa expects
// and a line matching each response the bot gives before the next user step. Custom actions are answered by
// their `success` mock; a form's steps and `active_loop` have nothing to check in Parley.
import type { Located } from './model';
import type { NluResult } from './nlu';
import type { Report } from './report';
import type { RasaStep, RasaStory } from './schema';
import { responsePattern, stripAnnotations, toId } from './text';

export interface StoryFile {
  file: string;
  story: Record<string, unknown>;
}

interface Turn {
  user?: string;
  event?: string;
  expect?: { intent?: string; says?: { matches: string }[]; vars?: Record<string, unknown> };
}

export function convertTests(
  tests: Located<RasaStory>[],
  nlu: NluResult,
  responseTexts: Map<string, string[]>,
  operations: Map<string, string>,
  slotId: (n: string) => string,
  report: Report,
): StoryFile[] {
  const out: StoryFile[] = [];
  const names = new Set<string>();
  let skipped = 0;
  for (const { file, item } of tests) {
    const name = item.story ?? item.rule ?? 'story';
    const turns: Turn[] = [];
    let cur: Turn | undefined;
    let unknown: string | undefined;
    let inForm = false; // a form is active: Parley's question hears the message as an answer, not an intent
    for (const step of item.steps.filter((s): s is RasaStep => s !== '...')) {
      const intent = step.intent ?? (step.or?.[0]?.intent as string | undefined);
      if (intent !== undefined || step.user !== undefined) {
        cur = {};
        const text = step.user !== undefined ? stripAnnotations(step.user).text : '';
        const id = intent !== undefined ? nlu.intentIds.get(intent) : undefined;
        if (text) cur.user = text.slice(0, 4000);
        else if (id) cur.event = id;
        else {
          unknown = intent ?? '(none)';
          break;
        }
        if (id && text && !inForm) cur.expect = { intent: id };
        turns.push(cur);
        continue;
      }
      if (step.active_loop !== undefined) inForm = step.active_loop !== null;
      if (!cur) continue;
      if (step.action?.startsWith('utter_')) {
        const texts = responseTexts.get(step.action) ?? [...responseTexts.entries()].filter(([k]) => k.startsWith(`${step.action}/`)).flatMap(([, v]) => v);
        if (!texts.length) continue;
        cur.expect ??= {};
        (cur.expect.says ??= []).push({ matches: responsePattern(texts) });
      } else if (step.bot !== undefined) {
        cur.expect ??= {};
        (cur.expect.says ??= []).push({ matches: responsePattern([step.bot]) });
      }
      for (const s of step.slot_was_set ?? []) {
        if (typeof s !== 'object') continue;
        for (const [k, v] of Object.entries(s)) {
          if (k === 'requested_slot' || (v !== null && typeof v === 'object')) continue;
          cur.expect ??= {};
          (cur.expect.vars ??= {})[`slots.${slotId(k)}`] = v;
        }
      }
    }
    if (unknown || !turns.length) {
      skipped++;
      report.person(
        unknown === undefined
          ? `Test story "${name}" (${file}) has no user step: not imported.`
          : `Test story "${name}" (${file}) has a step with intent \`${unknown}\` and no message, and Parley has no such intent (\`nlu_fallback\`, a retrieval intent): not imported.`,
      );
      continue;
    }
    const story: Record<string, unknown> = { name: name.slice(0, 200), tags: ['rasa_import'] };
    if (operations.size) story.fixtures = { api: Object.fromEntries([...operations.values()].map((op) => [op, { mock: 'success' }])) };
    story.turns = turns;
    out.push({ file: `stories/${toId(name, names, 'story')}.yaml`, story });
  }
  if (out.length)
    report.mapped(
      `${out.length} test stories became Parley stories under \`stories/\`: each user step is a turn expecting Rasa's intent (except answers to a form's questions, which Parley hears as answers) and a line matching each response (by a pattern of its variations); custom actions answer with their \`success\` mock.`,
    );
  if (skipped) report.approximated(`${skipped} test stories were not imported (see below).`);
  return out;
}
