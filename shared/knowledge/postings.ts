// The inverted index's storage. Postings are (slot, tf) pairs, where a slot is one chunk and tf packs the term's
// count in the chunk's heading field (high 16 bits) and body (low 16 bits). They live in three flat arrays, one
// run per term in slot order (`offsets[t]` to `offsets[t + 1]`), which is fast to build, to search and to save;
// new postings wait in a pending list and are merged in before the next search (`seal`), which also drops the
// postings of removed chunks.

/** A growable Int32Array. */
export class IntList {
  data = new Int32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
}

export class Postings {
  offsets = new Int32Array(1);
  slots = new Int32Array(0);
  tfs = new Uint32Array(0);
  /** Per term: how many live chunks contain it. */
  df: number[] = [];
  private pendingTerm = new IntList();
  private pendingSlot = new IntList();
  private pendingTf = new IntList();

  get pending(): number {
    return this.pendingTerm.length;
  }

  addTerm(): number {
    this.df.push(0);
    return this.df.length - 1;
  }

  add(term: number, slot: number, tf: number): void {
    this.pendingTerm.push(term);
    this.pendingSlot.push(slot);
    this.pendingTf.push(tf);
    this.df[term] = (this.df[term] as number) + 1;
  }

  /** Where term t's postings are in `slots` and `tfs` (after seal). */
  start(t: number): number {
    return t + 1 < this.offsets.length ? (this.offsets[t] as number) : 0;
  }
  end(t: number): number {
    return t + 1 < this.offsets.length ? (this.offsets[t + 1] as number) : 0;
  }

  /**
   * Merges the pending postings in and drops those of dead slots; with `map`, renumbers slots (`map[old]`, -1 for
   * a dead one; it must keep their order).
   */
  seal(alive: Int32Array, map?: Int32Array): void {
    const terms = this.df.length;
    const counts = new Int32Array(terms + 1);
    const keep = (s: number) => alive[s] === 1;
    for (let t = 0; t + 1 < this.offsets.length; t++)
      for (let i = this.offsets[t] as number; i < (this.offsets[t + 1] as number); i++) if (keep(this.slots[i] as number)) counts[t + 1]!++;
    const pt = this.pendingTerm.data;
    const ps = this.pendingSlot.data;
    const pf = this.pendingTf.data;
    const np = this.pendingTerm.length;
    for (let i = 0; i < np; i++) if (keep(ps[i] as number)) counts[(pt[i] as number) + 1]!++;
    for (let t = 0; t < terms; t++) counts[t + 1]! += counts[t] as number;
    const total = counts[terms] as number;
    const slots = new Int32Array(total);
    const tfs = new Uint32Array(total);
    const at = counts.slice(0, terms);
    const put = (t: number, s: number, tf: number) => {
      const k = at[t]!++;
      slots[k] = map ? (map[s] as number) : s;
      tfs[k] = tf;
    };
    for (let t = 0; t + 1 < this.offsets.length; t++)
      for (let i = this.offsets[t] as number; i < (this.offsets[t + 1] as number); i++) {
        const s = this.slots[i] as number;
        if (keep(s)) put(t, s, this.tfs[i] as number);
      }
    for (let i = 0; i < np; i++) if (keep(ps[i] as number)) put(pt[i] as number, ps[i] as number, pf[i] as number);
    this.offsets = counts;
    this.slots = slots;
    this.tfs = tfs;
    this.pendingTerm = new IntList();
    this.pendingSlot = new IntList();
    this.pendingTf = new IntList();
  }
}

/** Postings of a slot's terms being counted: a scratch count per term and the list of terms touched. */
export class TermCounter {
  counts = new Uint32Array(1024);
  readonly touched: number[] = [];
  add(term: number, inc: number): void {
    if (term >= this.counts.length) {
      const bigger = new Uint32Array(Math.max(term + 1, this.counts.length * 2));
      bigger.set(this.counts);
      this.counts = bigger;
    }
    if (this.counts[term] === 0) this.touched.push(term);
    this.counts[term] = (this.counts[term] as number) + inc;
  }
}

export const HEAD = 0x10000;
export const headTf = (packed: number): number => packed >>> 16;
export const bodyTf = (packed: number): number => packed & 0xffff;
