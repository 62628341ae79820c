// Running a story: play its turns through the engine with ports made from its fixtures, check each turn's
// expectations, and report the first turn that diverged (expected vs actual, and the node where they parted).
// Pure: the LLM beyond fixtures (cassettes, a live model) and the knowledge base come in as ports.
import type { Engine, EnginePorts } from '../engine/engine';
import { ExpressionError, withFormat } from '../engine/expressions';
import type { LlmPort, LlmRequest, RetrievalPort } from '../engine/ports';
import { renderTemplate } from '../engine/templates';
import type { At, Output, SessionState, TraceEntry, TurnResult, UserInput } from '../engine/types';
import { getPath } from '../engine/vars';
import { fixturePorts } from '../runtime/fixtures';
import { createTurnRunner, isInputScreening, type TurnRunner } from '../runtime/turnRunner';
import { compilePattern } from '../util/regex';
import type { LoadedStory } from './load';
import { partingFinder } from './parting';
import { storyPins, storySeed } from './pins';
import type { Expect, Story, StoryTurn } from './schema';

export interface Failure {
  /** The expectation, e.g. `intent`, `says[1].contains`, `vars.slots.card_last4`. */
  check: string;
  expected: unknown;
  actual: unknown;
  /**
   * The node where expectation and conversation parted: for checks of where the turn went (intent, path,
   * visits, avoids, waits_at, copy), the node that took it elsewhere (`parting.ts`); otherwise the last node
   * the turn reached.
   */
  node?: string;
}

export interface TurnReport {
  /** 0 is the bot's greeting; user turns count from 1. */
  index: number;
  input: UserInput;
  /** What the bot said this turn (texts), and the nodes it went through. */
  says: string[];
  path: string[];
  waitsAt?: string;
  failures: Failure[];
  /** The line of the turn in the story file. */
  line?: number;
  /** With `keepTrace`. */
  trace?: TraceEntry[];
}

export interface StoryResult {
  file: string;
  name: string;
  tags: string[];
  passed: boolean;
  turns: TurnReport[];
  /** The first failing turn and its first failure. */
  firstFailure?: { turn: number; line?: number; failure: Failure };
  /** An error that stopped the story (not an expectation): reported, and the other stories still run. */
  error?: string;
  ms: number;
  /** `flow/node` visited and `flow/node:port` exits taken, for coverage. */
  visited: string[];
  exits: string[];
}

export interface RunOptions {
  engine: Engine;
  /** The runtime core's turn runner for `engine` (default: one made here); shared by the story runner's stories. */
  runner?: TurnRunner;
  retrieval?: RetrievalPort;
  /** LLM requests no fixture answers (a cassette, or a live model); without it they fail as not configured. */
  llm?: LlmPort;
  /** Scores `judge` expectations (default: `llm`). */
  judge?: LlmPort;
  /** Rewrites each user text (perturbations). */
  transform?: (text: string, turn: number) => string;
  /** Keep each turn's trace in the report (the studio's diff view); off for speed. */
  keepTrace?: boolean;
}

function inputOf(t: StoryTurn, index: number, transform?: RunOptions['transform']): UserInput {
  if (t.button !== undefined) return { type: 'button', payload: t.button };
  if (t.event !== undefined) return { type: 'event', name: t.event };
  const text = t.user ?? '';
  return { type: 'text', text: transform ? transform(text, index) : text };
}

/**
 * Ports from the story's fixtures (shared/runtime/fixtures.ts); LLM requests no fixture answers go to `o.llm`.
 * `onUnanswered` hears of each request that nothing could answer (no fixture, no recording, no model configured).
 */
export function storyPorts(story: Story, o: Pick<RunOptions, 'retrieval' | 'llm'>, onUnanswered?: (message: string) => void): EnginePorts {
  return fixturePorts(story.fixtures, {
    ...(story.setup?.now ? { now: story.setup.now } : {}),
    ...(o.retrieval ? { retrieval: o.retrieval } : {}),
    ...(o.llm ? { llm: o.llm } : {}),
    ...(onUnanswered ? { onUnanswered } : {}),
  });
}

