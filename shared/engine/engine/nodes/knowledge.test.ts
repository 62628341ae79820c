import { describe, expect, it } from 'vitest';
import { flow, keywordNlu, makeModel } from '../../../../test/fixtures/engineProject';
import type { FlowNode } from '../../../schema/nodes';
import { createEngine, initialState, runTurn, type EnginePorts } from '../../engine';
import { LlmError, type LlmPort, type LlmRequest, type RetrievalHit } from '../../ports';
import type { Output, TraceEntry } from '../../types';
import { holdingBack } from '../drivers';
import { extractiveAnswer, readCitations, saysNotInSources } from './grounded';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const HITS: RetrievalHit[] = [
  {
    source: 'fees.md',
    id: 'fees.md#2',
    heading: 'Fees › Overdrafts',
    text: 'An arranged overdraft costs 19.9% EAR. There is no fee to set one up.',
    score: 0.8,
    start: 120,
    end: 190,
  },
  { source: 'cards.md', id: 'cards.md#0', heading: 'Cards', text: 'Replacement cards arrive in 5 working days.', score: 0.5 },
];

function engineWith(kb: Record<string, unknown>) {
  const model = makeModel(
    {
      main: flow('M', [
        n({ id: 'start', kind: 'start', next: 'listen' }),
        n({ id: 'listen', kind: 'listen', routes: [], noMatch: 'kb' }),
        n({ id: 'kb', kind: 'knowledge', minScore: 0.4, next: 'listen', notSure: 'unsure', ...kb }),
        n({ id: 'unsure', kind: 'message', say: { en: 'I am not sure.' }, next: 'listen' }),
      ]),
    },
    { llm: { model: 'claude-test', temperature: 0.3 } },
  );
  return createEngine(model, { nlu: keywordNlu });
}

function replying(text: string | Error, seen: LlmRequest[] = []): LlmPort {
  return {
    async complete(req, opts) {
      seen.push(req);
      if (text instanceof Error) throw text;
      for (const piece of text.split(/(?<= )/)) opts?.onToken?.(piece);
      return { text, model: 'claude-test', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 }, ttftMs: 1, totalMs: 1 };
    },
  };
}

async function ask(kb: Record<string, unknown>, question: string, ports: EnginePorts) {
  const e = engineWith(kb);
  const s0 = (await runTurn(e, initialState(e), { type: 'start' }, ports)).state;
  const tokens: string[] = [];
  const r = await runTurn(e, s0, { type: 'text', text: question }, ports, { onToken: (_at, d) => tokens.push(d) });
  return { ...r, tokens };
}

const texts = (o: Output[]) => o.flatMap((x) => (x.type === 'text' ? [x.text] : []));
const exits = (t: TraceEntry[]) => t.flatMap((e) => (e.kind === 'node' && e.node === 'kb' ? [e.exit] : []));
const problems = (t: TraceEntry[]) => t.flatMap((e) => (e.kind === 'problem' ? [e.message] : []));
const retrieval = { search: () => HITS };

