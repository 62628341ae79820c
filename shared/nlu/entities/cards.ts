// Payment card numbers in a message: 13 to 19 digits, at most one space or dash between two digits, not inside a
// longer run of digits, passing the Luhn checksum. The input stage redacts them (runtime/pii.ts); entity
// extraction (index.ts) reads a card's last four digits as card_last4 and takes none of its digits for a number,
// an amount, a phone number or a project regex's match ("pay my card 4111 1111 1111 9034" pays no $4,111).

export interface CardSpan {
  start: number;
  end: number;
  /** The card's digits, without the spaces or dashes. */
  digits: string;
}

/** The Luhn checksum of a string of digits (payment card numbers pass it; most other numbers do not). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const CARD = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;

export function findCardNumbers(text: string): CardSpan[] {
  const out: CardSpan[] = [];
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, '');
    if (luhnValid(digits)) out.push({ start: m.index, end: m.index + m[0].length, digits });
  }
  return out;
}
