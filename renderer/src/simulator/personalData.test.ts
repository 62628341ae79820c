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
  it('says nothing when no message was redacted, or only by a project pattern', () => {
    expect(personalDataNotice([])).toBeUndefined();
    expect(personalDataNotice([turn(0), turn(1)])).toBeUndefined();
    expect(personalDataNotice([turn(0), turn(1, { stored: 'ref [redacted]' })])).toBeUndefined();
  });

  it('counts the messages and names each kind once', () => {
    expect(personalDataNotice([turn(0), turn(1, { stored: 'my card [card ••••1111]', personalData: ['card'] })])).toBe(
      '1 message contains personal data (a card number): it is saved with test values that keep the last four digits.',
    );
    expect(
      personalDataNotice([
        turn(0),
        turn(1, { stored: 'my card [card ••••1111]', personalData: ['card'] }),
        turn(2, { stored: '[card ••••1111], [email]', personalData: ['card', 'email'] }),
      ]),
    ).toBe('2 messages contain personal data (a card number, an email address): they are saved with test values that keep the last four digits.');
    expect(personalDataNotice([turn(1, { stored: 'at [email]', personalData: ['email'] })])).toBe(
      '1 message contains personal data (an email address): it is saved with test values of the same kind.',
    );
  });
});
