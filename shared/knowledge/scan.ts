// The index's tokenizer, without a string per token: words are runs of letters and digits (Unicode \p{L} and
// \p{N} in the Basic Multilingual Plane), lower-cased one code unit at a time, hashed as they are read and looked up
// in a table of the distinct tokens seen so far; only a token never seen before becomes a string (and is stemmed).
// `tokens()` reads a text the same way, so a question and a document always split alike.

const WORD_CHAR = /^[\p{L}\p{N}]$/u;
/** Per BMP code unit: 0 not yet known, 1 part of a word, 2 not. */
const kind = new Uint8Array(65536);
/** Per BMP code unit: its lower case (the first unit of it), 0 when not yet known. */
const lower = new Uint16Array(65536);

export function isWordUnit(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
  let k = kind[c] as number;
  if (k === 0) {
    k = c >= 0xd800 && c <= 0xdfff ? 2 : WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
    kind[c] = k;
  }
  return k === 1;
}

export function lowerUnit(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c | 32 : c;
  let l = lower[c] as number;
  if (l === 0) {
    l = String.fromCharCode(c).toLowerCase().charCodeAt(0);
    lower[c] = l;
  }
  return l;
}

/** The lower-case words of a text, in order. */
export function tokens(text: string): string[] {
  const out: string[] = [];
  let codes: number[] = [];
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if (isWordUnit(c)) codes.push(lowerUnit(c));
    else if (codes.length) {
      let word = '';
      for (let k = 0; k < codes.length; k += 4096) word += String.fromCharCode(...codes.slice(k, k + 4096));
      out.push(word);
      codes = [];
    }
  }
  return out;
}

/** Distinct tokens with a number each (a term id, or -1 for a stop word), found by the hash of their units. */
export class TokenTable {
  private hashes = new Int32Array(1024);
  private values = new Int32Array(1024);
  private keys: (string | undefined)[] = new Array<string | undefined>(1024);
  private size = 0;

  private slot(text: string, start: number, end: number, hash: number): number {
    const mask = this.hashes.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const key = this.keys[i];
      if (key === undefined) return i;
      if (this.hashes[i] !== hash || key.length !== end - start) continue;
      let k = 0;
      while (k < key.length && key.charCodeAt(k) === lowerUnit(text.charCodeAt(start + k))) k++;
      if (k === key.length) return i;
    }
  }

  /** Reads the words of text[start, end) and pushes their numbers (those ≥ 0); `miss` numbers a new token. */
  scan(text: string, start: number, end: number, miss: (token: string) => number, out: number[]): void {
    let from = -1;
    let hash = 0;
    for (let i = start; i <= end; i++) {
      const c = i < end ? text.charCodeAt(i) : 32;
      if (c < 128 ? (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) : isWordUnit(c)) {
        if (from < 0) {
          from = i;
          hash = 0x811c9dc5;
        }
        hash = Math.imul(hash ^ (c < 128 ? (c >= 65 && c <= 90 ? c | 32 : c) : lowerUnit(c)), 0x01000193);
        continue;
      }
      if (from < 0) continue;
      const s = this.slot(text, from, i, hash);
      let v: number;
      if (this.keys[s] === undefined) {
        const token = tokens(text.slice(from, i))[0] as string;
        v = miss(token);
        this.insert(s, token, hash, v);
      } else v = this.values[s] as number;
      if (v >= 0) out.push(v);
      from = -1;
    }
  }

  private insert(at: number, token: string, hash: number, value: number): void {
    this.keys[at] = token;
    this.hashes[at] = hash;
    this.values[at] = value;
    if (++this.size * 2 <= this.hashes.length) return;
    const keys = this.keys;
    const hashes = this.hashes;
    const values = this.values;
    const n = hashes.length * 2;
    this.keys = new Array<string | undefined>(n);
    this.hashes = new Int32Array(n);
    this.values = new Int32Array(n);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      const mask = n - 1;
      let j = (hashes[i] as number) & mask;
      while (this.keys[j] !== undefined) j = (j + 1) & mask;
      this.keys[j] = key;
      this.hashes[j] = hashes[i] as number;
      this.values[j] = values[i] as number;
    }
  }
}
