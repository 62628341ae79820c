import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fastYamlValue } from '../../shared/project/fastYaml';
import { serializeFlow } from '../../shared/project/serialize';
import { generateFlow } from '../../test/fixtures/generateFlow';
import { TINY_MANIFEST } from '../../test/fixtures/tinyProject';
import { validateDir } from '../cli/validate';
import { parseInParallel } from './parallelParse';
import { createParseCache, PARSE_CACHE_VERSION } from './parseCache';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'parley-cache-'));
const worker = pathToFileURL(path.resolve(import.meta.dirname, '../../test/fixtures/parseWorker.mjs'));
const entries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.v8'));

describe('the cache of YAML values read before', () => {
  it('gives back what was kept for the same text, values JSON cannot hold included, and misses other texts', async () => {
    const cache = createParseCache(path.join(tmp(), 'cache'));
    const value = { a: [1, 'two', null], nan: NaN, inf: -Infinity, nested: { deep: true } };
    expect((await cache.read(['a: 1'])).size).toBe(0);
    await cache.write([{ text: 'a: 1', value }]);
    const found = await cache.read(['b: 2', 'a: 1', 'a: 1 ']);
    expect([...found.keys()]).toEqual([1]);
    expect(found.get(1)).toEqual(value);
    expect(Number.isNaN((found.get(1) as typeof value).nan)).toBe(true);
  });

  it('names entries by a hash of the text, inside its own folder, whatever the text says', async () => {
    const dir = path.join(tmp(), 'cache');
    const cache = createParseCache(dir);
    await cache.write([{ text: '../../escape\0/etc/passwd', value: 1 }]);
    expect(entries(dir)).toHaveLength(1);
    expect(entries(dir)[0]).toMatch(/^[0-9a-f]{64}\.v8$/);
  });

  it('treats an entry that does not read back, or of another version, as a miss and replaces it', async () => {
    const dir = path.join(tmp(), 'cache');
    const cache = createParseCache(dir);
    await cache.write([{ text: 'x: 1', value: { x: 1 } }]);
    const [name] = entries(dir);
    writeFileSync(path.join(dir, name!), Buffer.from([0xff, 0x0d, 0x6f, 0x7b])); // cut short
    expect((await cache.read(['x: 1'])).size).toBe(0);
    const { serialize } = await import('node:v8');
    writeFileSync(path.join(dir, name!), serialize({ version: `${PARSE_CACHE_VERSION}-old`, value: { x: 'stale' } }));
    expect((await cache.read(['x: 1'])).size).toBe(0);
    await cache.write([{ text: 'x: 1', value: { x: 1 } }]);
    expect((await cache.read(['x: 1'])).get(0)).toEqual({ x: 1 });
  });

  it('keeps at most its size, dropping the entries written longest ago', async () => {
    const dir = path.join(tmp(), 'cache');
    const cache = createParseCache(dir, 3);
    await cache.write([0, 1, 2].map((i) => ({ text: `n: ${i}`, value: i })));
    // the first three are old; writing two more leaves the newest three
    const old = Date.now() / 1000 - 3600;
    for (const n of entries(dir)) utimesSync(path.join(dir, n), old, old);
    const kept = (await cache.read(['n: 0'])).size;
    await cache.write([3, 4].map((i) => ({ text: `n: ${i}`, value: i })));
    expect(entries(dir)).toHaveLength(3);
    const after = await cache.read(['n: 0', 'n: 1', 'n: 2', 'n: 3', 'n: 4']);
    expect(kept).toBe(1);
    expect(after.has(3) && after.has(4)).toBe(true);
    expect(after.size).toBe(3);
  });

  it('is a cache only: a folder it cannot write to costs nothing but time', async () => {
    const file = path.join(tmp(), 'not-a-folder');
    writeFileSync(file, '');
    const cache = createParseCache(path.join(file, 'cache'));
    await expect(cache.write([{ text: 'a: 1', value: 1 }])).resolves.toBeUndefined();
    expect((await cache.read(['a: 1'])).size).toBe(0);
  });
});

describe('reading a project with the cache', () => {
  const flows = Array.from({ length: 4 }, (_, i) => ({ file: `flows/f${i}.yaml`, text: serializeFlow(generateFlow(30 + i * 10)) }));

  it('reads what is not cached, keeps it, and takes the cached values the next time', async () => {
    const dir = path.join(tmp(), 'cache');
    const cache = createParseCache(dir);
    const first = await parseInParallel(flows, { cache, worker, workers: 1, minBytes: 0 });
    for (const f of flows) expect(first.get(f.file)).toEqual((fastYamlValue(f.text) as { value: unknown }).value);
    expect(entries(dir)).toHaveLength(flows.length);
    // an entry that says something else for the same text shows the second read took it from the cache
    await cache.write([{ text: flows[0]!.text, value: { from: 'cache' } }]);
    const second = await parseInParallel(flows, { cache, worker, workers: 1, minBytes: 0 });
    expect(second.get(flows[0]!.file)).toEqual({ from: 'cache' });
    expect(second.get(flows[1]!.file)).toEqual(first.get(flows[1]!.file));
  });

  it('keeps nothing of a file the fast reader leaves to the full parse', async () => {
    const dir = path.join(tmp(), 'cache');
    const values = await parseInParallel([{ file: 'flows/a.yaml', text: 'id: a\nnodes: &n []\nextra: *n\n' }], { cache: createParseCache(dir), workers: 0 });
    expect(values.size).toBe(0);
    expect(() => readdirSync(dir)).toThrow(); // never created
  });

  it('parley validate keeps its cache in the user data folder, never in the project, and --no-cache reads every file', async () => {
    const project = tmp();
    const userDataDir = tmp();
    mkdirSync(path.join(project, 'flows'));
    writeFileSync(path.join(project, 'parley.yaml'), TINY_MANIFEST);
    writeFileSync(path.join(project, 'flows', 'main.yaml'), serializeFlow(generateFlow(20)));
    const before = readdirSync(project, { recursive: true }).sort();
    const cold = await validateDir(project, { userDataDir });
    expect(cold.ok).toBe(true);
    expect(entries(path.join(userDataDir, 'cache', 'yaml'))).toHaveLength(1);
    expect(readdirSync(project, { recursive: true }).sort()).toEqual(before);
    // a cached value that breaks the schema shows which read was used
    const text = serializeFlow(generateFlow(20));
    await createParseCache(path.join(userDataDir, 'cache', 'yaml')).write([{ text, value: { id: 'main', nodes: 'not a list' } }]);
    expect((await validateDir(project, { userDataDir })).ok).toBe(false);
    expect((await validateDir(project, { userDataDir, cache: false })).ok).toBe(true);
  });
});
