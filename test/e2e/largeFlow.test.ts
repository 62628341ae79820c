// Far zoomed out on a large flow, the canvas draws the cards itself and the page holds only the card under the
// pointer and the selected ones (FlowCanvas "lite mode"). Pointing, clicking and box selection still work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeFlow } from '../../shared/project/serialize';
import { generateFlow } from '../fixtures/generateFlow';
import { makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
const SIZE = 1500;

beforeAll(async () => {
  const flow = generateFlow(SIZE);
  studio = await openStudio(makeTinyProject({ 'flows/main.yaml': serializeFlow(flow) }));
});
afterAll(async () => {
  await studio?.close();
});

async function view(page: Studio['page']) {
  return page.evaluate(() => {
    const t = document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform;
    const m = /translate\((-?[\d.e+-]+)px,\s*(-?[\d.e+-]+)px\)\s*scale\((-?[\d.e+-]+)\)/.exec(t)!;
    const r = document.querySelector('.react-flow')!.getBoundingClientRect();
    return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]), left: r.left, top: r.top, width: r.width, height: r.height };
  });
}

describe('a large flow far zoomed out (web mode, Chromium)', () => {
  it('draws cards on the canvas, mounts the pointed card, and still clicks and box-selects', async () => {
    const { page } = studio;
    await page.locator('.react-flow__node').first().waitFor();
    const canvas = await view(page);
    // zoom out with the wheel to below the block level of detail (0.3)
    for (let i = 0; i < 10 && (await view(page)).k > 0.2; i++) {
      await page.mouse.move(canvas.left + canvas.width / 2, canvas.top + canvas.height / 2);
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(250);
    }
    const v = await view(page);
    expect(v.k).toBeLessThan(0.3);
    expect(await page.locator('.compact-edges').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBeLessThanOrEqual(1);

    // a card in view: n42 sits at (2 * 320, 1 * 200) in the generated flow
    const screen = (x: number, y: number) => ({ x: v.left + v.x + x * v.k, y: v.top + v.y + y * v.k });
    const target = { x: 2 * 320 + 100, y: 1 * 200 + 30 };
    const at = screen(target.x, target.y);
    expect(at.x).toBeGreaterThan(v.left);
    expect(at.x).toBeLessThan(v.left + v.width);
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.locator('.react-flow__node[data-id="n42"]').count()).toBe(1);
    await page.mouse.click(at.x, at.y);
    await expect.poll(() => page.locator('aside[aria-label=Inspector]').getByLabel('Id', { exact: true }).inputValue()).toBe('n42');

    // box selection with Shift: every card fully inside the box is selected (and becomes an element)
    const from = screen(2 * 320 - 40, 2 * 200 - 40);
    const to = screen(6 * 320 - 20, 4 * 200 - 20);
    await page.keyboard.down('Shift');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    // columns 2..5 of rows 2..3 of the generated grid: 4 x 2 cards
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(8);
    expect(studio.pageErrors).toEqual([]);
  });

  it('draws the dot grid once inside the viewport: a pan leaves it as it was, and it takes no pointer', async () => {
    const { page } = studio;
    const grid = page.locator('.react-flow__viewport .dot-grid');
    expect(await grid.count()).toBe(1);
    const before = { view: await view(page), style: await grid.getAttribute('style') };
    // pan with the pane: from an empty spot between the generated rows
    const v = before.view;
    const empty = { x: v.left + v.x + (2 * 320 + 290) * v.k, y: v.top + v.y + (2 * 200 + 180) * v.k };
    const hit = () =>
      page.evaluate(({ x, y }) => {
        const el = document.elementFromPoint(x, y);
        return el?.closest('.dot-grid') ? 'grid' : el?.classList.contains('react-flow__pane') ? 'pane' : el?.className;
      }, empty);
    expect(await hit()).toBe('pane');
    await page.mouse.move(empty.x, empty.y);
    await page.mouse.down();
    await page.mouse.move(empty.x - 200, empty.y - 120, { steps: 6 });
    await page.mouse.up();
    const after = await view(page);
    expect(Math.round(after.x - v.x)).toBe(-200);
    expect(Math.round(after.y - v.y)).toBe(-120);
    expect(await grid.getAttribute('style')).toBe(before.style);
    // it reaches past every card of the flow
    const box = await page.evaluate(() => {
      const s = document.querySelector<HTMLElement>('.react-flow__viewport .dot-grid')!.style;
      return { left: parseFloat(s.left), top: parseFloat(s.top), width: parseFloat(s.width), height: parseFloat(s.height) };
    });
    expect(box.left).toBeLessThan(0);
    expect(box.top).toBeLessThan(0);
    expect(box.left + box.width).toBeGreaterThan(40 * 320); // 40 columns of cards 320 apart (generateFlow)
    expect(studio.pageErrors).toEqual([]);
  });
});
