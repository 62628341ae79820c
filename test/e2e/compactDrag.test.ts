// A drag zoomed out (below the compact zoom, where CompactEdges draws the edges): after its first step the canvas
// moves the dragged card's element itself instead of rendering it (canvas/dragLayer.ts, moveInStore's `place`). The
// card must still follow the pointer on every step, end where it was dropped, and be saved there; the same far
// zoomed out on a large flow (lite mode: the canvas draws the cards, the page holds only the pointed and dragged ones).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFromFiles, readProjectFiles } from '../../main/services/projectStore';
import { serializeFlow } from '../../shared/project/serialize';
import { INSTRUMENT_SCRIPT, setView } from '../bench/canvas/harness';
import { NO_SNAP } from '../bench/canvas/setup';
import { generateFlow } from '../fixtures/generateFlow';
import { makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;
// Rows of 40 cards, 320 x 200 apart: more than lite mode's 500.
const SIZE = 600;

beforeAll(async () => {
  dir = makeTinyProject({ 'flows/main.yaml': serializeFlow(generateFlow(SIZE)) });
  studio = await openStudio(dir);
  // snapping off (a dragged card then follows the pointer to the pixel), and the bench's page instrumentation, which
  // setView waits for frames with
  await studio.page.evaluate(NO_SNAP);
  await studio.page.reload();
  await studio.page.locator('.react-flow__node').first().waitFor();
  await studio.page.evaluate(INSTRUMENT_SCRIPT);
});
afterAll(async () => {
  await studio?.close();
});

const diskPosition = async (id: string) => {
  const flow = Object.values(loadFromFiles(await readProjectFiles(dir)).project!.flows)[0]!;
  return flow.nodes.find((n) => n.id === id)!.position!;
};

describe('a drag zoomed out', () => {
  for (const [zoom, id] of [
    [0.35, 'n85'],
    [0.25, 'n163'],
  ] as const) {
    it(`moves the card with the pointer on every step and saves where it was dropped (zoom ${zoom})`, async () => {
      const { page } = studio;
      const card = page.locator(`.react-flow__node[data-id="${id}"]`);
      const before = await diskPosition(id);
      await setView(page, zoom, { x: before.x + 120, y: before.y + 60 });
      // far zoomed out the card is an element only while pointed at: point at it first, as a user does
      const box = await page.locator('.react-flow').boundingBox();
      await page.mouse.move(box!.x + box!.width / 2 - 90 * zoom, box!.y + box!.height / 2 - 50 * zoom);
      await card.waitFor();
      // the card's level of detail at this zoom (the canvas hands it down: NodeCard's DetailLevel): title only, or a block
      expect((await card.locator('.card').getAttribute('class'))!.split(' ')).toContain(zoom < 0.3 ? 'block' : 'compact');
      const start = (await card.boundingBox())!;
      const grab = { x: start.x + start.width * 0.4, y: start.y + Math.min(10, start.height / 2) };
      await page.mouse.move(grab.x, grab.y);
      await page.mouse.down();
      for (let i = 1; i <= 6; i++) {
        await page.mouse.move(grab.x + i * 20, grab.y + i * 12);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        // React Flow starts the drag on the first move, and the card follows from there
        const now = (await card.boundingBox())!;
        expect([Math.round(now.x - start.x), Math.round(now.y - start.y)]).toEqual([(i - 1) * 20, (i - 1) * 12]);
      }
      await page.mouse.up();
      await expect.poll(() => page.locator('.save-status').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');
      await expect.poll(async () => (await diskPosition(id)).x, { timeout: 10_000 }).not.toBe(before.x);
      // where it was dropped (the 100 x 60 px it moved, in flow units), and its element there too
      const after = await diskPosition(id);
      expect(Math.abs(after.x - (before.x + 100 / zoom))).toBeLessThan(1);
      expect(Math.abs(after.y - (before.y + 60 / zoom))).toBeLessThan(1);
      const dropped = (await card.boundingBox())!;
      expect([Math.round(dropped.x - start.x), Math.round(dropped.y - start.y)]).toEqual([100, 60]);
      expect(studio.pageErrors).toEqual([]);
    });
  }
});
