// A knowledge document's age in a project that arrived by git: from its last change in the history while the file
// is as committed (a clone's files all carry the time of the clone), else from the file on disk.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, edit, repoWithSample, TEST_AUTHOR } from '../../test/fixtures/gitRepo';
import { copySample } from '../../test/fixtures/tinyProject';
import { listDocuments } from './documents';
import { blobId, knowledgeGitDates } from './gitAges';

const DAY = 86_400_000;
const now = Date.now();
const at = (daysAgo: number) => ({ ...TEST_AUTHOR, timestamp: Math.floor((now - daysAgo * DAY) / 1000) });
const list = async (dir: string) => {
  const { documents } = await listDocuments(dir, { chunks: async () => new Map(), now: () => new Date(now) });
  return new Map(documents.map((d) => [d.source, d]));
};

describe('knowledge documents dated from git', () => {
  it('dates a committed document from its last change, and an edited or new one from the disk', async () => {
    const { root, project } = await repoWithSample(at(400));
    edit(path.join(project, 'knowledge/fees.md'), 'Monthly maintenance fee', 'Monthly account fee');
    await commitAll(root, 'fees reworded', at(10));
    edit(path.join(project, 'flows/main.yaml'), 'welcome to Acme Bank', 'welcome to Acme');
    await commitAll(root, 'a flow, no document', at(2));
    edit(path.join(project, 'knowledge/cards.md'), 'Debit cards', 'Debit cards and more'); // not committed
    writeFileSync(path.join(project, 'knowledge/new.md'), '# New\n\nNot in git yet.\n'); // untracked

    const docs = await list(project);
    expect(docs.get('accounts.md')).toMatchObject({ ageDays: 400, stale: true, changedIn: 'git', updatedAt: new Date(at(400).timestamp * 1000).toISOString() });
    expect(docs.get('fees.md')).toMatchObject({ ageDays: 10, stale: false, changedIn: 'git' });
    expect(docs.get('cards.md')).toMatchObject({ ageDays: 0, stale: false, changedIn: 'disk' });
    expect(docs.get('new.md')).toMatchObject({ ageDays: 0, stale: false, changedIn: 'disk' });
    // the whole history was read: each age is exact
    expect([...docs.values()].some((d) => d.atLeast)).toBe(false);

    // committed now: dated by that commit (the answer kept for the old HEAD is not used)
    await commitAll(root, 'cards and a new document', at(1));
    const again = await list(project);
    expect(again.get('cards.md')!.ageDays).toBe(1);
    expect(again.get('new.md')!.ageDays).toBe(1);
    expect(again.get('accounts.md')!.ageDays).toBe(400);
  });

  it('dates a document unchanged over every commit read from the oldest of them', async () => {
    const { root, project } = await repoWithSample(at(400));
    edit(path.join(project, 'flows/main.yaml'), 'welcome to Acme Bank', 'welcome to Acme');
    await commitAll(root, 'a flow', at(3));
    const dates = await knowledgeGitDates(project, 1);
    expect(dates!.changed.get('accounts.md')).toBe(at(3).timestamp * 1000);
    expect(dates!.older.has('accounts.md')).toBe(true);
    const all = await knowledgeGitDates(project);
    expect(all!.changed.get('accounts.md')).toBe(at(400).timestamp * 1000);
    expect(all!.older.size).toBe(0);

    // listed from one commit back: at least that old, unless the age counts from a review date
    edit(path.join(project, 'knowledge/fees.md'), '# Account and card fees', '---\nreviewed_at: 2026-01-01\n---\n# Account and card fees');
    await commitAll(root, 'fees reviewed', at(3));
    const { documents } = await listDocuments(project, { chunks: async () => new Map(), now: () => new Date(now), historyDepth: 1 });
    const byName = new Map(documents.map((d) => [d.source, d]));
    expect(byName.get('accounts.md')).toMatchObject({ ageDays: 3, atLeast: true, changedIn: 'git' });
    expect(byName.get('fees.md')!.atLeast).toBeUndefined();
    expect(byName.get('fees.md')!.reviewedAt).toBe('2026-01-01');
  });

  it('lists at once with the dates on disk while the history is read, and says so; then from git', async () => {
    const { project } = await repoWithSample(at(400));
    const first = await listDocuments(project, { chunks: async () => new Map(), now: () => new Date(now), gitWaitMs: 0 });
    expect(first.datesPending).toBe(true);
    expect(first.documents.find((d) => d.source === 'accounts.md')).toMatchObject({ ageDays: 0, changedIn: 'disk' });
    await knowledgeGitDates(project);
    // read and kept for this HEAD: the wait is never reached
    const then = await listDocuments(project, { chunks: async () => new Map(), now: () => new Date(now), gitWaitMs: 60_000 });
    expect(then.datesPending).toBeUndefined();
    expect(then.documents.find((d) => d.source === 'accounts.md')).toMatchObject({ ageDays: 400, changedIn: 'git' });
  });

  it('falls back to the disk outside git, and hashes bytes as git does', async () => {
    const dir = copySample();
    expect(await knowledgeGitDates(dir)).toBeUndefined();
    expect((await list(dir)).get('accounts.md')!.ageDays).toBe(0);
    // `printf 'hello\n' | git hash-object --stdin`
    expect(blobId(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
