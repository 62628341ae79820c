// zod schemas for the Rasa 3.x project files the importer reads (domain.yml, data/*.yml, tests/*.yml). Rasa itself
// is lenient (most keys are optional, a list item may be a string or a one-key map), and so are these: the top level
// of each file is strict (an unknown key there is an error naming the file and the key), deeper levels are loose
// and their unknown keys are listed in IMPORT.md.
import { z } from 'zod';

/** Rasa writes versions as strings ("3.1"); YAML may give a number (3.1). */
export const RasaVersion = z.union([z.string(), z.number()]).transform((v) => String(v));

const Text = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const RasaButton = z.looseObject({ title: Text, payload: Text.optional() });
export type RasaButton = z.infer<typeof RasaButton>;

export const RasaResponseVariation = z.looseObject({
  text: Text.optional(),
  buttons: z.array(RasaButton).optional(),
  image: z.string().optional(),
  custom: z.unknown().optional(),
  channel: z.string().optional(),
  condition: z.unknown().optional(),
});
export type RasaResponseVariation = z.infer<typeof RasaResponseVariation>;

export const RasaSlotMapping = z.looseObject({
  type: z.string(),
  entity: z.string().optional(),
  intent: z.union([z.string(), z.array(z.string())]).optional(),
  not_intent: z.union([z.string(), z.array(z.string())]).optional(),
  value: z.unknown().optional(),
  role: z.string().optional(),
  group: z.string().optional(),
  conditions: z.array(z.looseObject({ active_loop: z.string().nullable().optional(), requested_slot: z.string().nullable().optional() })).optional(),
});
export type RasaSlotMapping = z.infer<typeof RasaSlotMapping>;

export const RasaSlot = z.looseObject({
  type: z.string().optional(),
  influence_conversation: z.boolean().optional(),
  initial_value: z.unknown().optional(),
  values: z.array(Text).optional(),
  mappings: z.array(RasaSlotMapping).optional(),
  auto_fill: z.boolean().optional(),
  min_value: z.number().optional(),
  max_value: z.number().optional(),
});
export type RasaSlot = z.infer<typeof RasaSlot>;

/** A form: Rasa 3 lists `required_slots`; Rasa 2 maps each slot to its mappings. */
export const RasaForm = z.union([z.null(), z.record(z.string(), z.unknown())]);

/** A list item that is a name, or a one-key map from the name to its settings (`- open_incident: { use_entities: [] }`). */
const NamedItem = z.union([z.string(), z.record(z.string(), z.unknown())]);

export const RasaDomain = z.strictObject({
  version: RasaVersion.optional(),
  session_config: z.unknown().optional(),
  intents: z.array(NamedItem).optional(),
  entities: z.array(NamedItem).optional(),
  slots: z.record(z.string(), RasaSlot).nullable().optional(),
  responses: z.record(z.string(), z.array(RasaResponseVariation)).nullable().optional(),
  forms: z.record(z.string(), RasaForm).nullable().optional(),
  actions: z.array(NamedItem).nullable().optional(),
  e2e_actions: z.array(z.string()).optional(),
  config: z.unknown().optional(),
});
export type RasaDomain = z.infer<typeof RasaDomain>;

/** `examples: |` is one string of `- ` lines; a list of strings or `{ text }` items is also accepted. */
const Examples = z.union([z.string(), z.array(z.union([z.string(), z.looseObject({ text: z.string() })]))]);

export const RasaNluItem = z.union([
  z.looseObject({ intent: z.string(), examples: Examples.optional(), metadata: z.unknown().optional() }),
  z.looseObject({ synonym: Text, examples: Examples }),
  z.looseObject({ regex: z.string(), examples: Examples }),
  z.looseObject({ lookup: z.string(), examples: Examples }),
]);
export type RasaNluItem = z.infer<typeof RasaNluItem>;

/** A step of a story, rule or test story. */
export const RasaStep = z.looseObject({
  intent: z.string().optional(),
  user: z.string().optional(),
  entities: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).optional(),
  action: z.string().optional(),
  bot: z.string().optional(),
  active_loop: z.string().nullable().optional(),
  slot_was_set: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).optional(),
  or: z.array(z.record(z.string(), z.unknown())).optional(),
  checkpoint: z.string().optional(),
});
export type RasaStep = z.infer<typeof RasaStep>;

/** `...` in a rule's steps: "anything may come before". */
const Ellipsis = z.literal('...');

export const RasaStory = z.looseObject({
  story: z.string().optional(),
  rule: z.string().optional(),
  steps: z.array(z.union([RasaStep, Ellipsis])).default([]),
  condition: z.array(z.record(z.string(), z.unknown())).optional(),
  conversation_start: z.boolean().optional(),
  wait_for_user_input: z.boolean().optional(),
  metadata: z.unknown().optional(),
});
export type RasaStory = z.infer<typeof RasaStory>;

/** A step of a Rasa Pro end-to-end test case: `user`, `utter` (a response), `bot` (a text), `slot_was_set`. */
export const RasaTestCaseStep = z.looseObject({
  user: z.string().optional(),
  utter: z.string().optional(),
  bot: z.string().optional(),
  slot_was_set: z.union([z.array(z.union([z.string(), z.record(z.string(), z.unknown())])), z.record(z.string(), z.unknown())]).optional(),
});

export const RasaTestCase = z.looseObject({
  test_case: z.string(),
  steps: z.array(RasaTestCaseStep).default([]),
});
export type RasaTestCase = z.infer<typeof RasaTestCase>;

/** data/*.yml and tests/*.yml: any of these keys (Rasa splits training data as it likes). */
export const RasaData = z.strictObject({
  version: RasaVersion.optional(),
  nlu: z.array(RasaNluItem).nullable().optional(),
  stories: z.array(RasaStory).nullable().optional(),
  rules: z.array(RasaStory).nullable().optional(),
  responses: z.record(z.string(), z.array(RasaResponseVariation)).nullable().optional(),
  flows: z.record(z.string(), z.unknown()).nullable().optional(),
  test_cases: z.array(RasaTestCase).nullable().optional(),
  fixtures: z.unknown().optional(),
  metadata: z.unknown().optional(),
});
export type RasaData = z.infer<typeof RasaData>;

/** Rasa versions whose YAML training-data and domain format this importer reads: 2.x and 3.x share it. */
export const SUPPORTED_VERSION = /^[23](\.\d+)*$/;
