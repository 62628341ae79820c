import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DIR, TINY_FLOW } from '../../test/fixtures/tinyProject';
import { flowJsonSchema, type JsonSchema } from './jsonSchema';
import { NODE_KINDS } from './nodes';
import { Flow } from './project';

/**
 * A small draft-07 validator for the keywords the generated schema uses. It throws on any other keyword, so a
 * change in what zod emits cannot make these tests pass by being ignored.
 */
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'patternErrorMessage', 'default']);
function validate(schema: unknown, value: unknown, at = '$'): string[] {
  if (schema === true || (typeof schema === 'object' && schema !== null && Object.keys(schema).length === 0)) return [];
  if (schema === false) return [`${at}: not allowed`];
  const s = schema as JsonSchema;
  const errors: string[] = [];
  const fail = (m: string) => errors.push(`${at}: ${m}`);
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  for (const [key, rule] of Object.entries(s)) {
    switch (key) {
      case 'type': {
        const t = typeOf(value);
        const ok = rule === t || (rule === 'number' && t === 'integer');
        if (!ok) return [`${at}: expected ${String(rule)}, got ${t}`];
        break;
      }
      case 'const':
        if (value !== rule) fail(`expected ${JSON.stringify(rule)}`);
        break;
      case 'enum':
        if (!(rule as unknown[]).includes(value)) fail(`not one of ${JSON.stringify(rule)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(rule as string).test(value)) fail(`does not match ${String(rule)}`);
        break;
      case 'minLength':
        if (typeof value === 'string' && value.length < (rule as number)) fail('too short');
        break;
      case 'maxLength':
        if (typeof value === 'string' && value.length > (rule as number)) fail('too long');
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (rule as number)) fail('too small');
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (rule as number)) fail('too large');
        break;
      case 'exclusiveMinimum':
        if (typeof value === 'number' && value <= (rule as number)) fail('too small');
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < (rule as number)) fail('too few items');
        break;
      case 'maxItems':
        if (Array.isArray(value) && value.length > (rule as number)) fail('too many items');
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((v, i) => errors.push(...validate(rule, v, `${at}[${i}]`)));
        break;
      case 'required':
        if (typeOf(value) === 'object') for (const k of rule as string[]) if (!(k in (value as object))) fail(`missing ${k}`);
        break;
      case 'minProperties':
        if (typeOf(value) === 'object' && Object.keys(value as object).length < (rule as number)) fail('too few properties');
        break;
      case 'properties':
        if (typeOf(value) === 'object') {
          for (const [k, sub] of Object.entries(rule as JsonSchema)) {
            if (k in (value as object)) errors.push(...validate(sub, (value as Record<string, unknown>)[k], `${at}.${k}`));
          }
        }
        break;
      case 'additionalProperties':
        if (typeOf(value) === 'object') {
          const known = Object.keys((s.properties as JsonSchema | undefined) ?? {});
          for (const [k, v] of Object.entries(value as object)) if (!known.includes(k)) errors.push(...validate(rule, v, `${at}.${k}`));
        }
        break;
      case 'propertyNames':
        if (typeOf(value) === 'object') for (const k of Object.keys(value as object)) errors.push(...validate(rule, k, `${at}{${k}}`));
        break;
      case 'anyOf':
        if (!(rule as unknown[]).some((sub) => validate(sub, value, at).length === 0)) fail('matches none of anyOf');
        break;
      case 'oneOf': {
        const matches = (rule as unknown[]).filter((sub) => validate(sub, value, at).length === 0).length;
        if (matches !== 1) fail(`matches ${matches} of oneOf`);
        break;
      }
      default:
        if (!ANNOTATIONS.has(key)) throw new Error(`the test validator does not know the keyword "${key}" (at ${at})`);
    }
  }
  return errors;
}

const schema = flowJsonSchema();
const sampleFlows = readdirSync(path.join(SAMPLE_DIR, 'flows'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: f, value: parse(readFileSync(path.join(SAMPLE_DIR, 'flows', f), 'utf8')) as Record<string, unknown> }));
const flows = [...sampleFlows, { file: 'tiny main.yaml', value: parse(TINY_FLOW) as Record<string, unknown> }];

const nodeAlternatives = () => ((schema.properties as JsonSchema).nodes as JsonSchema & { items: { oneOf: JsonSchema[] } }).items.oneOf;

/** JSON Schema and zod agree on a value: both accept it, or both reject it. */
const agree = (value: unknown) => {
  const json = validate(schema, value).length === 0;
  const zod = Flow.safeParse(value).success;
  return { json, zod };
};

describe('flowJsonSchema', () => {
  it('is plain JSON (it is posted to the YAML worker)', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('has one alternative per node kind, each with a kind const, title and description', () => {
    const alts = nodeAlternatives();
    const kinds = alts.map((a) => ((a.properties as JsonSchema).kind as JsonSchema).const);
    expect(kinds).toEqual(NODE_KINDS);
    expect(kinds).toHaveLength(15);
    for (const alt of alts) {
      expect(alt.required).toEqual(expect.arrayContaining(['id', 'kind']));
      expect(alt.title).toMatch(/ node$/);
      expect(String(alt.description)).not.toBe('');
    }
  });

  it('accepts every sample flow, as zod does, and the samples use all 15 kinds', () => {
    expect(flows.length).toBeGreaterThan(1);
    const used = new Set<string>();
    for (const { file, value } of flows) {
      expect({ file, errors: validate(schema, value) }).toEqual({ file, errors: [] });
      expect(Flow.safeParse(value).success).toBe(true);
      for (const n of value.nodes as Array<{ kind: string }>) used.add(n.kind);
    }
    expect([...used].sort()).toEqual([...NODE_KINDS].sort());
  });

  it('rejects what the zod schema rejects', () => {
    const base = parse(TINY_FLOW) as { nodes: Array<Record<string, unknown>> };
    const withNode = (i: number, patch: Record<string, unknown>) => ({ ...base, nodes: base.nodes.map((n, j) => (j === i ? { ...n, ...patch } : n)) });
    const bad: unknown[] = [
      withNode(1, { kind: 'mesage' }),
      withNode(1, { say: undefined }),
      withNode(1, { say: {} }),
      withNode(1, { say: { en: '' } }),
      withNode(1, { say: { English: 'Hi' } }),
      withNode(1, { id: 'Welcome' }),
      withNode(1, { position: { x: 'left', y: 0 } }),
      withNode(2, { routes: [{ next: 'welcome' }] }),
      { ...base, nodes: 7 },
      { nodes: base.nodes },
    ].map((v) => JSON.parse(JSON.stringify(v)));
    for (const value of bad) expect(agree(value)).toEqual({ json: false, zod: false });
  });

  it('agrees with zod when any required field of any sample node is left out', () => {
    const alts = new Map(nodeAlternatives().map((a) => [((a.properties as JsonSchema).kind as JsonSchema).const, a]));
    let checked = 0;
    for (const { value } of flows) {
      const nodes = value.nodes as Array<Record<string, unknown>>;
      nodes.forEach((node, i) => {
        for (const key of (alts.get(node.kind)?.required as string[]) ?? []) {
          const { [key]: _dropped, ...rest } = node;
          const mutated = { ...value, nodes: nodes.map((n, j) => (j === i ? rest : n)) };
          expect(agree(mutated)).toEqual({ json: false, zod: false });
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('says what the validator says for an id that is not lower_snake_case', () => {
    const id = (nodeAlternatives()[0]?.properties as JsonSchema).id as JsonSchema;
    expect(id.patternErrorMessage).toMatch(/lower_snake_case/);
  });

  it('checks A/B variants as zod does, and describes them with an example', () => {
    const base = parse(TINY_FLOW) as { nodes: Array<Record<string, unknown>> };
    const withVariants = (variants: unknown) => ({ ...base, nodes: base.nodes.map((n, j) => (j === 1 ? { ...n, variants } : n)) });
    const good = withVariants([{ id: 'control' }, { id: 'short', weight: 2, say: { en: 'Hi!' } }]);
    expect(agree(good)).toEqual({ json: true, zod: true });
    const bad = [
      withVariants([{ id: 'control' }]),
      withVariants([{ id: 'control' }, { id: 'short', weight: 0 }]),
      withVariants([{ id: 'control' }, { id: 'Short' }]),
      withVariants([{ id: 'control' }, { id: 'short', say: {} }]),
      withVariants([{ weight: 1 }, { id: 'short' }]),
    ];
    for (const value of bad) expect(agree(value)).toEqual({ json: false, zod: false });
    const byKind = new Map(nodeAlternatives().map((a) => [((a.properties as JsonSchema).kind as JsonSchema).const, a.properties as JsonSchema]));
    const message = byKind.get('message')?.variants as JsonSchema & { items: { properties: Record<string, JsonSchema> } };
    expect(message.description).toMatch(/A\/B variants.*Example: `variants: \[\{ id: control \}/);
    expect(message.items.properties.weight).toMatchObject({ default: 1, description: expect.stringContaining('weight') });
    expect(message.items.properties.say?.description).toMatch(/flow\/node@variant/);
    const llm = byKind.get('llm')?.variants as JsonSchema & { items: { properties: Record<string, JsonSchema> } };
    expect(llm.items.properties.system?.description).toMatch(/instead of the node's/);
  });
});
