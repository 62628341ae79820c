import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, initialState, runTurn, type EnginePorts } from '../engine/engine';
import { checkText } from '../engine/simple/guardrail';
import type { SessionState, TurnResult, UserInput } from '../engine/types';
import { extractSlotValue } from '../nlu/entities';
import { buildProjectNlu } from '../nlu/project';
import { loadProject, type SourceFile } from '../project/load';
import { TranscriptEvent, outcomesOf, parseTranscriptLines, turnEvent } from './format';

const dir = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const source = (file: string): SourceFile => ({ file, text: readFileSync(path.join(dir, file), 'utf8') });
const loaded = loadProject({
  manifest: source('parley.yaml'),
  nlu: source('nlu.yaml'),
  flows: readdirSync(path.join(dir, 'flows')).map((f) => source(`flows/${f}`)),
});
const model = loaded.project!;
const engine = createEngine(model, {
  nlu: buildProjectNlu(model.nlu),
  extractSlot: (type, text, ctx) => extractSlotValue(type, text, { entities: model.nlu.entities ?? [], ...ctx }),
});
const ports: EnginePorts = {
  guardrail: { check: checkText },
  handoff: { available: () => false },
  clock: { now: () => Date.parse('2026-03-02T10:00:00Z') },
};

async function play(inputs: UserInput[]): Promise<{ input: UserInput; result: TurnResult }[]> {
  let state: SessionState = initialState(engine, {});
  const out: { input: UserInput; result: TurnResult }[] = [];
  for (const input of [{ type: 'start' } as const, ...inputs]) {
    const result = await runTurn(engine, state, input, ports);
    out.push({ input, result });
    state = result.state;
  }
  return out;
}

const meta = (input: UserInput, turn: number) => ({
  conversation: 'c-1',
  bundle: { name: 'acme-bank', version: '1.2.0' },
  at: Date.parse('2026-03-02T10:00:00Z'),
  ms: 12,
  turn,
  input,
  redact: (s: string) => s.replace(/\d{4} ?\d{4} ?\d{4} ?(\d{4})/g, '[card ••••$1]'),
});

describe('transcript events', () => {
  it('describe a real conversation turn by turn, and read back as written', async () => {
    const turns = await play([
      { type: 'text', text: 'what is my balance' },
      { type: 'text', text: 'xkcd foo bar qux' },
    ]);
    const events = turns.map(({ input, result }, i) => turnEvent(result, meta(input, i)));
    for (const e of events) expect(TranscriptEvent.parse(JSON.parse(JSON.stringify(e)))).toEqual(e);
    expect(events[0]!.input).toEqual({ type: 'start' });
    expect(events[0]!.says.length).toBeGreaterThan(0);
    expect(events[1]!.intent).toBe('check_balance');
    expect(events[1]!.confidence).toBeGreaterThan(0.5);
    expect(events[1]!.path.every((p) => /^[\w-]+\/[\w-]+$/.test(p))).toBe(true);
    const { events: back, problems } = parseTranscriptLines(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    expect(problems).toEqual([]);
    expect(back).toEqual(events);
  });

  it('redact what the user and the bot said', async () => {
    const [, second] = await play([{ type: 'text', text: 'my card 4111 1111 1111 1111 was stolen' }]);
    const e = turnEvent(second!.result, meta(second!.input, 1));
    expect(JSON.stringify(e)).not.toContain('4111 1111');
    expect(e.input).toEqual({ type: 'text', text: 'my card [card ••••1111] was stolen' });
  });

  it('name the outcomes of a turn from its trace and outputs', () => {
    const none = outcomesOf({ outputs: [], trace: [] });
    expect(none).toEqual([]);
    const many = outcomesOf({
      outputs: [
        { type: 'handoff', queue: 'cards', flow: 'f', node: 'h' },
        { type: 'end', outcome: 'escalated', flow: 'f', node: 'e' },
      ],
      trace: [
        { kind: 'fallback', count: 3, limit: 3, escalated: true },
        { kind: 'nlu', flow: 'f', node: 'l', text: 'x', ranking: [], entities: [], decision: 'clarify' },
        { kind: 'guardrail', flow: 'f', node: 'g', findings: [] },
      ],
    });
    // an empty guardrail finding list is no guardrail outcome
    expect(many).toEqual(['fallback', 'not_sure', 'handoff', 'end']);
  });

  it('report malformed lines with their numbers and keep the rest', () => {
    const good = JSON.stringify({
      v: 1,
      type: 'feedback',
      conversation: 'c',
      bundle: { name: 'b', version: '1' },
      at: '2026-03-02T10:00:00.000Z',
      score: 4,
    });
    const text = [good, '{not json', JSON.stringify({ v: 2, type: 'feedback' }), '', JSON.stringify({ ...JSON.parse(good), score: 9 })].join('\n');
    const { events, problems } = parseTranscriptLines(text);
    expect(events).toHaveLength(1);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 5]);
    expect(problems[0]!.message).toBe('not JSON');
    expect(problems[2]!.message).toMatch(/^score:/);
  });
});
