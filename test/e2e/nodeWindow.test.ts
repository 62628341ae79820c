// On a large flow React Flow holds only the cards around the view (renderer/src/canvas/useNodeWindow.ts). What the
// canvas shows and does must not change: the cards in view, the edges crossing it (also those whose two cards are
// far out of it), a drag of every selected card, and the controls' fit-view button, which fits every card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFromFiles, readProjectFiles } from '../../main/services/projectStore';
import { serializeFlow } from '../../shared/project/serialize';
import { generateFlow } from '../fixtures/generateFlow';
import { makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;
// Rows of 40 cards, 320 x 200 apart; each card leads to the next, the last of a row to the first of the next row.
const SIZE = 1500;

beforeAll(async () => {
  dir = makeTinyProject({ 'flows/main.yaml': serializeFlow(generateFlow(SIZE)) });
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

const view = (page: Studio['page']) =>
  page.evaluate(() => {
    const t = document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform;
    const m = /translate\((-?[\d.e+-]+)px,\s*(-?[\d.e+-]+)px\)\s*scale\((-?[\d.e+-]+)\)/.exec(t)!;
    const r = document.querySelector('.react-flow')!.getBoundingClientRect();
    return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]), left: r.left, top: r.top, width: r.width, height: r.height };
  });

const positions = async () => {
  const { project } = loadFromFiles(await readProjectFiles(dir));
  return new Map(project!.flows['main']!.nodes.map((n) => [n.id, n.position!]));
};

describe('a large flow, React Flow holding the cards around the view (web mode, Chromium)', () => {
  it('shows the cards of a view far from the opening one, and the edges crossing it from cards far out of it', async () => {
    const { page } = studio;
    await page.locator('.react-flow__node').first().waitFor();
    expect(await page.locator('.react-flow__node[data-id="n623"]').count()).toBe(0);
    await page.keyboard.press('Control+k');
    await page.keyboard.type('Step 623', { delay: 15 });
    await expect.poll(() => page.getByRole('dialog', { name: 'Search' }).getByRole('option').first().getAttribute('data-node-id')).toBe('n623');
    await page.keyboard.press('Enter');
    // n623 is in row 15, column 23; its neighbours in the row are in view too, with the edges between them
    for (const id of ['n622', 'n623', 'n624']) await expect.poll(() => page.locator(`.react-flow__node[data-id="${id}"]`).count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__edge[data-id="n623:next"]').count()).toBe(1);
    // the edges from the end of rows 14 and 15 to the start of the next row cross the view; their cards are far out of it
    for (const id of ['n599:next', 'n639:next']) expect(await page.locator(`.react-flow__edge[data-id="${id}"]`).count()).toBe(1);
    for (const id of ['n599', 'n600', 'n639', 'n640']) expect(await page.locator(`.react-flow__node[data-id="${id}"]`).count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  });

  it('moves every selected card with a drag, those far out of view too', async () => {
    const { page } = studio;
    const before = await positions();
    await page
      .locator('.react-flow__pane')
      .first()
      .click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBeGreaterThan(2);
    const card = await page.locator('.react-flow__node[data-id="n623"]').boundingBox();
    await page.mouse.move(card!.x + card!.width * 0.4, card!.y + 12);
    await page.mouse.down();
    for (let i = 1; i <= 6; i++) await page.mouse.move(card!.x + card!.width * 0.4 + i * 20, card!.y + 12 + i * 12);
    await page.mouse.up();
    await expect.poll(() => page.locator('.save-status').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');
    await expect.poll(async () => (await positions()).get('n623')?.x !== before.get('n623')!.x, { timeout: 10_000 }).toBe(true);
    const after = await positions();
    const moved = after.get('n623')!;
    const delta = { x: moved.x - before.get('n623')!.x, y: moved.y - before.get('n623')!.y };
    expect(delta.x).toBeGreaterThan(0);
    expect(delta.y).toBeGreaterThan(0);
    const wrong = [...before].filter(([id, p]) => after.get(id)?.x !== p.x + delta.x || after.get(id)?.y !== p.y + delta.y).map(([id]) => id);
    expect(wrong).toEqual([]);
    expect(studio.pageErrors).toEqual([]);
  });

  it('fits every card with the fit-view button of the controls', async () => {
    const { page } = studio;
    await page.locator('.react-flow__controls-fitview').click();
    const all = [...(await positions()).values()];
    const left = Math.min(...all.map((p) => p.x));
    const top = Math.min(...all.map((p) => p.y));
    const right = Math.max(...all.map((p) => p.x)) + 240;
    const bottom = Math.max(...all.map((p) => p.y)) + 100;
    const v = await view(page);
    expect(v.x + left * v.k).toBeGreaterThanOrEqual(-1);
    expect(v.y + top * v.k).toBeGreaterThanOrEqual(-1);
    expect(v.x + right * v.k).toBeLessThanOrEqual(v.width + 1);
    expect(v.y + bottom * v.k).toBeLessThanOrEqual(v.height + 1);
    // and fills the canvas one way: 10 % padding in all
    expect(Math.max(((right - left) * v.k) / v.width, ((bottom - top) * v.k) / v.height)).toBeGreaterThan(0.75);
    expect(studio.pageErrors).toEqual([]);
  });
});
