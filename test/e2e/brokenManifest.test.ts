// Issue 10, finding 7: a parley.yaml that does not load opens in the raw source view and is fixed there.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject, TINY_MANIFEST } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

const BROKEN = TINY_MANIFEST.replace('startFlow: main', 'startFlow: [main');

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = makeTinyProject({ 'parley.yaml': BROKEN });
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('a parley.yaml that does not load', () => {
  it('opens in the raw source view with its problem, and the project opens once it is fixed there', async () => {
    const { page } = studio;
    await page.locator('[data-manifest-broken]').waitFor();
    await expect.poll(() => page.locator('.source-bar code').innerText()).toBe('parley.yaml');
    await page.locator('.monaco-editor').waitFor();
    const shown = async () => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
    await expect.poll(shown).toContain('startFlow: [main');
    await expect.poll(() => page.locator('.source-problems').innerText()).toMatch(/line \d+/);

    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.locator('.monaco-editor textarea').evaluate((el, t) => {
      const data = new DataTransfer();
      data.setData('text/plain', t);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, TINY_MANIFEST);
    await expect.poll(shown).toContain('startFlow: main');
    await page.getByRole('button', { name: 'Save file' }).click();
    await expect.poll(() => readFileSync(path.join(dir, 'parley.yaml'), 'utf8')).toBe(TINY_MANIFEST);
    // The project loads: its flow is listed, the notice is gone, and the canvas shows the flow.
    await expect.poll(() => page.locator('[data-flow-id="main"]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-manifest-broken]').count()).toBe(0);
    await page.getByRole('tab', { name: 'Canvas' }).click();
    await page.locator('.react-flow__node [data-node-id="welcome"]').waitFor();
    expect(studio.pageErrors).toEqual([]);
  });
});
