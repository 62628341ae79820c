// "New project" from a template in the studio's project menu, in Chromium: the banking template is created in an
// empty folder, opens, and simulates at once (its design-time mock answers the balance); the files are on disk.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
const parent = mkdtempSync(path.join(tmpdir(), 'parley-new-'));

beforeAll(async () => {
  studio = await openStudio(copySample());
});
afterAll(async () => {
  await studio?.close();
  rmSync(parent, { recursive: true, force: true });
});

describe('project menu: a new project from a template (web mode, Chromium)', () => {
  it('creates the banking template in an empty folder, opens it and simulates its mocked balance', async () => {
    const { page } = studio;
    const dir = path.join(parent, 'my-bank');
    await page.getByRole('button', { name: /Acme Bank Support/ }).click();
    const menu = page.getByRole('dialog', { name: 'Projects' });
    await menu.getByLabel('Project folder').fill(dir);
    await menu.getByLabel('New project name').fill('Harbour Bank');
    await menu.getByLabel('Template').selectOption('banking');
    await expect.poll(() => menu.locator('.template-hint').innerText()).toMatch(/mocked API/);
    await menu.getByRole('button', { name: 'Create here' }).click();
    await expect.poll(() => page.getByRole('button', { name: /Harbour Bank/ }).count()).toBe(1);
    expect(readFileSync(path.join(dir, 'parley.yaml'), 'utf8')).toContain('name: "Harbour Bank"');
    expect(existsSync(path.join(dir, 'flows', 'balance.yaml'))).toBe(true);

    const panel = page.getByTestId('simulator');
    const botTexts = () => panel.locator('.sim-log .bubble.bot .bubble-text').allInnerTexts();
    await page.getByRole('button', { name: /Simulate/ }).click();
    await expect.poll(async () => (await botTexts()).at(-1) ?? '').toMatch(/^Hi Sam! I can check your balance/);
    await panel.getByRole('checkbox', { name: 'Mocks' }).check();
    await expect.poll(async () => (await botTexts()).length).toBe(1);
    await panel.getByLabel('Message the bot').fill("what's my balance");
    await panel.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await botTexts()).join('\n')).toContain('Your Current Account has an available balance of $1,250.75.');
  });
});
