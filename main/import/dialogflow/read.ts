// Reads an exported Dialogflow CX agent (JSON package) from its files: every JSON file is parsed and checked
// with ./schema; every problem (broken JSON, an unknown top-level key, a wrong type, a Dialogflow ES export) is
// collected with its file and key, and the import stops before anything is written.
import type { z } from 'zod';
import { type AgentSource, DialogflowImportError } from './source';
import * as S from './schema';

export interface Located<T> {
  file: string;
  data: T;
}

export interface CxFlow extends Located<S.Flow> {
  pages: Located<S.Page>[];
  groups: Located<S.RouteGroup>[];
}

export interface CxIntent extends Located<S.Intent> {
  /** Training phrases (parts joined) by language code. */
  phrases: Map<string, string[]>;
}

export interface CxEntityType extends Located<S.EntityType> {
  entities: Map<string, S.Entities['entities']>;
  excluded: number;
}

export interface CxAgent {
  origin: string;
  agent: S.Agent;
  flows: CxFlow[];
  /** Route groups kept at the agent level (transitionRouteGroups/). */
  groups: Located<S.RouteGroup>[];
  intents: CxIntent[];
  entityTypes: CxEntityType[];
  webhooks: Located<S.Webhook>[];
  testCases: Located<S.TestCase>[];
  /** Folders of the export this importer does not read (generators, playbooks, ...), with their file counts. */
  unread: Map<string, number>;
}

function lineOf(text: string, pos: number): number {
  return text.slice(0, pos).split('\n').length;
}

function parseJson(file: string, buf: Buffer, problems: string[]): unknown {
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    problems.push(`${file}${pos ? `:${lineOf(text, Number(pos[1]))}` : ''}: invalid JSON: ${msg.replace(/\s*\(line \d+ column \d+\)/, '')}`);
    return undefined;
  }
}

function check<T extends z.ZodType>(schema: T, file: string, value: unknown, problems: string[]): z.infer<T> | undefined {
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const issue of r.error.issues.slice(0, 20)) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys)
        problems.push(`${file}: ${[...issue.path, k].join('.')}: unknown key "${k}" (not part of the Dialogflow CX export format this importer reads)`);
    } else problems.push(`${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return undefined;
}

const NOT_READ = new Set(['generators', 'playbooks', 'tools', 'generativeSettings', 'examples', 'environments', 'versions', 'changelogs', 'securitySettings']);

export function readAgent(src: AgentSource): CxAgent {
  const problems: string[] = [];
  const json = (file: string) => parseJson(file, src.files.get(file)!, problems);
  const rawAgent = json('agent.json');
  if (rawAgent && typeof rawAgent === 'object' && 'language' in rawAgent && !('defaultLanguageCode' in rawAgent))
    throw new DialogflowImportError([
      'agent.json: language: a Dialogflow ES agent export, which this importer does not read (it reads Dialogflow CX agents exported as a JSON package)',
    ]);
  const agent = check(S.Agent, 'agent.json', rawAgent, problems);
  const out: CxAgent = {
    origin: src.origin,
    agent: agent!,
    flows: [],
    groups: [],
    intents: [],
    entityTypes: [],
    webhooks: [],
    testCases: [],
    unread: new Map(),
  };
  const flows = new Map<string, CxFlow>();
  const intents = new Map<string, CxIntent>();
  const types = new Map<string, CxEntityType>();
  const later: (() => void)[] = [];
  const names = [...src.files.keys()].sort();
  for (const file of names) {
    if (file === 'agent.json') continue;
    const p = file.split('/');
    const isJson = file.endsWith('.json');
    const lang = p[p.length - 1]!.replace(/\.json$/, '');
    if (p[0] === 'flows' && p.length === 3 && isJson) {
      const data = check(S.Flow, file, json(file), problems);
      if (data) flows.set(p[1]!, { file, data, pages: [], groups: [] });
    } else if (p[0] === 'flows' && p.length === 4 && p[2] === 'pages' && isJson) {
      const data = check(S.Page, file, json(file), problems);
      if (data) later.push(() => flows.get(p[1]!)?.pages.push({ file, data }));
    } else if (p[0] === 'flows' && p.length === 4 && p[2] === 'transitionRouteGroups' && isJson) {
      const data = check(S.RouteGroup, file, json(file), problems);
      if (data) later.push(() => flows.get(p[1]!)?.groups.push({ file, data }));
    } else if (p[0] === 'transitionRouteGroups' && p.length === 2 && isJson) {
      const data = check(S.RouteGroup, file, json(file), problems);
      if (data) out.groups.push({ file, data });
    } else if (p[0] === 'intents' && p.length === 3 && isJson) {
      const data = check(S.Intent, file, json(file), problems);
      if (data) intents.set(p[1]!, { file, data, phrases: new Map() });
    } else if (p[0] === 'intents' && p.length === 4 && p[2] === 'trainingPhrases' && isJson) {
      const data = check(S.TrainingPhrases, file, json(file), problems);
      if (data)
        later.push(() =>
          intents.get(p[1]!)?.phrases.set(
            lang,
            data.trainingPhrases.map((t) =>
              t.parts
                .map((x) => x.text)
                .join('')
                .replace(/\s+/g, ' ')
                .trim(),
            ),
          ),
        );
    } else if (p[0] === 'entityTypes' && p.length === 3 && isJson) {
      const data = check(S.EntityType, file, json(file), problems);
      if (data) types.set(p[1]!, { file, data, entities: new Map(), excluded: 0 });
    } else if (p[0] === 'entityTypes' && p.length === 4 && p[2] === 'entities' && isJson) {
      const data = check(S.Entities, file, json(file), problems);
      if (data) later.push(() => types.get(p[1]!)?.entities.set(lang, data.entities));
    } else if (p[0] === 'entityTypes' && p.length === 4 && p[2] === 'excludedPhrases' && isJson) {
      const data = check(S.ExcludedPhrases, file, json(file), problems);
      if (data)
        later.push(() => {
          const t = types.get(p[1]!);
          if (t) t.excluded += data.excludedPhrases.length;
        });
    } else if (p[0] === 'webhooks' && p.length === 2 && isJson) {
      const data = check(S.Webhook, file, json(file), problems);
      if (data) out.webhooks.push({ file, data });
    } else if (p[0] === 'testCases' && p.length === 2 && isJson) {
      const data = check(S.TestCase, file, json(file), problems);
      if (data) out.testCases.push({ file, data });
    } else {
      const key = NOT_READ.has(p[0]!) || p.length === 1 ? p[0]! : p.slice(0, p[0] === 'flows' ? 3 : 1).join('/');
      out.unread.set(key, (out.unread.get(key) ?? 0) + 1);
    }
  }
  if (problems.length) throw new DialogflowImportError(problems);
  for (const f of later) f();
  out.flows = [...flows.values()];
  out.intents = [...intents.values()];
  out.entityTypes = [...types.values()];
  if (!out.flows.length) throw new DialogflowImportError([`${src.origin}: the agent has no flows (flows/<flow>/<flow>.json)`]);
  return out;
}
