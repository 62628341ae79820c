// What the fast YAML reader made of a file, kept on disk by the SHA-256 of the file's text, so that opening,
// validating or testing a project whose files have not changed since the last time skips the YAML reading (most of
// the cost on a project of thousands of nodes). The cache lives in the user's data folder (never the project's),
// and its entries are named by the hash of the text they stand for: a project cannot choose where an entry goes or
// what it holds, and a value read from the cache is checked against the schema like any parsed value. An entry that
// does not read back (truncated, another version's) counts as a miss and is replaced. Values are stored with V8's
// serializer, which keeps what YAML can hold and JSON cannot (NaN, ±Infinity).
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';

/**
 * Bump when the fast reader's values for the same text may change (shared/project/fastYaml.ts): entries of
 * another version are never read, and pruned with the rest.
 */
export const PARSE_CACHE_VERSION = 'fast-yaml-1';
/** Entries kept: past this many, the oldest written go (each is one file's values, a few kB to a few hundred). */
export const PARSE_CACHE_MAX_ENTRIES = 4000;

export interface ParseCache {
  /** The cached values of these texts, by index in `texts` (a miss is absent). */
  read(texts: readonly string[]): Promise<Map<number, unknown>>;
  /** Keeps these values; failures (a read-only disk, a full one) are ignored: the cache only saves time. */
  write(entries: readonly { text: string; value: unknown }[]): Promise<void>;
}

/** The cache of the user data folder `userDataDir`. */
export const userParseCache = (userDataDir: string): ParseCache => createParseCache(path.join(userDataDir, 'cache', 'yaml'));

const keyOf = (text: string) => createHash('sha256').update(PARSE_CACHE_VERSION).update('\0').update(text).digest('hex');

/** The cache in `dir` (created on first write), e.g. `<user data>/cache/yaml`. */
export function createParseCache(dir: string, maxEntries = PARSE_CACHE_MAX_ENTRIES): ParseCache {
  const fileOf = (key: string) => path.join(dir, `${key}.v8`);
  return {
    async read(texts) {
      const found = new Map<number, unknown>();
      await Promise.all(
        texts.map(async (text, i) => {
          let data: Buffer;
          try {
            data = await fs.readFile(fileOf(keyOf(text)));
          } catch {
            return; // not cached yet
          }
          try {
            const entry = deserialize(data) as { version?: unknown; value?: unknown };
            if (entry && entry.version === PARSE_CACHE_VERSION && 'value' in entry) found.set(i, entry.value);
          } catch {
            // unreadable: a miss, overwritten by the next write
          }
        }),
      );
      return found;
    },
    async write(entries) {
      if (!entries.length) return;
      try {
        await fs.mkdir(dir, { recursive: true, mode: 0o700 });
        await Promise.all(entries.map((e) => writeEntry(fileOf(keyOf(e.text)), serialize({ version: PARSE_CACHE_VERSION, value: e.value }))));
        await prune(dir, maxEntries);
      } catch {
        // the cache only saves time
      }
    },
  };
}

/**
 * Written beside and renamed over, so a reader never sees half an entry; not synced to disk (unlike the project's
 * files, see atomicWrite): an entry lost in a crash, or cut short, reads as a miss.
 */
async function writeEntry(file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, data, { mode: 0o600 });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Removes the oldest entries past `max`. */
async function prune(dir: string, max: number): Promise<void> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.v8'));
  if (names.length <= max) return;
  const dated = await Promise.all(
    names.map(async (n) => ({
      n,
      t: await fs.stat(path.join(dir, n)).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    })),
  );
  dated.sort((a, b) => a.t - b.t);
  await Promise.all(dated.slice(0, names.length - max).map(({ n }) => fs.rm(path.join(dir, n), { force: true })));
}
