// The Insights panel's state: what the project's analytics store holds, the range of days looked at, the canvas
// overlay (per node visits and outcomes) and its metric, the failure paths and the conversations behind one, the
// conversation being read (rated, made a story), the clusters of what the bot did not understand, and a sample of
// conversations to review.
import { create } from 'zustand';
import type { MethodOutput } from '../../../shared/api/contract';
import type {
  ClusterView,
  ConversationView,
  DayRange,
  FailurePathView,
  ImportReportView,
  InsightsStatus,
  NodeStatsView,
  OverlayView,
  SampledConversation,
  SampleStratum,
  AbExperimentView,
  AbMetric,
} from '../../../shared/api/insights';
import { promoteVariant } from '../../../shared/project/abWinner';
import type { Rating } from '../../../shared/schema/ratings';
import { temporaryRouteChanges } from '../../../shared/project/temporaryRoute';
import { editFlow, errorText, onProjectSwitch, revealNode, useStudio } from '../store/studioStore';

export type InsightsTab = 'paths' | 'intents' | 'review' | 'ab';
export type Metric = 'failure' | 'fallback' | 'notSure' | 'handoff' | 'guardrail' | 'dropoff' | 'visits';

export const METRICS: { id: Metric; label: string; title: string }[] = [
  { id: 'failure', label: 'Failing', title: 'Share of visits in turns that fell back, were not sure or were handed over, or where the customer left' },
  { id: 'fallback', label: 'Fallback', title: 'Share of visits in turns that ended in the fallback' },
  { id: 'notSure', label: 'Not sure', title: 'Share of visits in turns where the bot asked for clarification or did not find an answer' },
  { id: 'handoff', label: 'Handoff', title: 'Share of visits in turns handed over to a person' },
  { id: 'guardrail', label: 'Guardrail', title: 'Share of visits in turns a guardrail flagged' },
  { id: 'dropoff', label: 'Drop-off', title: 'Conversations abandoned waiting here, per visit' },
  { id: 'visits', label: 'Visits', title: 'Traffic, against the busiest node of the range' },
];

export interface InsightsState {
  open: boolean;
  tab: InsightsTab;
  status?: InsightsStatus;
  range?: DayRange;
  importing: boolean;
  lastImport?: ImportReportView;
  overlay?: OverlayView;
  /** Overlay stats by `flow/node`. */
  byNode: ReadonlyMap<string, NodeStatsView>;
  maxVisits: number;
  metric: Metric;
  paths: FailurePathView[];
  selectedPath?: FailurePathView;
  conversations: string[];
  conversation?: ConversationView;
  discovering: boolean;
  clusters?: ClusterView[];
  discovered?: { noise: number; total: number };
  /** What the last action on a cluster did (shown under it). */
  clusterNotes: Record<string, string>;
  sample: SampledConversation[];
  /** The ratings saved with the project, by conversation (every reviewer's). */
  ratings: ReadonlyMap<string, Rating[]>;
  ratingsProblem?: string;
  /** A story made from the open conversation, being reviewed before it is written. */
  draft?: { conversation: string; file: string; text: string; redactions: number };
  metrics?: MethodOutput<'insights.metrics'>;
  coherence?: MethodOutput<'insights.coherence'>;
  judging: boolean;
  abMetric: AbMetric;
  experiments?: AbExperimentView[];
  /** What the last action on an experiment did, by node. */
  abNotes: Record<string, string>;
  /** What the last action on the open conversation did. */
  conversationNote?: string;
  loading: boolean;
  error?: string;
}

const initial = (): Omit<InsightsState, 'open' | 'metric' | 'tab'> => ({
  importing: false,
  byNode: new Map(),
  maxVisits: 0,
  paths: [],
  conversations: [],
  discovering: false,
  clusterNotes: {},
  sample: [],
  ratings: new Map(),
  abMetric: 'escalation',
  abNotes: {},
  judging: false,
  loading: false,
});

export const useInsights = create<InsightsState>(() => ({ open: false, tab: 'paths', metric: 'failure', ...initial() }));
const set = useInsights.setState;
const get = useInsights.getState;

