import { describe, expect, it } from 'vitest';
import { reviewedAtOf, splitFrontMatter } from './frontMatter';

const reviewed = (text: string) => reviewedAtOf(splitFrontMatter(text));

describe('reviewed_at in a knowledge document`s front matter', () => {
  it('is read from a document written by hand (no import record) as from an imported one, as a date or a date and time', () => {
    expect(reviewed('---\nreviewed_at: 2026-01-31\n---\n# Fees\n')).toEqual({ value: '2026-01-31' });
    expect(reviewed("---\nreviewed_at: '2026-01-31T09:00:00Z'\n---\n# Fees\n")).toEqual({ value: '2026-01-31T09:00:00Z' });
    const imported = '---\nimported_from: fees.pdf\nformat: pdf\nimported_at: 2025-01-01T00:00:00.000Z\nreviewed_at: 2026-01-31\n---\n# Fees\n';
    expect(splitFrontMatter(imported).problem).toBeUndefined();
    expect(reviewed(imported)).toEqual({ value: '2026-01-31' });
  });

  it('is nothing without it, and a problem naming the field when it is not a date', () => {
    expect(reviewed('# Fees\n')).toEqual({ value: null });
    expect(reviewed('---\ntitle: Fees\n---\n# Fees\n')).toEqual({ value: null });
    expect(reviewed('---\nreviewed_at: last spring\n---\n# Fees\n')).toEqual({
      value: null,
      problem: 'front matter: reviewed_at: must be a date (2026-01-31) or a date and time (2026-01-31T09:00:00Z)',
    });
  });
});
