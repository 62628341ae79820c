// Answer buttons, end to end in Chromium: a new project from the blank template through "New project…", an ask node
// added from the palette and wired in after the welcome, its question and two buttons written in the inspector,
// saved; the simulator offers the buttons as quick replies, and a click answers with the button's value.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
const parent = mkdtempSync(path.join(tmpdir(), 'parley-ask-buttons-'));

beforeAll(async () => {
  studio = await openStudio(copySample());
});
afterAll(async () => {
  await studio?.close();
  rmSync(parent, { recursive: true, force: true });
});

type DiskNode = { id: string; kind: string; next?: string; prompt?: { en?: string }; buttons?: { id: string; label: { en?: string }; value?: string }[] };

describe('answer buttons on a question (web mode, Chromium)', () => {
  it('adds an ask node with two buttons to a new project, and a click in the simulator answers with its value', async () => {
    const { page } = studio;
    const dir = path.join(parent, 'cards-bot');
    const saved = () => expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');
    const diskNodes = () => (parse(readFileSync(path.join(dir, 'flows', 'main.yaml'), 'utf8')) as { nodes: DiskNode[] }).nodes;
    const inspector = page.locator('aside[aria-label="Inspector"]');
    const select = async (id: string) => {
      await page.locator('.react-flow__controls-fitview').click();
      await page.locator(`.react-flow__node [data-node-id="${id}"]`).dispatchEvent('click');
      await expect.poll(() => inspector.getByLabel('Id', { exact: true }).first().inputValue()).toBe(id);
    };

    // A new project from the blank template.
    await page.getByRole('button', { name: /Acme Bank Support/ }).click();
    const menu = page.getByRole('dialog', { name: 'Projects' });
    await menu.getByLabel('Project folder').fill(dir);
    await menu.getByLabel('New project name').fill('Cards Bot');
    await menu.getByLabel('Template').selectOption('blank');
    await menu.getByRole('button', { name: 'Create here' }).click();
    await expect.poll(() => page.getByRole('button', { name: /Cards Bot/ }).count()).toBe(1);
    await page.locator('[data-flow-id="main"]').click();
    await page.locator('.react-flow__node [data-node-id="welcome"]').waitFor();

    // An ask node from the palette, reached after the welcome and leading to the help message.
    await page.getByRole('button', { name: 'Add Ask node' }).click();
    const askCard = page.locator('.react-flow__node [data-node-id="ask"]');
    await askCard.waitFor();
    await select('welcome');
    await inspector.getByLabel('next exit target', { exact: true }).selectOption('ask');
    await select('ask');
    await inspector.getByLabel('filled exit target', { exact: true }).selectOption('help');

    // Its slot, its question and two buttons: one with a value, one answering with its label.
    await inspector.getByLabel('Slot', { exact: true }).fill('slots.card_type');
    await inspector.getByLabel('Question (en)', { exact: true }).fill('Which card is it?');
    expect(await inspector.getByText('No buttons.').count()).toBe(1);
    const add = inspector.getByRole('button', { name: '+ Add button' });
    await add.click();
    await inspector.getByLabel('Button 1 label (en)', { exact: true }).fill('Debit card');
    await inspector.getByLabel('Button 1 value', { exact: true }).fill('debit');
    await add.click();
    await inspector.getByLabel('Button 2 label (en)', { exact: true }).fill('Credit card');
    // no value: the placeholder says the label is the answer
    expect(await inspector.getByLabel('Button 2 value', { exact: true }).getAttribute('placeholder')).toBe('Credit card');
    expect(await inspector.getByLabel('Button 2 id', { exact: true }).inputValue()).toBe('button_2');
    // the card shows the question and the buttons' labels as chips
    await expect.poll(() => askCard.locator('.card-copy').innerText()).toBe('Which card is it?');
    expect(await askCard.locator('.chip').allInnerTexts()).toEqual(['Debit card', 'Credit card']);

    await saved();
    const nodes = diskNodes();
    expect(nodes.find((n) => n.id === 'welcome')?.next).toBe('ask');
    expect(nodes.find((n) => n.id === 'ask')).toMatchObject({
      kind: 'ask',
      next: 'help',
      prompt: { en: 'Which card is it?' },
      buttons: [
        { id: 'button', label: { en: 'Debit card' }, value: 'debit' },
        { id: 'button_2', label: { en: 'Credit card' } },
      ],
    });
    expect(nodes.find((n) => n.id === 'ask')?.buttons?.[1]).not.toHaveProperty('value');

    // The simulator asks the question with both buttons; a click answers it with the button's value.
    const panel = page.getByTestId('simulator');
    const botTexts = () => panel.locator('.sim-log .bubble.bot .bubble-text').allInnerTexts();
    await page.getByRole('button', { name: /Simulate/ }).click();
    await expect.poll(async () => (await botTexts()).at(-1) ?? '').toBe('Which card is it?');
    const replies = panel.locator('.sim-log .bubble.bot').last().locator('.quick-replies button');
    expect(await replies.allInnerTexts()).toEqual(['Debit card', 'Credit card']);
    await replies.filter({ hasText: 'Debit card' }).click();
    await expect.poll(async () => (await botTexts()).at(-1) ?? '').toBe("I can't do much yet. My designers are adding to what I know.");
    expect(await panel.locator('.sim-log .bubble.user').last().innerText()).toMatch(/^Debit card\b/);
    // The click answers in a new turn, whose trace is shown (the click does not also select the turn that offered it).
    await expect.poll(() => panel.locator('.trace-head').innerText()).toMatch(/^Trace of turn 1/);
    expect(await panel.locator('.trace-entry.t-vars').allInnerTexts()).toContainEqual(expect.stringMatching(/slots\.card_type: "debit"/));
    expect(await panel.locator('.trace-entry.t-vars').allInnerTexts()).not.toContainEqual(expect.stringMatching(/Debit card/));
    await page.screenshot({ path: '/tmp/askButtons.png' });
    expect(studio.pageErrors).toEqual([]);
  });
});
