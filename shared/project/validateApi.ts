// Checks of an api node the schema cannot make: response paths that can be read (JSONPath with script off,
// responsePath.ts), and a call whose retries could outlast the runtime's turn lease (the time one turn may hold
// its conversation; a turn past it loses its write, so the customer would see an error after all that waiting).
import { retryPolicy } from '../engine/engine/nodes/apiPolicy';
import { responsePathProblem } from '../engine/responsePath';
import type { NodeOf } from '../schema/nodes';

/** The runtime's turn lease (main/runtime/config.ts `leaseMs`). */
export const RUNTIME_LEASE_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5000;

export interface ApiCheck {
  severity: 'error' | 'warning';
  path: PropertyKey[];
  message: string;
}

/** The longest an api node can take: every attempt timing out, and the longest wait before each retry. */
export function worstCaseMs(node: NodeOf<'api'>): number {
  const p = retryPolicy(node);
  let waits = 0;
  for (let retry = 1; retry < p.attempts; retry++) waits += Math.min(p.maxDelayMs, p.backoffMs * 2 ** (retry - 1));
  return p.attempts * (node.timeoutMs ?? DEFAULT_TIMEOUT_MS) + waits;
}

export function apiNodeChecks(node: NodeOf<'api'>, leaseMs = RUNTIME_LEASE_MS): ApiCheck[] {
  const out: ApiCheck[] = [];
  (node.assign ?? []).forEach((a, j) => {
    const problem = responsePathProblem(a.path);
    if (problem) out.push({ severity: 'error', path: ['assign', j, 'path'], message: problem });
  });
  const worst = worstCaseMs(node);
  if (worst > leaseMs) {
    const p = retryPolicy(node);
    out.push({
      severity: 'warning',
      path: [node.retry !== undefined ? 'retry' : 'timeoutMs'],
      message: `with ${p.attempts} attempt${p.attempts > 1 ? 's' : ''} of up to ${node.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms and the waits between them, this call can take ${(worst / 1000).toFixed(1)} s, longer than the runtime's ${leaseMs / 1000} s turn lease: lower timeoutMs or retry.attempts`,
    });
  }
  return out;
}
