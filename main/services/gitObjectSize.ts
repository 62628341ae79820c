// The size of a git object before it is read. isomorphic-git inflates a whole object to read it, so a hostile
// repository's blob of gigabytes of zeros (a few megabytes compressed) would fill the memory before any size
// check; this reads only the object's header: the first bytes of a loose object, or a packed object's entry
// (found through the pack's .idx), whose header gives the size, or for a delta the size the delta builds.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Inflates the beginning of a zlib stream only (a bounded read: at most what `bytes` compressed bytes make). */
function inflatePrefix(bytes: Uint8Array): Buffer {
  return zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 20 });
}

async function readAt(file: string, offset: number, length: number): Promise<Buffer> {
  const h = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await h.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

async function looseSize(gitdir: string, oid: string): Promise<number | undefined> {
  let head: Buffer;
  try {
    head = await readAt(path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), 0, 128);
  } catch {
    return undefined;
  }
  const text = inflatePrefix(head).subarray(0, 64).toString('latin1');
  const m = /^(?:blob|tree|commit|tag) (\d+)\0/.exec(text);
  if (!m) throw new Error(`git object ${oid}: not a loose object`);
  return Number(m[1]);
}

/**
 * The offset of `oid` in the pack an index (version 2) describes, or undefined when that pack lacks it. Read in
 * small pieces (the fan-out table, then a binary search of the sorted ids): a repository's index can be large, and
 * a hostile one made larger, so it is never read whole.
 */
async function offsetInIndex(idxFile: string, oid: string): Promise<number | undefined> {
  const h = await fs.open(idxFile, 'r');
  try {
    const at = async (offset: number, length: number) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await h.read(buf, 0, length, offset);
      if (bytesRead < length) throw new Error(`${path.basename(idxFile)}: truncated pack index`);
      return buf;
    };
    const head = await at(0, 8 + 256 * 4);
    if (head.readUInt32BE(0) !== 0xff744f63 || head.readUInt32BE(4) !== 2) throw new Error(`${path.basename(idxFile)}: not a version 2 pack index`);
    const want = Buffer.from(oid, 'hex');
    const first = want[0]!;
    const fanout = (i: number) => head.readUInt32BE(8 + i * 4);
    const count = fanout(255);
    let lo = first === 0 ? 0 : fanout(first - 1);
    let hi = fanout(first);
    const names = 8 + 256 * 4;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(await at(names + mid * 20, 20), want);
      if (c === 0) {
        const offsets = names + count * 20 + count * 4;
        const small = (await at(offsets + mid * 4, 4)).readUInt32BE(0);
        if (!(small & 0x80000000)) return small;
        return Number((await at(offsets + count * 4 + (small & 0x7fffffff) * 8, 8)).readBigUInt64BE(0));
      }
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  } finally {
    await h.close();
  }
}

/** A little-endian base-128 number as a delta's header writes it; returns it and where the next one starts. */
function deltaVarint(b: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = b[at++];
    if (byte === undefined) throw new Error('truncated delta header');
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
  }
}

async function packedSize(pack: string, offset: number): Promise<number> {
  const entry = await readAt(pack, offset, 512);
  let at = 0;
  let byte = entry[at++]!;
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    byte = entry[at++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type >= 1 && type <= 4) return size;
  if (type === 6) {
    // OFS_DELTA: the base's distance back, then the delta
    do byte = entry[at++]!;
    while (byte & 0x80);
  } else if (type === 7)
    at += 20; // REF_DELTA: the base's id
  else throw new Error(`unknown pack entry type ${type}`);
  const delta = inflatePrefix(entry.subarray(at));
  const [, next] = deltaVarint(delta, 0); // the base's size
  return deltaVarint(delta, next)[0]; // the size the delta builds
}

/**
 * The size in bytes of the object `oid` of the repository whose git folder is `gitdir`, read from its header only;
 * undefined when the repository does not have it (loose, or in a pack with an index).
 */
export async function gitObjectSize(gitdir: string, oid: string): Promise<number | undefined> {
  if (!/^[0-9a-f]{40}$/.test(oid)) throw new Error(`not an object id: ${oid}`);
  const loose = await looseSize(gitdir, oid);
  if (loose !== undefined) return loose;
  const packDir = path.join(gitdir, 'objects', 'pack');
  const idxFiles = (await fs.readdir(packDir).catch(() => [] as string[])).filter((f) => f.endsWith('.idx'));
  for (const f of idxFiles) {
    const offset = await offsetInIndex(path.join(packDir, f), oid);
    if (offset !== undefined) return packedSize(path.join(packDir, f.replace(/\.idx$/, '.pack')), offset);
  }
  return undefined;
}
