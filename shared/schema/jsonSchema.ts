import { z } from 'zod';
import { Id, Locale, VarPath } from './common';
import { NODE_KINDS, type NodeKind } from './nodes';
import { Flow } from './project';

/**
 * JSON Schema (draft-07) of a flow file, generated from the zod `Flow` schema: the source view hands it to the
 * YAML language service for markers, completion and hover. zod stays the one source of truth; this only adds
 * what JSON Schema can say and zod cannot carry through (descriptions, readable pattern messages).
 *
 * It checks the structure of one file. Cross-references (edges to missing nodes, unknown intents) and zod
 * refinements (copy in at least one locale) are not in it: `checkFlow` and `validateProject` report those.
 */
export type JsonSchema = { [key: string]: unknown };

/** The schema's URI for the YAML language service (shown by hover as its source); never fetched. */
export const FLOW_SCHEMA_URI = 'parley://schema/flow.json';

const KIND_DESCRIPTION: Record<NodeKind, string> = {
  start: 'Start: where the flow begins. `triggers` are intents that enter this flow from anywhere in the project.',
  message: 'Message: the bot says `say`, optionally offering `buttons`; `variants` makes its copy an A/B experiment.',
  ask: 'Ask: asks a question, checks the answer and stores it in `slot`; `failed` after `maxRetries`.',
  form: 'Form: asks for each of `fields` that is not filled yet, in any order, with corrections and digressions; `abandoned` when the customer leaves it.',
  listen: 'Listen: waits for the user and routes by intent (`routes`), or to `noMatch` / `lowConfidence`.',
  condition: 'Condition: takes the first branch whose `when` is true, otherwise `else`.',
  set: 'Set: assigns variables (`assign`).',
  llm: 'LLM: asks a language model to reply (`reply`) or to extract values into variables (`extract`); `variants` makes its prompt an A/B experiment.',
  knowledge: 'Knowledge: answers from the files under knowledge/; `notSure` when the answer is not grounded.',
  api: 'API: calls an HTTP endpoint and stores values from its JSON response; `error` and `timeout` exits.',
  guardrail: 'Guardrail: checks the input (profanity, PII, jailbreak, sensitive topics); `flagged` when it fails.',
  handoff: 'Handoff: passes the conversation to a human agent; `unavailable` when no agent is free.',
  jump: 'Jump: continues in another flow, without returning.',
  call: 'Call: runs another flow, then continues at `next`.',
  end: 'End: ends the conversation with an `outcome`.',
};

/** Descriptions of fields that recur across node kinds, shown on hover and in completion. */
const NODE_FIELD_DESCRIPTION: Record<string, string> = {
  id: 'Stable id of the node, lower_snake_case. Exits and stories refer to it.',
  title: 'Label shown on the canvas card.',
  notes: "Designer's notes; the bot never says them.",
  position: 'Where the card sits on the canvas.',
  next: 'The node this leads to: the id of a node in this flow.',
  say: 'What the bot says, per locale: one line, or a list of variants the bot picks from.',
};

/** The fields of an A/B variant (`variants[]` of message and llm nodes), and an example of each kind's list. */
const VARIANT_FIELD_DESCRIPTION: Record<string, string> = {
  say: "This variant's copy, per locale, instead of the node's `say` (copy id `flow/node@variant`). Left out: the node's (a control).",
  system: "This variant's system prompt instead of the node's. Left out: the node's.",
  prompt: "This variant's prompt instead of the node's. Left out: the node's.",
  model: "This variant's model instead of the node's. Left out: the node's.",
  temperature: "This variant's temperature instead of the node's. Left out: the node's.",
};
const VARIANTS_EXAMPLE: Partial<Record<NodeKind, string>> = {
  message: 'Example: `variants: [{ id: control }, { id: short, weight: 2, say: { en: "Hi! What can I do?" } }]`.',
  llm: 'Example: `variants: [{ id: control }, { id: warm, system: "Answer warmly, in two sentences." }]`.',
};

