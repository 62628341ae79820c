// Sparse TF-IDF features for the intent classifier: character n-grams inside word boundaries (each word padded
// with a space on both sides, as in scikit-learn's `char_wb`) and word n-grams, hashed to 32-bit keys without
// building substrings, then mapped to columns through a vocabulary learned from the training set.
// Each block (characters, words) is L2-normalised on its own, weighted, and the whole vector normalised again.

import { normalizeText, words } from './text';

export interface FeatureOptions {
  /**
   * Character n-gram lengths (padded words: " card " gives " ca", "car", ..., "ard "). Default 3..5: 2-grams added
   * nothing on BANKING77 and were a quarter of the features. charMax below charMin: no character n-grams.
   */
  charMin: number;
  charMax: number;
  /** Word n-grams up to this length (1 = unigrams only). Default 2. */
  wordMax: number;
  /** Weight of the word block relative to the character block (1 = equal). */
  wordWeight: number;
  /** Character n-grams within each word (`word`, as scikit-learn's char_wb) or across the words (`text`). */
  charSpan: 'word' | 'text';
  /** 1 + ln(tf) instead of tf. */
  sublinearTf: boolean;
  /** Drop features seen in fewer documents than this (only applied to training sets of 1,000 rows or more). */
  minDf: number;
}

export const DEFAULT_FEATURES: FeatureOptions = {
  charMin: 3,
  charMax: 5,
  wordMax: 2,
  wordWeight: 1,
  charSpan: 'word',
  sublinearTf: true,
  minDf: 1,
};

// ---- hashing -----------------------------------------------------------------------------------------------

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const SEED_CHAR = FNV_OFFSET;
const SEED_WORD = Math.imul(FNV_OFFSET ^ 0x5bd1e995, FNV_PRIME);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function hashWord(w: string): number {
  let h = SEED_WORD;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), FNV_PRIME);
  return h;
}

/** A 32-bit key of a normalised word (the word-unigram hash, without the block tag), for word counts (scope.ts). */
export function wordKey(w: string): number {
  return fmix(hashWord(w));
}

/** A growable buffer of int32 values, reused between documents. */
export class IntBuffer {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  clear(): void {
    this.length = 0;
  }
}

/** Block tag in the lowest bit of a feature key: 0 for character n-grams, 1 for word n-grams. */
export const CHAR_BLOCK = 0;
export const WORD_BLOCK = 1;

const codes = new Int32Array(256);

/**
 * Appends the hashed feature keys of `text` (with repeats) to `out`, and its words' keys (`wordKey`, in order, with
 * repeats) to `wordKeys` when given.
 */
export function hashFeatures(text: string, o: FeatureOptions, out: IntBuffer, wordKeys?: IntBuffer): void {
  const ws = words(normalizeText(text));
  let buf = codes;
  const units = o.charSpan === 'text' ? (ws.length ? [ws.join(' ')] : []) : ws;
  for (const w of units) {
    const L = w.length + 2;
    if (L > buf.length) buf = new Int32Array(L * 2);
    buf[0] = 32;
    for (let i = 0; i < w.length; i++) buf[i + 1] = w.charCodeAt(i);
    buf[L - 1] = 32;
    for (let i = 0; o.charMin >= 1 && i + o.charMin <= L; i++) {
      let h = SEED_CHAR;
      const end = Math.min(L, i + o.charMax);
      for (let j = i; j < end; j++) {
        h = Math.imul(h ^ buf[j]!, FNV_PRIME);
        if (j - i + 1 >= o.charMin) out.push((fmix(h) & ~1) | CHAR_BLOCK);
      }
    }
  }
  if ((o.wordMax >= 1 || wordKeys) && ws.length > 0) {
    const hs = new Int32Array(ws.length);
    for (let i = 0; i < ws.length; i++) {
      hs[i] = hashWord(ws[i]!);
      const key = fmix(hs[i]!); // wordKey(ws[i])
      wordKeys?.push(key);
      if (o.wordMax >= 1) out.push((key & ~1) | WORD_BLOCK);
    }
    for (let n = 2; n <= o.wordMax; n++) {
      for (let i = 0; i + n <= ws.length; i++) {
        let h = Math.imul(SEED_WORD ^ n, FNV_PRIME);
        for (let j = i; j < i + n; j++) h = Math.imul(h ^ hs[j]!, FNV_PRIME) ^ (h >>> 15);
        out.push((fmix(h) & ~1) | WORD_BLOCK);
      }
    }
  }
}

