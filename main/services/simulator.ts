// Simulator sessions: the studio's side-panel conversations, run in main through the runtime core (the turn
// runner of shared/runtime: input stage, engine, redaction of what is stored) with the project's real ports
// from main/runtime/projectPorts.ts (the LLM with the key that never leaves main, the knowledge files, HTTP). Each turn
// is kept with the state before it, so a session can rewind to any turn and branch from there. The engine is
// rebuilt from the open project when it changes, so the conversation follows edits without a restart.
import { flowsOf } from '../../shared/project/flowsOf';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../shared/api/errors';
import type { LlmStatus, SimInput, TurnView } from '../../shared/api/contract';
import type { EnginePorts } from '../../shared/engine/engine';
import { LlmError, type HttpPort, type HttpResult, type LlmPort, type LlmRequest, type LlmResponse } from '../../shared/engine/ports';
import type { SessionState, TurnResult } from '../../shared/engine/types';
import { mockHttpPort } from '../../shared/runtime/fixtures';
import { mockCouldAnswer } from '../../shared/runtime/mockable';
import type { PiiKind } from '../../shared/runtime/pii';
import { createTestValues, type RedactPattern } from '../../shared/stories/testValues';
import { compileGuardrails } from '../../shared/guardrails/rules';
import { createTurnRunner, type TurnRunner } from '../../shared/runtime/turnRunner';
import type { ConversationTurn } from '../../shared/stories/fromConversation';
import type { ProjectSnapshot } from '../../shared/api/contract';
import { createKeyStore, isLoopbackUrl } from '../llm/keys';
import type { OutboundSeam } from '../llm/projectLlm';
import { createProjectPorts, type ProjectAccess } from '../runtime/projectPorts';
import type { EventBus } from './events';
import type { FileLimits } from '../../shared/project/files';
import { MANIFEST_FILE } from '../../shared/project/validate';
import { createProjectEngine } from './projectEngine';

export type { ProjectAccess };

interface TurnRecord {
  input: SimInput;
  before: SessionState;
  result: TurnResult;
  /** The typed text as stored, when the input stage redacted something from it. */
  stored?: string;
  /** With `stored`: the kinds of personal data in the typed text. */
  personalData?: PiiKind[];
  /** With `stored`: the project's pattern rules that matched it, and whether a saved story keeps the match as typed. */
  projectData?: { rule: string; typed: boolean }[];
}

interface Session {
  id: string;
  wizard: boolean;
  locale?: string;
  vars?: Record<string, unknown>;
  /** The backend environment its `api` nodes call (URL and allowed hosts); default parley.yaml's. */
  environment?: string;
  /** Answer `api` calls from parley.yaml's mocks: nothing is sent. */
  mocks: boolean;
  turns: TurnRecord[];
  inflight?: AbortController;
  wizardWaits: Map<string, { resolve: (text: string) => void; reject: (e: Error) => void }>;
}

export interface SimulatorOptions {
  bus: EventBus;
  project: () => ProjectSnapshot | null;
  /** Asked before every turn, so trusting (or a change to parley.yaml) applies to the next turn. */
  access: (snap: ProjectSnapshot) => Promise<ProjectAccess>;
  /** Replaces the Anthropic client (tests). Trust still applies: an untrusted project gets no model. */
  llmFactory?: (snap: ProjectSnapshot) => LlmPort | undefined;
  /** Replaces HTTP for `api` nodes (tests). Trust still applies: an untrusted project makes no call. */
  http?: HttpPort;
  /** Size limits for the knowledge files (the user settings). */
  limits?: FileLimits;
  /** Tests: DNS for the outbound policy, and the 127.0.0.1 addresses of test servers. */
  outbound?: OutboundSeam;
}

export interface Simulator {
  start(o: {
    project: string;
    locale?: string;
    vars?: Record<string, unknown>;
    wizard?: boolean;
    variants?: Record<string, string>;
    /** One of parley.yaml's environments: its URLs (`urls`) and hosts; default parley.yaml's `environment`, else the first. */
    environment?: string;
    /** Answer every `api` call from its operation's first mock in parley.yaml (no backend, no trust needed). */
    mocks?: boolean;
  }): Promise<{ sessionId: string; turn: TurnView }>;
  send(o: { sessionId: string; input: SimInput }): Promise<TurnView>;
  rewind(o: { sessionId: string; keep: number }): Promise<{ turns: number }>;
  close(o: { sessionId: string }): void;
  wizardReply(o: { sessionId: string; requestId: string; text: string }): void;
  llmStatus(): Promise<LlmStatus>;
  /** The conversation so far (for "save as story"). */
  conversation(sessionId: string): { locale?: string; vars?: Record<string, unknown>; turns: ConversationTurn[]; patterns: readonly RedactPattern[] };
  dispose(): void;
}

