// A product manager compares the flows with the previous commit before a release: the changed node is coloured on
// the canvas and its copy change shows word by word.
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll } from '../fixtures/gitRepo';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;
let other: string;
beforeAll(async () => {
  dir = copySample();
  other = `${dir}-other`;
  await git.init({ fs, dir, defaultBranch: 'main' });
  await commitAll(dir, 'the sample');
  const file = path.join(dir, 'flows', 'main.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("I'm Ace, your virtual assistant.", "I'm Ace, Acme's assistant."));
  // and the calm message goes: sensitive topics go straight to Customer Care
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  const nodes = doc.get('nodes') as YAMLSeq<YAMLMap>;
  const at = (id: string) => nodes.items.findIndex((n) => n.get('id') === id);
  expect(nodes.items[at('calm_message')]!.get('next')).toBe('care_handoff');
  nodes.items[at('screen_input')]!.set('flagged', 'care_handoff');
  doc.deleteIn(['nodes', at('calm_message')]);
  fs.writeFileSync(file, doc.toString());
  await commitAll(dir, 'a shorter greeting, no calm message');
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('diff with a git revision (web mode, Chromium)', () => {
  it('colours the changed node and shows the copy change word by word', async () => {
    const { page } = studio;
    await page.locator('.react-flow__node [data-node-id="greet"]').waitFor();
    await page.getByRole('button', { name: 'Comments', exact: true }).click();
    const changes = page.getByRole('region', { name: 'Changes' });
    await changes.getByLabel('Compare with revision').fill('HEAD~1');
    await changes.getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => changes.getByRole('status').innerText()).toMatch(/^Since HEAD~1 \([0-9a-f]{8}\): 3 nodes and 3 edges changed in this flow\.$/);
    const greet = page.locator('.react-flow__node:has([data-node-id="greet"])');
    await expect.poll(() => greet.getAttribute('class')).toContain('diff-changed');
    expect(await page.locator('.react-flow__node.diff-changed').count()).toBe(1);
    const node = changes.getByRole('list', { name: 'Changed nodes' }).locator('li').first();
    // side by side: the words before with the removed ones struck, the words after with the added ones marked
    expect(await node.getByLabel('Before').locator('del').allInnerTexts()).toEqual(['your', 'virtual ']);
    expect(await node.getByLabel('After').locator('ins').allInnerTexts()).toEqual(["Acme's"]);
    expect(await node.getByLabel('After').innerText()).toContain("I'm Ace, Acme's assistant.");
    // the removed node where it stood, its edges dashed, and the edge that replaced them added
    await changes.getByRole('list', { name: 'Changed nodes' }).getByRole('button', { name: 'Calm response' }).click();
    const ghost = page.locator('.react-flow__node.diff-removed');
    await expect.poll(() => ghost.count()).toBe(1);
    expect(await ghost.locator('[data-node-id]').getAttribute('data-node-id')).toBe('calm_message');
    await expect.poll(() => page.locator('.react-flow__edge.diff-removed').count()).toBe(2);
    expect(await page.locator('.react-flow__edge.diff-added').count()).toBe(1);
    await changes.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('.react-flow__node.diff-changed').count()).toBe(0);
    expect(await page.locator('.react-flow__node [data-node-id="calm_message"]').count()).toBe(0);

    // against another folder: a copy of the project with the greeting changed again
    fs.cpSync(dir, other, { recursive: true, filter: (f) => !f.includes(`${path.sep}.git`) });
    const otherMain = path.join(other, 'flows', 'main.yaml');
    fs.writeFileSync(otherMain, fs.readFileSync(otherMain, 'utf8').replace("I'm Ace, Acme's assistant.", "I'm Ace."));
    await changes.getByLabel('Compare with', { exact: true }).selectOption('folder');
    await changes.getByLabel('Compare with folder').fill(other);
    await changes.getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => changes.getByRole('status').innerText()).toBe(`Since ${other}: 1 node and 0 edges changed in this flow.`);
    expect(await node.getByLabel('Before').innerText()).toContain("I'm Ace. What can I help you with today?");
    expect(studio.pageErrors).toEqual([]);
  });
});
