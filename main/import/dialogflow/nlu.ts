// Dialogflow CX intents and entity types to Parley's nlu.yaml. Training phrases become examples (their parts
// joined: the parameter annotations are dropped, their text kept), per language. KIND_MAP entity types become
// list entities with their synonyms, KIND_LIST ones lists of values, KIND_REGEXP ones a regex entity (RE2; a
// pattern RE2 cannot compile is left out and reported). System entities (`@sys.date`, ...) are Parley's
// built-in answer types where one fits.
import type { Entity, Intent, NluFile } from '../../../shared/schema/project';
import type { SlotType } from '../../../shared/schema/nodes';
import { checkPattern } from '../../../shared/util/regex';
import type { Report } from '../common/report';
import { toId } from '../common/text';
import type { CxAgent } from './read';

/** CX system entities that a Parley built-in answer type reads. */
export const SYSTEM_TYPES: Record<string, SlotType> = {
  'sys.date': 'date',
  'sys.date-time': 'date',
  'sys.number': 'number',
  'sys.number-integer': 'number',
  'sys.cardinal': 'number',
  'sys.ordinal': 'number',
  'sys.percentage': 'number',
  'sys.email': 'email',
  'sys.phone-number': 'phone',
  'sys.unit-currency': 'amount',
  'sys.date-period': 'date_range',
  'sys.person': 'person',
  'sys.any': 'text',
};

/** CX system entities Parley has no type for, read as text and checked with a pattern (RE2, in a `matches` expression). */
export const SYSTEM_PATTERNS: Record<string, string> = {
  'sys.time': '(?i)^\\s*(\\d{1,2}([:.]\\d{2})?\\s*(am|pm|a\\.m\\.|p\\.m\\.)?|noon|midnight)\\s*$',
  'sys.zip-code': '^\\s*[0-9]{5}(-[0-9]{4})?\\s*$',
  'sys.number-sequence': '^[0-9 -]+$',
};

export interface CxNlu {
  nlu: NluFile;
  /** CX intent display name → Parley intent id. */
  intentIds: Map<string, string>;
  /** CX entity type display name → Parley entity id. */
  entityIds: Map<string, string>;
  /** Training phrases of the default language by intent id (for test cases). */
  examples: Map<string, string[]>;
  /** The parameters an intent fills when it matches, by intent id: the parameter and the NLU entity it reads. */
  fills: Map<string, { param: string; entity: string }[]>;
}