const FLOW_FIELD_DESCRIPTION: Record<string, string> = {
  name: 'Name of the flow, shown in the studio.',
  description: 'What the flow is for.',
  nodes: 'The nodes of the flow. Exits (`next`, ...) name other nodes of this flow by id.',
  groups: 'Named groups of nodes on the canvas.',
  viewport: 'Where the canvas was last scrolled and zoomed.',
};

const isObj = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(properties: unknown, descriptions: Record<string, string>): void {
  if (!isObj(properties)) return;
  for (const [key, prop] of Object.entries(properties)) {
    const description = descriptions[key];
    if (description && isObj(prop) && prop.description === undefined) prop.description = description;
  }
}

/** `pattern` → the message the zod schema gives for it, so the editor says what the validator says. */
function patternErrorMessages(): Map<string, string> {
  const out = new Map<string, string>();
  const samples: Array<[z.ZodString, string]> = [
    [Id, 'Not An Id'],
    [Locale, 'English'],
    [VarPath, '1x'],
  ];
  for (const [schema, bad] of samples) {
    const message = schema.safeParse(bad).error?.issues[0]?.message;
    const js = z.toJSONSchema(schema, { target: 'draft-7' }) as JsonSchema;
    if (typeof js.pattern === 'string' && message) out.set(js.pattern, message);
  }
  return out;
}

function walk(node: unknown, visit: (obj: JsonSchema) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  visit(node as JsonSchema);
  for (const v of Object.values(node)) walk(v, visit);
}

/** A/B variants of a message or llm node: their fields' descriptions, weight's default, an example. */
function describeVariants(alt: JsonSchema, kind: NodeKind): void {
  const variants = isObj(alt.properties) && isObj(alt.properties.variants) ? alt.properties.variants : undefined;
  if (!variants || !isObj(variants.items)) return;
  const props = variants.items.properties;
  describe(props, VARIANT_FIELD_DESCRIPTION);
  if (isObj(props) && isObj(props.weight)) props.weight.default = 1;
  const example = VARIANTS_EXAMPLE[kind];
  if (example && typeof variants.description === 'string') variants.description += ` ${example}`;
}

/** The JSON Schema of `flows/<flowId>.yaml`. Pure, and JSON-serialisable (it is posted to a web worker). */
export function flowJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(Flow, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const patterns = patternErrorMessages();

  const localePattern = (z.toJSONSchema(Locale, { target: 'draft-7' }) as JsonSchema).pattern;

  walk(schema, (obj) => {
    if (typeof obj.pattern === 'string' && patterns.has(obj.pattern) && obj.patternErrorMessage === undefined) {
      obj.patternErrorMessage = patterns.get(obj.pattern);
    }
    // Copy per locale (LocalizedText): zod refines it to at least one locale.
    if (obj.type === 'object' && isObj(obj.propertyNames) && obj.propertyNames.pattern === localePattern) obj.minProperties = 1;
  });
  describe(schema.properties, FLOW_FIELD_DESCRIPTION);

  // Each node kind: a title and a description for hover, and a description on its `kind` value.
  const items = (isObj(schema.properties) && isObj(schema.properties.nodes) && schema.properties.nodes.items) as JsonSchema | false;
  const alternatives = items && Array.isArray(items.oneOf) ? (items.oneOf as JsonSchema[]) : [];
  for (const alt of alternatives) {
    const kindProp = isObj(alt.properties) && isObj(alt.properties.kind) ? alt.properties.kind : undefined;
    const kind = kindProp?.const as NodeKind | undefined;
    if (!kind || !(NODE_KINDS as string[]).includes(kind)) continue;
    describe(alt.properties, NODE_FIELD_DESCRIPTION);
    describeVariants(alt, kind);
    alt.title = `${kind} node`;
    alt.description = KIND_DESCRIPTION[kind];
    if (kindProp) kindProp.description = KIND_DESCRIPTION[kind];
  }
  if (items) items.description = 'A node. `kind` says what it does: ' + NODE_KINDS.join(', ') + '.';

  schema.title = 'Parley flow';
  schema.description = 'One dialogue flow of a Parley project (flows/<flowId>.yaml). Its id is the file name.';
  return schema;
}
