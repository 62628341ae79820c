// Switching projects (project menu → Recent) ends the simulator's conversation and resets every panel: the
// new project gets its own conversation and model status, its own stories, no selection and no search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample, makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let sample: string;
let tiny: string;

beforeAll(async () => {
  sample = copySample();
  tiny = makeTinyProject();
  studio = await openStudio(sample);
});
afterAll(async () => {
  await studio?.close();
});

describe('switching projects', () => {
  it('ends the conversation and resets the simulator, stories, search, selection and inspector', async () => {
    const { page } = studio;
    const menu = page.locator('.project-menu .project-name');
    const sim = page.getByTestId('simulator');
    const stories = page.getByTestId('stories');
    const inspectorId = page.locator('aside[aria-label=Inspector]').getByLabel('Id', { exact: true });
    const openRecent = async (name: RegExp) => {
      await menu.click();
      await page.getByRole('dialog', { name: 'Projects' }).getByRole('button', { name }).click();
      await expect.poll(() => menu.innerText()).toMatch(name);
    };

    // open the tiny project (no model configured) by folder
    await menu.click();
    await page.getByLabel('Project folder').fill(tiny);
    await page.getByRole('dialog', { name: 'Projects' }).getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => menu.innerText()).toContain('Tiny Bank');

    // a conversation, a selected node, an open search there
    await page.getByRole('button', { name: /Simulate/ }).click();
    await expect.poll(() => sim.locator('.sim-status').innerText()).toMatch(/No model is configured/);
    await sim.getByLabel('Message the bot').fill('hello');
    await sim.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => sim.locator('.sim-log .bubble.user').count()).toBe(1);
    await page.locator('.react-flow__node [data-node-id="sorry"]').click();
    await expect.poll(() => inspectorId.inputValue()).toBe('sorry');
    await page.keyboard.press('Control+k');
    const search = page.getByRole('dialog', { name: 'Search' });
    await page.keyboard.type('sorry', { delay: 10 });
    await expect.poll(() => search.getByRole('option').first().getAttribute('data-node-id')).toBe('sorry');
    await page.keyboard.press('Escape');
    await search.waitFor({ state: 'detached' });

    // back to the sample through Recent
    await openRecent(/Acme Bank/);
    // the old conversation is gone: a new one with the sample, and its own status (it has a model, not trusted yet)
    // (the sample's engine is built for its first turn: NLU training and the knowledge index, slow on a busy machine)
    await expect.poll(() => sim.locator('.sim-log').innerText(), { timeout: 20_000 }).toMatch(/welcome to Acme Bank/);
    expect(await sim.locator('.sim-log').innerText()).not.toContain('Hi! How can I help?');
    expect(await sim.locator('.sim-log .bubble.user').count()).toBe(0);
    await expect.poll(() => sim.locator('.sim-status').innerText()).toMatch(/The model is not called/);
    expect(await sim.locator('.sim-status').innerText()).not.toMatch(/No model is configured/);
    // the old selection is gone: only the node the new conversation waits at is selected (Follow is on)
    await expect.poll(() => inspectorId.inputValue()).toBe('listen_intent');
    expect(await page.locator('.react-flow__node.selected').count()).toBe(1);
    // the search starts empty, over this project's nodes only
    await page
      .locator('.react-flow__pane')
      .first()
      .click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+k');
    expect(await search.getByLabel('Search flows').inputValue()).toBe('');
    await page.keyboard.type('did not get that', { delay: 10 });
    await expect.poll(() => search.innerText()).toMatch(/No node matches/);
    await page.keyboard.press('Escape');

    // the stories panel lists the open project's stories, and follows the next switch
    await page.getByRole('button', { name: /Stories/ }).click();
    await expect.poll(() => stories.locator('li.story').count(), { timeout: 15_000 }).toBeGreaterThan(3);
    await openRecent(/Tiny Bank/);
    await expect.poll(() => stories.locator('li.story').count()).toBe(0);
    expect(await stories.locator('.stories-summary').innerText()).toBe('Not run yet');
    expect(studio.pageErrors).toEqual([]);
  });
});
