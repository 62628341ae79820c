// Ports made from a story's fixtures: API responses by operation, model replies, whether an agent is free, and
// a fixed clock. The story runner plays stories with them, and a runtime started with `--fixtures` gives them
// to a conversation that brings its own, so a story runs the same in the studio and against a bundle.
//
// A runtime keeps what such a conversation's ports carry from one turn to the next (the fixtures, the clock, how
// far each list of API responses has got) with the session, as plain JSON (`FixtureState`): any replica sharing
// the session store serves the next turn exactly as one process would (`fixtureTurn`).
import type { EnginePorts } from '../engine/engine';
import { LlmError, type HttpPort, type HttpRequest, type HttpResult, type LlmPort, type LlmResponse, type RetrievalPort } from '../engine/ports';
import type { ApiMockResponse, ApiMocks } from '../schema/nodes';
import { ruleGuardrail } from '../engine/simple/guardrail';
import { splitDataBlock } from '../llm/promptData';
import type { ApiFixture, Story } from '../stories/schema';
import { compilePattern } from '../util/regex';

export type Fixtures = NonNullable<Story['fixtures']>;

/** The clock of a story without `setup.now`. */
export const DEFAULT_FIXTURE_NOW = Date.parse('2026-01-15T12:00:00Z');

export interface FixturePortsOptions {
  /** The fixed clock: ISO 8601 or epoch ms (default DEFAULT_FIXTURE_NOW). */
  now?: string | number;
  retrieval?: RetrievalPort;
  /** Answers the LLM requests no fixture answers (a cassette, a live model); without it they fail as not configured. */
  llm?: LlmPort;
  /**
   * Hears of each model request nothing could answer (no fixture, no recording, no model configured): the
   * story cannot run as written, an error of the story, not a path through the flow's error exit.
   */
  onUnanswered?: (message: string) => void;
  /** API responses already given, by operation (where lists of responses go on from; default none). */
  apiCalls?: Readonly<Record<string, number>>;
  /** The project's design-time mocks, for fixtures that name one (`mock: success`); stories resolve them on load. */
  mocks?: ApiMocks;
}

/** Ports from fixtures, and how far their lists of API responses have got. */
export interface FixturePorts extends EnginePorts {
  /** API responses given so far, by operation (the start's `apiCalls` included): plain JSON. */
  apiCalls(): Record<string, number>;
}

/** An answer as the HTTP port gives it, at once (a retry's wait is not waited for). */
function answer(req: HttpRequest, r: ApiMockResponse, what: string): HttpResult {
  if (r.fail)
    return {
      ok: false,
      reason: r.fail,
      message: r.fail === 'timeout' ? `no response within ${req.timeoutMs} ms (${what})` : `connection failed (${what})`,
      ms: 0,
    };
  return { ok: true, status: r.status ?? 200, body: r.body ?? null, ms: 0 };
}

/** The design-time mock `name` of an operation (parley.yaml `mocks`), own entries only. */
export function mockOf(mocks: ApiMocks | undefined, operation: string, name: string): ApiMockResponse | undefined {
  const forOp = mocks && Object.hasOwn(mocks, operation) ? mocks[operation] : undefined;
  return forOp && Object.hasOwn(forOp, name) ? forOp[name] : undefined;
}

/**
 * The simulator's "answer APIs from mocks": every `api` call gets its operation's first mock in parley.yaml, and
 * nothing is sent. An operation without mocks fails as a network error whose message says where to add one.
 */
export function mockHttpPort(mocks: ApiMocks | undefined): HttpPort {
  return {
    request(req): HttpResult {
      const forOp = mocks && Object.hasOwn(mocks, req.operation) ? mocks[req.operation] : undefined;
      const first = forOp ? Object.entries(forOp)[0] : undefined;
      if (!first)
        return {
          ok: false,
          reason: 'network',
          message: `no mock for the API operation "${req.operation}": add one under mocks.${req.operation} in parley.yaml`,
          ms: 0,
        };
      return answer(req, first[1], `mock ${req.operation}.${first[0]}`);
    },
  };
}

