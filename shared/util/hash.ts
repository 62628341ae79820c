// A fast, dependency-free 64-bit fingerprint of a string (FNV-1a in two 32-bit lanes with different primes), as
// 16 hex digits. Not cryptographic: it tells texts apart (cassette keys, a persisted document's version), never
// guards against someone choosing a collision.
export function hash64Hex(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
