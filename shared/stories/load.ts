// Loading stories: YAML with line numbers, the zod schema, then references into the project (nodes, intents,
// copy ids, API operations), all reported as `file:line: field: message` before anything runs. One bad story
// is reported and left out; the others still run.
import { BUILTIN_KEYS } from '../schema/builtinCopy';
import { CLASSIFIER_AT } from '../guardrails/classifier';
import { DEFAULT_GUARDRAILS } from '../guardrails/rules';
import { ExpressionError, ExpressionLanguage } from '../engine/expressions';
import { compileTemplate } from '../engine/templates';
import { checkSchema, parseYaml, type ParsedYaml } from '../project/parse';
import type { Problem } from '../project/problems';
import type { ProjectModel } from '../project/validate';
import { copyIdOf, forEachCopy } from '../project/copy';
import { copyIdIndex, type CopyLocation } from '../project/copyIds';
import { COPY_ID_PATTERN } from '../schema/common';
import type { FlowNode } from '../schema/nodes';
import { variantsOfNode } from '../engine/variants';
import { mockOf } from '../runtime/fixtures';
import type { ApiMocks } from '../schema/nodes';
import { Story, type ApiFixture } from './schema';

export interface LoadedStory {
  /** Project-relative file, e.g. `stories/lost_card.yaml`. */
  file: string;
  story: Story;
  /** 1-based line of turn `i` (0-based), for reports. A function, so that checking a story (`parley validate`)
   * never pays for a parse with positions: that happens on the first call, when a story runs. */
  turnLine(i: number): number | undefined;
}

export interface StoryFile {
  file: string;
  text: string;
}

/** Copy fields of a node other than its main copy, as they appear in copy ids (`flow/node.<field>`). */
function copyFields(node: FlowNode): Set<string> {
  // every copy the node has but its main copy, by the field part of its copy id (`reprompt`, `fields.amount.prompt`)
  const out = new Set<string>();
  forEachCopy(node, (path) => {
    const id = copyIdOf('f', node, path);
    const field = id.slice(`f/${node.id}`.length);
    if (field.startsWith('.')) out.add(field.slice(1));
  });
  return out;
}

/** Whether the node says something under its plain copy id (`flow/node`). */
const hasMainCopy = (node: FlowNode) =>
  node.kind === 'message' ||
  node.kind === 'ask' ||
  node.kind === 'knowledge' ||
  node.kind === 'llm' ||
  ((node.kind === 'handoff' || node.kind === 'end') && node.say !== undefined);

export interface StoryIndex {
  node(address: string): FlowNode | undefined;
  intents: ReadonlySet<string>;
  operations: ReadonlySet<string>;
  /** parley.yaml's design-time mocks, which fixtures may name (`mock: success`); required, so no index forgets them. */
  mocks: ApiMocks | undefined;
  /** The readable alias (`flow/node.field`) of a line's stable copy id, if a line has it. */
  copyAlias?(id: string): string | undefined;
  /** The ids of guardrails.yaml's rules (the defaults' without it): a rule's message is the copy `guardrails/<id>`. */
  guardrailRules?: ReadonlySet<string>;
}

export function indexProject(model: ProjectModel): StoryIndex {
  const nodes = new Map<string, FlowNode>();
  const operations = new Set<string>();
  for (const [flowId, flow] of Object.entries(model.flows)) {
    for (const n of flow.nodes) {
      nodes.set(`${flowId}/${n.id}`, n);
      if (n.kind === 'api') operations.add(n.operation);
      else if (n.kind === 'handoff' && n.ticket) operations.add(n.ticket.operation);
    }
  }
  let aliases: Map<string, CopyLocation> | undefined;
  return {
    node: (a) => nodes.get(a),
    copyAlias: (id) => (aliases ??= copyIdIndex(model.flows)).get(id)?.alias,
    intents: new Set(model.nlu.intents.map((i) => i.id)),
    operations,
    guardrailRules: new Set((model.guardrails ?? DEFAULT_GUARDRAILS).rules.map((r) => r.id)),
    mocks: model.manifest.mocks,
  };
}

let syntax: ExpressionLanguage | undefined;
/** Syntax only: the locale of formatting does not matter here. */
const lang = () => (syntax ??= new ExpressionLanguage());

/** A story file that parsed and matches the schema; its references into the project are not checked yet. */
export interface ParsedStory {
  file: string;
  story: Story;
  lineOf: ParsedYaml['lineOf'];
}

/** The YAML and schema part of loading a story: it depends on the text only, so callers may keep the result. */
export function parseStory(src: StoryFile): { parsed?: ParsedStory; problems: Problem[] } {
  const parsed = parseYaml(src.file, src.text);
  if (parsed.problems.length) return { problems: parsed.problems };
  const checked = checkSchema(parsed, parsed.value, Story);
  if (!checked.ok) return { problems: checked.problems };
  return { parsed: { file: src.file, story: checked.data, lineOf: parsed.lineOf }, problems: [] };
}

