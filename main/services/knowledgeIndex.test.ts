// The project's knowledge index as main serves it: search with every hit field, the index persisted in the cache
// folder (never the project), loaded again without re-indexing, a changed document re-indexed alone, and a damaged
// cache file rebuilt.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTinyProject, TINY_MANIFEST } from '../../test/fixtures/tinyProject';
import { forgetKnowledgeIndex, knowledgeCacheDir, knowledgeCacheFile, knowledgeIndexFor, knowledgeIndexWritten } from './knowledgeIndex';

const FEES = '# Fees\n\n## Overdrafts\n\nAn overdraft costs $29 per item, at most 3 per day.\n\n## ATMs\n\nOther banks\u2019 ATMs cost $2.50 per withdrawal.\n';
const HOURS = '# Hours\n\nBranches open at 9 am on weekdays.\n';

function project(extraManifest = '') {
  const dir = makeTinyProject({ 'parley.yaml': TINY_MANIFEST + extraManifest, 'knowledge/fees.md': FEES, 'knowledge/hours.md': HOURS });
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'parley-kcache-'));
  return { dir, cacheDir };
}

describe('knowledgeIndexFor', () => {
  it('searches the documents with ids, heading paths and offsets that point at the passage', async () => {
    const { dir, cacheDir } = project();
    const index = await knowledgeIndexFor(dir, { cacheDir });
    const [hit] = index.search('how much does an overdraft cost', { sources: [], limit: 3 });
    expect(hit).toMatchObject({ id: 'fees.md#0', source: 'fees.md', heading: 'Fees › Overdrafts', score: 1 });
    expect(FEES.slice(hit!.start, hit!.end)).toBe('An overdraft costs $29 per item, at most 3 per day.');
    expect(index.search('overdraft', { sources: ['hours.md'], limit: 3 })).toEqual([]);
    expect(index.docs.map((d) => [d.source, d.chunks])).toEqual([
      ['fees.md', 2],
      ['hours.md', 1],
    ]);
    expect(index.docs[0]!.updatedMs).toBe(statSync(path.join(dir, 'knowledge/fees.md')).mtimeMs);
    expect(index.passage('fees.md#1')?.text).toContain('$2.50 per withdrawal');
    expect(index.minScore).toBe(0.35);
  });

  it('persists the index in the cache folder, outside the project, and loads it without re-indexing', async () => {
    const { dir, cacheDir } = project();
    await knowledgeIndexFor(dir, { cacheDir });
    await knowledgeIndexWritten(dir);
    const file = await knowledgeCacheFile(dir, cacheDir);
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(dir).filter((f) => !['parley.yaml', 'nlu.yaml', 'flows', 'knowledge'].includes(f))).toEqual([]);
    const before = statSync(file).mtimeMs;
    forgetKnowledgeIndex(dir);
    const again = await knowledgeIndexFor(dir, { cacheDir });
    await knowledgeIndexWritten(dir);
    expect(statSync(file).mtimeMs).toBe(before); // nothing changed, nothing written
    expect(again.search('ATM withdrawal', { sources: [], limit: 1 })[0]?.id).toBe('fees.md#1');
  });

  it('re-indexes a changed document and forgets a removed one', async () => {
    const { dir, cacheDir } = project();
    await knowledgeIndexFor(dir, { cacheDir });
    writeFileSync(path.join(dir, 'knowledge/hours.md'), '# Hours\n\nBranches open at 10 am on Saturdays.\n');
    const changed = await knowledgeIndexFor(dir, { cacheDir });
    expect(changed.search('saturday', { sources: [], limit: 1 })[0]?.text).toBe('Branches open at 10 am on Saturdays.');
    await knowledgeIndexWritten(dir);
    forgetKnowledgeIndex(dir);
    const loaded = await knowledgeIndexFor(dir, { cacheDir });
    expect(loaded.search('saturday', { sources: [], limit: 1 })[0]?.text).toBe('Branches open at 10 am on Saturdays.');
  });

  it('a damaged cache file is rebuilt, never trusted', async () => {
    const { dir, cacheDir } = project();
    await knowledgeIndexFor(dir, { cacheDir });
    await knowledgeIndexWritten(dir);
    const file = await knowledgeCacheFile(dir, cacheDir);
    const bytes = readFileSync(file);
    bytes.fill(0x7f, bytes.length - 40); // postings overwritten
    writeFileSync(file, bytes);
    forgetKnowledgeIndex(dir);
    const index = await knowledgeIndexFor(dir, { cacheDir });
    expect(index.search('overdraft', { sources: [], limit: 1 })[0]?.id).toBe('fees.md#0');
    await knowledgeIndexWritten(dir);
    expect(readFileSync(file).equals(bytes)).toBe(false);
  });

  it('uses parley.yaml synonyms and minScore', async () => {
    const { dir, cacheDir } = project('knowledge:\n  minScore: 0.5\n  synonyms:\n    - [atm, cash machine]\n');
    const index = await knowledgeIndexFor(dir, { cacheDir });
    expect(index.minScore).toBe(0.5);
    expect(index.search('cash machine', { sources: [], limit: 1 })[0]).toMatchObject({ id: 'fees.md#1', score: 1 });
  });

  it('the cache folder is PARLEY_CACHE_DIR, else under PARLEY_USER_DATA, never a project', () => {
    expect(knowledgeCacheDir({ PARLEY_CACHE_DIR: '/tmp/c' })).toBe(path.join('/tmp/c', 'knowledge'));
    expect(knowledgeCacheDir({ PARLEY_USER_DATA: '/tmp/u' })).toBe(path.join('/tmp/u', 'cache', 'knowledge'));
    if (process.platform === 'linux') expect(knowledgeCacheDir({ XDG_CACHE_HOME: '/tmp/x' })).toBe(path.join('/tmp/x', 'parley', 'knowledge'));
  });
});