// ---- vocabulary --------------------------------------------------------------------------------------------

/** Open-addressing table from feature key (int32) to column. */
export class Vocabulary {
  private keysTable: Int32Array;
  private cols: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keysTable = new Int32Array(cap);
    this.cols = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  static fromKeys(keys: Int32Array): Vocabulary {
    const v = new Vocabulary(keys.length);
    for (let i = 0; i < keys.length; i++) v.add(keys[i]!);
    return v;
  }

  get(key: number): number {
    let s = fmix(key) & this.mask;
    for (;;) {
      const c = this.cols[s]!;
      if (c < 0) return -1;
      if (this.keysTable[s] === key) return c;
      s = (s + 1) & this.mask;
    }
  }

  /** The key's column, adding it when new. */
  add(key: number): number {
    if ((this.size + 1) * 2 > this.cols.length) this.grow();
    let s = fmix(key) & this.mask;
    for (;;) {
      const c = this.cols[s]!;
      if (c < 0) {
        this.keysTable[s] = key;
        this.cols[s] = this.size;
        return this.size++;
      }
      if (this.keysTable[s] === key) return c;
      s = (s + 1) & this.mask;
    }
  }

  /** Keys in column order. */
  keys(): Int32Array {
    const out = new Int32Array(this.size);
    for (let s = 0; s < this.cols.length; s++) if (this.cols[s]! >= 0) out[this.cols[s]!] = this.keysTable[s]!;
    return out;
  }

  private grow(): void {
    const keys = this.keys();
    const cap = this.cols.length * 2;
    this.keysTable = new Int32Array(cap);
    this.cols = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) this.add(keys[i]!);
  }
}

// ---- vectoriser --------------------------------------------------------------------------------------------

/** A sparse row: `length` entries of `idx`/`val`. */
export interface SparseRow {
  idx: Int32Array;
  val: Float32Array;
  length: number;
}

/** Rows in compressed sparse row form. */
export interface SparseMatrix {
  rows: number;
  cols: number;
  offsets: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

/** Turns text into an L2-normalised TF-IDF row. Reuses its buffers: copy a row before the next call. */
export class Vectorizer {
  private readonly hashes = new IntBuffer();
  private readonly words = new IntBuffer(64);
  private lastText: string | undefined;
  private readonly row: SparseRow = { idx: new Int32Array(512), val: new Float32Array(512), length: 0 };
  private blocks = new Uint8Array(512);

  /**
   * `unknownIdf` weighs features the vocabulary does not know: they have no column, but they count in the norm,
   * so text made mostly of unknown n-grams gets a short vector (low scores) instead of a unit vector built from
   * the few n-grams it shares with the training set.
   */
  constructor(
    readonly options: FeatureOptions,
    readonly vocab: Vocabulary,
    readonly idf: Float32Array,
    readonly unknownIdf: number,
  ) {}

  /**
   * The words' keys of `text` (as `wordKey`, with repeats) when it is the text transformed last, else undefined:
   * the out-of-scope score reads a text's words right after its row, and they were hashed for the row. A view of
   * a reused buffer, like the row.
   */
  wordKeysOfLast(text: string): Int32Array | undefined {
    return text === this.lastText ? this.words.data.subarray(0, this.words.length) : undefined;
  }

