import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { commitAll, edit, repoWithSample } from '../../test/fixtures/gitRepo';
import { copySample } from '../../test/fixtures/tinyProject';
import { resolveRevision } from '../services/gitRevision';
import { runDiff } from './diff';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { write: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

describe('parley diff', () => {
  it('prints a changed node with its copy word by word against HEAD~1, and nothing when nothing changed', async () => {
    const { root, project } = await repoWithSample();
    const main = path.join(project, 'flows', 'main.yaml');
    edit(main, "I'm Ace, your virtual assistant.", "I'm Ace, Acme's assistant.");
    await commitAll(root, 'shorter greeting');
    const r = io();
    expect(await runDiff('HEAD~1', project, {}, r.io)).toBe(0);
    const text = r.out.join('');
    expect(text).toContain('~ flow main (Main menu)');
    expect(text).toMatch(
      / {2}~ node greet \(message: Greeting\)\n {6}Message \[en\] \(c_[0-9a-z]{10}\): .*I'm Ace, \[-your-\]\{\+Acme's\+\} \[-virtual -\]assistant\./,
    );
    expect(r.err).toEqual([]);

    // nothing changed since HEAD; a working-copy edit shows against HEAD
    const same = io();
    await runDiff('HEAD', project, {}, same.io);
    expect(same.out.join('')).toBe('no changes\n');
    const card = path.join(project, 'flows', 'card_lost.yaml');
    edit(card, '    next: ', '    next: ');
    const json = io();
    await runDiff(undefined, project, { json: true }, json.io);
    expect(JSON.parse(json.out.join(''))).toEqual({ flows: [], projectCopy: [] });
  });

  it('resolves revisions without git: branches, ~n and ^, short ids; an unknown one is refused', async () => {
    const { root, project } = await repoWithSample();
    const first = await git.resolveRef({ fs, dir: root, ref: 'HEAD' });
    edit(path.join(project, 'parley.yaml'), 'name: Acme Bank Support', 'name: Acme Bank Support (beta)');
    const second = await commitAll(root, 'rename');
    expect(await resolveRevision(root, 'HEAD')).toBe(second);
    expect(await resolveRevision(root, 'main~1')).toBe(first);
    expect(await resolveRevision(root, 'HEAD^')).toBe(first);
    expect(await resolveRevision(root, first.slice(0, 8))).toBe(first);
    await expect(resolveRevision(root, 'HEAD~5')).rejects.toThrow('HEAD~5: the history has no commit that far back');
    await expect(resolveRevision(root, 'nosuchbranch')).rejects.toThrow('no revision "nosuchbranch"');
    const r = io();
    expect(await runDiff('nosuchbranch', project, {}, r.io)).toBe(2);
  });

  it('never runs what the repository configures: a hook, an alias or fsmonitor in .git/config', async () => {
    const { root, project } = await repoWithSample();
    const marker = path.join(root, 'ran');
    const evil = `#!/bin/sh\ntouch ${marker}\n`;
    fs.writeFileSync(path.join(root, '.git', 'hooks', 'post-checkout'), evil, { mode: 0o755 });
    fs.appendFileSync(path.join(root, '.git', 'config'), `[core]\n\tfsmonitor = "touch ${marker}"\n[alias]\n\tshow = !touch ${marker}\n`);
    edit(path.join(project, 'flows', 'main.yaml'), "I'm Ace", "I'm Acey");
    const r = io();
    expect(await runDiff('HEAD', project, {}, r.io)).toBe(0);
    expect(r.out.join('')).toContain('node greet');
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('compares with another folder', async () => {
    const a = copySample();
    const b = copySample();
    edit(path.join(b, 'flows', 'main.yaml'), "I'm Ace", "I'm Ava");
    const r = io();
    expect(await runDiff(undefined, b, { against: a }, r.io)).toBe(0);
    expect(r.out.join('')).toContain("I'm [-Ace-]{+Ava+}, your virtual assistant.");
  });
});
