// parley.yaml's `copyLint`: which copy lint rules run and how loudly (shared/copy/lint.ts), the reading level
// and the channels (with their length limits) the bot's copy is written for, words the rules let through, and
// the project's own phrase rules.
import { z } from 'zod';
import { Id, Locale } from './common';
import { checkPattern } from '../util/regex';

export const COPY_LINT_RULES = ['defensive', 'jargon', 'passive', 'reading-level', 'length', 'inclusive', 'profanity', 'placeholder'] as const;
export type CopyLintRuleId = (typeof COPY_LINT_RULES)[number];

export const CHANNELS = ['chat', 'sms', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

const Level = z.enum(['off', 'warning', 'error']);

export const CopyLintSettings = z.strictObject({
  /** A rule's level (default: profanity and placeholder errors, the rest warnings); `off` turns it off. */
  rules: z.partialRecord(z.enum(COPY_LINT_RULES), Level).optional(),
  /** The hardest reading level allowed, as a US school grade (default 8). */
  maxGrade: z.number().min(1).max(20).optional(),
  /** The channels the bot speaks on (default chat): each line must fit the shortest one's limit. */
  channels: z.array(z.enum(CHANNELS)).min(1).optional(),
  /** Characters per line on each channel (defaults: chat 640, SMS 160, voice 250). */
  maxLength: z.partialRecord(z.enum(CHANNELS), z.number().int().min(10).max(100_000)).optional(),
  /** Words and phrases the jargon, inclusive-language and profanity rules let through (case-insensitive). */
  allow: z.array(z.string().min(1).max(100)).max(500).optional(),
  /**
   * The project's own rules: an RE2 regular expression (matched case-insensitively) with what to say and what to
   * write instead. A pattern that does not compile is reported, never run.
   */
  phrases: z
    .array(
      z.strictObject({
        id: Id,
        pattern: z.string().min(1).max(500),
        message: z.string().min(1).max(500),
        suggest: z.string().max(500).optional(),
        locales: z.array(Locale).min(1).optional(),
        level: z.enum(['warning', 'error']).optional(),
      }),
    )
    .max(200)
    .optional(),
});
export type CopyLintSettings = z.infer<typeof CopyLintSettings>;

/**
 * The project phrase rules whose pattern does not compile: the lint does not run them (copy/lint.ts), and the
 * project validator reports them here, so the Problems panel and `parley validate` say so.
 */
export function copyLintPatternChecks(settings: CopyLintSettings | undefined): { path: (string | number)[]; message: string }[] {
  return (settings?.phrases ?? []).flatMap((ph, i) => {
    const check = checkPattern(ph.pattern);
    return check.ok ? [] : [{ path: ['copyLint', 'phrases', i, 'pattern'], message: `phrase rule "${ph.id}" is not run: ${check.message}` }];
  });
}