const addr = (a: At) => `${a.flow}/${a.node}`;
const lower = (s: string) => s.toLowerCase();

function acceptedIntent(trace: readonly TraceEntry[]): { intent?: string; confidence?: number } {
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace[i] as TraceEntry;
    if (e.kind === 'global' && !e.handler.startsWith('trigger:')) continue;
    if (e.kind !== 'nlu') continue;
    if (e.decision === 'accept') return { intent: e.intent, confidence: e.ranking[0]?.confidence };
    if (e.decision === 'quick_reply' && e.intent?.startsWith('intent:')) return { intent: e.intent.slice(7), confidence: 1 };
  }
  return {};
}

function isSubsequence(expected: readonly string[], actual: readonly string[]): number {
  let j = 0;
  for (const a of actual) if (a === expected[j]) j++;
  return j; // how many matched in order
}

const eq = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What a turn's checks read: the turn runner's result, or the test view a runtime started with `--fixtures`
 * returns for a conversation that brought fixtures (main/stories/remote.ts). State and trace as stored (redacted).
 */
export interface CheckedTurn {
  outputs: TurnResult['outputs'];
  trace: TurnResult['trace'];
  path: TurnResult['path'];
  state: Pick<SessionState, 'locale' | 'vars' | 'wait' | 'ended' | 'transcript'>;
  /** The requests the model port was sent this turn (a local run; a runtime's test view has only its trace). */
  llmRequests?: LlmRequest[];
}

interface CheckContext {
  engine: Engine;
  result: CheckedTurn;
  /** The node that heard this turn's input (where the conversation waited before it). */
  heard?: string;
  memory: Record<string, unknown>;
  users: string[];
}

type Expanded = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Fills the {{ }} placeholders of an expectation (`memory`, `turns[i].user`, the variables). A string that is one
 * placeholder keeps the value's type (`"{{ memory.balance }}"` is the number remembered); a placeholder with no
 * value is an error, never compared as the literal text.
 */
