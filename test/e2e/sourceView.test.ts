import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

const BROKEN = 'name: Card help\nnodes:\n  - id: start\n    kind: begin\n';
const FIXED = 'name: Card help\nnodes:\n  - id: start\n    kind: start\n';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = makeTinyProject({ 'flows/cards.yaml': BROKEN });
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('a file that fails to load', () => {
  it('is shown with its error, refused while invalid, and fixed in the source view', async () => {
    const { page } = studio;
    const file = path.join(dir, 'flows/cards.yaml');
    // Listed as broken, with the problem named by file, line and field.
    await page
      .getByRole('button', { name: /flows\/cards\.yaml/ })
      .first()
      .click();
    await page.locator('.monaco-editor').waitFor();
    await expect.poll(() => page.locator('.source-problems').innerText()).toContain('line 4: nodes[0].kind: unknown node kind "begin"');
    await expect.poll(() => page.locator('.monaco-editor .squiggly-error').count()).toBeGreaterThan(0);

    // Replace the text with another invalid version: refused, file untouched.
    const replaceText = async (text: string) => {
      await page.locator('.monaco-editor .view-lines').click();
      await page.keyboard.press('Control+A');
      // Pasted, as a user would: typed YAML would be auto-indented by the editor.
      await page.locator('.monaco-editor textarea').evaluate((el, t) => {
        const data = new DataTransfer();
        data.setData('text/plain', t);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
      // Monaco renders spaces as no-break spaces.
      const shown = async () => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
      await expect.poll(shown).toContain(text.split('\n')[1]);
    };
    await replaceText('name: Card help\nnodes: 7\n');
    await page.getByRole('button', { name: 'Save file' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'not saved' }).count()).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(BROKEN);

    // A valid version is saved and the flow joins the project.
    await replaceText(FIXED);
    await page.getByRole('button', { name: 'Save file' }).click();
    await expect.poll(() => readFileSync(file, 'utf8')).toBe(FIXED);
    await expect.poll(() => page.locator('[data-flow-id="cards"]').count()).toBe(1);
    // The refused save is a 422 from the host, which Chromium logs; nothing else went wrong.
    expect(studio.pageErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });
});
