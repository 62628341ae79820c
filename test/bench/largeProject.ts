// A large project for the command-line benchmarks: the sample (acme-bank, 7 flows) plus 50 flows made of its
// flows' nodes replicated under new ids, about 10,000 nodes in 57 flows, written to a temp folder (never
// committed). Run on its own to keep one: `node --import tsx test/bench/largeProject.ts [dir]`.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadFromFiles, readProjectFiles } from '../../main/services/projectStore';
import { exitsOf, setExit } from '../../shared/schema/exits';
import type { FlowNode } from '../../shared/schema/nodes';
import type { Flow } from '../../shared/schema/project';
import { serializeFlow } from '../../shared/project/serialize';
import { SAMPLE_DIR } from '../fixtures/tinyProject';

export interface LargeProject {
  dir: string;
  flows: number;
  nodes: number;
}

/** Writes the large project into `dir` (default: a new temp folder) and checks that it loads without errors. */
export async function makeLargeProject(dir = mkdtempSync(path.join(os.tmpdir(), 'parley-large-')), extraFlows = 50, nodesPerFlow = 192): Promise<LargeProject> {
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  const sample = loadFromFiles(await readProjectFiles(dir));
  if (!sample.project) throw new Error('the sample project does not load');
  const units = Object.values(sample.project.flows);
  for (let f = 1; f <= extraFlows; f++) {
    const nodes: FlowNode[] = [];
    const entries: string[] = [];
    for (let copy = 0; nodes.length < nodesPerFlow - 2; copy++) {
      const unit = units[(f + copy) % units.length]!;
      const rename = (id: string) => `${id}_${copy}`;
      for (const node of unit.nodes) {
        // Each copy's start becomes a message the router leads to, so every node stays reachable.
        let n: FlowNode =
          node.kind === 'start'
            ? { id: node.id, kind: 'message', position: node.position, say: { en: `Part ${copy}.` }, ...(node.next ? { next: node.next } : {}) }
            : structuredClone(node);
        for (const exit of exitsOf(n)) if (exit.target) n = setExit(n, exit.port, rename(exit.target));
        if (node.kind === 'start') entries.push(rename(node.id));
        nodes.push({ ...n, id: rename(n.id), position: { x: n.position?.x ?? 0, y: (n.position?.y ?? 0) + copy * 1200 } });
      }
    }
    const router: FlowNode = {
      id: 'route',
      kind: 'condition',
      position: { x: -320, y: 0 },
      branches: entries.map((e, i) => ({ id: `part_${i}`, when: `customer.tier == "part${i}"`, next: e })),
      else: entries[0]!,
    };
    const flow: Flow = { name: `Large ${f}`, nodes: [{ id: 'start', kind: 'start', position: { x: -640, y: 0 }, next: 'route' }, router, ...nodes] };
    writeFileSync(path.join(dir, 'flows', `large_${String(f).padStart(2, '0')}.yaml`), serializeFlow(flow));
  }
  const loaded = loadFromFiles(await readProjectFiles(dir));
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (!loaded.project || errors.length) throw new Error(`the large project does not load: ${errors[0]?.message ?? 'no project'}`);
  const flows = Object.values(loaded.project.flows);
  return { dir, flows: flows.length, nodes: flows.reduce((n, fl) => n + fl.nodes.length, 0) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const p = await makeLargeProject(process.argv[2]);
  console.log(`${p.dir}: ${p.flows} flows, ${p.nodes} nodes`);
}
