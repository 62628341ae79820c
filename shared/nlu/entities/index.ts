// Entity extraction: the project's entities from nlu.yaml (lists with synonyms, regexes) and the built-ins
// (number, amount, date, email, phone, card_last4, yes_no), plus the value of an `ask` node's slot.
// Pure TypeScript; dates come from chrono-node against a reference time passed in (never the clock implicitly
// when one is given).

import type { ExtractedEntity } from '../../engine/ports';
import type { SlotType } from '../../schema/nodes';
import type { Entity } from '../../schema/project';
import { findDigitNumbers, findNumbers } from '../numbers';
import { findAmounts } from './amounts';
import { last4Candidates } from './cardLast4';
import { findEmails, findPhones } from './contacts';
import { findDatesAndTimes } from './dates';
import { fold } from './fold';
import { compiled, matchProjectEntity } from './projectEntities';
import { atStart, findYesNo } from './yesNo';

export const BUILTIN_ENTITIES = ['number', 'amount', 'date', 'email', 'phone', 'card_last4', 'yes_no'] as const;

export interface EntityContext {
  /** The project's entities (nlu.yaml). */
  entities?: readonly Entity[];
  /** Reference time for relative dates ("tomorrow"): a Date or epoch milliseconds. Default: now. */
  now?: Date | number;
  /** IANA zone or offset in minutes the reference time is read in (default: the host's zone). */
  timezone?: string | number;
  /** Locale of the text: picks number words, date parser and yes/no words (default en). */
  locale?: string;
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

/**
 * Every entity in the text: the project's (list values are matched case- and accent-insensitively on word
 * boundaries and give the canonical value; regexes give the match) and the built-ins. A number inside an email,
 * phone number, date, time or amount is not reported again as a number, nor is anything inside a project regex's
 * match; card_last4 needs a cue ("ending 4821") unless the text is just the four digits; yes_no is reported only
 * when the text opens with it ("yes, block it", not "I have no card"). Sorted by position.
 */
export function extractEntities(text: string, ctx: EntityContext = {}): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  if (ctx.entities?.length) {
    const folded = fold(text);
    for (const c of compiled(ctx.entities)) out.push(...matchProjectEntity(c, text, folded));
  }
  // what a project regex matched (a reference such as TXN-4821937705) is not also a phone number or a number
  const project = out.filter((e) => compiled(ctx.entities ?? []).some((c) => c.kind === 'regex' && c.id === e.entity));
  const free = <T extends { start: number; end: number }>(x: T) => !project.some((p) => overlaps(p, x));
  const emails = findEmails(text);
  const { dates, times } = findDatesAndTimes(text, ctx);
  const phones = findPhones(text, ctx.locale).filter(
    (p) => free(p) && !emails.some((e) => overlaps(e, p)) && !dates.some((d) => d.start <= p.start && p.end <= d.end),
  );
  const numbers = findNumbers(text, ctx.locale).filter((n) => free(n) && !emails.some((e) => overlaps(e, n)));
  const amounts = findAmounts(text, numbers);
  const claimed = [...emails, ...phones, ...dates, ...times, ...amounts];
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
  const yn = findYesNo(text);
  if (yn.length && atStart(text, yn[0]!.start) && yn[0]!.value !== null) out.push(yn[0]!);
  out.push(...emails, ...phones, ...dates, ...amounts);
  return out.sort((a, b) => a.start - b.start || a.end - b.end || (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0));
}

/**
 * The value of an `ask` node's slot from the user's answer, or `{ ok: false }` when the answer has none:
 * text: the trimmed text; number: the first number (digits or words); amount: the amount as a plain number
 * (with or without a currency); date: ISO `YYYY-MM-DD`; email, phone (digits, with + when given): strings;
 * card_last4: four digits ("ending 4821", "4821", "four eight two one"); yes_no: a boolean (contradicting answers
 * fail); entity: the canonical value of the project entity `entityId` (or of a built-in of that name).
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
    case 'card_last4': {
      const all = last4Candidates(text, ctx.locale);
      const cued = all.find((c) => c.cue);
      if (cued) return { ok: true, value: cued.value };
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
        const m = matchProjectEntity(compiled(ctx.entities)[at]!, text, fold(text))[0];
        return m ? { ok: true, value: m.value } : fail;
      }
      if ((BUILTIN_ENTITIES as readonly string[]).includes(id)) return extractSlotValue(id as SlotType, text, ctx);
      return fail;
    }
    default:
      return fail;
  }
}
