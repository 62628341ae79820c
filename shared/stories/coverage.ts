// Coverage: which nodes and exits of the project the stories went through, per flow and overall. The canvas
// marks what no story visits; `parley test` prints the figures.
import type { ProjectModel } from '../project/validate';
import { exitsOf } from '../schema/exits';

export interface FlowCoverage {
  flow: string;
  nodes: number;
  visitedNodes: number;
  exits: number;
  coveredExits: number;
  /** Node ids no story visits. */
  unvisited: string[];
  /** `node:port` exits no story takes (connected exits only). */
  uncovered: string[];
}

export interface Coverage {
  flows: FlowCoverage[];
  nodes: number;
  visitedNodes: number;
  exits: number;
  coveredExits: number;
}

/** `visited` holds `flow/node`; `exits` holds `flow/node:port`. */
export function coverage(model: ProjectModel, visited: Iterable<string>, exits: Iterable<string>): Coverage {
  const v = new Set(visited);
  const x = new Set(exits);
  const flows: FlowCoverage[] = [];
  for (const [flowId, flow] of Object.entries(model.flows)) {
    const unvisited: string[] = [];
    const uncovered: string[] = [];
    let exitCount = 0;
    for (const n of flow.nodes) {
      if (!v.has(`${flowId}/${n.id}`)) unvisited.push(n.id);
      for (const e of exitsOf(n)) {
        if (!e.target) continue;
        exitCount++;
        if (!x.has(`${flowId}/${n.id}:${e.port}`)) uncovered.push(`${n.id}:${e.port}`);
      }
    }
    flows.push({
      flow: flowId,
      nodes: flow.nodes.length,
      visitedNodes: flow.nodes.length - unvisited.length,
      exits: exitCount,
      coveredExits: exitCount - uncovered.length,
      unvisited,
      uncovered,
    });
  }
  const sum = (f: (c: FlowCoverage) => number) => flows.reduce((s, c) => s + f(c), 0);
  return { flows, nodes: sum((c) => c.nodes), visitedNodes: sum((c) => c.visitedNodes), exits: sum((c) => c.exits), coveredExits: sum((c) => c.coveredExits) };
}
