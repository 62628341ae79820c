// Cards of nodes that run an A/B experiment say so (web mode, Chromium): the sample's experiment (hours/answer_hours,
// an llm node with two variants) shows "A/B 2" with the variants' ids on hover; a node without variants shows none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;

beforeAll(async () => {
  studio = await openStudio(copySample());
});
afterAll(async () => {
  await studio?.close();
});

describe('the A/B badge on cards (web mode, Chromium)', () => {
  it('marks the nodes with variants, with their count and ids', async () => {
    const { page } = studio;
    await page.locator('[data-flow-id="hours"]').click();
    await page.locator('.react-flow__controls-fitview').click();
    const card = (id: string) => page.locator(`.react-flow__node [data-node-id="${id}"]`);
    await card('answer_hours').waitFor();
    const badge = card('answer_hours').locator('.ab-badge');
    expect(await badge.innerText()).toBe('A/B 2');
    expect(await badge.getAttribute('title')).toBe('A/B experiment: 2 variants (control, one_sentence)');
    await card('hours_more').waitFor();
    expect(await card('hours_more').locator('.ab-badge').count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  });
});
