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
    expect(docs.get('accounts.md')).toMatchObject({ ageDays: 400, stale: true, updatedAt: new Date(at(400).timestamp * 1000).toISOString() });
    expect(docs.get('fees.md')).toMatchObject({ ageDays: 10, stale: false });
    expect(docs.get('cards.md')).toMatchObject({ ageDays: 0, stale: false });
    expect(docs.get('new.md')).toMatchObject({ ageDays: 0, stale: false });

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
    expect((await knowledgeGitDates(project))!.changed.get('accounts.md')).toBe(at(400).timestamp * 1000);
  });

  it('falls back to the disk outside git, and hashes bytes as git does', async () => {
    const dir = copySample();
    expect(await knowledgeGitDates(dir)).toBeUndefined();
    expect((await list(dir)).get('accounts.md')!.ageDays).toBe(0);
    // `printf 'hello\n' | git hash-object --stdin`
    expect(blobId(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
