// Renaming a node everywhere it is named: in its flow (exits, groups, jumps and calls into it: one undo step,
// `planRename`), in jump and call nodes of other flows (an edit of each, saved like any edit), and in the story
// files (`shared/stories/rename.ts`). The flows are saved first; the stories are written only when the renamed
// flow reached the disk, each with its revision, so a story changed meanwhile elsewhere is refused (CONFLICT),
// never overwritten.
import type { FlowChange } from '../../../shared/project/changes';
import { loadChecks } from './checks';
import { planRename } from '../inspector/nodeEdit';
import { editFlow, errorText, flushSaves, setStoryFile, useStudio } from './studioStore';

export interface RenameReport {
  exits: number;
  groups: number;
  /** Jump and call nodes of other flows. */
  external: number;
  stories: number;
  /** Comment threads anchored to the node (reviews/<flowId>.yaml). */
  comments: number;
  /** Story files that could not be updated, with why. */
  failed: string[];
}

export async function renameNode(flowId: string, oldId: string, newId: string): Promise<RenameReport> {
  const flow = useStudio.getState().flows[flowId]?.flow;
  const report: RenameReport = { exits: 0, groups: 0, external: 0, stories: 0, comments: 0, failed: [] };
  if (!flow) return report;
  const plan = planRename(flow, flowId, oldId, newId);
  editFlow(flowId, plan.changes);
  Object.assign(report, { exits: plan.exits, groups: plan.groups });
  for (const [id, doc] of Object.entries(useStudio.getState().flows)) {
    if (id === flowId) continue;
    const changes: FlowChange[] = doc.flow.nodes.flatMap((n) =>
      (n.kind === 'jump' || n.kind === 'call') && n.flow === flowId && n.node === oldId
        ? [{ type: 'node.update' as const, id: n.id, node: { ...n, node: newId } }]
        : [],
    );
    if (!changes.length) continue;
    editFlow(id, changes);
    report.external += changes.length;
  }

  const { renameNodeInStory } = await loadChecks();
  const { api, project, stories } = useStudio.getState();
  // the comment threads on the node follow it (main writes the review file)
  if (api && project)
    try {
      report.comments = (await api.call('reviews.renameNode', { project: project.dir, flowId, from: oldId, to: newId })).threads;
    } catch (e) {
      report.failed.push(`reviews/${flowId}.yaml: ${errorText(e)}`);
    }
  const writes = Object.entries(stories.files).flatMap(([file, d]) => {
    const r = renameNodeInStory(d.text, flowId, oldId, newId);
    return r.count ? [{ file, base: d.revision, text: r.text }] : [];
  });
  if (!writes.length || !api || !project) return report;
  // Save now; a save already in flight finishes first (it reschedules), so wait for the flow to settle.
  for (let i = 0; i < 50; i++) {
    await flushSaves();
    const st = useStudio.getState().flows[flowId]?.save;
    if (st !== 'dirty' && st !== 'saving') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const saved = useStudio.getState().flows[flowId];
  if (saved?.save !== 'saved') {
    report.failed = writes.map((w) => `${w.file}: not updated, the flow was not saved (${saved?.error ?? saved?.save ?? 'gone'})`);
    return report;
  }
  for (const w of writes) {
    try {
      const { revision } = await api.call('file.write', { project: project.dir, path: w.file, text: w.text, baseRevision: w.base });
      setStoryFile(w.file, { text: w.text, revision });
      report.stories++;
    } catch (e) {
      report.failed.push(`${w.file}: ${errorText(e)}`);
    }
  }
  return report;
}
