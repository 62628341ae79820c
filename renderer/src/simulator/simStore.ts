// State of the simulator side panel: one conversation with the bot being designed, run by main through the
// API contract. Keeps every turn (outputs, trace, path, state) for the transcript, the trace view, the path
// highlight on the canvas and rewinding; streams model text in while a turn runs.
import { create } from 'zustand';
import type { EventPayload, LlmStatus, SimInput, TurnView } from '../../../shared/api/contract';
import type { At } from '../../../shared/engine/types';
import { errorText, flushSaves, onProjectSwitch, refreshStoryFiles, revealNode, useStudio } from '../store/studioStore';

export interface Streaming {
  turn: number;
  /** Text streamed so far, per node that is speaking. */
  parts: { flow: string; node: string; text: string }[];
}

export interface SimState {
  open: boolean;
  sessionId?: string;
  turns: TurnView[];
  /** The input being processed (shown at once in the transcript), with streamed text. */
  pending?: { input: SimInput; streaming: Streaming };
  error?: string;
  status?: LlmStatus;
  wizard: boolean;
  wizardRequest?: EventPayload<'simulator.wizard'>;
  /** Turn whose trace is shown (default: the last). */
  selectedTurn?: number;
  /** Follow the conversation into other flows on the canvas. */
  follow: boolean;
  locale?: string;
  /** JSON object of preset variables (a customer profile). */
  profile: string;
  /** A/B variants the designer picked (`flow/node` -> variant id); nodes left out are assigned by the session. */
  variants: Record<string, string>;
  /** Answer API calls from parley.yaml's design-time mocks (nothing is sent). */
  mocks: boolean;
  /** The backend environment API calls go to (one of parley.yaml's); default the project's. */
  environment?: string;
}

export const useSim = create<SimState>(() => ({ open: false, turns: [], wizard: false, mocks: false, follow: true, profile: '', variants: {} }));
const set = useSim.setState;
const get = useSim.getState;

let unsubscribe: (() => void)[] = [];
/** Bumped when the project changes: a conversation started before belongs to the old project. */
let epoch = 0;

const api = () => {
  const a = useStudio.getState().api;
  if (!a) throw new Error('not connected');
  return a;
};

function listen(): void {
  if (unsubscribe.length) return;
  const a = api();
  unsubscribe = [
    a.on('simulator.token', (t) => {
      const p = get().pending;
      if (!p || t.sessionId !== get().sessionId) return;
      const parts = [...p.streaming.parts];
      const last = parts[parts.length - 1];
      if (last && last.flow === t.flow && last.node === t.node) parts[parts.length - 1] = { ...last, text: last.text + t.delta };
      else parts.push({ flow: t.flow, node: t.node, text: t.delta });
      set({ pending: { ...p, streaming: { turn: t.turn, parts } } });
    }),
    a.on('simulator.wizard', (w) => {
      if (w.sessionId === get().sessionId) set({ wizardRequest: w });
    }),
  ];
}

/** Where the conversation is now: the node it waits at. */
export function currentAt(turns: readonly TurnView[]): At | undefined {
  const w = turns[turns.length - 1]?.state.wait;
  return w && w.kind !== 'idle' ? { flow: w.flow, node: w.node } : undefined;
}

/** Every node the conversation went through, by flow. */
export function visitedByFlow(turns: readonly TurnView[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of turns)
    for (const p of t.path) {
      let s = out.get(p.flow);
      if (!s) out.set(p.flow, (s = new Set()));
      s.add(p.node);
    }
  return out;
}

/**
 * The conversation's call stack after a turn: the call node of each `call` frame (outermost first), then where it
 * waits (or, when it waits nowhere, the last node it went through).
 */
export function callStack(turn: TurnView): At[] {
  const here = currentAt([turn]) ?? turn.path[turn.path.length - 1];
  if (!here) return [];
  const calls = turn.state.stack.flatMap((f) => (f.kind === 'call' ? [{ flow: f.flow, node: f.node }] : []));
  return [...calls, here];
}