describe('knowledge node: grounded answers with citations', () => {
  it('the model answers from numbered sources in the data block, under fixed grounding rules, and its citations come back', async () => {
    const seen: LlmRequest[] = [];
    const r = await ask({ system: 'Be brief.' }, 'how much is an overdraft', {
      retrieval,
      llm: replying('It costs 19.9% EAR [1], with no set-up fee [1][2].', seen),
    });
    expect(texts(r.outputs)).toEqual(['It costs 19.9% EAR [1], with no set-up fee [1][2].']);
    const out = r.outputs[0] as Extract<Output, { type: 'text' }>;
    expect(out.copyId).toBe('main/kb');
    expect(out.citations?.map((c) => [c.n, c.source, c.id, c.heading])).toEqual([
      [1, 'fees.md', 'fees.md#2', 'Fees › Overdrafts'],
      [2, 'cards.md', 'cards.md#0', 'Cards'],
    ]);
    expect(out.citations?.[0]).toMatchObject({ start: 120, end: 190, text: HITS[0]?.text });
    const req = seen[0] as LlmRequest;
    expect(req.system).toMatch(/^Be brief\.\n\nAnswer the customer using only the numbered sources/);
    expect(req.system).toContain('NOT_IN_SOURCES');
    expect(req.temperature).toBe(0.3);
    const last = req.messages.at(-1)?.content ?? '';
    expect(last).toMatch(/^<conversation_data>\nSource \[1\] \(fees\.md › Fees › Overdrafts\):\nAn arranged overdraft/);
    expect(last).toContain('Source [2] (cards.md › Cards):\nReplacement cards');
    expect(last.endsWith('</conversation_data>\n\nhow much is an overdraft')).toBe(true);
    expect(exits(r.trace)).toEqual(['next']);
  });

  it('a question the sources do not answer takes notSure, and the model word is never streamed to the customer', async () => {
    const r = await ask({}, 'can I open a business account', { retrieval, llm: replying('NOT_IN_SOURCES') });
    expect(texts(r.outputs)).toEqual(['I am not sure.']);
    expect(exits(r.trace)).toEqual(['notSure']);
    expect(r.tokens.join('')).toBe('');
    expect(r.trace.find((e) => e.kind === 'retrieval')).toMatchObject({ grounded: false });
  });

  it('a low best score takes notSure without asking the model', async () => {
    const seen: LlmRequest[] = [];
    const r = await ask({}, 'weather tomorrow', { retrieval: { search: () => [{ ...HITS[1], score: 0.2 } as RetrievalHit] }, llm: replying('x [1]', seen) });
    expect(exits(r.trace)).toEqual(['notSure']);
    expect(seen).toHaveLength(0);
  });

  it('without a model the answer is extractive and cited, and no problem is raised', async () => {
    const r = await ask({}, 'is there a fee to set up an overdraft', { retrieval });
    expect(texts(r.outputs)).toEqual(['There is no fee to set one up. [1]']);
    expect((r.outputs[0] as Extract<Output, { type: 'text' }>).citations).toEqual([expect.objectContaining({ n: 1, source: 'fees.md' })]);
    expect(problems(r.trace)).toEqual([]);
  });

  it('a model that fails, or answers without citing, is replaced by the extractive answer, with a warning', async () => {
    const failed = await ask({}, 'overdraft fee', { retrieval, llm: replying(new LlmError('no reply within 20000 ms', 'timeout')) });
    expect(texts(failed.outputs)[0]).toMatch(/\[1\]$/);
    expect(problems(failed.trace).join()).toMatch(/no reply within 20000 ms; answered from the passage instead/);
    const uncited = await ask({}, 'overdraft fee', { retrieval, llm: replying('Overdrafts are free forever.') });
    expect(texts(uncited.outputs)).not.toContain('Overdrafts are free forever.');
    expect(problems(uncited.trace).join()).toMatch(/without citing the sources/);
  });

  it('a project without a model configured answers extractively without asking for one', async () => {
    const model = makeModel({
      main: flow('M', [
        n({ id: 'start', kind: 'start', next: 'listen' }),
        n({ id: 'listen', kind: 'listen', routes: [], noMatch: 'kb' }),
        n({ id: 'kb', kind: 'knowledge', next: 'listen' }),
      ]),
    });
    const e = createEngine(model, { nlu: keywordNlu });
    const seen: LlmRequest[] = [];
    const s0 = (await runTurn(e, initialState(e), { type: 'start' }, { retrieval })).state;
    const r = await runTurn(e, s0, { type: 'text', text: 'overdraft set up fee' }, { retrieval, llm: replying('x [1]', seen) });
    expect(seen).toHaveLength(0);
    expect(texts(r.outputs)).toEqual(['There is no fee to set one up. [1]']);
  });

  it("a node without minScore takes parley.yaml's knowledge.minScore", async () => {
    const model = makeModel(
      {
        main: flow('M', [
          n({ id: 'start', kind: 'start', next: 'listen' }),
          n({ id: 'listen', kind: 'listen', routes: [], noMatch: 'kb' }),
          n({ id: 'kb', kind: 'knowledge', next: 'listen', notSure: 'unsure' }),
          n({ id: 'unsure', kind: 'message', say: { en: 'I am not sure.' }, next: 'listen' }),
        ]),
      },
      { knowledge: { minScore: 0.9 } },
    );
    const e = createEngine(model, { nlu: keywordNlu });
    const s0 = (await runTurn(e, initialState(e), { type: 'start' }, { retrieval })).state;
    // the best hit scores 0.8: grounded at the built-in 0.35, not at the project's 0.9
    const r = await runTurn(e, s0, { type: 'text', text: 'overdraft set up fee' }, { retrieval });
    expect(texts(r.outputs)).toEqual(['I am not sure.']);
  });

  it('answer: extractive never asks the model; saveAs without answer only saves the passage', async () => {
    const seen: LlmRequest[] = [];
    const ex = await ask({ answer: 'extractive' }, 'overdraft fee', { retrieval, llm: replying('x [1]', seen) });
    expect(seen).toHaveLength(0);
    expect(texts(ex.outputs)[0]).toMatch(/\[1\]$/);
    const saved = await ask({ saveAs: 'kb' }, 'overdraft fee', { retrieval, llm: replying('x [1]', seen) });
    expect(texts(saved.outputs)).toEqual([]);
    expect(saved.state.vars.kb).toMatchObject({ source: 'fees.md', id: 'fees.md#2', heading: 'Fees › Overdrafts', score: 0.8 });
    expect(seen).toHaveLength(0);
  });
});

describe('grounded answer helpers', () => {
  it('readCitations keeps markers of given passages, drops the others, and lists what is cited', () => {
    const r = readCitations('Yes [3]. It is free [2, 9]. See [see below].', HITS);
    expect(r.text).toBe('Yes. It is free [2]. See [see below].');
    expect(r.cited.map((c) => c.n)).toEqual([2]);
  });

  it('saysNotInSources takes the word alone, with trailing punctuation, and nothing longer', () => {
    expect(saysNotInSources(' NOT_IN_SOURCES.\n')).toBe(true);
    expect(saysNotInSources('NOT_IN_SOURCES, but maybe 9am')).toBe(false);
  });

  it('extractiveAnswer picks the sentence that matches the question and adds the next when short', () => {
    const hit = { source: 'a.md', text: 'Branches open at 9. They close at 5 on weekdays. On Sundays all branches are closed.', score: 1 };
    expect(extractiveAnswer('are all branches closed on sundays', hit)).toBe('On Sundays all branches are closed. [1]');
    expect(extractiveAnswer('when do you close', hit)).toBe('They close at 5 on weekdays. On Sundays all branches are closed. [1]');
  });

  it('holdingBack streams ordinary text at once and never streams the held-back word', () => {
    const got: string[] = [];
    const f = holdingBack('NOT_IN_SOURCES', (d) => got.push(d));
    for (const d of [' NOT_', 'IN_', 'SOURCES']) f(d);
    expect(got).toEqual([]);
    const g: string[] = [];
    const h = holdingBack('NOT_IN_SOURCES', (d) => g.push(d));
    for (const d of ['NO', 'w open', ' [1]']) h(d);
    expect(g).toEqual(['NOw open', ' [1]']);
  });
});
