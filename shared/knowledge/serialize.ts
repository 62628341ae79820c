// A knowledge index as bytes, to persist between sessions: `PKIX`, a format version, a JSON header (settings
// fingerprint, documents with their hash and chunks, the terms) and one Int32Array (field lengths per chunk, then
// per term its postings). Loading takes the documents as they are now: a document whose hash differs is left out
// (the caller indexes it again), and anything that does not add up throws, so a damaged file is rebuilt, never
// trusted.
import { maskMeta } from './frontMatter';
import { z } from 'zod';
import type { Chunk } from './chunk';
import { IntList } from './postings';
import { KnowledgeIndex, type IndexedDoc, type KnowledgeIndexOptions } from './index';

export const INDEX_FORMAT_VERSION = 1;
const MAGIC = [0x50, 0x4b, 0x49, 0x58]; // PKIX

export class IndexFormatError extends Error {}

const Header = z.strictObject({
  fingerprint: z.string(),
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
    slots: index.slotChunk.length,
    terms: index.terms,
    docs: docs.map((d) => ({
      source: d.source,
      hash: d.hash,
      language: d.language,
      title: d.chunks[0]?.title ?? '',
      chunks: d.chunks.map((c) => [c.start, c.end, c.heading] as [number, number, string]),
    })),
  };
  const p = index.postings;
  let words = 2 * header.slots + p.count.length;
  for (let t = 0; t < p.count.length; t++) words += 2 * (p.count[t] as number);
  const data = new Int32Array(words);
  let k = 0;
  for (let s = 0; s < header.slots; s++) data[k++] = index.headLen.get(s);
  for (let s = 0; s < header.slots; s++) data[k++] = index.bodyLen.get(s);
  for (let t = 0; t < p.count.length; t++) {
    const n = p.count[t] as number;
    data[k++] = n;
    data.set((p.slots[t] as Int32Array).subarray(0, n), k);
    k += n;
    data.set(new Int32Array((p.tfs[t] as Uint32Array).buffer, 0, n), k);
    k += n;
  }
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
  // Documents: kept when the current one has the same hash; their slots are renumbered from 0.
  const now = new Map(current.map((d) => [d.source, d]));
  const map = new Int32Array(header.slots).fill(-1);
  let slot = 0;
  let kept = 0;
  const chunks: Chunk[] = [];
  for (const d of header.docs) {
    const doc = now.get(d.source);
    const keep = doc !== undefined && doc.hash === d.hash && !index.docs.has(d.source);
    const entry: IndexedDoc = { source: d.source, hash: d.hash, language: d.language, text: doc ? maskMeta(doc.text) : '', chunks: [], slots: [] };
    d.chunks.forEach(([start, end, heading], n) => {
      if (slot >= header.slots) fail('more chunks than slots');
      if (keep) {
        if (start >= end || end > entry.text.length) fail(`${d.source}#${n}: offsets outside the document`);
        const c: Chunk = { id: `${d.source}#${n}`, source: d.source, n, title: d.title, heading, start, end };
        entry.chunks.push(c);
        entry.slots.push(kept);
        chunks.push(c);
        map[slot] = kept++;
      }
      slot++;
    });
    if (keep) index.docs.set(d.source, entry);
  }
  if (slot !== header.slots) fail('chunk count differs from slots');
  if (data.length < 2 * header.slots) fail('lengths cut short');
  const headLen = new IntList();
  const bodyLen = new IntList();
  for (let s = 0; s < header.slots; s++) {
    const h = data[s] as number;
    const b = data[header.slots + s] as number;
    if (h < 0 || b < 0) fail('negative length');
    if (map[s]! >= 0) {
      headLen.push(h);
      bodyLen.push(b);
    }
  }
  let k = 2 * header.slots;
  for (const term of header.terms) {
    const t = index.termId(term); // a synonym's term the constructor made comes back with its id
    if (index.postings.count[t] !== 0) fail(`term ${JSON.stringify(term)} twice`);
    const n = data[k++];
    if (n === undefined || n < 0 || k + 2 * n > data.length) fail('postings cut short');
    for (let i = 0; i < (n as number); i++) {
      const s = data[k + i] as number;
      if (s < 0 || s >= header.slots) fail('posting outside the chunks');
      const to = map[s] as number;
      if (to >= 0) index.postings.add(t, to, (data[k + n! + i] as number) >>> 0);
    }
    k += 2 * n!;
  }
  if (k !== data.length) fail('trailing data');
  index.slotChunk = chunks;
  index.headLen = headLen;
  index.bodyLen = bodyLen;
  index.restoreTotals();
  return index;
}