/** The project's redact rules with a pattern (guardrails.yaml, else the defaults'): a saved story replaces their matches too. */
const redactPatterns = (snap: ProjectSnapshot | null): readonly RedactPattern[] => compileGuardrails(snap?.guardrails).redactPatterns;

const viewOf = (index: number, r: TurnRecord): TurnView => ({
  index,
  input: r.input,
  outputs: r.result.outputs,
  trace: r.result.trace,
  path: r.result.path,
  state: {
    locale: r.result.state.locale,
    wait: r.result.state.wait,
    stack: r.result.state.stack,
    vars: r.result.state.vars,
    fallbacks: r.result.state.fallbacks,
    ...(r.result.state.ended ? { ended: r.result.state.ended } : {}),
  },
  ...(r.stored !== undefined ? { stored: r.stored } : {}),
  ...(r.personalData?.length ? { personalData: r.personalData } : {}),
  ...(r.projectData?.length ? { projectData: r.projectData } : {}),
});

/**
 * A call that could not be made or answered (not trusted, a host not allowed or not found, a timeout) for an
 * operation parley.yaml has mocks for: its message says how to simulate it without the backend.
 */
function withMocksHint(http: HttpPort, mocks: ProjectSnapshot['manifest']['mocks']): HttpPort {
  return {
    request(req) {
      const hint = (r: HttpResult): HttpResult =>
        !r.ok && mockCouldAnswer(mocks, req.operation, r.reason)
          ? { ...r, message: `${r.message.replace(/\.$/, '')}. parley.yaml has mocks for ${req.operation}: tick Mocks to answer from them (nothing is sent)` }
          : r;
      const r = http.request(req);
      return r instanceof Promise ? r.then(hint) : hint(r);
    },
  };
}

