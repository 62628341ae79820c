import { describe, expect, it } from 'vitest';
import { createRedactor, REDACT_MIN_LENGTH, REDACTED, redactSecrets } from './redact';

const KEY = 'sk-ant-api03-Zq8vN2xLr5TkWc1HjPm7YsBd4GfUe9Ao3KiXt6RwVn0QyMlEb-hJ2cD5sF8gA1kP7uZx4vT9wR3nL6mB0qY2eC-AAAA';

describe('redactSecrets', () => {
  it('hides the whole key, wherever it is', () => {
    expect(redactSecrets(`bad key ${KEY}!`, [KEY])).toBe(`bad key ${REDACTED}!`);
    expect(redactSecrets(`${KEY}${KEY}`, [KEY])).toBe(REDACTED);
  });

  it('hides the middle 8 and 20 characters of the key', () => {
    const mid8 = KEY.slice(40, 48);
    const mid20 = KEY.slice(30, 50);
    expect(redactSecrets(`echo: ${mid8}.`, [KEY])).toBe(`echo: ${REDACTED}.`);
    expect(redactSecrets(`echo: "${mid20}"`, [KEY])).toBe(`echo: "${REDACTED}"`);
    expect(redactSecrets(`a=${mid8} b=${mid20}`, [KEY])).toBe(`a=${REDACTED} b=${REDACTED}`);
  });

  it('hides a key split around a line break, both halves', () => {
    const echoed = `invalid key: ${KEY.slice(0, 50)}\n${KEY.slice(50)} (rejected)`;
    expect(redactSecrets(echoed, [KEY])).toBe(`invalid key: ${REDACTED}\n${REDACTED} (rejected)`);
  });

  it('keeps a fragment of 7 characters: too short to identify a key, and ordinary words would be hit', () => {
    expect(REDACT_MIN_LENGTH).toBe(8);
    const seven = KEY.slice(40, 47);
    expect(redactSecrets(`echo: ${seven}.`, [KEY])).toBe(`echo: ${seven}.`);
    // one more character of the key is enough
    expect(redactSecrets(`echo: ${KEY.slice(40, 48)}.`, [KEY])).toBe(`echo: ${REDACTED}.`);
    // and a 7-char run next to an unrelated character stays
    expect(redactSecrets(`${KEY.slice(10, 17)}#`, [KEY])).toBe(`${KEY.slice(10, 17)}#`);
  });

  it('hides the first and the last 8 characters of the key, at either end of the text', () => {
    expect(redactSecrets(`${KEY.slice(0, 8)} and ${KEY.slice(-8)}`, [KEY])).toBe(`${REDACTED} and ${REDACTED}`);
    expect(redactSecrets(`.${KEY.slice(-8)}.`, [KEY])).toBe(`.${REDACTED}.`);
  });

  it('takes several secrets, and skips empty ones', () => {
    const token = 'test-token-0123456789abcdef';
    const r = createRedactor([KEY, null, undefined, '', token]);
    expect(r(`${KEY.slice(5, 25)} then ${token.slice(3, 15)} then plain`)).toBe(`${REDACTED} then ${REDACTED} then plain`);
  });

  it('hides a short secret (4 to 7 characters) only whole, and ignores one under 4', () => {
    expect(redactSecrets('pin 12345 and 1234', ['12345'])).toBe(`pin ${REDACTED} and 1234`);
    expect(redactSecrets('abc abc', ['abc'])).toBe('abc abc');
    // a short secret inside text that also holds a long one
    expect(redactSecrets(`x${KEY.slice(0, 12)}y wxyz`, [KEY, 'wxyz'])).toBe(`x${REDACTED}y ${REDACTED}`);
  });

  it('leaves text without any secret as it is (same string)', () => {
    const text = 'the model server rejected the request (400): bad request';
    expect(redactSecrets(text, [KEY])).toBe(text);
    expect(redactSecrets('', [KEY])).toBe('');
    expect(redactSecrets(text, [])).toBe(text);
  });

  it('is linear in the text: a long message with many fragments', () => {
    const chunks: string[] = [];
    for (let i = 0; i < 2000; i++) chunks.push(`line ${i}: ${KEY.slice(i % 80, (i % 80) + 9)} end`);
    const out = redactSecrets(chunks.join('\n'), [KEY]);
    expect(out.split('\n')).toHaveLength(2000);
    expect(out.split('\n')[7]).toBe(`line 7: ${REDACTED} end`);
    for (let i = 0; i + 8 <= KEY.length; i++) expect(out).not.toContain(KEY.slice(i, i + 8));
  });
});
