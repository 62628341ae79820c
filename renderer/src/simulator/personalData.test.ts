import { describe, expect, it } from 'vitest';
import type { TurnView } from '../../../shared/api/contract';
import { personalDataNotice } from './personalData';

const turn = (index: number, extra: Partial<TurnView> = {}): TurnView => ({
  index,
  input: { type: 'text', text: 'typed' },
  outputs: [],
  trace: [],
  path: [],
  state: { locale: 'en', wait: null, stack: [], vars: {}, fallbacks: 0 },
  ...extra,
});

describe('the save form`s notice of personal data', () => {
  it('says nothing when no message was redacted, or by a rule that is not the project`s pattern or personal data (profanity)', () => {
    expect(personalDataNotice([])).toBeUndefined();
    expect(personalDataNotice([turn(0), turn(1)])).toBeUndefined();
    expect(personalDataNotice([turn(0), turn(1, { stored: 'you [redacted]' })])).toBeUndefined();
  });

  it('counts the messages, names each kind once, and says what a test value keeps only of the kinds that keep something', () => {
    expect(personalDataNotice([turn(0), turn(1, { stored: 'my card [card ••••1111]', personalData: ['card'] })])).toBe(
      '1 message contains personal data (a card number): it is saved with test values of the same kind (a card number keeps its last four digits).',
    );
    expect(
      personalDataNotice([
        turn(0),
        turn(1, { stored: 'my card [card ••••1111]', personalData: ['card'] }),
        turn(2, { stored: '[card ••••1111], [email]', personalData: ['card', 'email'] }),
      ]),
    ).toBe(
      '2 messages contain personal data (a card number and an email address): they are saved with test values of the same kind (a card number keeps its last four digits).',
    );
    expect(personalDataNotice([turn(1, { stored: 'at [email]', personalData: ['email'] })])).toBe(
      '1 message contains personal data (an email address): it is saved with test values of the same kind.',
    );
  });

  it('names the project`s own redact rules, and says which matches are saved as typed', () => {
    expect(personalDataNotice([turn(1, { stored: 'ref [redacted]', projectData: [{ rule: 'customer_ref', typed: false }] })])).toBe(
      '1 message contains personal data (what the rule customer_ref redacts): it is saved with test values of the same kind.',
    );
    expect(
      personalDataNotice([
        turn(1, { stored: '[email] about [redacted]', personalData: ['email'], projectData: [{ rule: 'codename', typed: true }] }),
        turn(2, { stored: '[redacted]', projectData: [{ rule: 'codename', typed: true }] }),
      ]),
    ).toBe(
      '2 messages contain personal data (an email address and what the rule codename redacts): they are saved with test values of the same kind. ' +
        'What the rule codename matches has no test value and is saved as typed: edit the story before you commit it.',
    );
    expect(
      personalDataNotice([
        turn(1, {
          stored: '[redacted]',
          projectData: [
            { rule: 'a', typed: true },
            { rule: 'b', typed: true },
          ],
        }),
      ]),
    ).toBe(
      '1 message contains personal data (what the rule a redacts and what the rule b redacts). What the rules a and b match has no test value and is saved as typed: edit the story before you commit it.',
    );
  });
});