export function loadStory(src: StoryFile, index: StoryIndex, globals: readonly string[] = []): { story?: LoadedStory; problems: Problem[] } {
  const r = parseStory(src);
  return r.parsed ? checkStory(r.parsed, index, globals) : { problems: r.problems };
}

/**
 * The problems of a project's story files: YAML, schema and every reference into the project (as `parley test`
 * loads them). `parse` may return a kept `parseStory` result (the studio re-checks on every edit).
 */
export function storyProblems(
  model: ProjectModel,
  files: readonly StoryFile[],
  parse: (src: StoryFile) => ReturnType<typeof parseStory> = parseStory,
): Problem[] {
  const index = indexProject(model);
  const globals = (model.manifest.globals ?? []).map((g) => g.id);
  return files.flatMap((f) => {
    const r = parse(f);
    return r.parsed ? checkStory(r.parsed, index, globals).problems : r.problems;
  });
}

/** Checks a parsed story's references into the project: nodes, intents, copy ids, API operations, templates. */
export function checkStory(parsed: ParsedStory, index: StoryIndex, globals: readonly string[] = []): { story?: LoadedStory; problems: Problem[] } {
  const src = parsed;
  const { story } = parsed;
  const problems: Problem[] = [];
  const report = (path: PropertyKey[], message: string) =>
    problems.push({
      severity: 'error',
      file: src.file,
      line: parsed.lineOf(path),
      field: path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, ''),
      message,
    });
  const node = (path: PropertyKey[], address: string) => {
    if (!index.node(address)) report(path, `unknown node "${address}"`);
  };
  const intent = (path: PropertyKey[], id: string) => {
    if (!index.intents.has(id)) report(path, `unknown intent "${id}"`);
  };

  for (const [op, f] of Object.entries(story.fixtures?.api ?? {})) {
    if (!index.operations.has(op)) report(['fixtures', 'api', op], `no api node has the operation "${op}"`);
    (Array.isArray(f) ? f : [f]).forEach((x, i) => {
      if (x.mock === undefined || mockOf(index.mocks, op, x.mock)) return;
      const names = Object.keys(index.mocks && Object.hasOwn(index.mocks, op) ? (index.mocks[op] ?? {}) : {});
      report(
        ['fixtures', 'api', op, ...(Array.isArray(f) ? [i] : []), 'mock'],
        `parley.yaml has no mock "${x.mock}" for ${op} (${names.length ? `it has ${names.join(', ')}` : `add it under mocks.${op}`})`,
      );
    });
  }
  (story.fixtures?.llm ?? []).forEach((f, i) => {
    // the guardrails' LLM classifier asks as guardrails/classifier, which is no node
    if (f.node && f.node !== `${CLASSIFIER_AT.flow}/${CLASSIFIER_AT.node}`) node(['fixtures', 'llm', i, 'node'], f.node);
  });
  const pins = story.setup?.variants ?? {};
  const aliases = new Map<object, string>();
  for (const [address, id] of Object.entries(pins)) {
    const n = index.node(address);
    const vs = variantsOfNode(n);
    const at = ['setup', 'variants', address];
    if (!n) report(at, `unknown node "${address}"`);
    else if (!vs) report(at, `the ${n.kind} node "${address}" has no variants to pin`);
    else if (!vs.some((v) => v.id === id)) report(at, `the node "${address}" has no variant "${id}" (it has ${vs.map((v) => v.id).join(', ')})`);
  }
  story.turns.forEach((t, i) => {
    if (t.button?.startsWith('intent:')) intent(['turns', i, 'button'], t.button.slice('intent:'.length));
    // a remember expression or a {{ }} placeholder that does not parse would silently remember or say nothing
    for (const [k, src] of Object.entries(t.remember ?? {})) {
      const c = lang().compile(src);
      if (c instanceof ExpressionError) report(['turns', i, 'remember', k], `not a valid expression: ${c.message}`);
    }
    const e = t.expect;
    if (!e) return;
    const at = (...p: PropertyKey[]) => ['turns', i, 'expect', ...p];
    const template = (path: PropertyKey[], text: string) => {
      if (!text.includes('{{')) return;
      const err = compileTemplate(lang(), text).errors[0];
      if (err) report(path, `not a valid template: ${err.message}`);
    };
    e.says?.forEach((c, j) => {
      if ('contains' in c) template(at('says', j, 'contains'), c.contains);
      if ('not_contains' in c) template(at('says', j, 'not_contains'), c.not_contains);
    });
    for (const [p, v] of Object.entries(e.vars ?? {})) if (typeof v === 'string') template(at('vars', p), v);
    if (e.intent) intent(at('intent'), e.intent);
    e.path?.forEach((a, j) => node(at('path', j), a));
    if (e.visits) node(at('visits'), e.visits);
    e.avoids?.forEach((a, j) => node(at('avoids', j), a));
    if (e.waits_at) node(at('waits_at'), e.waits_at);
    e.says?.forEach((c, j) => {
      if (!('copy' in c)) return;
      // a line's stable id: checked as its alias, the copy id engine outputs carry
      if (COPY_ID_PATTERN.test(c.copy)) {
        const alias = index.copyAlias?.(c.copy);
        if (alias === undefined) report(at('says', j, 'copy'), `unknown copy id "${c.copy}": no line of copy in the project has it`);
        else aliases.set(c, alias);
        return;
      }
      const [at0, ...rest] = c.copy.split('.');
      const field = rest.join('.');
      // `flow/node@variant`: the copy of one A/B variant of a message
      const [address, variant] = (at0 ?? '').split('@');
      if (address?.startsWith('guardrails/')) {
        const rule = address.slice('guardrails/'.length);
        if (index.guardrailRules && !index.guardrailRules.has(rule))
          report(
            at('says', j, 'copy'),
            `unknown guardrail rule in copy id "${c.copy}" (guardrails.yaml has ${[...index.guardrailRules].join(', ') || 'none'})`,
          );
        return;
      }
      if (address?.startsWith('builtin/')) {
        const key = address.slice('builtin/'.length);
        if (!(BUILTIN_KEYS as readonly string[]).includes(key))
          report(at('says', j, 'copy'), `unknown built-in line in copy id "${c.copy}" (the lines are ${BUILTIN_KEYS.join(', ')})`);
        return;
      }
      if (address?.startsWith('globals/')) {
        if (!globals.includes(address.slice('globals/'.length))) report(at('says', j, 'copy'), `unknown global handler in copy id "${c.copy}"`);
        return;
      }
      const n = index.node(address ?? '');
      if (!n) report(at('says', j, 'copy'), `unknown copy id "${c.copy}": no node "${address}"`);
      else if (variant !== undefined) {
        // a message's variant has its own copy id when it has its own `say`; an llm node's reply is the node's
        // copy, and `flow/node@variant` is that reply when the conversation had the variant
        const vs = n.kind === 'message' ? (n.variants ?? []).filter((v) => v.say) : n.kind === 'llm' ? (n.variants ?? []) : [];
        const pinned = pins[address ?? ''];
        if (!vs.some((v) => v.id === variant))
          report(
            at('says', j, 'copy'),
            `unknown copy id "${c.copy}": the node has no variant "${variant}"${n.kind === 'llm' ? '' : ' with its own copy'} (it has ${
              vs.map((v) => v.id).join(', ') || 'none'
            })`,
          );
        else if (pinned !== undefined && pinned !== variant)
          report(at('says', j, 'copy'), `copy id "${c.copy}" is never said: the story pins "${address}" to "${pinned}" (setup.variants)`);
      } else if (field ? !copyFields(n).has(field) : !hasMainCopy(n))
        report(at('says', j, 'copy'), `unknown copy id "${c.copy}": the ${n.kind} node has no such copy`);
    });
  });
  if (problems.length) return { problems };
  return { story: { file: src.file, story: withMocks(withAliases(story, aliases), index.mocks), turnLine: (i) => parsed.lineOf(['turns', i]) }, problems };
}

