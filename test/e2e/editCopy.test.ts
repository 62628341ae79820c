import { readFileSync } from 'node:fs';
import path from 'node:path';
import { structuredPatch } from 'diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';
import { loadFromFiles, readProjectFiles } from '../../main/services/projectStore';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = copySample();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('editing copy in the studio (web mode, Chromium)', () => {
  it('shows the sample project, saves an edit as one hunk, and keeps it after a reload', async () => {
    const { page } = studio;
    const project = loadFromFiles(await readProjectFiles(dir)).project!;
    const startFlow = project.manifest.startFlow;
    const target = project.flows[startFlow]!.nodes.find((n) => n.kind === 'message')!;
    const file = path.join(dir, 'flows', `${startFlow}.yaml`);
    const before = readFileSync(file, 'utf8');

    // Every flow of the sample is listed, and the canvas shows the start flow's copy.
    for (const flow of Object.values(project.flows)) await expect.poll(() => page.getByRole('button', { name: flow.name }).count()).toBeGreaterThan(0);
    const card = page.locator(`.react-flow__node [data-node-id="${target.id}"]`);
    await card.waitFor();

    // Select the node, rewrite what the bot says in the inspector.
    await card.click();
    const box = page.getByLabel('Bot says (en)');
    const newText = 'Welcome to Acme Bank! Ask me about cards, balances, disputes or opening hours.';
    await box.fill(newText);
    await expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');

    // On disk: the new text, in exactly one hunk of the flow file.
    const after = readFileSync(file, 'utf8');
    expect(after).toContain(newText);
    const hunks = structuredPatch('a', 'b', before, after, '', '', { context: 3 }).hunks;
    expect(hunks).toHaveLength(1);

    // Reload the page: the change is still there, on the card and in the inspector.
    await page.reload();
    await card.waitFor();
    await expect.poll(() => card.innerText()).toContain(newText);
    await card.click();
    expect(await page.getByLabel('Bot says (en)').inputValue()).toBe(newText);
    expect(studio.pageErrors).toEqual([]);
  });
});
