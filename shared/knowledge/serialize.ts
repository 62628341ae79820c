// A knowledge index as bytes, to persist between sessions: `PKIX`, a format version, a JSON header (settings
// fingerprint, documents with their hash and chunks, the terms) and one Int32Array (field lengths per chunk, then
// per term its postings). Loading takes the documents as they are now: a document whose hash differs is left out
// (the caller indexes it again), and anything that does not add up throws, so a damaged file is rebuilt, never
// trusted.
import { maskMeta } from './frontMatter';
import { z } from 'zod';
import type { Chunk } from './chunk';
import { IntList } from './postings';
import { hashText, KnowledgeIndex, type IndexedDoc, type KnowledgeIndexOptions } from './index';

export const INDEX_FORMAT_VERSION = 1;
const MAGIC = [0x50, 0x4b, 0x49, 0x58]; // PKIX

export class IndexFormatError extends Error {}

const Header = z.strictObject({
  fingerprint: z.string(),
  /** A checksum of the data words (checksum()), so a damaged file is never loaded. */
  checksum: z.number().int(),
  slots: z.number().int().min(0),
  terms: z.array(z.string()),
  docs: z.array(
    z.strictObject({
      source: z.string().min(1),
      hash: z.string(),
      language: z.enum(['en', 'es', 'none']),
      /** Per chunk: start, end, heading. */
      chunks: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0), z.string()])),
      title: z.string(),
    }),
  ),
});

/** The index as bytes (its live chunks, renumbered). */
export function serializeIndex(index: KnowledgeIndex): Uint8Array {
  index.compact();
  const docs = [...index.docs.values()];
  const header: z.infer<typeof Header> = {
    fingerprint: index.fingerprint,
    checksum: 0,
    slots: index.slotChunk.length,
    terms: index.terms,
    docs: docs.map((d) => ({
      source: d.source,
      hash: d.hash ?? hashText(d.text),
      language: d.language,
      title: d.chunks[0]?.title ?? '',
      chunks: d.chunks.map((c) => [c.start, c.end, c.heading] as [number, number, string]),
    })),
  };
  const p = index.postings;
  const terms = index.terms.length;
  const postings = p.slots.length;
  const data = new Int32Array(2 * header.slots + terms + 1 + 2 * postings);
  let k = 0;
  for (let s = 0; s < header.slots; s++) data[k++] = index.headLen.get(s);
  for (let s = 0; s < header.slots; s++) data[k++] = index.bodyLen.get(s);
  for (let t = 0; t <= terms; t++) data[k++] = t < p.offsets.length ? (p.offsets[t] as number) : postings;
  data.set(p.slots, k);
  data.set(new Int32Array(p.tfs.buffer, p.tfs.byteOffset, postings), k + postings);
  header.checksum = checksum(data);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const out = new Uint8Array(12 + json.length + pad + data.byteLength);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, INDEX_FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(new Uint8Array(data.buffer), 12 + json.length + pad);
  return out;
}

/** FNV-1a over 32-bit words, two lanes mixed: a damaged file is caught before anything is read from it. */
function checksum(data: Int32Array): number {
  let a = 0x811c9dc5;
  let b = 0x1b873593;
  for (let i = 0; i < data.length; i++) {
    const w = data[i] as number;
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b ^ (w >>> 16) ^ (w << 16), 0x5bd1e995);
  }
  return (a ^ Math.imul(b, 0x27d4eb2d)) | 0;
}

const fail = (why: string): never => {
  throw new IndexFormatError(`persisted knowledge index: ${why}`);
};

/**
 * An index from its bytes and the documents as they are now (with the hash the index was saved with: a document
 * whose hash differs, or that is gone, is left out; one that is new is not in it). Throws IndexFormatError when
 * the bytes are not a valid index made with these options.
 */
