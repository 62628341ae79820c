// The story files checked against the flows as edited: YAML, schema, unknown nodes, intents and copy ids. Parsing a
// story depends on its text only, so it is kept per file and only the references are checked on each edit.
import type { Problem } from '../../../shared/project/problems';
import type { ProjectModel } from '../../../shared/project/validate';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { checkStory, parseStory, storyProblems, type StoryFile, type StoryIndex } from '../../../shared/stories/load';
import type { StoryFiles } from './storyFiles';

const kept = new Map<string, { text: string; result: ReturnType<typeof parseStory> }>();
function parseKept(src: StoryFile): ReturnType<typeof parseStory> {
  const k = kept.get(src.file);
  if (k && k.text === src.text) return k.result;
  const result = parseStory(src);
  kept.set(src.file, { text: src.text, result });
  return result;
}

/** Every problem of the story files against `model`: YAML, schema, unknown nodes, intents and copy ids. */
export function storyFileProblems(model: ProjectModel, s: StoryFiles): Problem[] {
  const files = Object.entries(s.files).map(([file, d]) => ({ file, text: d.text }));
  return [...s.unreadable, ...storyProblems(model, files, parseKept)];
}

interface FlowIndex {
  nodes: Map<string, FlowNode>;
  operations: string[];
}

/**
 * `storyFileProblems` for the editor, which checks the stories after every edit: the index of the project's nodes
 * (what a story refers to) is kept per flow object, so an edit indexes the edited flow only.
 */
export function createStoryChecker() {
  const indexOf = new WeakMap<Flow, FlowIndex>();
  let intents: { nlu: ProjectModel['nlu']; ids: ReadonlySet<string> } | undefined;
  const flowIndex = (flow: Flow): FlowIndex => {
    let x = indexOf.get(flow);
    if (!x) {
      x = {
        nodes: new Map(flow.nodes.map((n) => [n.id, n] as const)),
        // api nodes' operations, and handoff nodes' ticket calls'
        operations: flow.nodes.flatMap((n) => (n.kind === 'api' ? [n.operation] : n.kind === 'handoff' && n.ticket ? [n.ticket.operation] : [])),
      };
      indexOf.set(flow, x);
    }
    return x;
  };
  return (model: ProjectModel, s: StoryFiles): Problem[] => {
    const flows = new Map(Object.entries(model.flows).map(([id, f]) => [id, flowIndex(f)] as const));
    if (intents?.nlu !== model.nlu) intents = { nlu: model.nlu, ids: new Set(model.nlu.intents.map((i) => i.id)) };
    const index: StoryIndex = {
      // as `indexProject` keys them, `flow/node` (flow ids have no slash)
      node: (address) => {
        const at = address.indexOf('/');
        return at < 0 ? undefined : flows.get(address.slice(0, at))?.nodes.get(address.slice(at + 1));
      },
      intents: intents.ids,
      operations: new Set([...flows.values()].flatMap((f) => f.operations)),
      mocks: model.manifest.mocks,
    };
    const globals = (model.manifest.globals ?? []).map((g) => g.id);
    const checked = Object.entries(s.files).flatMap(([file, d]) => {
      const r = parseKept({ file, text: d.text });
      return r.parsed ? checkStory(r.parsed, index, globals).problems : r.problems;
    });
    return [...s.unreadable, ...checked];
  };
}
