// A turn whose API call could not be made or answered (the project untrusted, the host not allowed or not found,
// a timeout) while parley.yaml has design-time mocks for that operation: the panel says so under the bot's reply,
// with a way to replay the conversation answered from the mocks. main's trace entry says it too, but a writer who
// reads only the bubbles sees the bot's "can't get your balance" and would not look there.
import type { TurnView } from '../../../shared/api/contract';

/** The failures a mock could have answered, and how the panel names each (the trace has the full message). */
const WHY = { blocked: 'not sent', network: 'host not reached', timeout: 'timed out' } as const;

export interface MockableFailure {
  operation: string;
  why: (typeof WHY)[keyof typeof WHY];
}

/**
 * The API calls of `turn` that failed and that parley.yaml's `mocks` could answer, each operation once, in the
 * order the turn made them. None when mocks are on already. A call that was answered, even with an error status,
 * or refused before it was built (its request template), or whose response was too large, is not one: a mock
 * stands in for a backend that is not there, not for one that answers.
 */
export function mockableFailures(turn: TurnView | undefined, mocks: Readonly<Record<string, unknown>> | undefined, mocksOn: boolean): MockableFailure[] {
  if (!turn || mocksOn || !mocks) return [];
  const out: MockableFailure[] = [];
  for (const e of turn.trace) {
    if (e.kind !== 'api' || e.outcome === 'success' || !e.failure || !(e.failure in WHY)) continue;
    if (!Object.hasOwn(mocks, e.operation) || out.some((f) => f.operation === e.operation)) continue;
    out.push({ operation: e.operation, why: WHY[e.failure as keyof typeof WHY] });
  }
  return out;
}

/** The notice's sentence for the failures (at least one). */
export function mockableNotice(failures: readonly MockableFailure[]): string {
  const calls = failures.map((f) => `${f.operation} (${f.why})`);
  const list = calls.length === 1 ? calls[0] : `${calls.slice(0, -1).join(', ')} and ${calls.at(-1)}`;
  return `No answer from ${list}. parley.yaml has mocks for ${failures.length === 1 ? 'it' : 'them'}: replay the conversation answered from the mocks (nothing is sent).`;
}
