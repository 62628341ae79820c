import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadFromFiles, readProjectFiles } from '../../main/services/projectStore';
import type { ProjectModel } from '../../shared/project/validate';
import { forEachCopy } from '../../shared/project/validate';
import type { FlowNode } from '../../shared/schema/nodes';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;
let project: ProjectModel;

beforeAll(async () => {
  dir = copySample();
  project = loadFromFiles(await readProjectFiles(dir)).project!;
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});
// Each test starts from a fresh page on the start flow.
beforeEach(async () => {
  await studio.page.reload();
  await studio.page.locator('.flow-list').waitFor();
  studio.pageErrors.length = 0;
});

/** Every piece of copy of a node, all locales and variants. */
function copyOf(node: FlowNode): string[] {
  const out: string[] = [];
  forEachCopy(node, (_path, text) => {
    for (const t of Object.values(text)) out.push(...(Array.isArray(t) ? t : [t]));
  });
  return out;
}

/**
 * A phrase of four words that a message in `flowIds` says and no other node of the project does, from the
 * node furthest from its flow's start (so the canvas has to move to show it).
 */
function uniquePhrase(flowIds: string[]): { flowId: string; node: FlowNode; phrase: string } {
  const all = Object.entries(project.flows).flatMap(([flowId, flow]) => flow.nodes.map((node) => ({ flowId, node })));
  const candidates = all
    .filter(({ flowId, node }) => flowIds.includes(flowId) && node.kind === 'message')
    .sort((a, b) => (b.node.position?.x ?? 0) - (a.node.position?.x ?? 0));
  for (const { flowId, node } of candidates) {
    const others = all
      .filter((o) => o.node !== node)
      .flatMap((o) => copyOf(o.node))
      .map((t) => t.toLowerCase());
    const text = node.kind === 'message' ? node.say.en : undefined;
    const words = (Array.isArray(text) ? text[0] : text)?.split(/\s+/) ?? [];
    for (let i = 0; i + 4 <= words.length; i++) {
      const phrase = words.slice(i, i + 4).join(' ');
      if (!/^[A-Za-z][A-Za-z ]*[A-Za-z]$/.test(phrase)) continue; // plain words: no placeholders or punctuation
      if (!others.some((t) => t.includes(phrase.toLowerCase()))) return { flowId, node, phrase };
    }
  }
  throw new Error('no unique phrase in the sample');
}

/** The flow the flow list shows as current, or the page's first error if the page broke (so a failure says why). */
const activeFlow = async (page: Page) =>
  studio.pageErrors[0]
    ? `page error: ${studio.pageErrors[0]}`
    : page
        .locator('.flow.active')
        .getAttribute('data-flow-id', { timeout: 1000 })
        .catch(() => null);
const focusedLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);

/** Whether the node's card lies inside the visible canvas. */
async function cardInView(page: Page, nodeId: string): Promise<boolean> {
  const card = page.locator(`.react-flow__node [data-node-id="${nodeId}"]`);
  if ((await card.count()) === 0 || !(await card.isVisible())) return false;
  const [box, canvas] = await Promise.all([card.boundingBox(), page.locator('.react-flow').first().boundingBox()]);
  if (!box || !canvas) return false;
  return box.x >= canvas.x && box.y >= canvas.y && box.x + box.width <= canvas.x + canvas.width && box.y + box.height <= canvas.y + canvas.height;
}

/**
 * From the start flow: Ctrl+K, type a phrase that only a node of another flow says, and check that node is the
 * first result, selected, labelled with its flow, the phrase highlighted.
 */
