// Flows of the project: create (or duplicate), rename, delete.
import { copyIdsInUse, withFlowCopyIds, withoutCopyIds } from '../../../shared/project/copyIds';
import { uniqueId } from '../../../shared/project/factory';
import type { Flow } from '../../../shared/schema/project';
import type { Drafts } from './drafts';
import type { Editing } from './editing';
import type { FlowHistories } from './history';
import type { Problems } from './problems';
import { flowsOf, type StudioContext } from './studioState';

interface FlowsDeps {
  drafts: Drafts;
  editing: Editing;
  histories: FlowHistories;
  problems: Problems;
  selectFlow(flowId: string): void;
}

export function createFlows({ get, set }: StudioContext, deps: FlowsDeps) {
  const { drafts, editing, histories, problems, selectFlow } = deps;
  return {
    async createFlow(name: string, from?: Flow): Promise<string | undefined> {
      const { api, project, flows, reviewMode } = get();
      if (!api || !project || reviewMode) return undefined;
      const flowId = uniqueId(name, new Set([...Object.keys(flows), ...project.broken.map((b) => b.file.replace(/^flows\/|\.yaml$/g, ''))]));
      // a duplicate's lines get new stable copy ids (copyIds.ts): the original keeps its own
      const flow: Flow = from
        ? withFlowCopyIds(flowId, { ...from, name, nodes: from.nodes.map(withoutCopyIds) }, copyIdsInUse(flowsOf(flows)))
        : { name, nodes: [{ id: 'start', kind: 'start', position: { x: 0, y: 0 } }] };
      const res = await api.call('flow.save', { project: project.dir, flowId, flow, baseRevision: null });
      const all = { ...get().flows, [flowId]: { flow, revision: res.revision, save: 'saved' as const } };
      set({ flows: all, problems: problems.recomputeProblems(all) });
      selectFlow(flowId);
      return flowId;
    },

    renameFlow(flowId: string, name: string): void {
      if (name.trim()) editing.editFlow(flowId, [{ type: 'flow.rename', name: name.trim() }]);
    },

    async deleteFlow(flowId: string): Promise<void> {
      const { api, project, flows, reviewMode } = get();
      const doc = flows[flowId];
      if (!api || !project || !doc?.revision || reviewMode) return;
      await api.call('flow.delete', { project: project.dir, flowId, baseRevision: doc.revision });
      const { [flowId]: _gone, ...rest } = get().flows;
      histories.delete(flowId);
      drafts.clearDraft(project.dir, flowId);
      const next = get().flowId === flowId ? (rest[project.manifest.startFlow] ? project.manifest.startFlow : Object.keys(rest)[0]) : get().flowId;
      set({ flows: rest, problems: problems.recomputeProblems(rest), flowId: next, trail: next ? [next] : [], selectedNodeId: undefined, selectedNodeIds: [] });
    },
  };
}
