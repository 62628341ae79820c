// The knowledge node: retrieval over the project's knowledge base, then a grounded answer.
//   - the best passage scores under `minScore`: not grounded, take `notSure`;
//   - `saveAs` without `answer`: save the best passage (`{ answer, source, score, id, heading }`) for the flow;
//   - `answer: extractive`: the best passage's sentences that match the question, cited `[1]`;
//   - otherwise (`answer: llm`, the default when parley.yaml configures a model) the model answers from the numbered passages only (grounded.ts),
//     citing them; it says NOT_IN_SOURCES when they do not hold the answer (take `notSure`). Without a model, when
//     the model fails, or when its reply cites none of the passages, the node answers extractively instead:
//     an uncited answer cannot be checked against the sources, so it is never shown.
import { DEFAULT_MIN_SCORE } from '../../../knowledge/settings';
import type { NodeOf } from '../../../schema/nodes';
import { LlmError, type LlmMessage, type LlmRequest, type LlmResponse, type RetrievalHit } from '../../ports';
import type { At, Citation } from '../../types';
import { errorText, type Run, type Step } from '../effects';
import type { Turn } from '../turn';
import { citationOf, extractiveAnswer, groundedSystem, NOT_IN_SOURCES, readCitations, saysNotInSources, sourceSections } from './grounded';
import { historyMessages, llmTraceEntry, pushMessage } from './llm';
import { withDataBlock, withDataRule, neutralise } from '../../../llm/promptData';

export function* execKnowledge(t: Turn, node: NodeOf<'knowledge'>, at: At): Run<Step> {
  const query = t.render(node.query ?? '{{input}}', at, 'query');
  const r = yield { type: 'retrieve', query, sources: node.sources ?? [], limit: node.limit ?? 3 };
  if (!r.ok) {
    t.problem(`retrieval failed: ${errorText(r.error)}`, at);
    t.trace.push({ kind: 'retrieval', ...at, query, hits: [], grounded: false });
    return t.go(at, node.notSure, 'notSure');
  }
  const hits = r.value as RetrievalHit[];
  const best = hits[0];
  const grounded = Boolean(best && best.score >= (node.minScore ?? t.engine.model.manifest.knowledge?.minScore ?? DEFAULT_MIN_SCORE));
  const trace = { kind: 'retrieval' as const, ...at, query, hits, grounded };
  t.trace.push(trace);
  if (!grounded || !best) return t.go(at, node.notSure, 'notSure');
  const copyId = `${at.flow}/${at.node}`;
  if (node.saveAs)
    t.setVar(node.saveAs, {
      answer: best.text,
      source: best.source,
      score: best.score,
      ...(best.id !== undefined ? { id: best.id } : {}),
      ...(best.heading !== undefined ? { heading: best.heading } : {}),
    });
  if (node.saveAs && node.answer === undefined) {
    t.s.fallbacks = 0;
    return t.go(at, node.next, 'next');
  }
  const question = t.s.last.input || query;
  // a project with no model (no `llm` in parley.yaml) answers extractively without asking for one
  if (node.answer === 'llm' || (node.answer === undefined && t.engine.model.manifest.llm)) {
    const answer = yield* modelAnswer(t, node, at, question, hits);
    if (answer === 'not in sources') {
      trace.grounded = false;
      return t.go(at, node.notSure, 'notSure');
    }
    if (answer) {
      t.s.fallbacks = 0;
      t.emitText(answer.text, at, copyId, undefined, { llm: true, citations: answer.cited, ...(answer.partial ? { partial: true } : {}) });
      return t.go(at, node.next, 'next');
    }
  }
  t.s.fallbacks = 0;
  t.emitText(extractiveAnswer(question, best, t.s.locale), at, copyId, undefined, { citations: [citationOf(1, best)] });
  return t.go(at, node.next, 'next');
}

/** The model's cited answer; 'not in sources'; or undefined when the node should answer extractively. */
function* modelAnswer(
  t: Turn,
  node: NodeOf<'knowledge'>,
  at: At,
  question: string,
  hits: RetrievalHit[],
): Run<{ text: string; cited: Citation[]; partial?: boolean } | 'not in sources' | undefined> {
  const m = t.engine.model.manifest;
  const system = withDataRule(groundedSystem(node.system !== undefined ? t.render(node.system, at, 'system') : ''));
  const messages: LlmMessage[] = historyMessages(t.s.transcript.slice(0, -1), t.engine.options.transcriptLimit);
  pushMessage(messages, { role: 'user', content: withDataBlock(sourceSections(hits), neutralise(question)) });
  const request: LlmRequest = {
    flow: at.flow,
    node: at.node,
    system,
    messages,
    ...(m.llm?.model ? { model: m.llm.model } : {}),
    temperature: m.llm?.temperature ?? 0,
    ...(m.llm?.maxTokens !== undefined ? { maxTokens: m.llm.maxTokens } : {}),
    ...(m.llm?.timeoutMs !== undefined ? { timeoutMs: m.llm.timeoutMs } : {}),
  };
  const r = yield { type: 'llm', request, holdBack: NOT_IN_SOURCES };
  if (!r.ok) {
    const message = `LLM: ${errorText(r.error)}`;
    t.trace.push({ kind: 'llm', ...at, request, error: message });
    // no model is a way to run (the answer is extractive), not a fault; a model that fails is one
    if (!(r.error instanceof LlmError && r.error.kind === 'not_configured')) t.problem(`${message}; answered from the passage instead`, at, 'warning');
    return undefined;
  }
  const res = r.value as LlmResponse;
  t.trace.push(llmTraceEntry(at, request, res));
  if (saysNotInSources(res.text)) return 'not in sources';
  const { text, cited } = readCitations(res.text, hits);
  if (!cited.length || !text) {
    t.problem('the model answered without citing the sources; answered from the passage instead', at, 'warning');
    return undefined;
  }
  return { text, cited, ...(res.partial ? { partial: true } : {}) };
}