async function findFromStartFlow(page: Page) {
  const startFlow = project.manifest.startFlow;
  const target = uniquePhrase(['card_lost', 'hours']);
  expect(target.flowId).not.toBe(startFlow);
  await expect.poll(() => activeFlow(page)).toBe(startFlow);
  expect(await cardInView(page, target.node.id)).toBe(false);

  await page.keyboard.press('Control+k');
  const dialog = page.getByRole('dialog', { name: 'Search' });
  await dialog.waitFor();
  expect(await focusedLabel(page)).toBe('Search flows');

  await page.keyboard.type(target.phrase, { delay: 15 });
  const first = dialog.getByRole('option').first();
  await expect.poll(() => first.getAttribute('data-node-id')).toBe(target.node.id);
  expect(await first.getAttribute('data-flow-id')).toBe(target.flowId);
  expect(await first.getAttribute('aria-selected')).toBe('true');
  expect(await page.getByRole('combobox', { name: 'Search flows' }).getAttribute('aria-activedescendant')).toBe(await first.getAttribute('id'));
  const flowName = project.flows[target.flowId]!.name;
  expect(await dialog.getByRole('group', { name: flowName }).getByRole('option').first().getAttribute('data-node-id')).toBe(target.node.id);
  expect((await first.locator('mark').allInnerTexts()).join(' ').toLowerCase()).toBe(target.phrase.toLowerCase());
  return { target, dialog };
}

describe('search across flows (web mode, Chromium)', () => {
  it('opens with Ctrl+K and finds, as it is typed, a phrase of copy that only another flow has', async () => {
    await findFromStartFlow(studio.page);
    expect(studio.pageErrors).toEqual([]);
  });

  it('Enter on a result in another flow lands on it: the flow list, the inspector and the canvas show the node', async () => {
    const { page } = studio;
    const { target, dialog } = await findFromStartFlow(page);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => activeFlow(page), { timeout: 5_000 }).toBe(target.flowId);
    expect(await page.locator('.flow.active').getAttribute('aria-current')).toBe('page');
    const inspector = page.locator('aside[aria-label=Inspector]');
    await expect.poll(() => inspector.getByLabel('Id', { exact: true }).inputValue()).toBe(target.node.id);
    await expect.poll(() => cardInView(page, target.node.id), { timeout: 5_000 }).toBe(true);
    expect(studio.pageErrors).toEqual([]);
  });

  it('opens with Ctrl+F too; Escape closes it and gives focus back', async () => {
    const { page } = studio;
    const help = page.locator('.flow[data-flow-id="help"]');
    await help.focus();
    await page.keyboard.press('Control+f');
    const dialog = page.getByRole('dialog', { name: 'Search' });
    await dialog.waitFor();
    expect(await focusedLabel(page)).toBe('Search flows');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-flow-id'))).toBe('help');
    // Clicking outside the panel closes it as well.
    await page.keyboard.press('Control+k');
    await dialog.waitFor();
    await page.mouse.click(5, 890);
    await dialog.waitFor({ state: 'detached' });
    expect(studio.pageErrors).toEqual([]);
  });

  it('moves through results with the arrow keys, forgives a typo, and a click centres the node', async () => {
    const { page } = studio;
    const startFlow = project.manifest.startFlow;
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search' });
    await dialog.waitFor();
    await page.keyboard.type('card');
    const options = dialog.getByRole('option');
    await expect.poll(() => options.count()).toBeGreaterThan(3);
    const selected = () => dialog.locator('[role=option][aria-selected=true]').getAttribute('data-n');
    // each key press re-renders the list: poll, so a busy machine does not read the list before it updates
    await expect.poll(selected).toBe('0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(selected).toBe('2');
    await page.keyboard.press('ArrowUp');
    await expect.poll(selected).toBe('1');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const last = String((await options.count()) - 1);
    await expect.poll(selected).toBe(last); // wraps around

    // "custmer care": a typo. Click a result of this flow that is off screen.
    await page.getByRole('combobox', { name: 'Search flows' }).fill('custmer care');
    const result = dialog.locator(`[role=option][data-flow-id="${startFlow}"]`).first();
    await result.waitFor();
    expect((await result.locator('mark').allInnerTexts()).map((t) => t.toLowerCase())).toEqual(expect.arrayContaining(['customer', 'care']));
    const nodeId = (await result.getAttribute('data-node-id'))!;
    expect(await cardInView(page, nodeId)).toBe(false);
    await result.click();
    await dialog.waitFor({ state: 'detached' });
    expect(await activeFlow(page)).toBe(startFlow);
    await expect.poll(() => page.locator('aside[aria-label=Inspector]').getByLabel('Id', { exact: true }).inputValue()).toBe(nodeId);
    await expect.poll(() => cardInView(page, nodeId), { timeout: 5_000 }).toBe(true);
    expect(studio.pageErrors).toEqual([]);
  });
});
