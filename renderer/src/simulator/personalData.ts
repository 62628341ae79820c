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

/** What a test value keeps, for the kinds that keep something of the original. */
const KEEPS: Partial<Record<PiiKind, string>> = {
  card: 'a card number keeps its last four digits',
  iban: 'an IBAN its country and last four characters',
  uk_bank_account: 'an account number its last four digits',
};

const list = (items: readonly string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : (items[0] ?? ''));

/** What the save form says of the personal data typed as the customer (the turns the input stage redacted), if any. */
export function personalDataNotice(turns: readonly TurnView[]): string | undefined {
  const flagged = turns.filter((t) => t.stored !== undefined && (t.personalData?.length || t.projectData?.length));
  if (!flagged.length) return undefined;
  const kinds = [...new Set(flagged.flatMap((t) => t.personalData ?? []))];
  const project = flagged.flatMap((t) => t.projectData ?? []);
  const replaced = [...new Set(project.filter((p) => !p.typed).map((p) => p.rule))];
  const typed = [...new Set(project.filter((p) => p.typed).map((p) => p.rule))];
  const n = flagged.length;
  const what = [...kinds.map((k) => PERSONAL_DATA[k]), ...[...new Set(project.map((p) => p.rule))].map((id) => `what the rule ${id} redacts`)];
  let out = `${n} ${n === 1 ? 'message contains' : 'messages contain'} personal data (${list(what)})`;
  if (kinds.length || replaced.length) {
    const keeps = kinds.flatMap((k) => KEEPS[k] ?? []);
    out += `: ${n === 1 ? 'it is' : 'they are'} saved with test values of the same kind${keeps.length ? ` (${list(keeps)})` : ''}.`;
  } else out += '.';
  if (typed.length)
    out += ` What the ${typed.length > 1 ? 'rules' : 'rule'} ${list(typed)} ${typed.length > 1 ? 'match has' : 'matches has'} no test value and is saved as typed: edit the story before you commit it.`;
  return out;
}