/** Follow mode: show the node the conversation waits at, selected and centred (in its flow). */
function followTo(turn: TurnView, previous?: TurnView): void {
  if (!get().follow) return;
  const at = callStack(turn).at(-1);
  if (!at || !useStudio.getState().flows[at.flow]) return;
  const was = previous && callStack(previous).at(-1);
  // Still waiting at the same node: leave the designer's selection and viewport alone.
  if (was && was.flow === at.flow && was.node === at.node && useStudio.getState().flowId === at.flow) return;
  revealNode(at.flow, at.node);
}

export async function refreshStatus(): Promise<void> {
  try {
    set({ status: await api().call('llm.status', {}) });
  } catch (e) {
    set({ error: errorText(e) });
  }
}

export async function openSimulator(): Promise<void> {
  set({ open: true });
  listen();
  await refreshStatus();
  if (!get().sessionId) await restart();
}

export function closeSimulator(): void {
  const id = get().sessionId;
  set({ open: false, sessionId: undefined, turns: [], pending: undefined, wizardRequest: undefined, selectedTurn: undefined });
  if (id)
    void api()
      .call('simulator.close', { sessionId: id })
      .catch(() => undefined);
}

export function toggleSimulator(): void {
  if (get().open) closeSimulator();
  else void openSimulator();
}

function parseProfile(): Record<string, unknown> | undefined {
  const text = get().profile.trim();
  if (!text) return undefined;
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error('the customer profile must be a JSON object, e.g. {"customer": {"tier": "premier"}}');
  return v as Record<string, unknown>;
}

/** Starts a new conversation (closing the old one), with the locale, profile and mode chosen. */
export async function restart(): Promise<void> {
  const project = useStudio.getState().project?.dir;
  if (!project) return;
  const old = get().sessionId;
  if (old)
    void api()
      .call('simulator.close', { sessionId: old })
      .catch(() => undefined);
  let vars: Record<string, unknown> | undefined;
  try {
    vars = parseProfile();
  } catch (e) {
    set({ error: errorText(e) });
    return;
  }
  set({
    sessionId: undefined,
    turns: [],
    error: undefined,
    wizardRequest: undefined,
    selectedTurn: undefined,
    pending: { input: { type: 'start' }, streaming: { turn: 0, parts: [] } },
  });
  const started = epoch;
  try {
    await flushSaves();
    const { sessionId, turn } = await api().call('simulator.start', {
      project,
      ...(get().locale ? { locale: get().locale } : {}),
      ...(vars ? { vars } : {}),
      ...(Object.keys(get().variants).length ? { variants: get().variants } : {}),
      wizard: get().wizard,
      mocks: get().mocks,
      ...(get().environment ? { environment: get().environment } : {}),
    });
    if (started !== epoch) {
      void api()
        .call('simulator.close', { sessionId })
        .catch(() => undefined);
      return;
    }
    set({ sessionId, turns: [turn], pending: undefined });
    followTo(turn);
  } catch (e) {
    if (started === epoch) set({ pending: undefined, error: errorText(e) });
  }
}

// Another project: its conversation ends (main ends its sessions too), and an open panel starts one with the
// new project, with that project's model status. Locale, environment and profile belong to the old project.
onProjectSwitch(() => {
  epoch++;
  const { sessionId, open } = get();
  if (sessionId)
    void api()
      .call('simulator.close', { sessionId })
      .catch(() => undefined);
  set({
    sessionId: undefined,
    turns: [],
    pending: undefined,
    error: undefined,
    status: undefined,
    wizardRequest: undefined,
    selectedTurn: undefined,
    locale: undefined,
    environment: undefined,
    profile: '',
    variants: {},
  });
  if (open) void openSimulator();
});