export function createSimulator(opts: SimulatorOptions): Simulator {
  const sessions = new Map<string, Session>();
  // the one wiring of ports for a project in main (main/runtime/projectPorts.ts), with this simulator's test seams
  const projectPorts = createProjectPorts<ProjectSnapshot>({
    ...(opts.llmFactory ? { llmFactory: opts.llmFactory } : {}),
    ...(opts.http ? { http: opts.http } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.outbound ? { outbound: opts.outbound } : {}),
  });
  /** The runtime core's turn runner for the project as it is now (the input stage, the engine, the ports), per environment. */
  const compiled = new Map<string, { key: string; runner: TurnRunner }>();

  const snapshot = (): ProjectSnapshot => {
    const snap = opts.project();
    if (!snap) throw new ApiError('NOT_FOUND', 'no project is open');
    if (snap.broken.some((b) => b.file === MANIFEST_FILE)) {
      throw new ApiError('INVALID_PROJECT', `${MANIFEST_FILE} does not load; fix it in the source view before simulating`);
    }
    return snap;
  };

  /** The engine for the project as it is now: rebuilt when a file changed, so edits apply to the next turn. */
  const runnerFor = (snap: ProjectSnapshot, environment: string | undefined): TurnRunner => {
    const key = [
      snap.dir,
      snap.manifestRevision,
      ...Object.entries(snap.flows).map(([id, f]) => `${id}:${f.revision}`),
      JSON.stringify(snap.nlu),
      JSON.stringify(snap.guardrails ?? null),
    ].join('|');
    const env = environment ?? '';
    // another project or an edit: the engines of every environment are stale
    if ([...compiled.values()].some((x) => x.key !== key)) compiled.clear();
    let c = compiled.get(env);
    if (!c) {
      const flows = flowsOf(snap.flows);
      // the chosen environment is the engine's (the URL of an api node's `urls`) as the policy's (its hosts)
      const manifest = environment ? { ...snap.manifest, environment } : snap.manifest;
      const guardrails = snap.guardrails ? { guardrails: snap.guardrails } : {};
      c = { key, runner: createTurnRunner({ engine: createProjectEngine({ manifest, nlu: snap.nlu, flows, ...guardrails }) }) };
      compiled.set(env, c);
    }
    return c.runner;
  };

  /** The session's environment, checked against parley.yaml as it is now. */
  const environmentOf = (s: Pick<Session, 'environment'>, snap: ProjectSnapshot): string | undefined => {
    const env = s.environment;
    const ids = Object.keys(snap.manifest.environments ?? {});
    if (env !== undefined && !ids.includes(env))
      throw new ApiError('BAD_REQUEST', `parley.yaml has no environment "${env}" (it has ${ids.join(', ') || 'none'}); pick another in the simulator`);
    return env;
  };

  /** Wizard of Oz: the designer types what the model would say. */
  const wizardLlm = (s: Session): LlmPort => ({
    complete(request: LlmRequest, o): Promise<LlmResponse> {
      const requestId = randomUUID();
      const t0 = Date.now();
      opts.bus.emit('simulator.wizard', {
        sessionId: s.id,
        requestId,
        flow: request.flow,
        node: request.node,
        ...(request.system !== undefined ? { system: request.system } : {}),
        messages: request.messages,
      });
      return new Promise<LlmResponse>((resolve, reject) => {
        const onAbort = () => {
          s.wizardWaits.delete(requestId);
          reject(new LlmError('cancelled', 'cancelled'));
        };
        o?.signal?.addEventListener('abort', onAbort, { once: true });
        s.wizardWaits.set(requestId, {
          resolve: (text) => {
            o?.signal?.removeEventListener('abort', onAbort);
            o?.onToken?.(text);
            resolve({
              text,
              model: 'wizard-of-oz',
              stopReason: 'end_turn',
              usage: { inputTokens: 0, outputTokens: 0 },
              ttftMs: Date.now() - t0,
              totalMs: Date.now() - t0,
            });
          },
          reject,
        });
      });
    },
  });

  /** Asked before every turn: trust (and parley.yaml) as they are now. */
  const portsFor = async (s: Session, snap: ProjectSnapshot): Promise<EnginePorts> => {
    const access = await opts.access(snap);
    const environment = environmentOf(s, snap);
    // the chosen environment's hosts (the policy is plain data and closures: a copy with another environment)
    const chosen = environment ? { ...access, policy: { ...access.policy, environment } } : access;
    const ports = await projectPorts.portsFor(snap, chosen, s.wizard ? { llm: wizardLlm(s) } : {});
    // mocks send nothing, so they need no trust
    if (s.mocks) return { ...ports, http: mockHttpPort(snap.manifest.mocks) };
    return ports.http ? { ...ports, http: withMocksHint(ports.http, snap.manifest.mocks) } : ports;
  };

  const session = (id: string): Session => {
    const s = sessions.get(id);
    if (!s) throw new ApiError('NOT_FOUND', `no simulator session ${id} (it was closed or the studio restarted); start a new conversation`);
    return s;
  };

  const cancelInflight = (s: Session) => {
    s.inflight?.abort();
    delete s.inflight;
    for (const w of s.wizardWaits.values()) w.reject(new LlmError('cancelled', 'cancelled'));
    s.wizardWaits.clear();
  };

  /** `before` is read after the ports are ready, with the turn in flight cancelled: a turn that ended meanwhile is followed, never forked. */
  const play = async (s: Session, input: SimInput, before: () => SessionState): Promise<TurnView> => {
    const snap = snapshot();
    const runner = runnerFor(snap, environmentOf(s, snap));
    const ports = await portsFor(s, snap);
    cancelInflight(s);
    const state = before();
    const ctrl = new AbortController();
    s.inflight = ctrl;
    const index = s.turns.length;
    let result: TurnResult;
    try {
      // stored redacted (the transcript, `last`, the trace); the outputs are shown as said
      result = await runner.run(state, input, ports, {
        signal: ctrl.signal,
        onToken: (at, delta) => {
          if (!ctrl.signal.aborted) opts.bus.emit('simulator.token', { sessionId: s.id, turn: index, flow: at.flow, node: at.node, delta });
        },
      });
    } catch (e) {
      if (ctrl.signal.aborted) throw new ApiError('CONFLICT', 'the turn was cancelled (rewound, restarted or closed)');
      throw e;
    } finally {
      if (s.inflight === ctrl) delete s.inflight;
    }
    if (ctrl.signal.aborted) throw new ApiError('CONFLICT', 'the turn was cancelled (rewound, restarted or closed)');
    // what the panel shows under the customer's bubble: the text as the transcript keeps it, when that differs
    const stored = input.type === 'text' ? runner.redact(input.text, result.state.locale) : undefined;
    const record: TurnRecord = { input, before: state, result };
    if (stored !== undefined && input.type === 'text' && stored !== input.text) {
      record.stored = stored;
      // what "save as story" will replace with test values (read as storyFromConversation reads it: the turn's locale)
      const values = createTestValues(redactPatterns(snap));
      values.text(input.text, { locale: result.state.locale });
      record.personalData = [...values.kinds];
      record.projectData = [...values.rules.map((rule) => ({ rule, typed: false })), ...values.kept.map((rule) => ({ rule, typed: true }))];
    }
    s.turns.push(record);
    return viewOf(index, record);
  };

  return {
    async start({ locale, vars, wizard, variants, environment, mocks }) {
      const snap = snapshot();
      const runner = runnerFor(snap, environmentOf({ ...(environment ? { environment } : {}) }, snap));
      const s: Session = {
        id: randomUUID(),
        wizard: Boolean(wizard),
        mocks: Boolean(mocks),
        ...(environment ? { environment } : {}),
        turns: [],
        wizardWaits: new Map(),
        ...(locale ? { locale } : {}),
        ...(vars ? { vars } : {}),
      };
      sessions.set(s.id, s);
      let state0: SessionState;
      try {
        // the session id seeds the A/B variants the designer did not pick, as a conversation id does in a bundle
        state0 = runner.initial({ seed: s.id, ...(locale ? { locale } : {}), ...(vars ? { vars } : {}), ...(variants ? { variants } : {}) });
      } catch (e) {
        sessions.delete(s.id);
        if (e instanceof RangeError) throw new ApiError('BAD_REQUEST', e.message);
        throw e;
      }
      const turn = await play(s, { type: 'start' }, () => state0);
      return { sessionId: s.id, turn };
    },
    async send({ sessionId, input }) {
      const s = session(sessionId);
      const latest = () => {
        const last = s.turns[s.turns.length - 1];
        if (!last) throw new ApiError('CONFLICT', 'the conversation has no turns; start it again');
        return last.result.state;
      };
      latest(); // no turns: say so before doing anything
      return play(s, input, latest);
    },
    async rewind({ sessionId, keep }) {
      const s = session(sessionId);
      cancelInflight(s);
      if (keep < 1 || keep > s.turns.length) throw new ApiError('BAD_REQUEST', `keep must be between 1 and ${s.turns.length}`);
      s.turns = s.turns.slice(0, keep);
      return { turns: s.turns.length };
    },
    close({ sessionId }) {
      const s = sessions.get(sessionId);
      if (!s) return;
      cancelInflight(s);
      sessions.delete(sessionId);
    },
    wizardReply({ sessionId, requestId, text }) {
      const s = session(sessionId);
      const w = s.wizardWaits.get(requestId);
      if (!w) throw new ApiError('NOT_FOUND', 'that model request is no longer waiting (the turn was cancelled)');
      s.wizardWaits.delete(requestId);
      w.resolve(text);
    },
    conversation(sessionId) {
      const s = session(sessionId);
      return {
        ...(s.locale ? { locale: s.locale } : {}),
        ...(s.vars ? { vars: s.vars } : {}),
        turns: s.turns.map((t) => ({ input: t.input, outputs: t.result.outputs, trace: t.result.trace, state: t.result.state })),
        patterns: redactPatterns(opts.project()),
      };
    },
    async llmStatus() {
      const snap = opts.project();
      const settings = snap?.manifest.llm;
      const access = snap ? await opts.access(snap) : undefined;
      const trusted = access?.policy.trusted ?? false;
      // An untrusted project reads no key it chose: the status shows only what the provider's key would be.
      const key = await (access?.keys ?? createKeyStore()).keyStatus();
      const local = isLoopbackUrl(settings?.baseUrl);
      const model = settings?.model;
      const where = access?.policy.llm?.origin ?? 'https://api.anthropic.com';
      let message: string;
      if (!settings)
        message =
          'No model is configured. Add an llm section with a model to parley.yaml (for example llm: { model: claude-sonnet-5-5 }), or use Wizard-of-Oz mode and type the replies yourself.';
      else if (!trusted) message = `The model is not called: ${access?.policy.untrustedReason ?? 'no project is open'}. Wizard-of-Oz mode works meanwhile.`;
      else if (!key.set && !local)
        message = `No API key for ${settings.model} at ${where}. Paste one below (kept for ${where} only, ${key.keychainAvailable ? 'in the OS keychain' : `in ${key.configFile}, mode 0600`})${key.envVar ? `, or set the environment variable ${key.envVar} before starting Parley` : ''}. Or use Wizard-of-Oz mode.`;
      else message = `Using ${model} at ${settings.baseUrl ?? 'api.anthropic.com'}${key.set ? ` (key from ${key.source})` : ' (local server, no key)'}.`;
      return {
        configured: Boolean(settings && trusted && (key.set || local)),
        ...(model ? { model } : {}),
        ...(settings?.baseUrl ? { baseUrl: settings.baseUrl } : {}),
        keySource: key.source,
        keyProblems: key.problems,
        message,
        saveTarget: key.keychainAvailable ? ('keychain' as const) : ('config' as const),
        trusted,
      };
    },
    dispose() {
      for (const s of sessions.values()) cancelInflight(s);
      sessions.clear();
      void projectPorts.close();
    },
  };
}
