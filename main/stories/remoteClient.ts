// The story runner's client of a running bundle (`parley test --target`): its health, whether it takes fixtures,
// and a story's conversation played turn by turn through the native API. Replies are untrusted input: validated
// with zod before the checks read them. The bearer token is sent, never shown.
import { z } from 'zod';
import type { Output, TraceEntry, UserInput } from '../../shared/engine/types';
import type { CheckedTurn, StoryDriver } from '../../shared/stories/run';
import type { Story } from '../../shared/stories/schema';

/** The target does not answer as a Parley runtime, or refuses us: `parley test` exits 2. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

export interface TargetOptions {
  /** The runtime's base URL (http or https). */
  url: string;
  /** Its bearer token (PARLEY_RUNTIME_TOKEN); none for a runtime started with --insecure-no-token. */
  token?: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

export interface TargetInfo {
  url: string;
  bundle: { name: string; version: string };
  /** Started with --fixtures: conversations may bring a story's fixtures, and their replies carry the test view. */
  fixtures: boolean;
  /** Conversations started with fixtures may force their A/B variants (`variants: { flow/node: id }`). */
  variants: boolean;
}

const Health = z.object({ ok: z.literal(true), bundle: z.object({ name: z.string(), version: z.string() }) });
const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const At = z.object({ flow: z.string(), node: z.string() });
const TestTurn = z.object({
  path: z.array(At),
  outputs: z.array(z.looseObject({ type: z.string() })),
  trace: z.array(z.looseObject({ kind: z.string() })),
  state: z.object({
    locale: z.string(),
    vars: z.record(z.string(), z.unknown()),
    wait: z.looseObject({ kind: z.string() }).nullable(),
    ended: z.looseObject({ outcome: z.enum(['resolved', 'unresolved', 'abandoned', 'escalated']) }).optional(),
    transcript: z.array(z.object({ role: z.enum(['user', 'bot']), text: z.string() })),
  }),
  unanswered: z.string().optional(),
});
const Reply = z.object({ conversationId: z.string(), test: TestTurn.optional() });

/** Checks the URL: http or https only. */
export function targetUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new TargetError(`--target: not a URL: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TargetError(`--target must be an http or https URL (not ${u.protocol})`);
  if (u.username || u.password) throw new TargetError('--target: give the token in PARLEY_RUNTIME_TOKEN, not in the URL');
  return u.href.replace(/\/+$/, '');
}

const describeError = (e: unknown): string => {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  return err.cause?.code ?? err.cause?.message ?? err.message;
};

export function createTargetClient(o: TargetOptions) {
  const base = targetUrl(o.url);
  const timeoutMs = o.timeoutMs ?? 30_000;
  // Parley-Test-View: replies to conversations started with fixtures carry what stories check (path, trace, state)
  const headers = { 'content-type': 'application/json', 'parley-test-view': '1', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };

  /** A request; 429 (rate limited, never applied) waits and retries. */
  const request = async (method: 'GET' | 'POST', p: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${base}${p}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new TargetError(`the runtime at ${base} does not answer (${method} ${p}: ${describeError(e)})`);
      }
      const json: unknown = await res.json().catch(() => undefined);
      if (res.status === 429 && attempt < 5) {
        const wait = Math.min(60, Number(res.headers.get('retry-after')) || 1);
        await new Promise((r) => setTimeout(r, wait * 1000));
        continue;
      }
      if (res.status === 401) throw new TargetError(`the runtime at ${base} refused the bearer token: set PARLEY_RUNTIME_TOKEN to its token`);
      return { status: res.status, json };
    }
  };
  const failure = (what: string, r: { status: number; json: unknown }) => {
    const e = ErrorBody.safeParse(r.json);
    return new Error(`${what}: the runtime answered ${r.status}${e.success ? `: ${e.data.error.message}` : ''}`);
  };

  return {
    url: base,
    /** The runtime's bundle (`/health`) and whether it takes fixtures (a probe conversation with empty fixtures). */
    async info(): Promise<TargetInfo> {
      const h = await request('GET', '/health');
      const health = Health.safeParse(h.json);
      if (h.status !== 200 || !health.success) throw new TargetError(`${base}/health did not answer as a Parley runtime (status ${h.status})`);
      const probe = await request('POST', '/v1/conversations', { fixtures: {} });
      const err = ErrorBody.safeParse(probe.json);
      let fixtures: boolean;
      if (probe.status === 201) {
        const r = Reply.safeParse(probe.json);
        if (!r.success || !r.data.test)
          throw new TargetError(`${base} takes fixtures but its replies carry no test view: export the bundle again with this version of Parley`);
        fixtures = true;
      } else if (probe.status === 400 && err.success && err.data.error.message.includes('fixtures')) fixtures = false;
      else throw failure(`${base}: starting a conversation`, probe);
      // forced variants: an older runtime refuses the field (400 naming it)
      let variants = false;
      if (fixtures) {
        const v = await request('POST', '/v1/conversations', { fixtures: {}, variants: {} });
        const verr = ErrorBody.safeParse(v.json);
        if (v.status === 201) variants = true;
        else if (!(v.status === 400 && verr.success && verr.data.error.message.includes('variants'))) throw failure(`${base}: starting a conversation`, v);
      }
      return { url: base, bundle: health.data.bundle, fixtures, variants };
    },
    /**
     * A story's conversation on the runtime, with the story's fixtures, locale, variables and clock, and `variants`
     * (`flow/node` → id) forced when it starts (shared/stories/pins.ts; only for a target that takes them).
     */
    driver(story: Story, variants?: Readonly<Record<string, string>>): StoryDriver {
      let id: string | undefined;
      let unanswered: string | undefined;
      const turn = async (p: string, body: unknown, what: string): Promise<CheckedTurn> => {
        const r = await request('POST', p, body);
        if (r.status !== 200 && r.status !== 201) throw failure(what, r);
        const reply = Reply.safeParse(r.json);
        if (!reply.success) throw new Error(`${what}: the runtime's reply is not as documented (${reply.error.issues[0]?.path.join('.')})`);
        const t = reply.data.test;
        if (!t) throw new Error(`${what}: the reply carries no test view (was the conversation started with fixtures?)`);
        id = reply.data.conversationId;
        unanswered ??= t.unanswered;
        return { path: t.path, outputs: t.outputs as unknown as Output[], trace: t.trace as unknown as TraceEntry[], state: t.state as CheckedTurn['state'] };
      };
      return {
        play(input: UserInput) {
          if (input.type === 'start')
            return turn(
              '/v1/conversations',
              {
                fixtures: story.fixtures ?? {},
                ...(story.setup?.now ? { now: story.setup.now } : {}),
                ...(story.setup?.locale ? { locale: story.setup.locale } : {}),
                ...(story.setup?.vars ? { vars: story.setup.vars } : {}),
                ...(variants && Object.keys(variants).length ? { variants } : {}),
              },
              'starting the conversation',
            );
          if (!id) throw new Error('the story sends a message before its conversation started');
          const body = input.type === 'text' ? { text: input.text } : input.type === 'button' ? { payload: input.payload } : { event: input.name };
          return turn(`/v1/conversations/${encodeURIComponent(id)}/messages`, body, 'sending the turn');
        },
        unanswered: () => unanswered,
      };
    },
  };
}