function expand(ctx: CheckContext, s: string): Expanded {
  if (!s.includes('{{')) return { ok: true, value: s };
  const t = ctx.engine.template(s);
  const scope = withFormat({ ...ctx.result.state.vars, memory: ctx.memory, turns: ctx.users.map((user) => ({ user })) }, { locale: ctx.result.state.locale });
  const only = t.parts.length === 1 ? t.parts[0] : undefined;
  if (only !== undefined && typeof only !== 'string' && !(only.expr instanceof ExpressionError)) {
    try {
      const v = only.expr.evaluate(scope);
      if (v !== undefined && v !== null) return { ok: true, value: v };
    } catch {
      // reported by renderTemplate below
    }
  }
  const r = renderTemplate(t, scope);
  if (r.problems.length) return { ok: false, message: `cannot fill ${r.problems.map((p) => `{{${p.placeholder}}}: ${p.message}`).join('; ')}` };
  return { ok: true, value: r.text };
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

function checkTurn(expect: Expect, ctx: CheckContext): Failure[] {
  const { result } = ctx;
  const failures: Failure[] = [];
  const path = result.path.map(addr);
  const last = path[path.length - 1];
  const fail = (check: string, expected: unknown, actual: unknown, at = last) => failures.push({ check, expected, actual, ...(at ? { node: at } : {}) });
  const finder = partingFinder(ctx.engine.model);
  /** Where the turn left the way to `target`. */
  const parted = (target: string) => finder.partedAt(path, target, ctx.heard) ?? ctx.heard ?? last;
  const texts = result.outputs.flatMap((o) => (o.type === 'text' ? [o.text] : []));
  const all = texts.join('\n');

  if (expect.intent !== undefined || expect.minConfidence !== undefined) {
    const got = acceptedIntent(result.trace);
    // the intent is decided where the input was heard
    const heard = ctx.heard ?? path[0];
    if (expect.intent !== undefined && got.intent !== expect.intent) fail('intent', expect.intent, got.intent ?? 'no intent accepted', heard);
    if (expect.minConfidence !== undefined && (got.confidence ?? 0) < expect.minConfidence)
      fail('minConfidence', expect.minConfidence, got.confidence ?? 0, heard);
  }
  if (expect.path) {
    const matched = isSubsequence(expect.path, path);
    if (matched < expect.path.length) {
      // after the last node that matched in order, where the way to the next expected node was left
      let from = -1;
      for (let j = 0, k = 0; j < path.length && k < matched; j++) if (path[j] === expect.path[k]) [from, k] = [j, k + 1];
      const rest = path.slice(from + 1);
      const at = finder.partedAt(rest, expect.path[matched] as string, from >= 0 ? undefined : ctx.heard) ?? (from >= 0 ? path[from] : (ctx.heard ?? last));
      fail('path', expect.path, path, at);
    }
  }
  if (expect.visits && !path.includes(expect.visits)) fail('visits', expect.visits, path, parted(expect.visits));
  for (const a of expect.avoids ?? []) {
    // the node that took the exit into the avoided one
    const i = path.indexOf(a);
    if (i >= 0) fail('avoids', `not ${a}`, path, i > 0 ? path[i - 1] : (ctx.heard ?? a));
  }
  if (expect.waits_at) {
    const w = result.state.wait;
    const at = w && w.kind !== 'idle' ? addr(w) : 'nothing (idle)';
    if (at !== expect.waits_at) fail('waits_at', expect.waits_at, at, parted(expect.waits_at));
  }
  expect.says?.forEach((c, i) => {
    if ('contains' in c) {
      const want = expand(ctx, c.contains);
      if (!want.ok) fail(`says[${i}].contains`, c.contains, want.message);
      else if (!lower(all).includes(lower(asText(want.value)))) fail(`says[${i}].contains`, asText(want.value), texts);
    } else if ('not_contains' in c) {
      const bad = expand(ctx, c.not_contains);
      if (!bad.ok) fail(`says[${i}].not_contains`, `not "${c.not_contains}"`, bad.message);
      else if (lower(all).includes(lower(asText(bad.value)))) fail(`says[${i}].not_contains`, `not "${asText(bad.value)}"`, texts);
    } else if ('matches' in c) {
      if (!compilePattern(c.matches).test(all)) fail(`says[${i}].matches`, c.matches, texts);
    } else {
      // the copy the bot said, and the labels of the buttons it offered (`flow/node.buttons.<id>.label`); a
      // node's copy id (`flow/node`) also matches any A/B variant of it the conversation got (`flow/node@b`)
      // (an llm node's reply counts as `flow/node@variant` when the node ran with a variant)
      const ran = new Map(result.trace.flatMap((e) => (e.kind === 'variant' ? [[addr(e), e.variant] as const] : [])));
      const ids = result.outputs.flatMap((o) =>
        o.type === 'text' && o.copyId ? [o.llm && ran.has(o.copyId) ? `${o.copyId}@${ran.get(o.copyId)}` : o.copyId] : [],
      );
      const labels = result.outputs.flatMap((o) =>
        o.type === 'text' && o.copyId && o.quickReplies ? o.quickReplies.map((q) => `${o.copyId!.split('@')[0]}.buttons.${q.id}.label`) : [],
      );
      const said = ids.includes(c.copy) || labels.includes(c.copy) || (!c.copy.includes('@') && ids.some((id) => id.startsWith(`${c.copy}@`)));
      if (!said) fail(`says[${i}].copy`, c.copy, ids, c.copy.startsWith('globals/') ? last : parted(c.copy.split(/[.@]/)[0] as string));
    }
  });
  for (const [p, v] of Object.entries(expect.vars ?? {})) {
    const expanded = typeof v === 'string' ? expand(ctx, v) : { ok: true as const, value: v };
    if (!expanded.ok) {
      fail(`vars.${p}`, v, expanded.message);
      continue;
    }
    const want = expanded.value;
    const got = getPath(result.state.vars, p);
    if (want === null ? got !== undefined && got !== null : !eq(got, want)) fail(`vars.${p}`, want, got ?? null);
  }
  if (expect.handoff !== undefined) {
    const h = result.outputs.find((o): o is Extract<Output, { type: 'handoff' }> => o.type === 'handoff');
    if (typeof expect.handoff === 'boolean') {
      if (Boolean(h) !== expect.handoff) fail('handoff', expect.handoff, h ? { queue: h.queue, reason: h.reason } : false);
    } else if (!h) fail('handoff', expect.handoff, false);
    else {
      if (expect.handoff.queue !== undefined && h.queue !== expect.handoff.queue) fail('handoff.queue', expect.handoff.queue, h.queue);
      if (expect.handoff.reason !== undefined && !lower(h.reason ?? '').includes(lower(expect.handoff.reason)))
        fail('handoff.reason', expect.handoff.reason, h.reason ?? null);
      if (expect.handoff.summary !== undefined && !lower(h.summary ?? '').includes(lower(expect.handoff.summary)))
        fail('handoff.summary', expect.handoff.summary, h.summary ?? null);
    }
  }
  if (expect.guardrail !== undefined) {
    // a `guardrail` node's findings, and the guardrail stage's when one of its rules acted (a record alone is not
    // what happened to the message)
    const found = [
      ...new Set(
        result.trace.flatMap((e) =>
          e.kind === 'guardrail' && (!isInputScreening(ctx.engine, e) || e.action !== undefined) ? e.findings.map((f) => f.check) : [],
        ),
      ),
    ];
    if (typeof expect.guardrail === 'boolean') {
      if (found.length > 0 !== expect.guardrail) fail('guardrail', expect.guardrail, found.length ? found : false);
    } else if (!found.includes(expect.guardrail)) fail('guardrail', expect.guardrail, found.length ? found : false);
  }
  if (expect.grounded !== undefined) {
    const grounded = result.trace.some((e) => e.kind === 'retrieval' && e.grounded);
    if (grounded !== expect.grounded) fail('grounded', expect.grounded, grounded);
  }
  if (expect.citations !== undefined) {
    const cited = result.outputs.flatMap((o) => (o.type === 'text' ? (o.citations ?? []).map((c) => c.source) : []));
    const want = expect.citations;
    if (typeof want === 'string' ? !cited.includes(want) : cited.length > 0 !== want) fail('citations', want, cited.length ? [...new Set(cited)] : false);
  }
  if (expect.llm_excludes) {
    // what the model was sent (after the guardrails); against a runtime, the requests its trace recorded
    const requests = result.llmRequests ?? result.trace.flatMap((e) => (e.kind === 'llm' ? [e.request] : []));
    const sent = requests.map((r) => [r.system ?? '', ...r.messages.map((m) => m.content)].join('\n'));
    for (const bad of expect.llm_excludes) {
      const hit = sent.find((t) => lower(t).includes(lower(bad)));
      if (hit !== undefined) fail('llm_excludes', `no request containing "${bad}"`, hit);
    }
  }
  if (expect.stored_excludes) {
    const stored = [...result.state.transcript.map((e) => e.text), JSON.stringify(result.trace)].join('\n');
    for (const bad of expect.stored_excludes)
      if (lower(stored).includes(lower(bad)))
        fail(
          'stored_excludes',
          `nothing stored containing "${bad}"`,
          result.state.transcript.map((e) => e.text),
        );
  }
  if (expect.offers) {
    const last = [...result.outputs].reverse().find((o) => o.type === 'text' && o.quickReplies?.length);
    const offered = last?.type === 'text' ? (last.quickReplies ?? []).map((q) => q.label) : [];
    if (JSON.stringify(offered) !== JSON.stringify(expect.offers)) fail('offers', expect.offers, offered);
  }
  if (expect.ended !== undefined && result.state.ended?.outcome !== expect.ended) fail('ended', expect.ended, result.state.ended?.outcome ?? 'not ended');
  return failures;
}

async function judge(
  port: LlmPort | undefined,
  spec: NonNullable<Expect['judge']>,
  transcript: SessionState['transcript'],
  node: string | undefined,
): Promise<Failure | undefined> {
  const rubric = typeof spec === 'string' ? spec : spec.rubric;
  const threshold = typeof spec === 'string' ? 0.7 : (spec.threshold ?? 0.7);
  if (!port) return { check: 'judge', expected: rubric, actual: 'no LLM to judge with (use --llm live, or record a cassette)', ...(node ? { node } : {}) };
  const convo = transcript.map((t) => `${t.role === 'user' ? 'Customer' : 'Bot'}: ${t.text}`).join('\n');
  try {
    const r = await port.complete({
      flow: 'story',
      node: 'judge',
      system:
        'You grade the last reply of a customer-service bot against a rubric. Reply with one JSON object and nothing else: {"score": a number from 0 to 1, "reason": "one sentence"}.',
      messages: [{ role: 'user', content: `Rubric: ${rubric}\n\nConversation:\n${convo}` }],
      temperature: 0,
      maxTokens: 200,
    });
    const m = /\{[\s\S]*\}/.exec(r.text);
    const parsed = m ? (JSON.parse(m[0]) as { score?: unknown; reason?: unknown }) : {};
    const score = typeof parsed.score === 'number' ? parsed.score : NaN;
    if (!(score >= threshold))
      return {
        check: 'judge',
        expected: `${rubric} (score ≥ ${threshold})`,
        actual: `${Number.isNaN(score) ? 'no score' : score}: ${String(parsed.reason ?? r.text)}`,
        ...(node ? { node } : {}),
      };
    return undefined;
  } catch (e) {
    return { check: 'judge', expected: rubric, actual: `the judge failed: ${e instanceof Error ? e.message : String(e)}`, ...(node ? { node } : {}) };
  }
}

function remember(engine: Engine, exprs: Record<string, string>, state: CheckedTurn['state'], memory: Record<string, unknown>): void {
  for (const [k, src] of Object.entries(exprs)) {
    const c = engine.lang.compile(src);
    memory[k] = c instanceof ExpressionError ? undefined : c.evaluate(withFormat(state.vars, { locale: state.locale }));
  }
}

/** Where a story's turns are played: the turn runner here (`runStory`), or a runtime over HTTP (main/stories/remote.ts). */
export interface StoryDriver {
  /** Plays one input; the first is `start` unless the story has `setup.greet: false`. */
  play(input: UserInput): Promise<CheckedTurn>;
  /** The first model request nothing could answer so far (the story cannot run as written), if any. */
  unanswered(): string | undefined;
}

export interface PlayOptions {
  /** The project's engine: the checks read its flows, templates and expressions (the turns may run elsewhere). */
  engine: Engine;
  /** Scores `judge` expectations (none: they fail as needing a model). */
  judge?: LlmPort;
  transform?: RunOptions['transform'];
  keepTrace?: boolean;
}

export async function runStory(loaded: LoadedStory, o: RunOptions): Promise<StoryResult> {
  const { story } = loaded;
  let unanswered: string | undefined;
  const ports = storyPorts(story, o, (message) => {
    unanswered ??= message;
  });
  const runner = o.runner ?? createTurnRunner({ engine: o.engine });
  // seeded as a runtime seeds a conversation by its id, so that its unpinned variants are the same every run
  // and on a target (pins.ts)
  const pins = storyPins(story);
  let state = runner.initial({
    seed: storySeed(loaded.file),
    ...(Object.keys(pins).length ? { variants: pins } : {}),
    ...(story.setup?.locale ? { locale: story.setup.locale } : {}),
    ...(story.setup?.vars ? { vars: story.setup.vars } : {}),
  });
  // what the model port is sent, turn by turn (llm_excludes)
  let sent: LlmRequest[] = [];
  const fixtureLlm = ports.llm;
  const watched = fixtureLlm
    ? { ...ports, llm: { complete: (req: LlmRequest, opts?: Parameters<LlmPort['complete']>[1]) => (sent.push(req), fixtureLlm.complete(req, opts)) } }
    : ports;
  const driver: StoryDriver = {
    async play(input) {
      sent = [];
      const r = await runner.run(state, input, watched);
      state = r.state;
      return { ...r, llmRequests: sent };
    },
    unanswered: () => unanswered,
  };
  const judgeWith = o.judge ?? o.llm;
  return playStory(loaded, driver, {
    engine: o.engine,
    ...(judgeWith ? { judge: judgeWith } : {}),
    ...(o.transform ? { transform: o.transform } : {}),
    ...(o.keepTrace ? { keepTrace: true } : {}),
  });
}

/** Plays a story through `driver`, checking each turn's expectations; the result as `runStory` reports it. */
export async function playStory(loaded: LoadedStory, driver: StoryDriver, o: PlayOptions): Promise<StoryResult> {
  const t0 = Date.now();
  const { story } = loaded;
  const engine = o.engine;
  let wait: SessionState['wait'] = null;
  const turns: TurnReport[] = [];
  const visited = new Set<string>();
  const exits = new Set<string>();
  const memory: Record<string, unknown> = {};
  const users: string[] = [];
  let firstFailure: StoryResult['firstFailure'];
  let error: string | undefined;
  let heard: string | undefined;

  const play = async (input: UserInput) => {
    heard = wait && wait.kind !== 'idle' ? addr(wait) : undefined;
    const r = await driver.play(input);
    for (const p of r.path) visited.add(addr(p));
    for (const e of r.trace) if (e.kind === 'node' && e.exit) exits.add(`${e.flow}/${e.node}:${e.exit}`);
    wait = r.state.wait;
    return r;
  };
  const report = (index: number, input: UserInput, r: CheckedTurn, failures: Failure[], line?: number): TurnReport => {
    const w = r.state.wait;
    return {
      index,
      input,
      says: r.outputs.flatMap((x) =>
        x.type === 'text' ? [x.text] : x.type === 'handoff' ? [`[handoff to ${x.queue}]`] : x.type === 'error' ? [`[error: ${x.message}]`] : [],
      ),
      path: r.path.map(addr),
      ...(w && w.kind !== 'idle' ? { waitsAt: addr(w) } : {}),
      failures,
      ...(line !== undefined ? { line } : {}),
      ...(o.keepTrace ? { trace: r.trace } : {}),
    };
  };

  try {
    if (story.setup?.greet !== false) {
      const r = await play({ type: 'start' });
      turns.push(report(0, { type: 'start' }, r, []));
    }
    const unanswered = driver.unanswered();
    if (unanswered) throw new Error(unanswered);
    for (let i = 0; i < story.turns.length; i++) {
      const t = story.turns[i] as StoryTurn;
      const input = inputOf(t, i + 1, o.transform);
      users.push(input.type === 'text' ? input.text : '');
      const r = await play(input);
      const ctx: CheckContext = { engine, result: r, memory, users, ...(heard ? { heard } : {}) };
      const failures = t.expect ? checkTurn(t.expect, ctx) : [];
      if (t.expect?.judge && !failures.length) {
        const f = await judge(o.judge, t.expect.judge, r.state.transcript, r.path.length ? addr(r.path[r.path.length - 1] as At) : undefined);
        if (f) failures.push(f);
      }
      if (t.remember) remember(engine, t.remember, r.state, memory);
      const line = loaded.turnLine(i);
      turns.push(report(i + 1, input, r, failures, line));
      // once an earlier turn has failed the conversation is off the story's path: a model request nothing answers
      // there is a consequence, and the first failure is what the writer needs to read (in the turn that asked, the
      // unanswered request is the cause)
      const offPath = firstFailure !== undefined;
      if (failures.length && !firstFailure) firstFailure = { turn: i + 1, ...(line !== undefined ? { line } : {}), failure: failures[0] as Failure };
      const missing = driver.unanswered();
      if (missing && !offPath) throw new Error(`turn ${i + 1}: ${missing}`);
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return {
    file: loaded.file,
    name: story.name,
    tags: story.tags ?? [],
    passed: !firstFailure && !error,
    turns,
    ...(firstFailure ? { firstFailure } : {}),
    ...(error ? { error } : {}),
    ms: Date.now() - t0,
    visited: [...visited],
    exits: [...exits],
  };
}
