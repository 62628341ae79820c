// The escalation panel on the sample: it lists the rows the shared derivation gives for the project (the same
// function, so a change to either shows here), a row of an API failure opens its node on the canvas with the
// inspector on it, and a handoff row shows the node's queue and hours.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFromFiles, readProjectFiles } from '../../main/services/projectStore';
import { escalationRules } from '../../shared/project/escalation';
import type { ProjectModel } from '../../shared/project/validate';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let project: ProjectModel;
let dir: string;

beforeAll(async () => {
  dir = copySample();
  project = loadFromFiles(await readProjectFiles(dir)).project!;
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

const activeFlow = (page: Page) =>
  page
    .locator('.flow.active')
    .getAttribute('data-flow-id', { timeout: 1000 })
    .catch(() => null);

describe('escalation panel', () => {
  it('lists every way the sample escalates and opens a row on the canvas', async () => {
    const { page } = studio;
    await page.locator('.flow-list').waitFor();
    const panel = page.getByRole('region', { name: 'Escalation rules' });
    await panel.getByRole('button', { name: /Escalation/ }).click();
    const rows = panel.locator('.escalation-list li');
    const expected = escalationRules(project);
    await expect.poll(() => rows.count()).toBe(expected.length);
    expect(await rows.locator('.esc-when').allTextContents()).toEqual(expected.map((r) => r.when));
    // the sample's fallback limit and the agent request, then the Premier handoff with its own hours
    expect(expected[0]?.when).toBe('3 messages in a row the bot cannot understand (nlu.fallbackLimit)');
    expect(expected.some((r) => r.kind === 'request' && r.when.includes('intent agent'))).toBe(true);
    const premier = rows.filter({ hasText: 'Handoff Premier team' });
    await expect.poll(() => premier.locator('.esc-then').textContent()).toContain("hours: queue premier's own hours (America/New_York)");

    const api = expected.find((r) => r.kind === 'api_failure' && r.at?.flow === 'card_lost');
    expect(api?.at).toBeDefined();
    await rows.filter({ hasText: api!.when }).first().getByRole('button').click();
    await expect.poll(() => activeFlow(page), { timeout: 5_000 }).toBe('card_lost');
    const inspector = page.locator('aside[aria-label=Inspector]');
    await expect.poll(() => inspector.getByLabel('Id', { exact: true }).inputValue()).toBe(api!.at!.node);
    expect(studio.pageErrors).toEqual([]);
  });

  it("edits a handoff's reason, summary and ticket in the inspector", async () => {
    const { page } = studio;
    const panel = page.getByRole('region', { name: 'Escalation rules' });
    await panel.locator('.escalation-list li', { hasText: 'Handoff Support team' }).getByRole('button').click();
    await expect.poll(() => activeFlow(page), { timeout: 5_000 }).toBe('human');
    const inspector = page.locator('aside[aria-label=Inspector]');
    await expect.poll(() => inspector.getByLabel('Id', { exact: true }).inputValue()).toBe('connect_agent');
    expect(await inspector.getByLabel('Reason', { exact: true }).inputValue()).toBe('');
    expect(await inspector.getByLabel('Summary for the agent', { exact: true }).inputValue()).toBe('extract');
    expect(await inspector.getByLabel('Operation', { exact: true }).inputValue()).toBe('create_ticket');
    expect(await inspector.getByLabel('When', { exact: true }).inputValue()).toBe('outOfHours');
    await inspector.getByLabel('Reason', { exact: true }).selectOption('user_request');
    await inspector.getByLabel('Summary for the agent', { exact: true }).selectOption('llm');
    await inspector.getByLabel('Instructions for the model', { exact: true }).fill('Lead with the card.');
    await inspector.getByLabel('Instructions for the model', { exact: true }).blur();
    const file = path.join(dir, 'flows', 'human.yaml');
    await expect
      .poll(() => readFileSync(file, 'utf8'), { timeout: 10_000 })
      .toMatch(/id: connect_agent[\s\S]*reason: user_request[\s\S]*summary:\n\s+by: llm\n\s+instructions: Lead with the card\./);
    expect(studio.pageErrors).toEqual([]);
  });
});
