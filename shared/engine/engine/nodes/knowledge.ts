// The knowledge node: retrieval over the project's knowledge files; grounded when the best passage scores
// at least `minScore`, else `notSure`.
import type { NodeOf } from '../../../schema/nodes';
import type { RetrievalHit } from '../../ports';
import type { At } from '../../types';
import { errorText, type Run, type Step } from '../effects';
import type { Turn } from '../turn';

export function* execKnowledge(t: Turn, node: NodeOf<'knowledge'>, at: At): Run<Step> {
  const query = t.render(node.query ?? '{{input}}', at, 'query');
  const r = yield { type: 'retrieve', query, sources: node.sources ?? [], limit: 3 };
  if (!r.ok) {
    t.problem(`retrieval failed: ${errorText(r.error)}`, at);
    t.trace.push({ kind: 'retrieval', ...at, query, hits: [], grounded: false });
    return t.go(at, node.notSure, 'notSure');
  }
  const hits = r.value as RetrievalHit[];
  const best = hits[0];
  const grounded = Boolean(best && best.score >= (node.minScore ?? 0.35));
  t.trace.push({ kind: 'retrieval', ...at, query, hits, grounded });
  if (!grounded || !best) return t.go(at, node.notSure, 'notSure');
  t.s.fallbacks = 0;
  // with saveAs the flow decides what to say (e.g. an llm node that phrases the passage); else say it
  if (node.saveAs) t.setVar(node.saveAs, { answer: best.text, source: best.source, score: best.score });
  else t.emitText(best.text, at, `${at.flow}/${at.node}`);
  return t.go(at, node.next, 'next');
}