/** Ports from fixtures. API responses given as a list are used in order per port (the last one repeats). */
export function fixturePorts(fixtures: Fixtures | undefined, o: FixturePortsOptions = {}): FixturePorts {
  const apiCalls = new Map<string, number>(Object.entries(o.apiCalls ?? {}).filter(([k]) => Object.hasOwn(fixtures?.api ?? {}, k)));
  const api = fixtures?.api ?? {};
  const llmFixtures = (fixtures?.llm ?? []).map((f) => ({ ...f, re: f.prompt ? compilePattern(f.prompt, { ignoreCase: true }) : undefined }));
  const now = typeof o.now === 'number' ? o.now : o.now ? Date.parse(o.now) : DEFAULT_FIXTURE_NOW;
  const { onUnanswered } = o;
  return {
    apiCalls: () => Object.fromEntries(apiCalls),
    clock: { now: () => now },
    guardrail: ruleGuardrail,
    handoff: { available: () => fixtures?.agents ?? true },
    ...(o.retrieval ? { retrieval: o.retrieval } : {}),
    http: {
      request(req): HttpResult {
        // own entries only: an operation named `constructor` has no fixture
        const f = Object.hasOwn(api, req.operation) ? api[req.operation] : undefined;
        if (!f) return { ok: false, reason: 'network', message: `no fixture for the API operation "${req.operation}" in this story`, ms: 0 };
        const n = apiCalls.get(req.operation) ?? 0;
        apiCalls.set(req.operation, n + 1);
        const r: ApiFixture = Array.isArray(f) ? (f[Math.min(n, f.length - 1)] as ApiFixture) : f;
        if (r.mock !== undefined) {
          const m = mockOf(o.mocks, req.operation, r.mock);
          return m
            ? answer(req, m, `mock ${req.operation}.${r.mock}`)
            : { ok: false, reason: 'network', message: `the fixture names the mock ${req.operation}.${r.mock}, which parley.yaml's mocks do not have`, ms: 0 };
        }
        return answer(req, r, 'fixture');
      },
    },
    llm: {
      complete(req, opts): Promise<LlmResponse> {
        // a fixture's `prompt` matches the prompt, not the conversation data block above it
        const last = splitDataBlock(req.messages[req.messages.length - 1]?.content ?? '').text;
        const f = llmFixtures.find((x) => (!x.node || x.node === `${req.flow}/${req.node}`) && (!x.re || x.re.test(last)));
        if (f) {
          if (f.fail) return Promise.reject(new LlmError(`the model failed (${f.fail}, fixture)`, f.fail === 'server' ? 'server' : f.fail));
          const text = f.reply ?? '';
          opts?.onToken?.(text);
          return Promise.resolve({ text, model: 'fixture', stopReason: 'end_turn', usage: { inputTokens: 0, outputTokens: 0 }, ttftMs: 0, totalMs: 0 });
        }
        const unanswered = (e: unknown) => {
          if (e instanceof LlmError && e.kind === 'not_configured') onUnanswered?.(e.message);
          throw e;
        };
        if (o.llm) return o.llm.complete(req, opts).catch(unanswered);
        return Promise.reject(
          new LlmError(`no LLM fixture or recording answers ${req.flow}/${req.node}; add one under fixtures.llm, or record with --record`, 'not_configured'),
        ).catch(unanswered);
      },
    },
  };
}

/** What a conversation started with fixtures keeps between turns: pure JSON, stored with its session. */
export interface FixtureState {
  fixtures: Fixtures;
  /** The fixed clock, epoch ms. */
  now: number;
  /** API responses given so far, by operation: a list of responses goes on from there. */
  apiCalls: Record<string, number>;
  /** The first model request of the last turn that nothing answered (the story cannot run as written). */
  unanswered?: string;
}

/** The state of a conversation that starts with `fixtures` and the clock `now` (ISO 8601 or epoch ms; default DEFAULT_FIXTURE_NOW). */
export function fixtureState(fixtures: Fixtures | undefined, now?: string | number): FixtureState {
  const at = typeof now === 'number' ? now : now ? Date.parse(now) : DEFAULT_FIXTURE_NOW;
  if (!Number.isFinite(at)) throw new RangeError(`now: not a time: ${String(now)}`);
  return { fixtures: fixtures ?? {}, now: at, apiCalls: {} };
}

/**
 * One turn of a conversation with fixtures: its ports, made from the state the last turn left, and `after()`, the
 * state to store once the turn has run (the API lists moved on, this turn's first unanswered model request).
 */
export function fixtureTurn(state: FixtureState, o: Pick<FixturePortsOptions, 'retrieval' | 'llm'> = {}): { ports: EnginePorts; after(): FixtureState } {
  let unanswered: string | undefined;
  const ports = fixturePorts(state.fixtures, {
    ...o,
    now: state.now,
    apiCalls: state.apiCalls,
    onUnanswered: (message) => {
      unanswered ??= message;
    },
  });
  return {
    ports,
    after: () => ({ fixtures: state.fixtures, now: state.now, apiCalls: ports.apiCalls(), ...(unanswered ? { unanswered } : {}) }),
  };
}
