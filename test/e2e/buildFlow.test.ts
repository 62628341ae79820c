import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createEventBus } from '../../main/services/events';
import { createProjectStore } from '../../main/services/projectStore';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  // An empty project, as `project.create` makes it.
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-build-')), 'bot');
  const store = createProjectStore({ bus: createEventBus(), watch: false });
  await store.create(dir, 'Hand-built bot');
  await store.close();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

const card = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const saved = (page: Page) => expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');

/** Waits until the viewport stops moving (fit-view and centring are animated). */
async function settled(page: Page) {
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await page.locator('.react-flow__viewport').getAttribute('style');
        const same = now === last;
        last = now ?? '';
        return same;
      },
      { interval: 150 },
    )
    .toBe(true);
}

/** Drags from an exit handle of one node to the input of another, as a user connects them. */
async function connect(page: Page, from: string, port: string, to: string) {
  // Where both handles are, once nothing lies over them. A busy machine paints the last frames of a layout or a
  // fit-view late, so a handle may still move after the canvas looked settled: measure again until the points are
  // the handles' own. Something that stays over a handle (a floating panel) connects nothing: say so.
  let points: [{ x: number; y: number }, { x: number; y: number }] | undefined;
  let covered = '';
  for (let attempt = 0; attempt < 20 && !points; attempt++) {
    await settled(page);
    const src = await card(page, from).locator(`.react-flow__handle.source[data-handleid="${port}"]`).boundingBox();
    const dst = await card(page, to).locator('.react-flow__handle.target').boundingBox();
    if (!src || !dst) throw new Error(`handles of ${from}:${port} → ${to} not visible`);
    const at = [
      { x: src.x + src.width / 2, y: src.y + src.height / 2 },
      { x: dst.x + dst.width / 2, y: dst.y + dst.height / 2 },
    ] as const;
    const hits = await page.evaluate(
      (ps) =>
        ps.map((p) => {
          const el = document.elementFromPoint(p.x, p.y);
          return el?.closest('.react-flow__handle') ? '' : (el?.className.toString() ?? 'nothing');
        }),
      [...at],
    );
    covered = hits[0] ? `the handle of ${from}:${port} is covered by ${hits[0]}` : hits[1] ? `the handle of ${to} is covered by ${hits[1]}` : '';
    if (!covered) points = [at[0], at[1]];
    else await page.waitForTimeout(150);
  }
  if (!points) throw new Error(covered);
  await page.mouse.move(points[0].x, points[0].y);
  await page.mouse.down();
  await page.mouse.move(points[1].x, points[1].y, { steps: 12 });
  await page.mouse.up();
}

/** What the canvas shows: nodes with their copy, and edges. */
async function graph(page: Page) {
  const nodes = await page
    .locator('.react-flow__node-card')
    .evaluateAll((els) =>
      els
        .map((el) => ({ id: el.getAttribute('data-id'), text: (el.querySelector('.card-copy') as HTMLElement | null)?.innerText ?? null }))
        .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    );
  const edges = await page.locator('.react-flow__edge').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')).sort());
  return { nodes, edges };
}

describe('building a flow by hand', () => {
  it('adds, connects, edits, undoes, lays out, saves and reloads to the same graph', async () => {
    const { page } = studio;
    // A new, empty flow.
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByLabel('New flow name').fill('Card help');
    await page.getByLabel('New flow name').press('Enter');
    // wait for the new flow itself: the project's first flow has a node called start too
    await expect.poll(() => page.locator('.breadcrumbs .crumb.current').innerText()).toBe('Card help');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);
    await card(page, 'start').waitFor();

    // Nodes from the palette: click adds at the centre; the search field adds the first match on Enter.
    await page.getByRole('button', { name: 'Add Message node' }).click();
    await card(page, 'message').waitFor();
    await page.locator('#palette-search').fill('end');
    await page.locator('#palette-search').press('Enter');
    await card(page, 'end').waitFor();
    // The palette floats over the canvas's corner: down to its search field, it covers no handle.
    await page.getByRole('button', { name: 'Hide node kinds' }).click();
    // Spread them out so the handles do not overlap (cards are added at the centre).
    await page.getByRole('button', { name: 'Layout →' }).click();
    // new cards are placed apart already, so wait for the layout itself to land before dragging between them
    await expect.poll(() => page.getByText('Laying out…').count(), { timeout: 15_000 }).toBe(0);
    const apart = async () => {
      const boxes = await Promise.all(['start', 'message', 'end'].map(async (id) => (await card(page, id).boundingBox())!));
      return boxes.every((a, i) =>
        boxes.every((b, j) => i === j || a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y),
      );
    };
    await expect.poll(apart).toBe(true);

    // Connect start → message → end by dragging.
    await connect(page, 'start', 'next', 'message');
    await connect(page, 'message', 'next', 'end');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    // A second edge from an exit that is already connected is refused.
    await connect(page, 'start', 'next', 'end');
    expect(await page.locator('.react-flow__edge').count()).toBe(2);

    // Inline copy editing on the card.
    await card(page, 'message').locator('.card-copy').dblclick();
    const editor = page.getByLabel('Edit copy of message (en)');
    await editor.fill('Which card is it: debit or credit?');
    await editor.press('Enter');
    await expect.poll(() => card(page, 'message').locator('.card-copy').innerText()).toBe('Which card is it: debit or credit?');

    // Undo, then redo: the copy goes back and forth.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => card(page, 'message').locator('.card-copy').innerText()).toBe('New message');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => card(page, 'message').locator('.card-copy').innerText()).toBe('Which card is it: debit or credit?');

    // Auto-layout again, wait for the save, and remember the graph and the file.
    await page.getByRole('button', { name: 'Layout ↓' }).click();
    await saved(page);
    const before = await graph(page);
    const file = readFileSync(path.join(dir, 'flows/card_help.yaml'), 'utf8');
    expect(file).toContain('Which card is it: debit or credit?');
    expect(before.nodes.map((n) => n.id)).toEqual(['end', 'message', 'start']);
    expect(before.edges).toEqual(['rf__edge-message:next', 'rf__edge-start:next']);

    // Reload: the same nodes, edges and copy.
    await page.reload();
    await page.locator('[data-flow-id="card_help"]').click();
    await card(page, 'message').waitFor();
    await expect.poll(() => graph(page)).toEqual(before);
    expect(readFileSync(path.join(dir, 'flows/card_help.yaml'), 'utf8')).toBe(file);
    expect(studio.pageErrors).toEqual([]);
  });
});
