// The runtime's Prometheus metrics (prom-client), served as text at GET /metrics. Labels stay bounded on a bot of
// 10,000 nodes: turns, latency and model figures are labelled by flow only; per-node series exist only for the
// outcomes worth finding on the canvas (fallback, not sure, handoff, guardrail, error), which few nodes produce.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { At, TurnResult } from '../../shared/engine/types';
import { outcomesOf } from '../../shared/transcripts/format';
import { assignedVariants } from '../../shared/engine/variants';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Outcomes counted per node; `end` is counted per flow only (every conversation has one). */
const PER_NODE = new Set(['fallback', 'not_sure', 'handoff', 'guardrail', 'error']);

export interface RuntimeMetrics {
  registry: Registry;
  /** Records one turn: its flow, latency, model calls and outcomes. */
  turn(result: Pick<TurnResult, 'outputs' | 'trace' | 'path' | 'state'>, seconds: number): void;
  conversationStarted(): void;
  /** A turn refused before it ran: `busy` (409), `unavailable` (503), `rate_limited` (429). */
  refused(reason: 'busy' | 'unavailable' | 'rate_limited'): void;
  feedback(score: number): void;
}

/** Where a turn ended up: the node it waits at, else the last node it entered. */
function whereOf(result: Pick<TurnResult, 'path' | 'state'>): At | undefined {
  const wait = result.state.wait;
  if (wait && wait.kind !== 'idle') return { flow: wait.flow, node: wait.node };
  return result.path[result.path.length - 1];
}

export function createRuntimeMetrics(o: { defaultMetrics?: boolean; prefix?: string } = {}): RuntimeMetrics {
  const registry = new Registry();
  const p = o.prefix ?? 'parley_';
  if (o.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: p });
  const turns = new Counter({ name: `${p}turns_total`, help: 'Turns served, by the flow the turn ended in', labelNames: ['flow'], registers: [registry] });
  const latency = new Histogram({
    name: `${p}turn_duration_seconds`,
    help: 'Time to serve a turn (input stage, engine and ports), by flow',
    labelNames: ['flow'],
    buckets: SECONDS,
    registers: [registry],
  });
  const llmLatency = new Histogram({
    name: `${p}llm_duration_seconds`,
    help: 'Model call time, by the flow of the calling node',
    labelNames: ['flow'],
    buckets: SECONDS,
    registers: [registry],
  });
  const llmTokens = new Counter({
    name: `${p}llm_tokens_total`,
    help: 'Model tokens, by flow and direction (input, output)',
    labelNames: ['flow', 'direction'],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: `${p}outcomes_total`,
    help: 'Turn outcomes: fallback, not_sure, handoff, guardrail and error per node; end per flow (node "")',
    labelNames: ['flow', 'node', 'outcome'],
    registers: [registry],
  });
  const variants = new Counter({
    name: `${p}variant_assignments_total`,
    help: 'Conversations assigned to each A/B variant, by node (at most 20 variants a node)',
    labelNames: ['flow', 'node', 'variant'],
    registers: [registry],
  });
  const started = new Counter({ name: `${p}conversations_started_total`, help: 'Conversations started', registers: [registry] });
  const refused = new Counter({
    name: `${p}turns_refused_total`,
    help: 'Turns refused before they ran: busy (another turn of the conversation was running), unavailable (session store down), rate_limited',
    labelNames: ['reason'],
    registers: [registry],
  });
  const csat = new Histogram({ name: `${p}feedback_score`, help: 'CSAT scores given (1 to 5)', buckets: [1, 2, 3, 4, 5], registers: [registry] });

  return {
    registry,
    turn(result, seconds) {
      const at = whereOf(result);
      const flow = at?.flow ?? '';
      turns.inc({ flow });
      latency.observe({ flow }, seconds);
      for (const t of result.trace) {
        if (t.kind !== 'llm') continue;
        if (t.totalMs !== undefined) llmLatency.observe({ flow: t.flow }, t.totalMs / 1000);
        if (t.usage) {
          llmTokens.inc({ flow: t.flow, direction: 'input' }, t.usage.inputTokens);
          llmTokens.inc({ flow: t.flow, direction: 'output' }, t.usage.outputTokens);
        }
      }
      for (const v of assignedVariants(result)) variants.inc({ flow: v.flow, node: v.node, variant: v.variant });
      for (const outcome of outcomesOf(result)) outcomes.inc({ flow, node: PER_NODE.has(outcome) ? (at?.node ?? '') : '', outcome });
    },
    conversationStarted: () => started.inc(),
    refused: (reason) => refused.inc({ reason }),
    feedback: (score) => csat.observe(score),
  };
}
