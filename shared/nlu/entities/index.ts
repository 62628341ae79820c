// Entity extraction: the project's entities from nlu.yaml (lists with synonyms, regexes) and the built-ins
// (number, amount, date, date_range, email, phone, card_last4, yes_no, person), plus the value of an `ask` node's slot.
// Pure TypeScript; dates come from chrono-node against a reference time passed in (never the clock implicitly
// when one is given).

import type { ExtractedEntity } from '../../engine/ports';
import type { Question, SlotType } from '../../schema/nodes';
import type { Entity, Flow } from '../../schema/project';
import { findDigitNumbers, findNumbers } from '../numbers';
import { findAmounts } from './amounts';
import { findCardNumbers, type CardSpan } from './cards';
import { last4Candidates } from './cardLast4';
import { findEmails, findPhones } from './contacts';
import type { DatePurpose } from './calendar';
import { findDatesAndTimes } from './dates';
import { fold } from './fold';
import { loadNameTagger } from './nameTagger';
import { findPersons, personAnswer } from './persons';
import { compiled, matchProjectEntity } from './projectEntities';
import { atStart, findYesNo } from './yesNo';

export const BUILTIN_ENTITIES = ['number', 'amount', 'date', 'date_range', 'email', 'phone', 'card_last4', 'yes_no', 'person'] as const;

export interface EntityContext {
  /** The project's entities (nlu.yaml). */
  entities?: readonly Entity[];
  /** Reference time for relative dates ("tomorrow"): a Date or epoch milliseconds. Default: now. */
  now?: Date | number;
  /** IANA zone or offset in minutes the reference time is read in (default: the host's zone). */
  timezone?: string | number;
  /** Locale of the text: picks number words, date parser and yes/no words (default en). */
  locale?: string;
  /**
   * Which year a date said without one takes ("January 12", "March 3-10", "in January"): `past` the latest that
   * has begun by today (transactions), `future` the earliest that has not ended before today (appointments),
   * `nearest` (the default) the closest to today. Relative words ("tomorrow", "last Friday") and a year that
   * was said are never changed.
   */
  dates?: DatePurpose;
}

/**
 * Loads the tagger the built-in `person` entity needs (compromise: about 0.4 s of CPU, once per process). Until it
 * has resolved, extractEntities reports no person and extractSlotValue('person') throws. The turn runner awaits
 * it before the turns of a project that uses people's names (`usesPersonNames`).
 */
export function loadPersonNames(): Promise<void> {
  return loadNameTagger();
}

