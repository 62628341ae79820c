// Room to work: at 1280 px with the simulator open, a writer collapses the sidebar and the inspector and widens the
// canvas; the sizes are remembered by the next window.
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

describe('side panels (web mode, Chromium)', () => {
  it('collapse and resize, and keep their sizes in the next window', async () => {
    const { page } = studio;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator('.react-flow__node [data-node-id="greet"]').waitFor();
    await page.getByRole('button', { name: /Simulate/ }).click();
    await page.locator('aside.simulator').waitFor();
    const canvasWidth = async () => (await page.locator('.workspace').boundingBox())!.width;
    const narrow = await canvasWidth();

    await page.getByRole('button', { name: 'Hide the sidebar' }).click();
    await page.getByRole('button', { name: 'Hide the inspector' }).click();
    const wide = await canvasWidth();
    expect(wide - narrow).toBeGreaterThan(500);
    // the toolbar stays on one row
    const toolbar = (await page.locator('.toolbar').boundingBox())!;
    expect(toolbar.height).toBeLessThan(50);

    // the simulator's edge: ten steps of 10 px with the keyboard
    const resizer = page.getByRole('separator', { name: 'Resize the side panel' });
    const before = Number(await resizer.getAttribute('aria-valuenow'));
    await resizer.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    expect(Number(await resizer.getAttribute('aria-valuenow'))).toBe(before - 50);

    const next = await page.context().newPage();
    await next.setViewportSize({ width: 1280, height: 720 });
    await next.goto(studio.host.launchUrl);
    await next.getByRole('button', { name: 'Show the sidebar' }).waitFor();
    expect(await next.getByRole('button', { name: 'Show the inspector' }).count()).toBe(1);
    await next.getByRole('button', { name: 'Show the sidebar' }).click();
    await next.locator('.flow-list').waitFor();
    await next.close();
    expect(studio.pageErrors).toEqual([]);
  });
});
