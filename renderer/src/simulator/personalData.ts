// What the simulator's "Save as story" form says before saving, when the designer typed personal data as the
// customer: the turns the input stage redacted (TurnView.stored) and the kinds of data in them. Main saves them as
// test values of the same kind (shared/stories/testValues.ts) unless the designer asks for them as typed.
import type { TurnView } from '../../../shared/api/contract';
import type { PiiKind } from '../../../shared/runtime/pii';

const PERSONAL_DATA: Record<PiiKind, string> = {
  card: 'a card number',
  email: 'an email address',
  phone: 'a phone number',
  iban: 'an IBAN',
  uk_bank_account: 'a sort code or account number',
  uk_nino: 'a National Insurance number',
  secret: 'a PIN or password',
};

/** What the save form says of the personal data typed as the customer (the turns the input stage redacted), if any. */
export function personalDataNotice(turns: readonly TurnView[]): string | undefined {
  const flagged = turns.filter((t) => t.stored !== undefined && t.personalData?.length);
  if (!flagged.length) return undefined;
  const kinds = [...new Set(flagged.flatMap((t) => t.personalData ?? []))];
  const n = flagged.length;
  const keeps = kinds.some((k) => k === 'card' || k === 'iban' || k === 'uk_bank_account') ? ' that keep the last four digits' : ' of the same kind';
  return `${n} ${n === 1 ? 'message contains' : 'messages contain'} personal data (${kinds.map((k) => PERSONAL_DATA[k]).join(', ')}): ${n === 1 ? 'it is' : 'they are'} saved with test values${keeps}.`;
}
