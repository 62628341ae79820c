// Rasa NLU training data to Parley's nlu.yaml: intents with their examples (annotations removed), entities as
// lists (the values annotated in examples, synonyms and lookup tables) or regexes (RE2; a pattern RE2 cannot
// compile is left out and reported). Entities Rasa extracts with a model or Duckling and that have no values in
// the data have no Parley entity: questions use a built-in type where one fits.
import { checkPattern } from '../../../shared/util/regex';
import type { Entity, Intent, NluFile } from '../../../shared/schema/project';
import type { RasaModel } from './model';
import type { Report } from './report';
import { exampleLines, stripAnnotations, toId } from './text';

/** Entity names that Parley's built-in answer types read better than a list (Duckling and spaCy names). */
export const BUILTIN_ENTITY_TYPES: Record<string, 'email' | 'number' | 'phone' | 'date' | 'amount'> = {
  email: 'email',
  number: 'number',
  phone: 'phone',
  phone_number: 'phone',
  time: 'date',
  date: 'date',
  amount: 'amount',
  'amount-of-money': 'amount',
  money: 'amount',
};

export interface NluResult {
  nlu: NluFile;
  /** Rasa intent name → Parley id. */
  intentIds: Map<string, string>;
  /** Rasa entity name → Parley entity id (only entities Parley can extract). */
  entityIds: Map<string, string>;
  /** Retrieval intents (`faq`) → their sub-intents' Rasa names (`faq/payment_methods`). */
  retrieval: Map<string, string[]>;
  /** Examples by Rasa intent name (plain text), for stories that give an intent without a message. */
  examples: Map<string, string[]>;
  /** The entities annotated in each intent's examples (Rasa names). */
  intentEntities: Map<string, Set<string>>;
}

