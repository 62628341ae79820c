// The inverted index's storage: per term, a growable list of (slot, tf) postings in typed arrays, where a slot is
// one chunk and tf packs the term's count in the chunk's heading field (high 16 bits) and body (low 16 bits).
// Removed chunks leave dead slots that searches skip until the index compacts.

export class Postings {
  /** Per term: slots and packed term frequencies, the first `count[t]` entries used. */
  slots: Int32Array[] = [];
  tfs: Uint32Array[] = [];
  count: number[] = [];
  /** Per term: how many live chunks contain it. */
  df: number[] = [];

  addTerm(): number {
    this.slots.push(new Int32Array(4));
    this.tfs.push(new Uint32Array(4));
    this.count.push(0);
    this.df.push(0);
    return this.count.length - 1;
  }

  add(term: number, slot: number, tf: number): void {
    const n = this.count[term] as number;
    let slots = this.slots[term] as Int32Array;
    if (n === slots.length) {
      const bigger = new Int32Array(n * 2);
      bigger.set(slots);
      this.slots[term] = slots = bigger;
      const tfs = new Uint32Array(n * 2);
      tfs.set(this.tfs[term] as Uint32Array);
      this.tfs[term] = tfs;
    }
    slots[n] = slot;
    (this.tfs[term] as Uint32Array)[n] = tf;
    this.count[term] = n + 1;
    this.df[term] = (this.df[term] as number) + 1;
  }

  /** Drops the postings of dead slots and renumbers the live ones (`map[old]` is the new slot, -1 when dead). */
  compact(map: Int32Array): void {
    for (let t = 0; t < this.count.length; t++) {
      const slots = this.slots[t] as Int32Array;
      const tfs = this.tfs[t] as Uint32Array;
      let k = 0;
      for (let i = 0; i < (this.count[t] as number); i++) {
        const s = map[slots[i] as number] as number;
        if (s < 0) continue;
        slots[k] = s;
        tfs[k++] = tfs[i] as number;
      }
      this.count[t] = k;
    }
  }
}

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
  set(i: number, v: number): void {
    this.data[i] = v;
  }
}

/** Postings of a slot's terms being counted: a scratch count per term and the list of terms touched. */
export class TermCounter {
  private counts = new Uint32Array(1024);
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
  /** Calls `f` for each touched term with its packed count, then clears. */
  drain(f: (term: number, packed: number) => void): void {
    for (const t of this.touched) {
      f(t, this.counts[t] as number);
      this.counts[t] = 0;
    }
    this.touched.length = 0;
  }
}

export const HEAD = 0x10000;
export const headTf = (packed: number): number => packed >>> 16;
export const bodyTf = (packed: number): number => packed & 0xffff;
