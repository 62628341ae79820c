// Parley's knowledge index: Markdown documents chunked by heading (chunk.ts), words stemmed per language with stop
// words and synonym groups (text.ts), in an inverted index (postings.ts) ranked by BM25F (the heading path weighs
// more than the body) and scored for grounding by coverage (below). A document that changes is re-chunked and
// re-indexed alone; removing one drops its chunks. serialize.ts persists it.
//
// Score (a hit's `score`, in [0, 1]): how much of the question the passage covers. Each content word of the
// question (a stem, or a synonym group) weighs idf², its squared BM25 idf over the index's chunks; the score is the
// weight of the words the passage contains over the weight of all of them (the share of the question's TF-IDF
// vector, squared, that the passage has). A word the knowledge base never uses weighs the most, so a question
// about something the documents do not mention ("the London branch's hours") scores low even when its common
// words ("branch", "hours") are all there: that is what the knowledge node's `minScore` compares with the top
// hit's score for. Ranking is BM25F's (k1 1.2; heading path weight 2.5, b 0.5; body weight 1, b 0.75), then the
// score: on the sample's questions it put the answer first more often than ranking by the score (recall@1 0.913
// against 0.870), and the top passage's score is what grounds the answer.
import type { RetrievalHit, RetrievalPort } from '../engine/ports';
import { maskMeta } from './frontMatter';
import { DEFAULT_CHUNKING, chunkDocument, plainText, type Chunk, type ChunkOptions, type KnowledgeDoc } from './chunk';
import { HEAD, IntList, Postings, TermCounter, bodyTf, headTf } from './postings';
import { TokenTable } from './scan';
import { Analyzer, guessLanguage, languagesFor, synonymPhrases, tokens, type Language } from './text';
import { hash64Hex } from '../util/hash';

export type { Chunk, KnowledgeDoc } from './chunk';

export interface KnowledgeIndexOptions {
  /** The project's locales: which stemmers and stop words (en, es; others are indexed as written). */
  locales?: readonly string[];
  /** Groups of words or phrases that mean the same (`[atm, cash machine]`). */
  synonyms?: readonly (readonly string[])[];
  chunking?: ChunkOptions;
}

/** A hit with every field filled. */
export type KnowledgeHit = Required<RetrievalHit>;

export interface IndexedDoc {
  source: string;
  /** The caller's hash of the file (its revision), what a persisted index is checked against; else hashText of the text, when saved. */
  hash?: string;
  language: Language;
  chunks: Chunk[];
  text: string;
  slots: number[];
}

/** BM25F: k1, and per field (heading path, body) its weight and length normalisation b. */
const K1 = 1.2;
const W_HEAD = 2.5;
const W_BODY = 1;
const B_HEAD = 0.5;
const B_BODY = 0.75;

/** A text's fingerprint (shared/util/hash.ts), to tell whether a persisted document is the one on disk. */
export const hashText = (text: string): string => hash64Hex(text);

interface Unit {
  alts: number[];
  weight: number;
  idf: number;
}

export class KnowledgeIndex implements RetrievalPort {
  readonly languages: Language[];
  readonly chunking: ChunkOptions;
  readonly synonyms: readonly (readonly string[])[];
  /** Everything that decides how a text is indexed: a persisted index made with other settings is not reused. */
  readonly fingerprint: string;
  private readonly analyzers = new Map<Language, Analyzer>();
  /** Per language: token → term id, -1 for a stop word. */
  private readonly tokenTerm = new Map<Language, TokenTable>();
  private readonly miss = new Map<Language, (token: string) => number>();
  private readonly phrases = new Map<Language, Map<number, { ids: number[]; group: number }[]>>();
  readonly termIds = new Map<string, number>();
  readonly terms: string[] = [];
  postings = new Postings();
  readonly docs = new Map<string, IndexedDoc>();
  slotChunk: (Chunk | undefined)[] = [];
  headLen = new IntList();
  bodyLen = new IntList();
  /** Per slot: 1 while its chunk is in the index. */
  alive = new IntList();
  live = 0;
  private sumHead = 0;
  private sumBody = 0;
  private readonly counter = new TermCounter();
  // query scratch, sized to the slots
  private scores = new Float64Array(0);
  private cover = new Float64Array(0);
  private best = new Float64Array(0);
  private seen = new Int32Array(0);
  /** Counts changes, so cached per-slot figures know when they are stale. */
  private changes = 0;
  private normCache: { stamp: number; head: Float64Array; body: Float64Array } | undefined;

