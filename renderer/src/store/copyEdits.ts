// Copy edits from the copy deck (an inline edit, a find and replace, a spreadsheet read back), applied as one step:
// the nodes of each flow through `editFlow` (so ids, stale translations, problems and autosave follow as for any
// edit), and parley.yaml and guardrails.yaml rewritten in place through `file.write`. The last batch can be undone
// as one step while nothing has changed it since: each flow back to what it was, each file back to its text.
import { copyChanges } from '../../../shared/copy/apply';
import { deckRows, type DeckModel } from '../../../shared/copy/deck';
import type { CopyEdit } from '../../../shared/copy/table';
import { MANIFEST_FILE } from '../../../shared/project/names';
import { GUARDRAILS_FILE } from '../../../shared/schema/guardrails';
import type { Flow } from '../../../shared/schema/project';
import type { Editing } from './editing';
import type { FlowHistories } from './history';
import { flowsOf, type StudioContext } from './studioState';

interface CopyEditDeps {
  editing: Editing;
  histories: FlowHistories;
  /** Undo of one flow's last step. */
  undo(flowId: string): void;
  markWrite(): number;
  reloadProject(mark: number): Promise<void>;
}

/** What a batch changed: each flow as the batch left it, each file's text before and after. */
interface Batch {
  label: string;
  flows: Map<string, Flow>;
  files: { path: string; before: string; after: string }[];
}

export function createCopyEdits(ctx: StudioContext, deps: CopyEditDeps) {
  const { get } = ctx;
  let last: Batch | undefined;

  function model(): DeckModel | undefined {
    const project = get().project;
    if (!project) return undefined;
    return { manifest: project.manifest, flows: flowsOf(get().flows), guardrails: project.guardrails };
  }

  /** Writes `edit(text)` into a project file, if it changes it; returns its text before and after. */
  async function rewrite(path: string, edit: (text: string) => string) {
    const { api, project } = get();
    if (!api || !project) throw new Error('no project is open');
    const { text: before, revision } = await api.call('file.read', { path });
    const after = edit(before);
    if (after === before) return undefined;
    const mark = deps.markWrite();
    await api.call('file.write', { project: project.dir, path, text: after, baseRevision: revision });
    await deps.reloadProject(mark);
    return { path, before, after };
  }

  return {
    /**
     * Applies copy edits as one step (`label` names it for the undo button). The files are written first: a file
     * main refuses (it would not load) stops the batch before any flow changes.
     */
    async applyCopyEdits(edits: readonly CopyEdit[], label: string): Promise<void> {
      const m = model();
      if (!m || edits.length === 0) return;
      if (get().reviewMode) throw new Error('review mode is read-only: leave it to edit');
      const changes = copyChanges(deckRows(m), m.flows, edits);
      const files: Batch['files'] = [];
      // the YAML library loads with the first copy edit, not with the studio
      const { withYamlEdits } = await import('../../../shared/copy/yamlEdits');
      const manifestWrite = await rewrite(MANIFEST_FILE, (t) => withYamlEdits(t, changes.manifest, MANIFEST_FILE));
      if (manifestWrite) files.push(manifestWrite);
      const guardrailsWrite = changes.guardrails.length
        ? await rewrite(GUARDRAILS_FILE, (t) => withYamlEdits(t, changes.guardrails, GUARDRAILS_FILE))
        : undefined;
      if (guardrailsWrite) files.push(guardrailsWrite);
      const flows = new Map<string, Flow>();
      for (const [flowId, nodes] of changes.nodes) {
        const doc = get().flows[flowId];
        if (!doc) continue;
        deps.histories.seal(flowId); // its own step, not merged with typing before it
        deps.editing.editFlow(
          flowId,
          [...nodes.values()].map((node) => ({ type: 'node.update' as const, id: node.id, node })),
        );
        const after = get().flows[flowId]?.flow;
        if (after && after !== doc.flow) flows.set(flowId, after);
        deps.histories.seal(flowId);
      }
      last = { label, flows, files };
    },

    /** The last batch's label, while it can still be undone as one step. */
    copyBatchLabel(): string | undefined {
      if (!last) return undefined;
      for (const [flowId, flow] of last.flows) if (get().flows[flowId]?.flow !== flow) return undefined;
      return last.label;
    },

    /** Undoes the last batch: its flows back (each one undo step), its files back to their text. */
    async undoCopyBatch(): Promise<boolean> {
      const batch = last;
      if (!batch) return false;
      for (const [flowId, flow] of batch.flows) if (get().flows[flowId]?.flow !== flow) return false;
      last = undefined;
      for (const flowId of batch.flows.keys()) deps.undo(flowId);
      for (const f of [...batch.files].reverse()) await rewrite(f.path, (now) => (now === f.after ? f.before : now));
      return true;
    },
  };
}
