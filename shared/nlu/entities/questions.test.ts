// needs fresh modules: it checks that the turn runner loads the name tagger, which a file before it in a shared
// worker may have loaded already
// The entities at questions, through the turn runner as the studio, the stories and the runtime run them: the
// ask node's `dates` reaches the extractor, and the runner loads the person tagger for a project that asks for one.
import { describe, expect, it } from 'vitest';
import { flow, keywordNlu, makeModel } from '../../../test/fixtures/engineProject';
import { createEngine, type EnginePorts } from '../../engine/engine';
import type { FlowNode } from '../../schema/nodes';
import { createTurnRunner } from '../../runtime/turnRunner';
import { extractSlotValue } from './index';
import { nameTaggerLoaded } from './nameTagger';

const nodes = [
  { id: 'start', kind: 'start', next: 'when' },
  { id: 'when', kind: 'ask', slot: 'slots.when', type: 'date', dates: 'past', prompt: { en: 'When did you pay?' }, next: 'said_when' },
  { id: 'said_when', kind: 'message', say: { en: 'Paid on {{slots.when}}.' }, next: 'visit' },
  { id: 'visit', kind: 'ask', slot: 'slots.visit', type: 'date', dates: 'future', prompt: { en: 'When will you visit?' }, next: 'said_visit' },
  { id: 'said_visit', kind: 'message', say: { en: 'Visit on {{slots.visit}}.' }, next: 'period' },
  { id: 'period', kind: 'ask', slot: 'slots.period', type: 'date_range', dates: 'past', prompt: { en: 'Which days?' }, next: 'said_period' },
  { id: 'said_period', kind: 'message', say: { en: 'From {{slots.period.start}} to {{slots.period.end}}.' }, next: 'name' },
  { id: 'name', kind: 'ask', slot: 'slots.name', type: 'person', prompt: { en: 'Who is it for?' }, next: 'said_name' },
  { id: 'said_name', kind: 'message', say: { en: 'For {{slots.name}}.' }, next: 'bye' },
  { id: 'bye', kind: 'end', outcome: 'resolved' },
] as FlowNode[];

const model = makeModel({ main: flow('Main', nodes) });
const engine = createEngine(model, { nlu: keywordNlu, extractSlot: (type, text, ctx) => extractSlotValue(type, text, ctx) });
// noon on Sunday 6 December 2026: the same day in every zone from UTC−11 to UTC+11
const ports: EnginePorts = { clock: { now: () => Date.UTC(2026, 11, 6, 12) } };

describe('dates and people at questions', () => {
  it('a question past takes January 12 as this January, a question future as next; a range and a name follow', async () => {
    const runner = createTurnRunner({ engine });
    expect(nameTaggerLoaded()).toBe(false);
    let r = await runner.run(runner.initial(), { type: 'start' }, ports);
    // the project asks for a person: the runner loaded the tagger before the first turn
    expect(nameTaggerLoaded()).toBe(true);
    const says: string[] = [];
    for (const text of ['January 12', 'January 12', 'between March 3 and 10', "it's for ana maría lópez"]) {
      r = await runner.run(r.state, { type: 'text', text }, ports);
      says.push(...r.outputs.flatMap((o) => (o.type === 'text' ? [o.text] : [])));
    }
    expect(says).toEqual([
      'Paid on 2026-01-12.',
      'When will you visit?',
      'Visit on 2027-01-12.',
      'Which days?',
      'From 2026-03-03 to 2026-03-10.',
      'Who is it for?',
      'For Ana María López.',
    ]);
  });
});
