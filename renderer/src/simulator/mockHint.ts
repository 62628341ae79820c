// A turn whose API call could not be made or answered (the project untrusted, the host not allowed or not found,
// a timeout) while parley.yaml has design-time mocks for that operation: the panel says so under the bot's reply,
// with a way to replay the conversation answered from the mocks. main's trace entry says it too, but a writer who
// reads only the bubbles sees the bot's "can't get your balance" and would not look there.
import type { TurnView } from '../../../shared/api/contract';
import { mockCouldAnswer, type MockableFailureKind } from '../../../shared/runtime/mockable';

/** How the panel names each failure a mock could have answered (the trace has the full message). */
const WHY: Record<MockableFailureKind, string> = { blocked: 'not sent', network: 'host not reached', timeout: 'timed out' };

export interface MockableFailure {
  operation: string;
  why: string;
}

/**
 * The API calls of `turn` that failed and that parley.yaml's `mocks` could answer (shared/runtime/mockable.ts),
 * each operation once, in the order the turn made them. None when mocks are on already.
 */
export function mockableFailures(turn: TurnView | undefined, mocks: Readonly<Record<string, unknown>> | undefined, mocksOn: boolean): MockableFailure[] {
  if (!turn || mocksOn || !mocks) return [];
  const out: MockableFailure[] = [];
  for (const e of turn.trace) {
    if (e.kind !== 'api' || e.outcome === 'success' || !mockCouldAnswer(mocks, e.operation, e.failure)) continue;
    if (out.some((f) => f.operation === e.operation)) continue;
    out.push({ operation: e.operation, why: WHY[e.failure] });
  }
  return out;
}

/** The notice's sentence for the failures (at least one). */
export function mockableNotice(failures: readonly MockableFailure[]): string {
  const calls = failures.map((f) => `${f.operation} (${f.why})`);
  const list = calls.length === 1 ? calls[0] : `${calls.slice(0, -1).join(', ')} and ${calls.at(-1)}`;
  return `No answer from ${list}. parley.yaml has mocks for ${failures.length === 1 ? 'it' : 'them'}: replay the conversation answered from the mocks (nothing is sent).`;
}
