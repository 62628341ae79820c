import { Document, isMap, isPair, isScalar, visit } from 'yaml';
import { NODE_FIELD_ORDER, NODE_KINDS, type FlowNode, type NodeKind } from '../schema/nodes';
import type { Flow, NluFile, ProjectManifest } from '../schema/project';

/**
 * Canonical YAML for project files: a fixed key order per object type, positions on one line, no line
 * folding. The same model always gives the same bytes, so moving one node changes one line, and editing
 * one node changes one hunk.
 */

const ORDER: Record<string, readonly string[]> = {
  manifest: ['schema', 'name', 'description', 'defaultLocale', 'locales', 'startFlow', 'llm', 'environment', 'environments', 'nlu', 'globals', 'variables'],
  llm: ['provider', 'baseUrl', 'model', 'maxTokens', 'temperature', 'timeoutMs', 'apiKeyEnv'],
  nluSettings: ['accept', 'clarify', 'fallbackLimit'],
  global: ['id', 'intent', 'action', 'flow', 'say'],
  flow: ['name', 'description', 'nodes', 'groups', 'viewport'],
  group: ['id', 'label', 'color', 'nodes'],
  button: ['id', 'label', 'payload', 'next'],
  variant: ['id', 'weight', 'say', 'system', 'prompt', 'model', 'temperature'],
  route: ['intent', 'next'],
  branch: ['id', 'when', 'next'],
  assign: ['var', 'value', 'path'],
  extract: ['var', 'description', 'type'],
  validation: ['expr', 'message'],
  nluFile: ['intents', 'entities'],
  intent: ['id', 'description', 'examples'],
  entity: ['id', 'kind', 'values', 'pattern'],
  entityValue: ['value', 'synonyms'],
  position: ['x', 'y'],
  viewport: ['x', 'y', 'zoom'],
};

/** Child object types by key, for nested lists and maps that have a canonical order. */
const CHILD: Record<string, string> = {
  llm: 'llm',
  globals: 'global',
  groups: 'group',
  buttons: 'button',
  variants: 'variant',
  routes: 'route',
  branches: 'branch',
  assign: 'assign',
  extract: 'extract',
  validation: 'validation',
  intents: 'intent',
  entities: 'entity',
  values: 'entityValue',
  position: 'position',
  viewport: 'viewport',
};

type Json = unknown;

function ordered(obj: Record<string, Json>, order: readonly string[] | undefined, parentType: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  const keys = order
    ? [
        ...order.filter((k) => k in obj),
        ...Object.keys(obj)
          .filter((k) => !order.includes(k))
          .sort(),
      ]
    : Object.keys(obj);
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out[k] = canon(v, childType(parentType, k));
  }
  return out;
}

function childType(parentType: string, key: string): string {
  if (parentType === 'manifest' && key === 'nlu') return 'nluSettings';
  if (parentType === 'manifest' && key === 'variables') return '';
  return CHILD[key] ?? '';
}

function canon(v: Json, type: string): Json {
  if (Array.isArray(v)) return v.map((x) => canon(x, type));
  if (v && typeof v === 'object') {
    if (type === 'node') return canonNode(v as FlowNode);
    return ordered(v as Record<string, Json>, ORDER[type], type);
  }
  return v;
}

function canonNode(n: FlowNode): Record<string, Json> {
  const order = (NODE_KINDS as string[]).includes(n.kind) ? NODE_FIELD_ORDER[n.kind as NodeKind] : undefined;
  return ordered(n as unknown as Record<string, Json>, order, 'node');
}

function toYaml(value: Json): string {
  const doc = new Document(value);
  // Short maps of numbers on one line: a node move is a one-line change.
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && (pair.key.value === 'position' || pair.key.value === 'viewport') && isMap(pair.value)) {
        pair.value.flow = true;
      }
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

export function serializeFlow(flow: Flow): string {
  const obj = ordered(flow as unknown as Record<string, Json>, ORDER.flow, 'flow');
  if (Array.isArray(obj.nodes)) obj.nodes = (flow.nodes as FlowNode[]).map(canonNode);
  return toYaml(obj);
}

export function serializeManifest(m: ProjectManifest): string {
  return toYaml(ordered(m as unknown as Record<string, Json>, ORDER.manifest, 'manifest'));
}

export function serializeNlu(n: NluFile): string {
  return toYaml(ordered(n as unknown as Record<string, Json>, ORDER.nluFile, 'nluFile'));
}