// in a node as JSON: entities.person, entities["person"] (its quotes escaped), entities['person']
const ENTITIES_PERSON = /\bentities\s*(?:\.\s*person\b|\[\s*\\?["']person\\?["']\s*\])/;
const personUse = new WeakMap<object, boolean>();

const asksPerson = (q: Question) => q.type === 'person' || (q.type === 'entity' && q.entity === 'person');

/**
 * Whether the flows ask for a person (a question, an ask node or a form's field, of type `person` or of type
 * `entity` with the built-in `person`) or read `entities.person` anywhere (a condition, a template).
 */
export function usesPersonNames(flows: Readonly<Record<string, Flow>>): boolean {
  const known = personUse.get(flows);
  if (known !== undefined) return known;
  const uses = Object.values(flows).some((f) =>
    f.nodes.some((n) => (n.kind === 'ask' && asksPerson(n)) || (n.kind === 'form' && n.fields.some(asksPerson)) || ENTITIES_PERSON.test(JSON.stringify(n))),
  );
  personUse.set(flows, uses);
  return uses;
}

export interface AmountValue {
  amount: number;
  /** ISO 4217 code. */
  currency: string;
}

export type SlotResult = { ok: true; value: unknown } | { ok: false };

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Whether `e` cuts into a card number ("9034," of "4111 1111 1100 9034,"): a match of the whole number is kept. */
function inCard(cards: readonly CardSpan[], e: { start: number; end: number }): boolean {
  return cards.some((c) => overlaps(c, e) && !(e.start <= c.start && c.end <= e.end));
}

/**
 * Every entity in the text: the project's (list values are matched case- and accent-insensitively on word
 * boundaries and give the canonical value; regexes give the match) and the built-ins. A number inside an email,
 * phone number, date, time or amount is not reported again as a number, nor is anything inside a project regex's
 * match; card_last4 needs a cue ("ending 4821") unless the text is just the four digits; yes_no is reported only
 * when the text opens with it ("yes, block it", not "I have no card"). A date range ("last week", "March 3-10") is
 * a date_range `{ start, end }`, not also one or two dates; a single date is a date. A person's name inside another
 * entity (a project entity, a date) is not a person. Sorted by position.
 */
export function extractEntities(text: string, ctx: EntityContext = {}): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  const cards = findCardNumbers(text);
  if (ctx.entities?.length) {
    const folded = fold(text);
    const found = compiled(ctx.entities).flatMap((c) => matchProjectEntity(c, text, folded));
    // a match inside a longer match of another entity is part of it (the digits of TXN-4821937705 are no amount),
    // and so is a match cutting into a card number (its first group is no amount either)
    const inside = (e: ExtractedEntity) => found.some((o) => o !== e && o.start <= e.start && e.end <= o.end && o.end - o.start > e.end - e.start);
    out.push(...found.filter((e) => !inside(e) && !inCard(cards, e)));
  }
  // what a project regex matched (a reference such as TXN-4821937705) is not also a phone number or a number
  const project = out.filter((e) => compiled(ctx.entities ?? []).some((c) => c.kind === 'regex' && c.id === e.entity));
  const free = <T extends { start: number; end: number }>(x: T) => !project.some((p) => overlaps(p, x)) && !cards.some((c) => overlaps(c, x));
  const emails = findEmails(text);
  const { dates, ranges, times } = findDatesAndTimes(text, ctx);
  const phones = findPhones(text, ctx.locale).filter(
    (p) => free(p) && !emails.some((e) => overlaps(e, p)) && ![...dates, ...ranges].some((d) => d.start <= p.start && p.end <= d.end),
  );
  const numbers = findNumbers(text, ctx.locale).filter((n) => free(n) && !emails.some((e) => overlaps(e, n)));
  const amounts = findAmounts(text, numbers);
  const claimed = [...emails, ...phones, ...dates, ...ranges, ...times, ...amounts];
  for (const n of numbers) {
    if (claimed.some((c) => overlaps(c, n))) continue;
    out.push({ entity: 'number', value: n.value, text: text.slice(n.start, n.end), start: n.start, end: n.end });
  }
  // with a cue ("ending 4821"), or when the whole text is the four digits (the answer "4821")
  const alone = /^[\s\p{P}]*\d{4}[\s\p{P}]*$/u.test(text);
  const last4 = last4Candidates(text, ctx.locale).filter(
    (c) => (c.cue || alone) && free(c) && !emails.some((e) => overlaps(e, c)) && !amounts.some((a) => overlaps(a, c)),
  );
  for (const c of last4) out.push({ entity: 'card_last4', value: c.value, text: text.slice(c.start, c.end), start: c.start, end: c.end });
  // a whole card number says which card: its last four digits
  for (const c of cards) out.push({ entity: 'card_last4', value: c.digits.slice(-4), text: text.slice(c.end - 4, c.end), start: c.end - 4, end: c.end });
  // people's names that are not another entity ("April" in "April 12"); a project entity matching there wins
  const taken = [...out, ...claimed];
  for (const p of findPersons(text, ctx.locale)) if (!taken.some((c) => overlaps(c, p))) out.push(p);
  const yn = findYesNo(text);
  if (yn.length && atStart(text, yn[0]!.start) && yn[0]!.value !== null) out.push(yn[0]!);
  out.push(...emails, ...phones, ...dates, ...ranges, ...amounts);
  return out.sort((a, b) => a.start - b.start || a.end - b.end || (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0));
}

/**
 * The value of an `ask` node's slot from the user's answer, or `{ ok: false }` when the answer has none:
 * text: the trimmed text; number: the first number (digits or words); amount: the amount as a plain number
 * (with or without a currency); date: ISO `YYYY-MM-DD`; date_range: `{ start, end }` ISO dates (a single day is a
 * range of that day); email, phone (digits, with + when given): strings;
 * card_last4: four digits ("ending 4821", "4821", "four eight two one"); yes_no: a boolean (contradicting answers
 * fail); person: a person's name as written (title-cased when typed in lower case), from the project's entity
 * `person` when it has one and it matches, else found in the answer or the whole answer when it can be a name; entity: the canonical value of the project entity `entityId` (or of a built-in of that name).
 */
export function extractSlotValue(type: SlotType, text: string, ctx: EntityContext & { entityId?: string } = {}): SlotResult {
  const fail: SlotResult = { ok: false };
  switch (type) {
    case 'text': {
      const t = text.trim();
      return t ? { ok: true, value: t } : fail;
    }
    case 'number': {
      const n = extractEntities(text, { ...ctx, entities: [] }).find((e) => e.entity === 'number' || e.entity === 'amount');
      if (!n) return fail;
      return { ok: true, value: n.entity === 'amount' ? (n.value as AmountValue).amount : n.value };
    }
    case 'amount': {
      const found = extractEntities(text, { ...ctx, entities: [] });
      const a = found.find((e) => e.entity === 'amount');
      if (a) return { ok: true, value: (a.value as AmountValue).amount };
      const n = found.find((e) => e.entity === 'number');
      return n ? { ok: true, value: n.value } : fail;
    }
    case 'date':
    case 'email':
    case 'phone': {
      const e = (type === 'date' ? findDatesAndTimes(text, ctx).dates : type === 'email' ? findEmails(text) : findPhones(text, ctx.locale))[0];
      return e ? { ok: true, value: e.value } : fail;
    }
    case 'date_range': {
      // the first range; a single day answers too, as a range of that day ("yesterday")
      const { ranges, dates } = findDatesAndTimes(text, ctx);
      const first = [...ranges, ...dates].sort((a, b) => a.start - b.start)[0];
      if (!first) return fail;
      return { ok: true, value: first.entity === 'date' ? { start: first.value, end: first.value } : first.value };
    }
    case 'person': {
      // a project entity named person (a list of names) wins where it matches
      const own = ctx.entities?.find((e) => e.id === 'person');
      const m = own && ctx.entities ? matchProjectEntity(compiled(ctx.entities)[ctx.entities.indexOf(own)]!, text, fold(text))[0] : undefined;
      if (m) return { ok: true, value: m.value };
      const name = personAnswer(text, ctx.locale);
      return name === undefined ? fail : { ok: true, value: name };
    }
    case 'card_last4': {
      const all = last4Candidates(text, ctx.locale);
      const cued = all.find((c) => c.cue);
      if (cued) return { ok: true, value: cued.value };
      // the whole card number: its last four digits
      const card = findCardNumbers(text)[0];
      if (card) return { ok: true, value: card.digits.slice(-4) };
      // no cue: the answer's only four-digit group, and no other numbers around it
      const others = findDigitNumbers(text, ctx.locale).length;
      if (all.length === 1 && others <= 1) return { ok: true, value: all[0]!.value };
      return fail;
    }
    case 'yes_no': {
      // every yes/no word must agree: "yes and no", "not sure" or "maybe" is no answer
      const values = new Set(findYesNo(text).map((e) => e.value));
      return values.size === 1 && !values.has(null) ? { ok: true, value: [...values][0] } : fail;
    }
    case 'entity': {
      const id = ctx.entityId;
      if (!id) return fail;
      const at = ctx.entities?.findIndex((e) => e.id === id) ?? -1;
      if (ctx.entities && at >= 0) {
        const cards = findCardNumbers(text);
        const m = matchProjectEntity(compiled(ctx.entities)[at]!, text, fold(text)).find((e) => !inCard(cards, e));
        return m ? { ok: true, value: m.value } : fail;
      }
      if ((BUILTIN_ENTITIES as readonly string[]).includes(id)) return extractSlotValue(id as SlotType, text, ctx);
      return fail;
    }
    default:
      return fail;
  }
}
