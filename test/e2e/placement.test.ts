// Nodes added with N + Enter land in free space: beside the selected card, or near the centre of the view,
// never on top of another card.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = makeTinyProject();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

type Box = { id: string; x: number; y: number; width: number; height: number };

describe('placing added nodes', () => {
  it('puts each node added with N + Enter in free space near the selection or the centre of the view', async () => {
    const { page } = studio;
    const cards = async (): Promise<Box[]> =>
      page.locator('.react-flow__node:has([data-node-id])').evaluateAll((els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return { id: el.querySelector('[data-node-id]')?.getAttribute('data-node-id') ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
        }),
      );
    const overlapping = (all: Box[]) =>
      all.flatMap((a, i) =>
        all
          .slice(i + 1)
          .filter((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
          .map((b) => `${a.id}/${b.id}`),
      );
    const addWithKeyboard = async (kind: string) => {
      const before = (await cards()).length;
      await page.keyboard.press('n');
      await page.keyboard.type(kind, { delay: 10 });
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await cards()).length).toBe(before + 1);
      await page.locator('#palette-search').blur();
    };
    const deselect = () =>
      page
        .locator('.react-flow__pane')
        .first()
        .click({ position: { x: 5, y: 5 } });

    // nothing selected: near the centre of the view, one after another, none stacked
    for (let i = 0; i < 3; i++) {
      await deselect();
      await addWithKeyboard('message');
    }
    expect(overlapping(await cards())).toEqual([]);

    // a selected card: the new one goes beside it (fit the flow in view first: each add scrolls to the new card)
    await deselect();
    await page.keyboard.press('f');
    await page.locator('.react-flow__node [data-node-id="welcome"]').click();
    await addWithKeyboard('set');
    const all = await cards();
    expect(overlapping(all)).toEqual([]);
    const welcome = all.find((c) => c.id === 'welcome')!;
    const added = all.find((c) => c.id === 'set')!;
    expect(Math.hypot(added.x - welcome.x, added.y - welcome.y)).toBeLessThan(2.5 * welcome.width);

    await page.screenshot({ path: path.join(process.env.PARLEY_SCREENSHOTS ?? dir, 'placement.png') });
    expect(studio.pageErrors).toEqual([]);
  });
});
