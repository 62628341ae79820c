// "New project" from an existing bot in the studio's project menu, in Chromium: a Rasa source with a problem is
// refused with the file named and nothing written; the Rasa pizzabot fixture is imported into an empty folder, the
// new project opens with its flows listed, the summary shows the counts and IMPORT.md, and the simulator answers.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
const parent = mkdtempSync(path.join(tmpdir(), 'parley-import-e2e-'));
const pizzabot = path.resolve(__dirname, '../fixtures/rasa/pizzabot');

beforeAll(async () => {
  studio = await openStudio(copySample());
});
afterAll(async () => {
  await studio?.close();
  rmSync(parent, { recursive: true, force: true });
});

describe('project menu: a new project imported from Rasa (web mode, Chromium)', () => {
  it('refuses a broken source with its problems, then imports the pizzabot, opens it and simulates a greeting', async () => {
    const { page } = studio;
    const dir = path.join(parent, 'pizza');
    const broken = path.join(parent, 'broken-rasa');
    mkdirSync(path.join(broken, 'data'), { recursive: true });
    writeFileSync(path.join(broken, 'domain.yml'), 'version: "3.1"\nintents: [greet\n');

    await page.getByRole('button', { name: /Acme Bank Support/ }).click();
    const menu = page.getByRole('dialog', { name: 'Projects' });
    await menu.getByLabel('Project folder').fill(dir);
    await menu.getByLabel('Template').selectOption({ label: 'Import from Rasa (a folder)' });
    await expect.poll(() => menu.locator('.template-hint').innerText()).toMatch(/domain\.yml and data\//);
    await menu.getByLabel('Bot to import').fill(broken);
    await menu.getByRole('button', { name: 'Import here' }).click();
    const problems = menu.getByRole('alert', { name: 'Import problems' });
    await expect.poll(() => problems.innerText()).toMatch(/domain\.yml:\d+: invalid YAML/);
    expect(existsSync(dir)).toBe(false);

    await menu.getByLabel('Bot to import').fill(pizzabot);
    await menu.getByRole('button', { name: 'Import here' }).click();
    const summary = page.getByRole('dialog', { name: 'Imported pizzabot from Rasa' });
    await expect.poll(() => summary.getByRole('list', { name: 'What was imported' }).innerText()).toMatch(/10 intents[\s\S]*9 flows[\s\S]*6 stories/);
    await expect.poll(() => summary.locator('.import-report').innerText()).toMatch(/IMPORT\.md.*needs a person to finish \(2\)/);
    await summary.getByRole('button', { name: 'View IMPORT.md' }).click();
    expect((await summary.getByLabel('IMPORT.md').innerText()).trimEnd()).toBe(readFileSync(path.join(dir, 'IMPORT.md'), 'utf8').trimEnd());
    await page.screenshot({ path: '/tmp/importProject.png' });
    await summary.getByRole('button', { name: 'Close' }).click();

    await expect.poll(() => page.getByRole('button', { name: /^pizzabot/ }).count()).toBe(1);
    const flowNames = () => page.locator('.flow-list .flow-name').allInnerTexts();
    await expect.poll(async () => (await flowNames()).length).toBe(9);
    expect((await flowNames()).join('\n')).toMatch(/greet \(from data\/rules\.yml: greet\)/);

    const panel = page.getByTestId('simulator');
    const botTexts = () => panel.locator('.sim-log .bubble.bot .bubble-text').allInnerTexts();
    await page.getByRole('button', { name: /Simulate/ }).click();
    await panel.getByLabel('Message the bot').fill('hello');
    await panel.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await botTexts()).join('\n')).toContain("Hi! I'm the pizza bot. Want to order a pizza?");
    expect(studio.pageErrors).toEqual([]);
  });
});
