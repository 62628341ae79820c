import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let first: string;

beforeAll(async () => {
  first = makeTinyProject();
  studio = await openStudio(first);
});
afterAll(async () => {
  await studio?.close();
});

describe('projects', () => {
  it('creates a project in a new folder, lists it as recent, and switches back', async () => {
    const { page } = studio;
    const second = await studio.browser.newPage();
    await second.goto(studio.host.launchUrl);
    await second.locator('.flow-list').waitFor();

    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-new-')), 'support-bot');
    await page.getByRole('button', { name: /Tiny Bank/ }).click();
    await page.getByLabel('Project folder').fill(dir);
    await page.getByLabel('New project name').fill('Support bot');
    await page.getByRole('button', { name: 'Create here' }).click();
    await expect.poll(() => page.locator('.project-menu .project-name').innerText()).toContain('Support bot');
    expect(existsSync(path.join(dir, 'parley.yaml'))).toBe(true);
    expect(existsSync(path.join(dir, 'flows', 'main.yaml'))).toBe(true);
    await page.locator('.react-flow__node [data-node-id="welcome"]').waitFor();

    // The other tab follows: the host has one open project.
    await expect.poll(() => second.locator('.project-menu .project-name').innerText(), { timeout: 10_000 }).toContain('Support bot');

    // Both projects are recent; opening the first one again brings back its flows.
    await page.getByRole('button', { name: /Support bot/ }).click();
    const recent = page.getByRole('dialog', { name: 'Projects' });
    await expect.poll(() => recent.innerText()).toContain('Tiny Bank');
    await recent.getByRole('button', { name: /Tiny Bank/ }).click();
    await expect.poll(() => page.locator('.project-menu .project-name').innerText()).toContain('Tiny Bank');
    await page.locator('.react-flow__node [data-node-id="menu"]').waitFor();

    // A folder that is not a project is refused with a clear message.
    await page.getByRole('button', { name: /Tiny Bank/ }).click();
    await page.getByLabel('Project folder').fill(os.tmpdir());
    await page.getByRole('dialog', { name: 'Projects' }).getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByRole('dialog', { name: 'Projects' }).getByRole('alert').innerText()).toMatch(/is not a Parley project/);
    await second.close();
  });
});