export function convertNlu(cx: CxAgent, locales: Map<string, string>, report: Report): CxNlu {
  const intentIds = new Map<string, string>();
  const taken = new Set<string>();
  const intents: Intent[] = [];
  const examples = new Map<string, string[]>();
  let phrases = 0;
  for (const { data, phrases: byLang } of cx.intents) {
    if (data.isFallback) {
      report.approximated(
        `Intent \`${data.displayName}\` is a negative intent (its phrases tell the model what is no intent): not imported; Parley's no-match threshold does this.`,
      );
      continue;
    }
    const id = toId(data.displayName, taken, 'intent');
    intentIds.set(data.displayName, id);
    const ex: Record<string, string[]> = {};
    for (const [lang, list] of byLang) {
      const locale = locales.get(lang.toLowerCase());
      if (!locale) continue;
      const uniq = [...new Set(list.filter((t) => t && t.length <= 1000))];
      ex[locale] = [...(ex[locale] ?? []), ...uniq.filter((u) => !(ex[locale] ?? []).includes(u))];
      phrases += uniq.length;
    }
    const def = [...locales.values()][0]!;
    if (!Object.keys(ex).length) {
      ex[def] = [];
      report.approximated(`Intent \`${data.displayName}\` has no training phrases: kept, but the NLU cannot recognise it until examples are added.`);
    }
    examples.set(id, ex[def] ?? []);
    intents.push({ id, ...(data.description ? { description: data.description.slice(0, 1000) } : {}), examples: ex });
  }
  report.mapped(`${intents.length} intents with ${phrases} training phrases (parts joined; parameter annotations dropped, their text kept).`);

  const entityIds = new Map<string, string>();
  const entityTaken = new Set<string>();
  const entities: Entity[] = [];
  for (const t of cx.entityTypes) {
    const name = t.data.displayName;
    if (name.startsWith('sys.')) {
      report.approximated(`Entity type \`${name}\` (a system entity's settings) is not imported: Parley's built-in types read what they read.`);
      continue;
    }
    const all = [...t.entities.values()].flat();
    if (t.entities.size > 1)
      report.approximated(`Entity type \`${name}\`: the values of its ${t.entities.size} languages were merged (a Parley entity is not per locale).`);
    if (t.excluded) report.approximated(`Entity type \`${name}\`: ${t.excluded} excluded phrases are not imported.`);
    if (t.data.enableFuzzyExtraction) report.approximated(`Entity type \`${name}\`: fuzzy extraction is not imported (Parley matches values and synonyms).`);
    if (t.data.autoExpansionMode && t.data.autoExpansionMode !== 'AUTO_EXPANSION_MODE_UNSPECIFIED')
      report.approximated(`Entity type \`${name}\`: automatic expansion is not imported (Parley matches the listed values only).`);
    if (t.data.kind === 'KIND_REGEXP') {
      const patterns = [...new Set(all.map((e) => e.value))];
      const good = patterns.filter((p) => p.length <= 1000 && checkPattern(p).ok);
      if (good.length < patterns.length)
        report.person(
          `Entity type \`${name}\`: ${patterns.length - good.length} pattern(s) that RE2 cannot compile (lookarounds, backreferences) were left out; rewrite them.`,
        );
      if (!good.length) continue;
      const pattern = good.length === 1 ? good[0]! : good.map((p) => `(?:${p})`).join('|');
      if (pattern.length > 1000) {
        report.person(`Entity type \`${name}\`: its patterns together are over 1000 characters; not imported.`);
        continue;
      }
      const id = toId(name, entityTaken, 'entity');
      entityIds.set(name, id);
      entities.push({ id, kind: 'regex', pattern });
      continue;
    }
    const values = new Map<string, Set<string>>();
    for (const e of all) {
      const v = e.value.trim();
      if (!v || v.length > 200) continue;
      const syns = values.get(v) ?? new Set<string>();
      values.set(v, syns);
      if (t.data.kind === 'KIND_MAP')
        for (const s of e.synonyms ?? []) if (s.trim() && s.trim().toLowerCase() !== v.toLowerCase() && s.length <= 200) syns.add(s.trim());
    }
    if (!values.size) {
      report.person(`Entity type \`${name}\` has no values: not imported.`);
      continue;
    }
    const id = toId(name, entityTaken, 'entity');
    entityIds.set(name, id);
    entities.push({ id, kind: 'list', values: [...values].map(([value, syns]) => ({ value, ...(syns.size ? { synonyms: [...syns] } : {}) })) });
  }
  if (entities.length)
    report.mapped(
      `${entities.length} entity types became entities: ${entities.filter((e) => e.kind === 'list').length} lists (KIND_MAP values with their synonyms, KIND_LIST values), ${entities.filter((e) => e.kind === 'regex').length} regexes (KIND_REGEXP).`,
    );
  const fills = new Map<string, { param: string; entity: string }[]>();
  for (const { data } of cx.intents) {
    const id = intentIds.get(data.displayName);
    if (!id) continue;
    const list = (data.parameters ?? []).flatMap((p) => {
      const name = (p.entityType ?? '').replace(/^@/, '');
      const entity = entityIds.get(name) ?? (SYSTEM_TYPES[name] && SYSTEM_TYPES[name] !== 'text' ? SYSTEM_TYPES[name] : undefined);
      return entity ? [{ param: p.id, entity }] : [];
    });
    if (list.length) fills.set(id, list);
  }
  if (fills.size)
    report.mapped(
      `Intent parameters: a route for an intent that has them first sets each parameter from the entity the message holds (${fills.size} intents), as CX fills them when the intent matches.`,
    );
  return { nlu: { intents, ...(entities.length ? { entities } : {}) }, intentIds, entityIds, examples, fills };
}

/** The Parley answer type (and entity) of a CX entity type reference such as `@sys.date` or `@destination`. */
export function slotTypeOf(ref: string | undefined, nlu: CxNlu): { type: SlotType; entity?: string; approximate?: boolean; pattern?: string } {
  const name = (ref ?? '').replace(/^@/, '');
  if (SYSTEM_TYPES[name]) return { type: SYSTEM_TYPES[name] };
  if (SYSTEM_PATTERNS[name]) return { type: 'text', pattern: SYSTEM_PATTERNS[name] };
  const entity = nlu.entityIds.get(name);
  if (entity) return { type: 'entity', entity };
  return { type: 'text', approximate: true };
}
