import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deckRows } from '../../shared/copy/deck';
import { textSignature } from '../../shared/copy/history';
import { DEFAULT_FILE_LIMITS } from '../../shared/project/files';
import { commitAll, edit, repoWithSample, TEST_AUTHOR } from '../../test/fixtures/gitRepo';
import { copySample } from '../../test/fixtures/tinyProject';
import { createCopyHistoryHandler, readCopyHistory } from './copyHistory';
import { loadFromFiles, readProjectFiles } from './projectStore';

const ana = { ...TEST_AUTHOR, name: 'Ana', timestamp: TEST_AUTHOR.timestamp + 86_400 };

/** The project's lines as they are on disk now. */
async function rowsOf(project: string) {
  const p = loadFromFiles(await readProjectFiles(project, DEFAULT_FILE_LIMITS)).project!;
  return deckRows({ manifest: p.manifest, flows: p.flows, guardrails: p.guardrails });
}

describe('the copy deck’s last change, from git', () => {
  it('names the commit and author that last changed each line, and tells a line edited since the last commit', async () => {
    const { root, project } = await repoWithSample();
    const main = path.join(project, 'flows', 'main.yaml');
    edit(main, "I'm Ace, your virtual assistant.", "I'm Ace, Acme's assistant.");
    // a commit that leaves the project alone is read too, and changes nothing
    fs.writeFileSync(path.join(root, 'NOTES.md'), 'notes\n');
    await commitAll(root, 'Shorter greeting\n\nAsked for in the review.', ana);
    const rows = await rowsOf(project);
    const greet = rows.find((r) => r.alias === 'main/greet')!;
    const hours = rows.find((r) => r.alias === 'main/anything_else')!;

    const h = (await readCopyHistory(project, DEFAULT_FILE_LIMITS))!;
    expect(h.changes[greet.id]).toMatchObject({ author: 'Ana', subject: 'Shorter greeting', at: new Date(ana.timestamp * 1000).toISOString() });
    // unchanged since the first commit, which wrote it (the history is complete)
    expect(h.changes[hours.id]).toMatchObject({ author: 'Test', subject: 'the sample' });
    expect(h.oldest).toBeUndefined();
    expect(h.head[greet.id]).toBe(textSignature(greet));

    // edited since the last commit: the words differ from HEAD's
    edit(main, "Acme's assistant.", "Acme's helper.");
    const edited = (await rowsOf(project)).find((r) => r.id === greet.id)!;
    expect(h.head[greet.id]).not.toBe(textSignature(edited));

    // read no further than asked: older changes are "before" the oldest commit read
    const short = (await readCopyHistory(project, DEFAULT_FILE_LIMITS, 1))!;
    expect(short.changes[hours.id]).toBeUndefined();
    expect(short.oldest).toMatchObject({ author: 'Ana' });
  });

  it('follows a line across the move to stable copy ids by its alias', async () => {
    const { root, project } = await repoWithSample();
    const main = path.join(project, 'flows', 'main.yaml');
    const text = fs.readFileSync(main, 'utf8');
    // the first commit had no copy ids (an old project); the second adds them, as the migration does
    const without = text.replace(/^ {4}copyIds:\n(?: {6}.*\n)+/gm, '');
    expect(without).not.toContain('copyIds');
    fs.writeFileSync(main, without);
    await commitAll(root, 'before stable ids');
    fs.writeFileSync(main, text);
    await commitAll(root, 'stable copy ids', ana);
    const greet = (await rowsOf(project)).find((r) => r.alias === 'main/greet')!;
    expect(greet.id).toMatch(/^c_/);
    const h = (await readCopyHistory(project, DEFAULT_FILE_LIMITS))!;
    // the words did not change when the id came: the change is the commit that wrote them
    expect(h.changes[greet.id]).toMatchObject({ subject: 'the sample' });
  });

  it('says so outside a git repository', async () => {
    const dir = copySample();
    expect(await readCopyHistory(dir, DEFAULT_FILE_LIMITS)).toBeUndefined();
    const h = createCopyHistoryHandler({ dir: () => dir, sameProject: () => {}, limits: DEFAULT_FILE_LIMITS });
    expect(await h['copy.history']({ project: dir })).toEqual({ inGit: false, head: {}, changes: {} });
  });
});
