import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeFlow } from '../../shared/project/serialize';
import type { Flow } from '../../shared/schema/project';
import { makeTinyProject, TINY_FLOW_SAVED } from '../fixtures/tinyProject';
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

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('the Source tab of a flow', () => {
  it('round-trips with the canvas, and an invalid edit changes nothing', async () => {
    const { page } = studio;
    const file = path.join(dir, 'flows/main.yaml');
    // with the stable copy ids loading gave the lines (the Source tab shows the flow as a save writes it)
    const canonical = serializeFlow(parse(TINY_FLOW_SAVED) as Flow);
    const editor = page.locator('.source-view[data-source-mode="flow"] .monaco-editor');
    const card = page.locator('.react-flow__node [data-node-id="welcome"]');
    // Monaco renders spaces as no-break spaces, and only the lines in view (the tiny flow fits).
    const shown = async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
    const editState = () => page.locator('.source-view').getAttribute('data-edit-state');
    const saveState = () => page.locator('[data-save-state]').getAttribute('data-save-state');
    const paste = async (text: string) => {
      await editor.locator('.view-lines').click();
      await page.keyboard.press('Control+A');
      // Pasted, as a user would: typed YAML would be auto-indented by the editor.
      await editor.locator('textarea').evaluate((el, t) => {
        const data = new DataTransfer();
        data.setData('text/plain', t);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
    };
    const openTab = async (name: 'Canvas' | 'Source') => page.getByRole('tab', { name }).click();

    // The Source tab shows the current flow exactly as the serializer writes it.
    await card.waitFor();
    await openTab('Source');
    await editor.waitFor();
    await expect.poll(shown).toBe(canonical.replace(/\n$/, ''));
    expect(await editState()).toBe('applied');

    // Source → canvas: a valid edit is applied (debounced), saved in canonical form, and the card shows it.
    const edited = canonical.replace('en: Hi! How can I help?', 'en: Welcome to Tiny Bank, how can I help?');
    await paste(edited);
    await expect.poll(editState).toBe('applied');
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 10_000 }).toBe(edited);
    await expect.poll(saveState).toBe('saved');
    await openTab('Canvas');
    await expect.poll(() => card.innerText()).toContain('Welcome to Tiny Bank, how can I help?');
    // The source edit is one undo step on the canvas; the Source tab follows undo and redo.
    await page.keyboard.press('Control+Z');
    await expect.poll(() => card.innerText()).toContain('Hi! How can I help?');
    await openTab('Source');
    await expect.poll(shown).toBe(canonical.replace(/\n$/, ''));
    await openTab('Canvas');
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => card.innerText()).toContain('Welcome to Tiny Bank, how can I help?');
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 10_000 }).toBe(edited);
    await expect.poll(saveState).toBe('saved');

    // An unknown node kind: marked, listed with its line, and neither the store nor the file changes.
    await openTab('Source');
    await expect.poll(shown).toContain('Welcome to Tiny Bank');
    const unknownKind = edited.replace('kind: message', 'kind: mesage');
    await paste(unknownKind);
    await expect.poll(editState).toBe('invalid');
    await expect.poll(() => editor.locator('.squiggly-error').count()).toBeGreaterThan(0);
    const kindLine = lineOf(unknownKind, 'kind: mesage');
    await expect.poll(() => page.locator('.source-problems').innerText()).toContain(`line ${kindLine}: nodes[1].kind: unknown node kind "mesage"`);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Not applied' }).count()).toBe(1);

    // Broken YAML syntax: the same.
    const brokenYaml = edited.replace('    kind: message\n', '    kind: message: oops\n');
    await paste(brokenYaml);
    await expect.poll(() => page.locator('.source-problems').innerText()).toContain(`line ${lineOf(brokenYaml, 'oops')}: invalid YAML`);
    await expect.poll(() => editor.locator('.squiggly-error').count()).toBeGreaterThan(0);
    await page.waitForTimeout(1_200); // well past the apply debounce and the autosave debounce
    expect(await editState()).toBe('invalid');
    expect(await saveState()).toBe('saved');
    expect(readFileSync(file, 'utf8')).toBe(edited);

    // Leaving the tab keeps the invalid edit out of the canvas, and coming back offers it again.
    await openTab('Canvas');
    await expect.poll(() => card.innerText()).toContain('Welcome to Tiny Bank, how can I help?');
    await openTab('Source');
    await expect.poll(shown).toContain('kind: message: oops');
    await expect.poll(() => page.locator('.source-notice').innerText()).toContain('Your unapplied edit is kept — fix or discard');
    expect(await editState()).toBe('invalid');

    // Canvas → source while the invalid edit is unapplied: the flow changes on disk; the edit is kept, with a notice.
    const fromDisk = edited.replace('en: Sorry, I did not get that.', 'en: Sorry, could you say that again?');
    writeFileSync(file, fromDisk);
    await expect
      .poll(() => page.locator('.source-notice').innerText(), { timeout: 10_000 })
      .toContain('The canvas changed; your invalid edit is kept — fix or discard');
    expect(await shown()).toContain('kind: message: oops');
    // Discarding it shows the flow as it is now.
    await page.getByRole('button', { name: 'Discard my edit' }).click();
    await expect.poll(shown).toBe(fromDisk.replace(/\n$/, ''));
    expect(await editState()).toBe('applied');
    expect(await page.locator('.source-notice').count()).toBe(0);

    // Canvas → source with no pending edit: the text simply follows.
    const fromDiskAgain = fromDisk.replace('en: Welcome to Tiny Bank, how can I help?', 'en: Hello again!');
    writeFileSync(file, fromDiskAgain);
    await expect.poll(shown, { timeout: 10_000 }).toBe(fromDiskAgain.replace(/\n$/, ''));

    // The canvas shows the last valid flow; the file holds it.
    await openTab('Canvas');
    await expect.poll(() => card.innerText()).toContain('Hello again!');
    expect(readFileSync(file, 'utf8')).toBe(fromDiskAgain);
    expect(studio.pageErrors).toEqual([]);
  });
});