  transform(text: string): SparseRow {
    const o = this.options;
    this.hashes.clear();
    this.words.clear();
    hashFeatures(text, o, this.hashes, this.words);
    this.lastText = text;
    const hs = this.hashes.data.subarray(0, this.hashes.length).sort();
    const row = this.ensure(hs.length);
    let n = 0;
    const norms = [0, 0];
    for (let i = 0; i < hs.length;) {
      const key = hs[i]!;
      let j = i + 1;
      while (j < hs.length && hs[j] === key) j++;
      const col = this.vocab.get(key);
      const tf = j - i;
      const b = key & 1;
      const v = (o.sublinearTf ? 1 + Math.log(tf) : tf) * (col >= 0 ? this.idf[col]! : this.unknownIdf);
      norms[b]! += v * v;
      if (col >= 0) {
        row.idx[n] = col;
        row.val[n] = v;
        this.blocks[n] = b;
        n++;
      }
      i = j;
    }
    // Each block scaled to norm 1 (characters) and wordWeight (words), then the whole vector to norm 1; the
    // norms include the unknown features, so the known part of the row may be shorter than 1.
    const w0 = norms[0]! > 0 ? 1 : 0;
    const w1 = norms[1]! > 0 ? o.wordWeight : 0;
    const total = Math.sqrt(w0 * w0 + w1 * w1) || 1;
    const scale = [w0 / Math.sqrt(norms[0]! || 1) / total, w1 / Math.sqrt(norms[1]! || 1) / total];
    for (let k = 0; k < n; k++) row.val[k]! *= scale[this.blocks[k]!]!;
    row.length = n;
    return row;
  }

  private ensure(n: number): SparseRow {
    if (this.row.idx.length < n) {
      this.row.idx = new Int32Array(n * 2);
      this.row.val = new Float32Array(n * 2);
      this.blocks = new Uint8Array(n * 2);
    }
    return this.row;
  }
}

/** Learns the vocabulary and IDF from `texts` and returns the vectoriser and the training matrix. */
export function fitVectorizer(texts: readonly string[], o: FeatureOptions): { vectorizer: Vectorizer; matrix: SparseMatrix } {
  const buf = new IntBuffer(1 << 16);
  const docStart = new Int32Array(texts.length + 1);
  for (let d = 0; d < texts.length; d++) {
    hashFeatures(texts[d]!, o, buf);
    docStart[d + 1] = buf.length;
  }
  // document frequencies per distinct key
  const all = new Vocabulary(1 << 15);
  let df = new Int32Array(1 << 15);
  for (let d = 0; d < texts.length; d++) {
    const hs = buf.data.subarray(docStart[d]!, docStart[d + 1]!).sort();
    for (let i = 0; i < hs.length; i++) {
      if (i > 0 && hs[i] === hs[i - 1]) continue;
      const c = all.add(hs[i]!);
      if (c >= df.length) {
        const next = new Int32Array(df.length * 2);
        next.set(df);
        df = next;
      }
      df[c]!++;
    }
  }
  const minDf = texts.length >= 1000 ? o.minDf : 1;
  const allKeys = all.keys();
  const vocab = new Vocabulary(allKeys.length);
  const idfList: number[] = [];
  for (let c = 0; c < allKeys.length; c++) {
    if (df[c]! < minDf) continue;
    vocab.add(allKeys[c]!);
    idfList.push(Math.log((1 + texts.length) / (1 + df[c]!)) + 1);
  }
  const vectorizer = new Vectorizer(o, vocab, Float32Array.from(idfList), Math.log(1 + texts.length) + 1);
  const offsets = new Int32Array(texts.length + 1);
  let idx = new Int32Array(buf.length);
  let val = new Float32Array(buf.length);
  let nnz = 0;
  for (let d = 0; d < texts.length; d++) {
    const row = vectorizer.transform(texts[d]!);
    if (nnz + row.length > idx.length) {
      const ni = new Int32Array((nnz + row.length) * 2);
      ni.set(idx);
      idx = ni;
      const nv = new Float32Array((nnz + row.length) * 2);
      nv.set(val);
      val = nv;
    }
    idx.set(row.idx.subarray(0, row.length), nnz);
    val.set(row.val.subarray(0, row.length), nnz);
    nnz += row.length;
    offsets[d + 1] = nnz;
  }
  return {
    vectorizer,
    matrix: { rows: texts.length, cols: vocab.size, offsets, idx: idx.slice(0, nnz), val: val.slice(0, nnz) },
  };
}