export function convertNlu(m: RasaModel, locale: string, report: Report): NluResult {
  const intentIds = new Map<string, string>();
  const taken = new Set<string>();
  const examples = new Map<string, string[]>();
  const intentEntities = new Map<string, Set<string>>();
  const retrieval = new Map<string, string[]>();
  const values = new Map<string, Map<string, Set<string>>>(); // entity → value → synonyms
  const addValue = (entity: string, value: string, synonym?: string) => {
    const v = value.trim();
    if (!v || v.length > 200) return;
    const byValue = values.get(entity) ?? new Map<string, Set<string>>();
    values.set(entity, byValue);
    const syns = byValue.get(v) ?? new Set<string>();
    byValue.set(v, syns);
    if (synonym && synonym.trim() && synonym.trim().toLowerCase() !== v.toLowerCase() && synonym.length <= 200) syns.add(synonym.trim());
  };
  const synonyms: { value: string; examples: string[]; file: string }[] = [];
  const regexes: { name: string; patterns: string[]; file: string }[] = [];
  const lookups: { name: string; values: string[] }[] = [];

  const intentNames = [...m.intents];
  for (const { file, item: raw } of m.nlu) {
    const item = raw as { intent?: string; synonym?: string | number | boolean; regex?: string; lookup?: string; examples?: unknown };
    if (typeof item.intent === 'string') {
      const name = item.intent;
      if (!intentNames.includes(name)) intentNames.push(name);
      const list = examples.get(name) ?? [];
      for (const raw of exampleLines(item.examples)) {
        const { text, entities } = stripAnnotations(raw);
        if (text && text.length <= 1000 && !list.includes(text)) list.push(text);
        for (const a of entities) {
          addValue(a.entity, a.value, a.text);
          intentEntities.set(name, (intentEntities.get(name) ?? new Set()).add(a.entity));
        }
      }
      examples.set(name, list);
    } else if (item.synonym !== undefined) synonyms.push({ value: String(item.synonym), examples: exampleLines(item.examples), file });
    else if (typeof item.regex === 'string') regexes.push({ name: item.regex, patterns: exampleLines(item.examples), file });
    else if (typeof item.lookup === 'string') lookups.push({ name: item.lookup, values: exampleLines(item.examples) });
  }

  const intents: Intent[] = [];
  for (const name of intentNames) {
    if (name === 'nlu_fallback') continue; // Rasa's low-confidence signal: a listen node's noMatch in Parley
    const slash = name.indexOf('/');
    if (slash > 0) {
      const parent = name.slice(0, slash);
      retrieval.set(parent, [...(retrieval.get(parent) ?? []), name]);
    }
    const id = toId(name, taken);
    intentIds.set(name, id);
    intents.push({ id, examples: { [locale]: examples.get(name) ?? [] } });
    if (!(examples.get(name) ?? []).length && !retrieval.has(name))
      report.approximated(`Intent \`${name}\` has no training examples: it is kept, but the NLU cannot recognise it until examples are added.`);
  }
  // a retrieval intent (`faq`) whose sub-intents carry the examples is not an intent of its own in Parley
  for (const parent of retrieval.keys()) {
    const id = intentIds.get(parent);
    if (id && !(examples.get(parent) ?? []).length) {
      intentIds.delete(parent);
      const i = intents.findIndex((x) => x.id === id);
      if (i >= 0) intents.splice(i, 1);
    }
  }
  report.mapped(
    `${intents.length} intents with ${intents.reduce((n, i) => n + (i.examples[locale]?.length ?? 0), 0)} examples (entity annotations removed from the text).`,
  );
  if (retrieval.size)
    report.approximated(
      `Retrieval intents (${[...retrieval.keys()].map((r) => `\`${r}\``).join(', ')}) became one intent per sub-intent (\`faq/payment_methods\` → \`faq_payment_methods\`), each with its own response.`,
    );

  for (const s of synonyms) {
    const owner = [...values.entries()].find(([, vs]) => vs.has(s.value))?.[0];
    if (!owner) {
      report.approximated(`Synonym \`${s.value}\` (${s.file}) belongs to no entity value seen in the examples: left out.`);
      continue;
    }
    for (const ex of s.examples) addValue(owner, s.value, ex);
  }
  for (const l of lookups) for (const v of l.values) addValue(l.name, v);
  // an annotated value that is a synonym of another value (`[big](size)` with the synonym big → large) is that value
  for (const byValue of values.values()) {
    const syns = new Set([...byValue.values()].flatMap((s) => [...s].map((x) => x.toLowerCase())));
    for (const v of [...byValue.keys()]) if (syns.has(v.toLowerCase()) && !byValue.get(v)!.size) byValue.delete(v);
  }

  const entityIds = new Map<string, string>();
  const entityTaken = new Set<string>();
  const entities: Entity[] = [];
  const entityNames = [...new Set([...m.entities, ...values.keys(), ...regexes.map((r) => r.name)])];
  for (const name of entityNames) {
    const rx = regexes.find((r) => r.name === name);
    const good = rx?.patterns.filter((p) => p.length <= 1000 && checkPattern(p).ok) ?? [];
    if (rx && good.length < rx.patterns.length)
      report.person(
        `Regex \`${name}\` (${rx.file}): ${rx.patterns.length - good.length} pattern(s) that RE2 cannot compile (lookarounds, backreferences) were left out; rewrite them.`,
      );
    const vs = values.get(name);
    if (good.length) {
      const id = toId(name, entityTaken);
      entityIds.set(name, id);
      entities.push({ id, kind: 'regex', pattern: good.length === 1 ? good[0]! : good.map((p) => `(?:${p})`).join('|') });
      if (vs?.size) report.approximated(`Entity \`${name}\` has a regex and annotated values; Parley keeps the regex only.`);
    } else if (vs?.size && !(name in BUILTIN_ENTITY_TYPES)) {
      const id = toId(name, entityTaken);
      entityIds.set(name, id);
      entities.push({ id, kind: 'list', values: [...vs.entries()].map(([value, syns]) => ({ value, ...(syns.size ? { synonyms: [...syns] } : {}) })) });
    } else if (name in BUILTIN_ENTITY_TYPES) {
      report.mapped(`Entity \`${name}\`: read by Parley's built-in \`${BUILTIN_ENTITY_TYPES[name]}\` answer type.`);
    } else {
      report.person(
        `Entity \`${name}\` is extracted by a Rasa model and has no annotated values, lookup table or regex: Parley cannot extract it; questions for it take the whole answer as text.`,
      );
    }
  }
  const lists = entities.filter((e) => e.kind === 'list');
  if (lists.length)
    report.approximated(
      `${lists.length} entities (${lists.map((e) => `\`${e.id}\``).join(', ')}) became lists of the values annotated in the examples, synonyms and lookup tables: Parley matches those values, not new ones a Rasa model would generalise to.`,
    );
  return { nlu: { intents, ...(entities.length ? { entities } : {}) }, intentIds, entityIds, retrieval, examples, intentEntities };
}
