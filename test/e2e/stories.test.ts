// Stories in the studio (web mode, Chromium): simulate a conversation and save it as a story, break the flow,
// run the stories panel, see the failure with its diff, click through to the node, fix it, see it pass; and
// the coverage overlay on the canvas.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = copySample();
  // keep one of the sample's stories, so that coverage is partial and the overlay has something to mark
  for (const f of readdirSync(path.join(dir, 'stories'))) if (f.endsWith('.yaml') && f !== 'lost_card_happy.yaml') rmSync(path.join(dir, 'stories', f));
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('stories panel (web mode, Chromium)', () => {
  it('saves a simulated conversation as a story, catches a broken route, links to the node, passes again after the fix', async () => {
    const { page } = studio;
    const sim = page.getByTestId('simulator');
    const say = async (text: string) => {
      const before = await sim.locator('.sim-log .turn').count();
      await sim.getByLabel('Message the bot').fill(text);
      await sim.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => sim.locator('.sim-log .turn:not(.pending)').count()).toBe(before + 1);
    };

    // 1. simulate and save as a story
    await page.getByRole('button', { name: /Simulate/ }).click();
    await expect.poll(() => sim.locator('.bubble.bot').count()).toBeGreaterThan(0);
    await say('I lost my debit card');
    await say('4821');
    await sim.getByRole('button', { name: /Save as story/ }).click();
    await sim.getByLabel('Story name').fill('Lost card from the simulator');
    await sim.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => sim.locator('.sim-save [role=status]').innerText()).toBe('Saved stories/lost_card_from_the_simulator.yaml');
    const file = path.join(dir, 'stories/lost_card_from_the_simulator.yaml');
    expect(existsSync(file)).toBe(true);
    const saved = parse(readFileSync(file, 'utf8')) as { turns: { user: string; expect: Record<string, unknown> }[] };
    expect(saved.turns.map((t) => t.user)).toEqual(['I lost my debit card', '4821']);
    expect(saved.turns[0]?.expect).toMatchObject({ intent: 'lost_card', waits_at: 'card_lost/ask_last4', vars: { 'slots.card_type': 'debit' } });
    expect(saved.turns[1]?.expect).toMatchObject({ waits_at: 'card_lost/confirm_block', says: [{ copy: 'card_lost/confirm_block' }] });

    /** Finds a node with the search (Ctrl+K) and selects it, as a user would. */
    const selectNode = async (nodeId: string, phrase: string) => {
      await page
        .locator('.react-flow__pane')
        .first()
        .click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+k');
      const dialog = page.getByRole('dialog', { name: 'Search' });
      await page.keyboard.type(phrase, { delay: 10 });
      await expect.poll(() => dialog.getByRole('option').first().getAttribute('data-node-id')).toBe(nodeId);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('aside[aria-label=Inspector]').getByLabel('Id', { exact: true }).inputValue()).toBe(nodeId);
    };

    // 2. break the flow: the reassurance now skips the questions and hands off
    await selectNode('intro', "Let's block the card right away");
    await page.getByLabel('next exit target').selectOption('card_handoff');
    await expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');

    // 3. run the stories: ours fails, with the diff and the node
    await page.getByRole('button', { name: /Stories/ }).click();
    const panel = page.getByTestId('stories');
    await panel.getByRole('button', { name: 'Run all' }).click();
    const row = panel.locator('.story[data-file="stories/lost_card_from_the_simulator.yaml"]');
    await expect.poll(() => row.getAttribute('class'), { timeout: 20_000 }).toContain('failed');
    const name = row.locator('.story-name');
    if ((await name.getAttribute('aria-expanded')) !== 'true') await name.click();
    const failure = row.locator('.story-failure').first();
    await expect.poll(() => failure.count()).toBe(1);
    expect(await failure.innerText()).toMatch(/waits_at[\s\S]*expected: card_lost\/ask_last4[\s\S]*actual: /);
    await expect.poll(() => panel.locator('.stories-summary').innerText()).toMatch(/passed, [1-9]\d* failed/);

    // 4. click through to the node where the story and the conversation parted: the message whose exit was
    //    pointed elsewhere, not the node the conversation ended at
    await failure.getByRole('button', { name: /^parted at card_lost\/intro/ }).click();
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(1);
    await expect.poll(() => page.locator('aside[aria-label=Inspector]').getByLabel('Id', { exact: true }).inputValue()).toBe('intro');

    // 5. fix it and run the failed stories again: it passes
    await selectNode('intro', "Let's block the card right away");
    await page.getByLabel('next exit target').selectOption('ask_card_type');
    await expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');
    await row.getByRole('button', { name: /^Run / }).click();
    await expect.poll(() => row.getAttribute('class'), { timeout: 20_000 }).toContain('passed');

    // 6. coverage: the summary shows it, and the canvas marks nodes no story visits
    await panel.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => panel.locator('.stories-summary').innerText(), { timeout: 20_000 }).toMatch(/nodes \d+% · exits \d+%/);
    await page.locator('.flow-list').getByRole('button', { name: 'Opening hours' }).first().click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBeGreaterThan(0);
    // no story goes through the opening hours flow: its cards are marked
    await expect.poll(() => page.locator('.react-flow__node.cov-miss').count()).toBeGreaterThan(0);
    // and the exits no story takes
    await expect.poll(() => page.locator('.react-flow__edge.cov-miss').count()).toBeGreaterThan(0);
    expect(await panel.locator('.stories-summary').innerText()).not.toMatch(/nodes 100%/);

    await page.screenshot({ path: path.join(process.env.PARLEY_SCREENSHOTS ?? dir, 'stories.png') });
    expect(studio.pageErrors).toEqual([]);
  });
});
