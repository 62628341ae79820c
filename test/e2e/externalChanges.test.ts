import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject, TINY_FLOW } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = makeTinyProject();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

const saveState = (page: Studio['page']) => page.locator('[data-save-state]').getAttribute('data-save-state');

describe('changes made outside the window', () => {
  it('follows an edit made on disk by another program', async () => {
    const { page } = studio;
    const card = page.locator('.react-flow__node [data-node-id="welcome"]');
    await expect.poll(() => card.innerText()).toContain('Hi! How can I help?');
    writeFileSync(path.join(dir, 'flows/main.yaml'), TINY_FLOW.replace('Hi! How can I help?', 'Changed by git checkout'));
    await expect.poll(() => card.innerText(), { timeout: 10_000 }).toContain('Changed by git checkout');
  });

  it("a second tab follows the first tab's saves", async () => {
    const { page } = studio;
    const other = await studio.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await other.goto(studio.host.launchUrl);
    await other.locator('.react-flow__node [data-node-id="sorry"]').click();
    await other.getByLabel('Bot says (en)').fill('Saved by the other tab');
    await expect.poll(() => saveState(other), { timeout: 10_000 }).toBe('saved');
    await expect.poll(() => page.locator('.react-flow__node [data-node-id="sorry"]').innerText(), { timeout: 10_000 }).toContain('Saved by the other tab');
    await other.close();
  });

  it('shows a conflict when the file changes on disk under unsaved edits, and never overwrites silently', async () => {
    const { page } = studio;
    const file = path.join(dir, 'flows/main.yaml');
    // Hold this tab's next save in flight, so that the external write lands while its edit is unsaved.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let heldOne = false;
    await page.route('**/api/call', async (route) => {
      if (!heldOne && route.request().postData()?.includes('"flow.save"')) {
        heldOne = true;
        await held;
      }
      await route.continue();
    });
    await page.locator('.react-flow__node [data-node-id="sorry"]').click();
    await page.getByLabel('Bot says (en)').fill('My unsaved words');
    await expect.poll(() => heldOne, { timeout: 10_000 }).toBe(true);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/Hi! How can I help\?|Changed by git checkout/, 'External edit'));

    const banner = page.getByRole('alert').filter({ hasText: 'This flow changed on disk' });
    await banner.waitFor({ timeout: 10_000 });
    release();
    // The held save reaches main with the old revision and is refused: the external edit stays on disk.
    await expect.poll(() => saveState(page), { timeout: 10_000 }).toBe('dirty');
    expect(readFileSync(file, 'utf8')).toContain('External edit');
    expect(readFileSync(file, 'utf8')).not.toContain('My unsaved words');
    await expect.poll(() => banner.isVisible()).toBe(true);

    // The user chooses: keep their version. It is saved over the disk version, knowingly.
    await banner.getByRole('button', { name: 'Keep my version' }).click();
    await expect.poll(() => saveState(page), { timeout: 10_000 }).toBe('saved');
    expect(readFileSync(file, 'utf8')).toContain('My unsaved words');
    await expect.poll(() => banner.isVisible()).toBe(false);
    await page.unroute('**/api/call');
  });
});
