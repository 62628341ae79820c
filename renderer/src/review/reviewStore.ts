// The project's comments and approvals (main's review files, shared/schema/reviews.ts), review mode, and the
// comments panel's state. Main writes every change and says when a review file changed (here, in another
// window, or through a git pull); the store then reads them again.
import { create } from 'zustand';
import type { ReviewsSnapshot } from '../../../shared/api/reviews';
import type { ProjectDiff } from '../../../shared/project/projectDiff';
import type { Flow } from '../../../shared/schema/project';
import type { Anchor, ReviewFile, Thread } from '../../../shared/schema/reviews';
import { errorText, flushSaves, onProjectSwitch, revealNode, useStudio } from '../store/studioStore';
import { stepEnd, walkFromStory, type Walk, type WalkTurn } from './walkthrough';

export interface ReviewState {
  snapshot?: ReviewsSnapshot;
  /** A comparison shown on the canvas: what changed since `label` (a revision or a folder). */
  diff?: { label: string; result: ProjectDiff; commit?: string };
  /** The comments panel is shown (always in review mode). */
  panelOpen: boolean;
  /** Show resolved threads too. */
  showResolved: boolean;
  /** Review mode shows the overview map of the flows instead of one flow's canvas. */
  overview?: boolean;
  /** A conversation stepped through on the canvas (walkthrough.ts). */
  walk?: Walk;
  error?: string;
  busy: boolean;
}

export const useReview = create<ReviewState>(() => ({ panelOpen: false, showResolved: false, busy: false }));

const api = () => useStudio.getState().api;
const projectDir = () => useStudio.getState().project?.dir;

export async function refreshReviews(): Promise<void> {
  const a = api();
  if (!a || !projectDir()) return;
  try {
    useReview.setState({ snapshot: await a.call('reviews.list', {}), error: undefined });
  } catch (e) {
    useReview.setState({ error: errorText(e) });
  }
}

let subscribed = false;
/** Reads the review files now and whenever one changes, and again for another project. */
export function watchReviews(): void {
  if (subscribed) return;
  const a = api();
  if (!a) return;
  subscribed = true;
  a.on('reviews.changed', () => void refreshReviews());
  onProjectSwitch(() => {
    useReview.setState({ snapshot: undefined, diff: undefined, walk: undefined });
    void refreshReviews();
  });
  void refreshReviews();
}

/** Runs a review call and puts the file it returns in place. */
async function change(flowId: string, call: (project: string) => Promise<ReviewFile>): Promise<boolean> {
  const dir = projectDir();
  if (!dir) return false;
  useReview.setState({ busy: true, error: undefined });
  try {
    const file = await call(dir);
    const snap = useReview.getState().snapshot;
    if (snap) useReview.setState({ snapshot: { ...snap, files: { ...snap.files, [flowId]: file } } });
    return true;
  } catch (e) {
    useReview.setState({ error: errorText(e) });
    return false;
  } finally {
    useReview.setState({ busy: false });
  }
}

export const addThread = (flowId: string, anchor: Anchor, text: string) =>
  change(flowId, (project) => api()!.call('reviews.comment', { project, flowId, anchor, text }));
export const reply = (flowId: string, threadId: string, text: string) =>
  change(flowId, (project) => api()!.call('reviews.comment', { project, flowId, threadId, text }));
export const setResolved = (flowId: string, threadId: string, resolved: boolean) =>
  change(flowId, (project) => api()!.call('reviews.resolve', { project, flowId, threadId, resolved }));

/** Approves the flow as saved (its pending edits are saved first), or withdraws the approval. */
export async function approveFlow(flowId: string, approve: boolean, note?: string): Promise<boolean> {
  await flushSaves();
  return change(flowId, (project) => api()!.call('reviews.approve', { project, flowId, approve, ...(note ? { note } : {}) }));
}

/** Compares the project as saved (pending edits are saved first) with a git revision or another project folder. */
export async function compareWith(what: { rev: string } | { against: string }): Promise<void> {
  const a = api();
  if (!a) return;
  await flushSaves();
  useReview.setState({ busy: true, error: undefined });
  try {
    const { diff, commit } = await a.call('project.diff', what);
    useReview.setState({ diff: { label: 'rev' in what ? what.rev : what.against, result: diff, ...(commit ? { commit } : {}) } });
  } catch (e) {
    useReview.setState({ error: errorText(e) });
  } finally {
    useReview.setState({ busy: false });
  }
}
export const clearDiff = () => useReview.setState({ diff: undefined });

export const togglePanel = () => useReview.setState((s) => ({ panelOpen: !s.panelOpen }));

/** Whether a thread's anchor still exists in the flow: a node, or a line of copy by its stable id. */
export function anchorExists(thread: Thread, flow: Flow | undefined): boolean {
  if (!flow) return false;
  const a = thread.anchor;
  if ('node' in a) return flow.nodes.some((n) => n.id === a.node);
  return flow.nodes.some((n) => Object.values(n.copyIds ?? {}).includes(a.copy));
}

/** The node a thread is about (its anchor node, or the node holding its line of copy). */
export function anchorNode(thread: Thread, flow: Flow | undefined): string | undefined {
  const a = thread.anchor;
  if ('node' in a) return a.node;
  return flow?.nodes.find((n) => Object.values(n.copyIds ?? {}).includes(a.copy))?.id;
}

/** Open threads per node of a flow (for the markers on the canvas). */
export function openThreadsByNode(file: ReviewFile | undefined, flow: Flow | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of file?.threads ?? []) {
    if (t.resolved) continue;
    const node = anchorNode(t, flow);
    if (node) out.set(node, (out.get(node) ?? 0) + 1);
  }
  return out;
}

/** Shows step `index` of the walkthrough: the canvas opens the flow where the turn ended, centred on that node. */
export function walkTo(index: number): void {
  const walk = useReview.getState().walk;
  if (!walk || index < 0 || index >= walk.turns.length) return;
  useReview.setState({ walk: { ...walk, index }, overview: false });
  const end = stepEnd(walk.turns[index]);
  if (end && useStudio.getState().flows[end.flow]) revealNode(end.flow, end.node);
}

export function startWalk(title: string, turns: WalkTurn[]): void {
  if (!turns.length) {
    useReview.setState({ error: `${title} has no turns to walk through` });
    return;
  }
  useReview.setState({ walk: { title, turns, index: 0 }, error: undefined });
  walkTo(0);
}
export const stopWalk = () => useReview.setState({ walk: undefined });

/** Runs one story and walks through its conversation as it went (a failing story too: the run shows where it parted). */
export async function walkStory(file: string): Promise<void> {
  const dir = projectDir();
  const a = api();
  if (!dir || !a) return;
  useReview.setState({ busy: true, error: undefined });
  try {
    const report = await a.call('stories.run', { project: dir, files: [file] });
    const run = report.stories[0];
    if (!run) throw new Error(`${file} did not run${report.problems[0] ? `: ${report.problems[0].message}` : ''}`);
    startWalk(`Story: ${run.name}`, walkFromStory(run));
  } catch (e) {
    useReview.setState({ error: errorText(e) });
  } finally {
    useReview.setState({ busy: false });
  }
}