export function deserializeIndex(
  bytes: Uint8Array,
  current: readonly { source: string; text: string; hash: string }[],
  options: KnowledgeIndexOptions = {},
): KnowledgeIndex {
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not an index file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(4, true) !== INDEX_FORMAT_VERSION) fail(`format version ${view.getUint32(4, true)}, expected ${INDEX_FORMAT_VERSION}`);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) fail('header cut short');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + jsonLength)));
  } catch {
    fail('header is not JSON');
  }
  const parsed = Header.safeParse(raw);
  if (!parsed.success) return fail(`header: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.')}`);
  const header = parsed.data;
  const index = new KnowledgeIndex(options);
  if (header.fingerprint !== index.fingerprint) fail('made with other settings');
  const offset = 12 + jsonLength + ((4 - ((12 + jsonLength) % 4)) % 4);
  if ((bytes.length - offset) % 4) fail('data cut short');
  const data = new Int32Array(bytes.slice(offset).buffer);
  if (checksum(data) !== header.checksum) fail('checksum differs: the file is damaged');
  // Documents: kept when the current one has the same hash; the chunks of the others are dead slots.
  const now = new Map(current.map((d) => [d.source, d]));
  const S = header.slots;
  const T = header.terms.length;
  const slotChunk: (Chunk | undefined)[] = new Array<Chunk | undefined>(S);
  let slot = 0;
  for (const d of header.docs) {
    const doc = now.get(d.source);
    if (index.docs.has(d.source)) fail(`${d.source} twice`);
    const keep = doc !== undefined && doc.hash === d.hash;
    const entry: IndexedDoc = { source: d.source, hash: d.hash, language: d.language, text: doc ? maskMeta(doc.text) : '', chunks: [], slots: [] };
    d.chunks.forEach(([start, end, heading], n) => {
      if (slot >= S) fail('more chunks than slots');
      if (keep) {
        if (start >= end || end > entry.text.length) fail(`${d.source}#${n}: offsets outside the document`);
        const c: Chunk = { id: `${d.source}#${n}`, source: d.source, n, title: d.title, heading, start, end };
        entry.chunks.push(c);
        entry.slots.push(slot);
        slotChunk[slot] = c;
      }
      slot++;
    });
    if (keep) index.docs.set(d.source, entry);
  }
  if (slot !== S) fail('chunk count differs from slots');
  if (data.length < 2 * S + T + 1) fail('cut short');
  const P = data[2 * S + T] as number;
  if (data.length !== 2 * S + T + 1 + 2 * P) fail('postings cut short or trailing data');
  const headLen = new IntList();
  const bodyLen = new IntList();
  for (let s = 0; s < S; s++) {
    const h = data[s] as number;
    const b = data[S + s] as number;
    if (h < 0 || b < 0) fail('negative length');
    headLen.push(h);
    bodyLen.push(b);
  }
  for (const term of header.terms) index.termId(term); // a synonym's term the constructor made keeps its id
  if (index.terms.length !== T) fail('terms twice, or missing the synonyms');
  const offsets = data.slice(2 * S, 2 * S + T + 1);
  const slots = data.slice(2 * S + T + 1, 2 * S + T + 1 + P);
  const tfs = new Uint32Array(data.buffer, data.byteOffset + 4 * (2 * S + T + 1 + P), P).slice();
  if (offsets[0] !== 0) fail('postings do not start at 0');
  const df = index.postings.df;
  for (let t = 0; t < T; t++) {
    const from = offsets[t] as number;
    const to = offsets[t + 1] as number;
    if (to < from) fail('postings out of order');
    let n = 0;
    for (let i = from; i < to; i++) {
      const s = slots[i] as number;
      if (s < 0 || s >= S) fail('posting outside the chunks');
      const tf = tfs[i] as number;
      if (tf === 0 || tf >>> 16 > (headLen.get(s) as number) || (tf & 0xffff) > (bodyLen.get(s) as number)) fail('a count over its chunk');
      if (slotChunk[s]) n++;
    }
    df[t] = n;
  }
  index.postings.offsets = offsets;
  index.postings.slots = slots;
  index.postings.tfs = tfs;
  index.slotChunk = slotChunk;
  index.headLen = headLen;
  index.bodyLen = bodyLen;
  index.alive = new IntList();
  for (let s = 0; s < S; s++) index.alive.push(slotChunk[s] ? 1 : 0);
  index.restoreTotals();
  return index;
}