  constructor(options: KnowledgeIndexOptions = {}) {
    this.languages = languagesFor(options.locales ?? ['en']);
    this.chunking = options.chunking ?? DEFAULT_CHUNKING;
    this.synonyms = options.synonyms ?? [];
    this.fingerprint = JSON.stringify({ l: this.languages, c: this.chunking, s: this.synonyms });
    for (const lang of this.languages) {
      const analyzer = new Analyzer(lang);
      this.analyzers.set(lang, analyzer);
      this.tokenTerm.set(lang, new TokenTable());
      this.miss.set(lang, (tok) => {
        const stem = analyzer.term(tok);
        return stem === null ? -1 : this.termId(stem);
      });
      const byFirst = new Map<number, { ids: number[]; group: number }[]>();
      for (const p of synonymPhrases(this.synonyms, analyzer)) {
        const ids = p.stems.map((s) => this.termId(s));
        const list = byFirst.get(ids[0] as number) ?? [];
        list.push({ ids, group: this.termId(p.group) });
        list.sort((a, b) => b.ids.length - a.ids.length);
        byFirst.set(ids[0] as number, list);
      }
      this.phrases.set(lang, byFirst);
    }
  }

  static build(docs: readonly (KnowledgeDoc & { hash?: string })[], options: KnowledgeIndexOptions = {}): KnowledgeIndex {
    const index = new KnowledgeIndex(options);
    for (const d of docs) index.set(d);
    index.seal();
    return index;
  }

  /** Merges the postings of documents set since the last search (a search does it when needed). */
  seal(): void {
    if (this.postings.pending) this.postings.seal(this.alive.data);
  }

  /** Live chunks. */
  get size(): number {
    return this.live;
  }

  termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.postings.addTerm();
      this.termIds.set(term, id);
      this.terms.push(term);
    }
    return id;
  }

  /** The term ids of the content words of text[start, end) in `lang`, synonym groups added where a phrase matches. */
  private termIdsOf(text: string, start: number, end: number, lang: Language, out: number[]): void {
    const from = out.length;
    (this.tokenTerm.get(lang) as TokenTable).scan(text, start, end, this.miss.get(lang) as (token: string) => number, out);
    const byFirst = this.phrases.get(lang);
    if (!byFirst?.size) return;
    const last = out.length;
    for (let i = from; i < last; i++) {
      const list = byFirst.get(out[i] as number);
      if (!list) continue;
      for (const p of list) {
        let ok = i + p.ids.length <= last;
        for (let j = 1; ok && j < p.ids.length; j++) ok = out[i + j] === p.ids[j];
        if (ok) {
          out.push(p.group);
          break;
        }
      }
    }
  }

  private headingText(c: Chunk): string {
    return c.heading === c.title || c.heading.startsWith(c.title + ' ›') ? c.heading : `${c.title} ${c.heading}`;
  }

  /** Counts a chunk's terms into the counter (heading field and body). */
  private countChunk(c: Chunk, text: string, lang: Language, scratch: number[]): { head: number; body: number } {
    scratch.length = 0;
    const heading = this.headingText(c);
    this.termIdsOf(heading, 0, heading.length, lang, scratch);
    const head = scratch.length;
    for (const t of scratch) this.counter.add(t, HEAD);
    scratch.length = 0;
    this.termIdsOf(text, c.start, c.end, lang, scratch);
    for (const t of scratch) this.counter.add(t, 1);
    return { head, body: scratch.length };
  }

  /**
   * Adds or replaces a document: unchanged (same text) does nothing; else its old chunks go and its new ones are
   * indexed. Returns whether the index changed.
   */
  set(input: KnowledgeDoc & { hash?: string }): boolean {
    // front matter and comment lines (the importer's page markers) blanked: never indexed nor shown, offsets kept
    const doc = { ...input, text: maskMeta(input.text) };
    const old = this.docs.get(doc.source);
    if (old && old.text === doc.text) return false;
    if (old) this.remove(doc.source);
    this.changes++;
    const language = guessLanguage(doc.text, this.languages);
    const chunks = chunkDocument(doc, this.chunking);
    const entry: IndexedDoc = { source: doc.source, ...(doc.hash === undefined ? {} : { hash: doc.hash }), language, chunks, text: doc.text, slots: [] };
    this.docs.set(doc.source, entry);
    const scratch: number[] = [];
    for (const c of chunks) {
      const slot = this.slotChunk.length;
      this.slotChunk.push(c);
      entry.slots.push(slot);
      const { head, body } = this.countChunk(c, doc.text, language, scratch);
      const counts = this.counter.counts;
      for (const t of this.counter.touched) {
        this.postings.add(t, slot, counts[t] as number);
        counts[t] = 0;
      }
      this.counter.touched.length = 0;
      this.alive.push(1);
      this.headLen.push(head);
      this.bodyLen.push(body);
      this.sumHead += head;
      this.sumBody += body;
      this.live++;
    }
    return true;
  }

  /** Drops a document's chunks. Returns whether it was indexed. */
  remove(source: string): boolean {
    const old = this.docs.get(source);
    if (!old) return false;
    this.docs.delete(source);
    this.changes++;
    const scratch: number[] = [];
    for (const slot of old.slots) {
      const c = this.slotChunk[slot] as Chunk;
      this.countChunk(c, old.text, old.language, scratch);
      const counts = this.counter.counts;
      for (const t of this.counter.touched) {
        this.postings.df[t] = (this.postings.df[t] as number) - 1;
        counts[t] = 0;
      }
      this.counter.touched.length = 0;
      this.slotChunk[slot] = undefined;
      this.alive.data[slot] = 0;
      this.sumHead -= this.headLen.get(slot);
      this.sumBody -= this.bodyLen.get(slot);
      this.live--;
    }
    if (this.slotChunk.length - this.live > Math.max(256, this.live)) this.compact();
    return true;
  }

  /** Renumbers the live chunks from 0 and drops dead postings. */
  compact(): void {
    const map = new Int32Array(this.slotChunk.length).fill(-1);
    const chunks: Chunk[] = [];
    const headLen = new IntList();
    const bodyLen = new IntList();
    const alive = new IntList();
    // slots in order, so postings stay in slot order
    this.slotChunk.forEach((c, s) => {
      if (!c) return;
      map[s] = chunks.length;
      chunks.push(c);
      headLen.push(this.headLen.get(s));
      bodyLen.push(this.bodyLen.get(s));
      alive.push(1);
    });
    for (const doc of this.docs.values()) doc.slots = doc.slots.map((s) => map[s] as number);
    this.postings.seal(this.alive.data, map);
    this.alive = alive;
    this.changes++;
    this.slotChunk = chunks;
    this.headLen = headLen;
    this.bodyLen = bodyLen;
  }

  /** After loading: the totals from the chunks' lengths. */
  restoreTotals(): void {
    this.changes++;
    this.live = this.slotChunk.filter(Boolean).length;
    this.sumHead = 0;
    this.sumBody = 0;
    this.slotChunk.forEach((c, s) => {
      if (!c) return;
      this.sumHead += this.headLen.get(s);
      this.sumBody += this.bodyLen.get(s);
    });
  }

  private idf(df: number): number {
    return Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
  }

  /** The question's content words: per position, the term under each language (a synonym group for a phrase). */
  private units(query: string): Unit[] {
    const byKey = new Map<string, number[]>();
    const stopAnywhere = (tok: string) => [...this.analyzers.values()].some((a) => a.term(tok) === null);
    const toks = tokens(query).filter((t) => !stopAnywhere(t));
    const perPosition: Set<string>[] = toks.map(() => new Set());
    for (const [lang, analyzer] of this.analyzers) {
      const stems = toks.map((t) => analyzer.term(t) as string);
      const byFirst = this.phrases.get(lang);
      for (let i = 0; i < stems.length; i++) {
        const first = this.termIds.get(stems[i] as string);
        const phrase =
          first === undefined ? undefined : byFirst?.get(first)?.find((p) => p.ids.every((id, j) => this.termIds.get(stems[i + j] as string) === id));
        if (phrase) {
          (perPosition[i] as Set<string>).add(this.terms[phrase.group] as string);
          i += phrase.ids.length - 1;
        } else (perPosition[i] as Set<string>).add(stems[i] as string);
      }
    }
    for (const set of perPosition)
      if (set.size)
        byKey.set(
          [...set].sort().join(' '),
          [...set].map((t) => this.termIds.get(t) ?? -1),
        );
    const out: Unit[] = [];
    for (const ids of byKey.values()) {
      const alts = ids.filter((id) => id >= 0 && (this.postings.df[id] as number) > 0);
      const df = alts.reduce((m, id) => Math.max(m, this.postings.df[id] as number), 0);
      const idf = this.idf(df);
      out.push({ alts, weight: idf * idf, idf });
    }
    return out;
  }

  private ensureScratch(): void {
    const n = this.slotChunk.length;
    if (this.scores.length >= n) return;
    const size = Math.max(n, this.scores.length * 2, 64);
    this.scores = new Float64Array(size);
    this.cover = new Float64Array(size);
    this.best = new Float64Array(size);
    this.seen = new Int32Array(size).fill(-1);
  }

  /** Per slot, 1 / BM25F's length normalisation of each field; recomputed after a change. */
  private norms(): { head: Float64Array; body: Float64Array } {
    if (this.normCache?.stamp === this.changes) return this.normCache;
    const n = this.slotChunk.length;
    const head = new Float64Array(n);
    const body = new Float64Array(n);
    const avgHead = this.sumHead / this.live || 1;
    const avgBody = this.sumBody / this.live || 1;
    for (let s = 0; s < n; s++) {
      head[s] = W_HEAD / (1 - B_HEAD + (B_HEAD * this.headLen.get(s)) / avgHead);
      body[s] = W_BODY / (1 - B_BODY + (B_BODY * this.bodyLen.get(s)) / avgBody);
    }
    this.normCache = { stamp: this.changes, head, body };
    return this.normCache;
  }

  search(query: string, options: { sources: readonly string[]; limit: number }): KnowledgeHit[] {
    // the rarest words first: once `limit` passages score more than all the words left could give a passage none
    // of them has (BM25 saturates under idf × (k1 + 1)), those words only add to passages already found (MaxScore:
    // the same ranking, found sooner)
    const units = this.units(query).sort((a, b) => b.weight - a.weight);
    const total = units.reduce((s, u) => s + u.weight, 0);
    const limit = Math.floor(options.limit);
    if (!units.length || !this.live || total <= 0 || limit < 1) return [];
    this.ensureScratch();
    const { scores, cover, best, seen } = this;
    const P = this.postings;
    this.seal();
    const { slots, tfs } = P;
    const alive = this.alive.data;
    const { head: nHead, body: nBody } = this.norms();
    const allowed = options.sources.length ? new Set(options.sources) : undefined;
    const ok = (slot: number) => !allowed || allowed.has((this.slotChunk[slot] as Chunk).source);
    const touched: number[] = [];
    let rest = units.reduce((s, u) => s + u.idf * (K1 + 1), 0);
    let closed = false;
    units.forEach((u, ui) => {
      if (!closed && ui > 0) {
        let above = 0;
        for (const slot of touched) if (scores[slot]! > rest && ok(slot) && ++above >= limit) break;
        closed = above >= limit;
      }
      rest -= u.idf * (K1 + 1);
      for (const t of u.alts) {
        for (let i = P.start(t), n = P.end(t); i < n; i++) {
          const slot = slots[i] as number;
          const was = seen[slot] as number;
          if (closed && was === -1) continue;
          if (alive[slot] !== 1) continue;
          const packed = tfs[i] as number;
          const tf = headTf(packed) * nHead[slot]! + bodyTf(packed) * nBody[slot]!;
          const c = (u.idf * tf * (K1 + 1)) / (K1 + tf);
          if (was !== ui) {
            if (was === -1) touched.push(slot);
            seen[slot] = ui;
            best[slot] = c;
            scores[slot]! += c;
            cover[slot]! += u.weight;
          } else if (c > best[slot]!) {
            scores[slot]! += c - best[slot]!;
            best[slot] = c;
          }
        }
      }
    });
    const top: number[] = [];
    const before = (a: number, b: number): boolean => {
      if (scores[a] !== scores[b]) return scores[a]! > scores[b]!;
      if (cover[a] !== cover[b]) return cover[a]! > cover[b]!;
      const ca = this.slotChunk[a] as Chunk;
      const cb = this.slotChunk[b] as Chunk;
      return ca.source !== cb.source ? ca.source < cb.source : ca.n < cb.n;
    };
    for (const slot of touched) {
      if (top.length === limit && !before(slot, top[limit - 1] as number)) continue;
      if (!ok(slot)) continue;
      let i = top.length === limit ? limit - 1 : top.length;
      while (i > 0 && before(slot, top[i - 1] as number)) {
        top[i] = top[i - 1] as number;
        i--;
      }
      top[i] = slot;
    }
    const hits = top.map((slot) => this.hit(slot, cover[slot]! / total));
    for (const slot of touched) {
      scores[slot] = 0;
      cover[slot] = 0;
      seen[slot] = -1;
    }
    return hits;
  }

  private hit(slot: number, coverage: number): KnowledgeHit {
    const c = this.slotChunk[slot] as Chunk;
    const doc = this.docs.get(c.source) as IndexedDoc;
    return {
      id: c.id,
      source: c.source,
      heading: c.heading || c.title,
      start: c.start,
      end: c.end,
      text: plainText(doc.text.slice(c.start, c.end)),
      score: Math.round(Math.min(1, coverage) * 1000) / 1000,
    };
  }

  /** A chunk by its id (`fees.md#3`), with its text, or undefined. */
  passage(id: string): KnowledgeHit | undefined {
    const hash = id.lastIndexOf('#');
    const doc = this.docs.get(id.slice(0, hash));
    const n = Number(id.slice(hash + 1));
    const slot = doc && Number.isInteger(n) ? doc.slots[n] : undefined;
    return slot === undefined ? undefined : this.hit(slot, 1);
  }
}
