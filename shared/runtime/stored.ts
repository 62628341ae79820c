// What a turn keeps, redacted: the parts of its result that are stored or logged, with the personal data in
// them replaced (pii.ts). The engine ran on the raw text; only what outlives the turn is rewritten.
//
//   state.transcript   every entry the turn added (user and bot lines; earlier entries were redacted when
//                      their turn stored them, and are the same objects, so they are not scanned again)
//   state.last.input   the user's words as expressions saw them
//   state.last.entities  string values, deeply (an email entity's value is the address)
//   state.memory       the entities remembered for later questions: one with personal data in its words is
//                      dropped (its redacted words would answer nothing), so an email said earlier is not kept
//   trace              every string in every entry (input text, NLU text and entities, slot values, LLM
//                      prompts and replies, retrieval queries, API URLs and responses, variable changes,
//                      problems), except the knowledge passages retrieval found (the project's own text)
//
// Not redacted: `state.vars` (the flow's own data, which expressions, API calls and later turns read: a flow
// that keeps an email in a variable means to use it), `state.profile`, quick replies (the project's copy), and
// the turn's `outputs` (delivered to the customer now, not kept by the core; a caller that logs or keeps them
// redacts them with `redactOutputs`).
import type { Output, SessionState, TraceEntry } from '../engine/types';
import { FifoMap } from '../util/fifoMap';
import { redactStrings } from './pii';

export type Redact = (text: string) => string;

/** The session state as stored. `before` is the state the turn began with (its transcript entries are kept as they are). */
export function redactState(state: SessionState, before: SessionState | undefined, redact: Redact): SessionState {
  const old = new Set(before?.transcript ?? []);
  let changed = false;
  const transcript = state.transcript.map((e) => {
    if (old.has(e)) return e;
    const text = redact(e.text);
    if (text === e.text) return e;
    changed = true;
    return { ...e, text };
  });
  const input = redact(state.last.input);
  const entities = redactStrings(state.last.entities, redact);
  const kept = state.memory?.filter((m) => redact(m.text) === m.text);
  const memoryChanged = kept !== undefined && kept.length !== state.memory?.length;
  if (input === state.last.input && entities === state.last.entities && !changed && !memoryChanged) return state;
  return {
    ...state,
    transcript: changed ? transcript : state.transcript,
    last: { ...state.last, input, entities },
    ...(memoryChanged ? { memory: kept } : {}),
  };
}

/** Every string of every entry, except the knowledge passages a retrieval found (the project's own text). */
export function redactTrace(trace: TraceEntry[], redact: Redact): TraceEntry[] {
  let changed = false;
  const out = trace.map((e) => {
    const r = e.kind === 'retrieval' ? redactRetrieval(e, redact) : redactStrings(e, redact);
    if (r !== e) changed = true;
    return r;
  });
  return changed ? out : trace;
}

function redactRetrieval(e: Extract<TraceEntry, { kind: 'retrieval' }>, redact: Redact): TraceEntry {
  const query = redact(e.query);
  return query === e.query ? e : { ...e, query };
}

/**
 * `redact` with its answers kept for the most recent `size` distinct strings: a turn's trace repeats the same
 * prompts, conversation data and API responses turn after turn, and the phone number matcher is the costly part.
 */
export function memoRedact(redact: Redact, size = 1000): Redact {
  const seen = new FifoMap<string, string>(size);
  return (text) => {
    // short strings cost nothing to redact, very long ones too much to keep
    if (text.length < 7 || text.length > 16_384) return redact(text);
    let r = seen.get(text);
    if (r === undefined) {
      r = redact(text);
      seen.set(text, r);
    }
    return r;
  };
}

/** The outputs' texts and handoff summaries and payloads redacted, for a caller that logs or keeps them. */
export function redactOutputs(outputs: Output[], redact: Redact): Output[] {
  return outputs.map((o) => {
    if (o.type === 'text') {
      const text = redact(o.text);
      return text === o.text ? o : { ...o, text };
    }
    if (o.type === 'handoff' && (o.summary !== undefined || o.reason !== undefined || o.payload !== undefined)) {
      return {
        ...o,
        ...(o.summary !== undefined ? { summary: redact(o.summary) } : {}),
        ...(o.reason !== undefined ? { reason: redact(o.reason) } : {}),
        // the payload carries the last messages and the slots
        ...(o.payload !== undefined ? { payload: redactStrings(o.payload, redact) } : {}),
      };
    }
    if (o.type === 'error') return { ...o, message: redact(o.message) };
    return o;
  });
}
