import { ApiError } from './errors';
import { fieldPath } from '../project/problems';
import { isMethodName, methods, type CallResult, type Handlers } from './contract';

export interface DispatchOptions {
  /**
   * Also validate outputs against the contract: the hosts turn it on in development and tests (the Electron
   * host when not packaged; the web host when asked). Off in a packaged build: outputs come from our own code,
   * and validating every turn's trace and a whole project snapshot costs time.
   */
  checkOutput?: boolean;
  /** Called with unexpected errors, which are reported to the caller only as INTERNAL. */
  onInternalError?: (method: string, error: unknown) => void;
}

/**
 * Validates a call against the contract, runs its handler and returns a `CallResult`. Never throws: a bad
 * method or input is a typed error for the caller, and an unexpected exception becomes INTERNAL without its
 * stack (stacks can carry paths and secrets).
 */
export function createDispatcher(handlers: Handlers, options: DispatchOptions = {}) {
  return async function dispatch(method: unknown, input: unknown): Promise<CallResult> {
    if (!isMethodName(method)) {
      return fail(new ApiError('UNKNOWN_METHOD', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`));
    }
    const spec = methods[method];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 20).map((i) => ({ field: fieldPath(i.path), message: i.message }));
      const first = issues[0];
      return fail(new ApiError('BAD_REQUEST', `${method}: ${first ? `${first.field || 'input'}: ${first.message}` : 'invalid input'}`, { issues }));
    }
    try {
      const handler = handlers[method] as (i: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      if (options.checkOutput) {
        const out = spec.output.safeParse(value);
        if (!out.success) {
          // Our own bug, not the caller's: INTERNAL, naming the field (never its value) so it is quick to find.
          const issue = out.error.issues[0];
          const where = issue ? `${fieldPath(issue.path) || 'output'}: ${issue.message}` : 'invalid output';
          const err = new Error(`${method} returned a value that breaks the contract at ${where}`);
          options.onInternalError?.(method, err);
          return fail(new ApiError('INTERNAL', err.message));
        }
      }
      return { ok: true, value };
    } catch (e) {
      if (e instanceof ApiError) return fail(e);
      options.onInternalError?.(method, e);
      return fail(new ApiError('INTERNAL', `${method} failed unexpectedly`));
    }
  };
}

const fail = (e: ApiError): CallResult => ({ ok: false, error: e.toJSON() });

/** Turns a `CallResult` back into a value or a thrown `ApiError` (used by both bridges). */
export function unwrap<T>(result: unknown): T {
  if (result && typeof result === 'object' && 'ok' in result) {
    const r = result as CallResult<T>;
    if (r.ok) return r.value;
    throw ApiError.from(r.error);
  }
  throw new ApiError('INTERNAL', 'malformed reply from host');
}
