// Synthetic transcripts (the runtime's JSONL) for tests, benchmarks and demonstrations: conversations drawn from
// weighted journeys, spread over a period, some abandoned, some rated. Deterministic for a seed. `parley traffic`
// makes traffic through a real runtime instead; this makes a million events in seconds without one.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { TRANSCRIPT_VERSION, type Outcome, type TranscriptEvent } from '../../shared/transcripts/format';
import { seededRandom } from '../../shared/util/random';

export interface JourneyTurn {
  /** What the customer says (a pick among several), or a button payload; none for the opening turn. */
  say?: readonly string[];
  button?: string;
  path: readonly string[];
  intent?: string;
  confidence?: number;
  outcomes?: readonly Outcome[];
  ended?: 'resolved' | 'unresolved' | 'escalated';
}

export interface Journey {
  name: string;
  weight: number;
  turns: readonly JourneyTurn[];
  /** Chance that the conversation is abandoned after each user turn that did not end it. */
  abandon?: number;
  /** node key -> variant ids one is drawn from per conversation (A/B). */
  variants?: Record<string, readonly string[]>;
}

export interface SyntheticOptions {
  journeys: readonly Journey[];
  conversations: number;
  /** ISO instant of the first conversation, and how many days the conversations spread over. */
  start: string;
  days: number;
  seed?: number;
  bundle?: { name: string; version: string };
  /** Share of conversations that leave a CSAT score at the end. */
  feedback?: number;
  /** Stop after this many events (the last conversation may be cut short). */
  limit?: number;
}

/** The events, conversation by conversation (a generator: a million events never sit in memory at once). */
export function* syntheticEvents(o: SyntheticOptions): Generator<TranscriptEvent> {
  let left = o.limit ?? Infinity;
  for (const e of conversations(o)) {
    if (left-- <= 0) return;
    yield e;
  }
}

function* conversations(o: SyntheticOptions): Generator<TranscriptEvent> {
  const random = seededRandom(o.seed ?? 1);
  const bundle = o.bundle ?? { name: 'acme-bank', version: '1.0.0' };
  const total = o.journeys.reduce((s, j) => s + j.weight, 0);
  const pickJourney = () => {
    let x = random() * total;
    for (const j of o.journeys) if ((x -= j.weight) < 0) return j;
    return o.journeys[o.journeys.length - 1]!;
  };
  const start = Date.parse(o.start);
  const span = o.days * 86_400_000;
  for (let c = 0; c < o.conversations; c++) {
    const journey = pickJourney();
    const conversation = `c${String(c).padStart(7, '0')}-${Math.floor(random() * 1e9).toString(36)}`;
    let at = start + Math.floor((c / Math.max(1, o.conversations)) * span + random() * 60_000);
    const variants: Record<string, string> = {};
    for (const [node, ids] of Object.entries(journey.variants ?? {})) variants[node] = ids[Math.floor(random() * ids.length)]!;
    const hasVariants = Object.keys(variants).length > 0;
    let abandoned = false;
    for (const [n, t] of journey.turns.entries()) {
      const input: Extract<TranscriptEvent, { type: 'turn' }>['input'] = t.say?.length
        ? { type: 'text', text: t.say[Math.floor(random() * t.say.length)]! }
        : t.button
          ? { type: 'button', payload: t.button }
          : { type: 'start' };
      yield {
        v: TRANSCRIPT_VERSION,
        type: 'turn',
        conversation,
        bundle,
        at: new Date(at).toISOString(),
        turn: n,
        input,
        says: [{ text: `(reply ${n} of ${journey.name})` }],
        path: [...t.path],
        ...(t.intent ? { intent: t.intent } : {}),
        ...(t.confidence !== undefined ? { confidence: Math.min(1, Math.max(0, t.confidence + (random() - 0.5) * 0.1)) } : {}),
        ...(hasVariants ? { variants } : {}),
        outcomes: [...(t.outcomes ?? [])],
        ...(t.ended ? { ended: t.ended } : {}),
        ms: Math.round(5 + random() * 40),
      };
      at += 5_000 + Math.floor(random() * 40_000);
      if (t.ended) break;
      if (n > 0 && n < journey.turns.length - 1 && random() < (journey.abandon ?? 0)) {
        abandoned = true;
        yield {
          v: TRANSCRIPT_VERSION,
          type: 'abandoned',
          conversation,
          bundle,
          at: new Date(at + 900_000).toISOString(),
          lastTurn: n,
          waitingAt: t.path[t.path.length - 1]!,
        };
        break;
      }
    }
    if (!abandoned && random() < (o.feedback ?? 0)) {
      yield { v: TRANSCRIPT_VERSION, type: 'feedback', conversation, bundle, at: new Date(at).toISOString(), score: 1 + Math.floor(random() * 5) };
    }
  }
}

/** Writes the events to a JSONL file; returns how many. */
export async function writeSynthetic(file: string, o: SyntheticOptions): Promise<number> {
  const out = createWriteStream(file);
  let n = 0;
  let buf: string[] = [];
  for (const e of syntheticEvents(o)) {
    buf.push(JSON.stringify(e));
    n++;
    if (buf.length === 5000) {
      if (!out.write(`${buf.join('\n')}\n`)) await once(out, 'drain');
      buf = [];
    }
  }
  if (buf.length) out.write(`${buf.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return n;
}
