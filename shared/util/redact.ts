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
  // Every window of `width` characters of each secret, by width: 8 (REDACT_MIN_LENGTH), or the whole of a
  // shorter secret. A character is inside a common substring of length ≥ 8 exactly when it is inside a
  // matching 8-character window, so hiding the matching windows hides exactly those substrings.
  const windows = new Map<number, Set<string>>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_WHOLE_SECRET) continue;
    const width = Math.min(secret.length, REDACT_MIN_LENGTH);
    let set = windows.get(width);
    if (!set) windows.set(width, (set = new Set()));
    for (let end = width; end <= secret.length; end++) set.add(secret.slice(end - width, end));
  }
  return (text: string): string => {
    const hidden = new Uint8Array(text.length);
    for (const [width, set] of windows) {
      for (let end = width; end <= text.length; end++) if (set.has(text.slice(end - width, end))) hidden.fill(1, end - width, end);
    }
    let out = '';
    for (let i = 0; i < text.length;) {
      let j = i + 1;
      while (hidden[j] === hidden[i]) j++;
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
