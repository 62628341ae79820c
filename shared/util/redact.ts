/**
 * Redaction of secrets (API keys, tokens) from text that may be shown or saved: error messages, partial
 * replies, traces. A server may echo only part of a key (cut at a line break, quoted in the middle of a
 * message), so every run of the text that is a substring of a secret at least `REDACT_MIN_LENGTH` long is
 * replaced, not only the whole key.
 *
 * Why 8: eight characters of a random key carry ~48 bits, too many to be matched by chance in ordinary text,
 * and a fragment shorter than that tells an attacker little; a 7-gram threshold would start redacting ordinary
 * words that happen to occur inside a key. A secret shorter than 8 characters is redacted only whole, and one
 * shorter than 4 not at all (it would blank out common letters).
 */
export const REDACT_MIN_LENGTH = 8;
export const REDACTED = '[redacted]';
const MIN_WHOLE_SECRET = 4;

export interface Redactor {
  (text: string): string;
}

/**
 * Builds a redactor for these secrets. Cost: O(total secret length) to build, O(text length) per call (one
 * Set lookup per position of the text), instead of comparing the text with every substring of every secret.
 */
export function createRedactor(secrets: readonly (string | null | undefined)[]): Redactor {
  const grams = new Set<string>();
  const short: string[] = [];
  for (const secret of secrets) {
    if (!secret) continue;
    if (secret.length >= REDACT_MIN_LENGTH) {
      for (let i = 0; i + REDACT_MIN_LENGTH <= secret.length; i++) grams.add(secret.slice(i, i + REDACT_MIN_LENGTH));
    } else if (secret.length >= MIN_WHOLE_SECRET) {
      short.push(secret);
    }
  }
  return (text: string): string => {
    if (text.length < MIN_WHOLE_SECRET || (grams.size === 0 && short.length === 0)) return text;
    // hidden[i]: the character at i is inside a secret's fragment. A character is inside a common substring of
    // length ≥ 8 exactly when it is inside a matching 8-gram, so marking the matching windows is enough.
    const hidden = new Uint8Array(text.length);
    let any = false;
    for (let i = 0; grams.size > 0 && i + REDACT_MIN_LENGTH <= text.length; i++) {
      if (grams.has(text.slice(i, i + REDACT_MIN_LENGTH))) {
        hidden.fill(1, i, i + REDACT_MIN_LENGTH);
        any = true;
      }
    }
    for (const s of short) {
      for (let at = text.indexOf(s); at !== -1; at = text.indexOf(s, at + 1)) {
        hidden.fill(1, at, at + s.length);
        any = true;
      }
    }
    if (!any) return text;
    let out = '';
    for (let i = 0; i < text.length; ) {
      let j = i;
      while (j < text.length && hidden[j] === hidden[i]) j++;
      out += hidden[i] ? REDACTED : text.slice(i, j);
      i = j;
    }
    return out;
  };
}

/** One-off form of `createRedactor(secrets)(text)`. */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  return createRedactor(secrets)(text);
}