export async function send(input: SimInput): Promise<void> {
  const sessionId = get().sessionId;
  if (!sessionId || get().pending) return;
  set({ error: undefined, pending: { input, streaming: { turn: get().turns.length, parts: [] } }, selectedTurn: undefined });
  try {
    await flushSaves();
    const turn = await api().call('simulator.send', { sessionId, input });
    if (get().sessionId !== sessionId) return;
    const previous = get().turns[get().turns.length - 1];
    set({ turns: [...get().turns, turn], pending: undefined, wizardRequest: undefined });
    followTo(turn, previous);
  } catch (e) {
    if (get().sessionId === sessionId) set({ pending: undefined, wizardRequest: undefined, error: errorText(e) });
  }
}

/**
 * Starts again with `patch` applied (Mocks ticked, say) and sends the customer's inputs of turns 1..`upTo` again,
 * one after another: the same conversation under the new settings. It stops where a turn fails or another
 * conversation starts meanwhile; a reply that no longer offers a button sent before is still sent as that button.
 */
export async function replayWith(patch: Parameters<typeof setSim>[0], upTo: number): Promise<void> {
  const inputs = get()
    .turns.slice(1, upTo + 1)
    .map((t) => t.input);
  setSim(patch);
  await restart();
  for (const input of inputs) {
    const sessionId = get().sessionId;
    if (!sessionId || get().error) return;
    await send(input);
    if (get().sessionId !== sessionId) return;
  }
}

/** Goes back to just before turn `index` (keeping turns 0..index-1); the next message branches from there. */
export async function rewindTo(index: number): Promise<void> {
  const sessionId = get().sessionId;
  if (!sessionId || index < 1) return;
  try {
    await api().call('simulator.rewind', { sessionId, keep: index });
    set({ turns: get().turns.slice(0, index), pending: undefined, wizardRequest: undefined, selectedTurn: undefined, error: undefined });
    const last = get().turns[get().turns.length - 1];
    if (last) followTo(last);
  } catch (e) {
    set({ error: errorText(e) });
  }
}

export async function answerWizard(text: string): Promise<void> {
  const w = get().wizardRequest;
  const sessionId = get().sessionId;
  if (!w || !sessionId) return;
  set({ wizardRequest: undefined });
  try {
    await api().call('simulator.wizardReply', { sessionId, requestId: w.requestId, text });
  } catch (e) {
    set({ error: errorText(e) });
  }
}

/** Hands an API key to main (keychain or the private credentials file); the renderer keeps no copy. */
export async function saveApiKey(key: string): Promise<void> {
  try {
    set({ status: await api().call('llm.saveKey', { key }), error: undefined });
  } catch (e) {
    set({ error: errorText(e) });
  }
}

/**
 * Saves the conversation as a story file; returns its path. Main saves the personal data the customer's turns hold as
 * test values of the same kind, or as typed with `typed`.
 */
export async function saveAsStory(name: string, o: { typed?: boolean } = {}): Promise<string | undefined> {
  const sessionId = get().sessionId;
  const project = useStudio.getState().project?.dir;
  if (!sessionId || !project) return undefined;
  try {
    const { file } = await api().call('stories.saveConversation', { project, sessionId, name, ...(o.typed ? { typed: true } : {}) });
    void refreshStoryFiles();
    return file;
  } catch (e) {
    set({ error: errorText(e) });
    return undefined;
  }
}

/** Follow on again: show where the conversation is now. */
export function setFollow(on: boolean): void {
  set({ follow: on });
  const last = get().turns[get().turns.length - 1];
  if (on && last) followTo(last);
}

export const setSim = (patch: Partial<Pick<SimState, 'wizard' | 'mocks' | 'environment' | 'follow' | 'locale' | 'profile' | 'selectedTurn' | 'variants'>>) =>
  set(patch);

export function jumpToNode(flow: string, node: string): void {
  if (useStudio.getState().flows[flow]) revealNode(flow, node);
}
