// A writer rewords a line that a story checks by its words: the inspector lists the story under the line, says the
// new words break it, and rewrites the check to name the line by its stable copy id instead.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = copySample();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('stories that check a line by its words (web mode, Chromium)', () => {
  it('are listed under the line, flagged when the new words break them, and rewritten to check the copy id', async () => {
    const { page } = studio;
    const story = path.join(dir, 'stories', 'lost_card_happy.yaml');
    expect(readFileSync(story, 'utf8')).toContain('contains: is now blocked');
    await page.locator('[data-flow-id="card_lost"]').click();
    await page.locator('.react-flow__controls-fitview').click();
    const card = page.locator('.react-flow__node [data-node-id="blocked"]');
    await card.waitFor();
    await card.dispatchEvent('click');
    const inspector = page.locator('aside[aria-label="Inspector"]');
    const checks = inspector.locator('.insp-word-checks li');
    const item = checks.filter({ hasText: 'lost_card_happy.yaml' }).filter({ hasText: 'is now blocked' });
    await expect.poll(() => item.innerText(), { timeout: 20_000 }).toMatch(/turn 3: .is now blocked./);
    expect(await item.innerText()).not.toContain('no longer in the text');

    const english = inspector.getByLabel('Bot says (en)', { exact: true });
    await english.fill((await english.inputValue()).replace('is now blocked', 'has been blocked'));
    await expect.poll(() => item.innerText()).toContain('no longer in the text: the story will fail');
    // checks of the words as said, with the card's values filled in, are listed and flagged too
    await expect.poll(() => checks.filter({ hasText: 'debit card ending 9034 is now blocked' }).first().innerText()).toContain('no longer in the text');

    const id = await inspector.locator('.insp-copy-id').first().innerText();
    await item.getByRole('button', { name: 'Check by copy id instead' }).click();
    await expect.poll(() => readFileSync(story, 'utf8')).toContain(`copy: ${id}`);
    expect(readFileSync(story, 'utf8')).not.toContain('contains: is now blocked');
    await expect.poll(() => item.count()).toBe(0);

    // the Stories panel re-runs just the stories whose last run went through the edited node
    await page.getByRole('button', { name: /Stories/ }).click();
    const panel = page.getByTestId('stories');
    await panel.getByRole('button', { name: 'Run all' }).click();
    const through = panel.getByRole('button', { name: /^Run the \d+ through blocked$/ });
    await through.waitFor({ timeout: 60_000 });
    const total = Number((await panel.locator('.sim-model').innerText()).match(/\d+/)![0]);
    const some = Number((await through.innerText()).match(/\d+/)![0]);
    expect(some).toBeGreaterThan(0);
    expect(some).toBeLessThan(total);
    await through.click();
    await expect.poll(() => through.isEnabled(), { timeout: 60_000 }).toBe(true);
    // the rewritten story passes: it checks the line by its id, whatever its words (the two that check the words
    // as said, with the card's values, were not rewritten here: they fail)
    await expect.poll(() => panel.locator('li.story[data-file="stories/lost_card_happy.yaml"]').getAttribute('class')).toBe('story passed');
  });
});