/** The story with each copy check by stable id (`c_…`) naming the line by its alias instead (`aliases`, by check). */
function withAliases(story: Story, aliases: ReadonlyMap<object, string>): Story {
  if (!aliases.size) return story;
  const turns = story.turns.map((t) => {
    const says = t.expect?.says;
    if (!says?.some((c) => aliases.has(c))) return t;
    return { ...t, expect: { ...t.expect, says: says.map((c) => (aliases.has(c) ? { copy: aliases.get(c)! } : c)) } };
  });
  return { ...story, turns };
}

/** The story with each fixture that names a mock replaced by the mock itself (checked to exist), so it runs anywhere. */
function withMocks(story: Story, mocks: ApiMocks | undefined): Story {
  const api = story.fixtures?.api;
  if (!api || !Object.values(api).some((f) => (Array.isArray(f) ? f : [f]).some((x) => x.mock !== undefined))) return story;
  const resolve = (op: string, x: ApiFixture): ApiFixture => (x.mock === undefined ? x : (mockOf(mocks, op, x.mock) ?? x));
  const resolved = Object.fromEntries(Object.entries(api).map(([op, f]) => [op, Array.isArray(f) ? f.map((x) => resolve(op, x)) : resolve(op, f)]));
  return { ...story, fixtures: { ...story.fixtures, api: resolved } };
}