const api = () => {
  const a = useStudio.getState().api;
  if (!a) throw new Error('not connected');
  return a;
};
const project = () => useStudio.getState().project?.dir;
/** The project's default locale: the one customers' words are taken to be in. */
const defaultLocale = () => useStudio.getState().project?.manifest.defaultLocale ?? 'en';

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` days with data (ending on the last day the store has), or the last week to today. */
export function defaultRange(status: InsightsStatus | undefined, days = 7, now = Date.now()): DayRange {
  const last = status?.lastDay ?? dayOf(now);
  const from = dayOf(Date.parse(`${last}T00:00:00Z`) - (days - 1) * DAY_MS);
  const first = status?.firstDay;
  return { from: first && first > from ? first : from, to: last };
}

/** A node's value for a metric, 0 to 1 (the overlay's heat). */
export function metricValue(s: NodeStatsView | undefined, metric: Metric, maxVisits: number): number | undefined {
  if (!s || !s.visits) return undefined;
  switch (metric) {
    case 'visits':
      return maxVisits ? s.visits / maxVisits : 0;
    case 'dropoff':
      return s.abandoned / s.visits;
    case 'failure':
      return Math.min(1, (s.failing + s.abandoned) / s.visits);
    default:
      return s[metric] / s.visits;
  }
}

/** The heat class of a value: five steps (the legend shows them). */
export const HEAT_STEPS = [0.05, 0.1, 0.2, 0.4] as const;
export const heatLevel = (v: number): number => HEAT_STEPS.filter((t) => v >= t).length;

async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
  const dir = project();
  try {
    const r = await work();
    return project() === dir ? r : undefined;
  } catch (e) {
    if (project() === dir) set({ error: errorText(e) });
    return undefined;
  }
}

export async function refreshInsights(): Promise<void> {
  set({ loading: true });
  const status = await guarded(() => api().call('insights.status', {}));
  if (status) {
    set({ status, error: undefined });
    if (!get().range) set({ range: defaultRange(status) });
    await Promise.all([loadRange(), loadRatings()]);
  }
  set({ loading: false });
}

/** The overlay and the failure paths of the range. */
async function loadRange(): Promise<void> {
  const range = get().range;
  if (!range) return;
  const r = await guarded(() =>
    Promise.all([
      api().call('insights.overlay', { range }),
      api().call('insights.failurePaths', { range, limit: 50 }),
      api().call('insights.metrics', { range }),
    ]),
  );
  if (!r || get().range !== range) return;
  const [overlay, { paths }, metrics] = r;
  set({
    metrics,
    overlay,
    byNode: new Map(overlay.nodes.map((n) => [n.node, n])),
    maxVisits: overlay.nodes.reduce((m, n) => Math.max(m, n.visits), 0),
    paths,
    selectedPath: undefined,
    conversations: [],
    error: undefined,
  });
}

export async function openInsights(): Promise<void> {
  set({ open: true });
  await refreshInsights();
}
export const closeInsights = (): void => set({ open: false, conversation: undefined });
export function toggleInsights(): void {
  if (get().open) closeInsights();
  else void openInsights();
}
export function setTab(tab: InsightsTab): void {
  set({ tab });
  if (tab === 'ab' && !get().experiments) void loadExperiments();
}
export const setMetric = (metric: Metric): void => set({ metric });

export function setRange(range: DayRange): void {
  if (!range.from || !range.to || range.from > range.to) return;
  set({ range, clusters: undefined, experiments: undefined });
  void loadRange();
  if (get().tab === 'ab') void loadExperiments();
}

export async function importTranscripts(paths: string[]): Promise<void> {
  const dir = project();
  if (!dir || !paths.length) return;
  set({ importing: true, lastImport: undefined, error: undefined });
  const report = await guarded(() => api().call('insights.import', { project: dir, paths }));
  set({ importing: false });
  if (!report) return;
  set({ lastImport: report, range: undefined });
  await refreshInsights();
}

export async function selectPath(p: FailurePathView | undefined): Promise<void> {
  set({ selectedPath: p, conversations: [] });
  const range = get().range;
  if (!p || !range) return;
  const r = await guarded(() => api().call('insights.pathConversations', { range, path: p.path, ending: p.ending, limit: 50 }));
  if (r && get().selectedPath === p) set({ conversations: r.conversations });
}

export async function openConversation(id: string | undefined): Promise<void> {
  set({ draft: undefined, conversationNote: undefined });
  if (!id) return set({ conversation: undefined });
  const c = await guarded(() => api().call('insights.conversation', { id }));
  if (c) set({ conversation: c });
}

export async function discover(): Promise<void> {
  const range = get().range;
  if (!range) return;
  set({ discovering: true, clusters: undefined, clusterNotes: {} });
  const r = await guarded(() => api().call('insights.discover', { range, locale: defaultLocale() }));
  set({ discovering: false, ...(r ? { clusters: r.clusters, discovered: { noise: r.noise, total: r.total } } : {}) });
}

/** Makes a new intent of a cluster's utterances, or adds them to an existing intent, in nlu.yaml. */
export async function clusterToIntent(cluster: ClusterView, intent: string, create: boolean): Promise<boolean> {
  const dir = project();
  if (!dir) return false;
  const examples = cluster.utterances.map((u) => u.text);
  const r = await guarded(() =>
    api().call('insights.addExamples', {
      project: dir,
      intent,
      create,
      locale: defaultLocale(),
      examples,
      ...(create ? { description: `Found in conversations: ${cluster.samples.slice(0, 2).join('; ')}` } : {}),
    }),
  );
  if (!r) return false;
  const note = create ? `Created intent ${r.intent} with ${r.added} examples` : `Added ${r.added} examples to ${r.intent}`;
  set({ clusterNotes: { ...get().clusterNotes, [cluster.id]: note }, error: undefined });
  return true;
}

/**
 * Routes a cluster's intent, at the listen node where it was said, to a temporary message that acknowledges the
 * topic (shared/project/temporaryRoute.ts), and shows it on the canvas.
 */
export function addTemporaryRoute(cluster: ClusterView, intent: string): boolean {
  const [flowId, listen] = (cluster.at?.node ?? '').split('/') as [string, string | undefined];
  const flow = useStudio.getState().flows[flowId]?.flow;
  const note = (text: string) => set({ clusterNotes: { ...get().clusterNotes, [cluster.id]: text } });
  if (!flow || !listen) {
    note('Where these were said is not a node of this project');
    return false;
  }
  try {
    // the intent's name says what it is about (the writer edits the line anyway)
    const topic = `“${intent.replaceAll('_', ' ')}”`;
    const locale = defaultLocale();
    const changes = temporaryRouteChanges(flow, { listen, intent, topic, locale, day: new Date().toISOString().slice(0, 10) });
    editFlow(flowId, changes);
    const added = changes[0]!.type === 'node.add' ? changes[0]!.node.id : undefined;
    note(`Routed ${intent} at ${listen} to a temporary message (${added})`);
    if (added) revealNode(flowId, added);
    return true;
  } catch (e) {
    note(errorText(e));
    return false;
  }
}

export async function drawSample(size: number, kind: SampleStratum | 'stratified' | 'all', seed: number): Promise<void> {
  const range = get().range;
  if (!range) return;
  const r = await guarded(() =>
    api().call('insights.sample', { range, size, seed, ...(kind === 'stratified' ? { stratify: true } : kind === 'all' ? {} : { only: kind }) }),
  );
  if (r) set({ sample: r.conversations, error: undefined });
  await loadRatings();
}

export async function loadRatings(): Promise<void> {
  const r = await guarded(() => api().call('insights.ratings', {}));
  if (!r) return;
  const by = new Map<string, Rating[]>();
  for (const x of r.ratings) by.set(x.conversation, [...(by.get(x.conversation) ?? []), x]);
  set({ ratings: by, ratingsProblem: r.problem });
}

export async function rateConversation(conversation: string, rating: 'good' | 'bad', tags: string[], note: string): Promise<void> {
  const dir = project();
  if (!dir) return;
  const r = await guarded(() => api().call('insights.rate', { project: dir, conversation, rating, tags, ...(note.trim() ? { note } : {}) }));
  if (!r) return;
  set({ conversationNote: `Rated ${rating} (saved in insights/ratings.yaml)`, error: undefined });
  await loadRatings();
}

/** A story made from the open conversation, redacted again, shown for review before it is written. */
export async function draftStory(conversation: string): Promise<void> {
  const r = await guarded(() => api().call('insights.storyDraft', { id: conversation }));
  if (r) set({ draft: { conversation, ...r }, conversationNote: undefined, error: undefined });
}

export const editDraft = (text: string): void => {
  const d = get().draft;
  if (d) set({ draft: { ...d, text } });
};
export const discardDraft = (): void => set({ draft: undefined });

export async function writeDraft(): Promise<void> {
  const dir = project();
  const d = get().draft;
  if (!dir || !d) return;
  const r = await guarded(() => api().call('file.write', { project: dir, path: d.file, text: d.text, baseRevision: null }));
  if (r) set({ draft: undefined, conversationNote: `Saved as ${d.file}`, error: undefined });
}

export async function loadExperiments(metric = get().abMetric): Promise<void> {
  const range = get().range;
  set({ abMetric: metric });
  if (!range) return;
  const r = await guarded(() => api().call('insights.ab', { range, metric }));
  if (r && get().abMetric === metric && get().range === range) set({ experiments: r.experiments, error: undefined });
}

/** Ends an experiment: the node keeps only the winning variant's copy or settings (shared/project/abWinner.ts). */
export function keepOnlyVariant(node: string, variant: string): void {
  const [flowId, nodeId] = node.split('/') as [string, string];
  const flowNode = useStudio.getState().flows[flowId]?.flow.nodes.find((n) => n.id === nodeId);
  const note = (text: string) => set({ abNotes: { ...get().abNotes, [node]: text } });
  if (!flowNode) return note(`${node} is not in this version of the project`);
  try {
    editFlow(flowId, [{ type: 'node.update', id: nodeId, node: promoteVariant(flowNode, variant) }]);
    note(`${nodeId} now says only what ${variant} said; the experiment is over (undo with Ctrl+Z)`);
    revealNode(flowId, nodeId);
  } catch (e) {
    note(errorText(e));
  }
}

/** Judges the multi-turn coherence of a sample of the range's conversations with the project's model. */
export async function judgeCoherence(size: number): Promise<void> {
  const dir = project();
  const range = get().range;
  if (!dir || !range) return;
  set({ judging: true, coherence: undefined });
  const r = await guarded(() => api().call('insights.coherence', { project: dir, range, size }));
  set({ judging: false, ...(r ? { coherence: r, error: undefined } : {}) });
}

// another project: nothing of this one's transcripts stays on screen
onProjectSwitch(() => {
  set({
    ...initial(),
    status: undefined,
    range: undefined,
    overlay: undefined,
    conversation: undefined,
    clusters: undefined,
    lastImport: undefined,
    error: undefined,
  });
  if (get().open) void refreshInsights();
});
