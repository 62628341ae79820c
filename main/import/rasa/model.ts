// The Rasa project merged from its files: one domain (Rasa merges domain files), the NLU items, stories, rules
// and test stories, each remembered with its file for messages and the report.
import type { RasaProject } from './read';
import type { Report } from './report';
import type { RasaNluItem, RasaResponseVariation, RasaSlot, RasaSlotMapping, RasaStory } from './schema';

export interface RasaForm {
  name: string;
  requiredSlots: string[];
  /** Rasa 2 kept slot mappings in the form; Rasa 3 in the slot. */
  mappings: Record<string, RasaSlotMapping[]>;
  ignoredIntents: string[];
}

export interface Located<T> {
  file: string;
  item: T;
}

export interface RasaModel {
  intents: string[];
  entities: string[];
  slots: Record<string, RasaSlot>;
  responses: Record<string, RasaResponseVariation[]>;
  forms: Record<string, RasaForm>;
  actions: string[];
  nlu: Located<RasaNluItem>[];
  stories: Located<RasaStory>[];
  rules: Located<RasaStory>[];
  tests: Located<RasaStory>[];
  /** Rasa Pro CALM flows by name. */
  calmFlows: Record<string, Record<string, unknown>>;
  versions: Set<string>;
}

const itemName = (x: string | Record<string, unknown>): string => (typeof x === 'string' ? x : (Object.keys(x)[0] ?? ''));

const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

function readForm(name: string, raw: Record<string, unknown> | null): RasaForm {
  const form: RasaForm = { name, requiredSlots: [], mappings: {}, ignoredIntents: strList(raw?.ignored_intents) };
  if (!raw) return form;
  const req = raw.required_slots;
  if (Array.isArray(req)) form.requiredSlots = strList(req);
  else if (req && typeof req === 'object') {
    for (const [slot, m] of Object.entries(req as Record<string, unknown>)) {
      form.requiredSlots.push(slot);
      if (Array.isArray(m)) form.mappings[slot] = m as RasaSlotMapping[];
    }
  } else {
    // Rasa 2.0: the form's keys are its slots, each with its mappings
    for (const [slot, m] of Object.entries(raw)) {
      if (slot === 'ignored_intents') continue;
      form.requiredSlots.push(slot);
      if (Array.isArray(m)) form.mappings[slot] = m as RasaSlotMapping[];
    }
  }
  return form;
}

// the keys Rasa 3 knows below the top level; any other is kept out of the import and listed in IMPORT.md
const KNOWN = {
  slot: ['type', 'influence_conversation', 'initial_value', 'values', 'mappings', 'auto_fill', 'min_value', 'max_value'],
  variation: ['text', 'buttons', 'image', 'custom', 'channel', 'condition', 'metadata', 'id'],
  story: ['story', 'rule', 'steps', 'condition', 'conversation_start', 'wait_for_user_input', 'metadata'],
  step: ['intent', 'user', 'entities', 'action', 'bot', 'active_loop', 'slot_was_set', 'or', 'checkpoint', 'metadata'],
};

function unknownKeys(o: unknown, known: string[], where: string, report: Report): void {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return;
  for (const k of Object.keys(o)) if (!known.includes(k)) report.approximated(`${where}: unknown key \`${k}\` is not imported.`);
}

export function buildModel(p: RasaProject, report: Report): RasaModel {
  const m: RasaModel = {
    intents: [],
    entities: [],
    slots: {},
    responses: {},
    forms: {},
    actions: [],
    nlu: [],
    stories: [],
    rules: [],
    tests: [],
    calmFlows: {},
    versions: new Set(),
  };
  const addUnique = (list: string[], x: string) => {
    if (x && !list.includes(x)) list.push(x);
  };
  for (const { file, data } of p.domains) {
    if (data.version) m.versions.add(data.version);
    for (const i of data.intents ?? []) addUnique(m.intents, itemName(i));
    for (const e of data.entities ?? []) addUnique(m.entities, itemName(e));
    Object.assign(m.slots, data.slots ?? {});
    Object.assign(m.responses, data.responses ?? {});
    for (const [name, slot] of Object.entries(data.slots ?? {})) unknownKeys(slot, KNOWN.slot, `${file}: slots.${name}`, report);
    for (const [name, vs] of Object.entries(data.responses ?? {})) vs.forEach((v) => unknownKeys(v, KNOWN.variation, `${file}: responses.${name}`, report));
    for (const [name, raw] of Object.entries(data.forms ?? {})) m.forms[name] = readForm(name, raw as Record<string, unknown> | null);
    for (const a of data.actions ?? []) addUnique(m.actions, itemName(a));
  }
  for (const { file, data } of [...p.data, ...p.tests]) {
    for (const [kind, list] of [
      ['stories', data.stories],
      ['rules', data.rules],
    ] as const) {
      for (const story of list ?? []) {
        const where = `${file}: ${kind} "${story.story ?? story.rule ?? ''}"`;
        unknownKeys(story, KNOWN.story, where, report);
        for (const step of story.steps) unknownKeys(step, KNOWN.step, where, report);
      }
    }
  }
  for (const { file, data } of p.data) {
    if (data.version) m.versions.add(data.version);
    for (const item of data.nlu ?? []) m.nlu.push({ file, item });
    for (const item of data.stories ?? []) m.stories.push({ file, item });
    for (const item of data.rules ?? []) m.rules.push({ file, item });
    Object.assign(m.responses, data.responses ?? {});
    for (const [name, f] of Object.entries(data.flows ?? {})) if (f && typeof f === 'object') m.calmFlows[name] = f as Record<string, unknown>;
  }
  for (const { file, data } of p.tests) {
    for (const item of data.stories ?? []) m.tests.push({ file, item });
    // Rasa Pro end-to-end test cases read as test stories: `utter: x` is the bot's `action: x`
    for (const tc of data.test_cases ?? []) {
      const steps = tc.steps.map(({ utter, slot_was_set, ...rest }) => ({
        ...rest,
        ...(utter !== undefined ? { action: utter } : {}),
        ...(slot_was_set !== undefined ? { slot_was_set: Array.isArray(slot_was_set) ? slot_was_set : [slot_was_set] } : {}),
      }));
      m.tests.push({ file, item: { story: tc.test_case, steps } });
    }
  }
  return m;
}
