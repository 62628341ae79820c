// Follow mode in the simulator: the header's breadcrumbs show the conversation's call stack (the flows of its
// `call` frames), not the way the designer navigated, and the canvas selects and centres the node the
// conversation waits at, not the entered flow's start node.
import os from 'node:os';
import path from 'node:path';
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

describe('simulator follow mode', () => {
  it('shows the call stack in the breadcrumbs and centres the node the conversation waits at', async () => {
    const { page } = studio;
    const sim = page.getByTestId('simulator');
    const crumbs = () => page.locator('.breadcrumbs .crumb').allInnerTexts();
    const say = async (text: string) => {
      const before = await sim.locator('.sim-log .turn:not(.pending)').count();
      await sim.getByLabel('Message the bot').fill(text);
      await sim.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => sim.locator('.sim-log .turn:not(.pending)').count()).toBe(before + 1);
    };
    /** The card is selected, marked as where the conversation waits, and near the middle of the canvas. */
    const centred = async (nodeId: string) => {
      const card = page.locator(`.react-flow__node:has([data-node-id="${nodeId}"])`);
      await expect.poll(() => card.evaluate((el) => el.classList.contains('selected') && el.classList.contains('sim-current'))).toBe(true);
      await expect
        .poll(async () => {
          const pane = (await page.locator('.react-flow').boundingBox())!;
          const box = (await card.boundingBox())!;
          return Math.hypot(box.x + box.width / 2 - (pane.x + pane.width / 2), box.y + box.height / 2 - (pane.y + pane.height / 2)) < 60;
        })
        .toBe(true);
    };

    // the designer was looking at another flow before simulating
    await page.locator('.flow-list [data-flow-id="hours"]').click();
    await expect.poll(crumbs).toEqual(['Opening hours']);

    await page.getByRole('button', { name: /Simulate/ }).click();
    await expect.poll(() => sim.locator('.sim-log').innerText()).toMatch(/welcome to Acme Bank/);
    await expect.poll(crumbs).toEqual(['Main menu']);
    await centred('listen_intent');

    // main calls card_lost: the stack is Main menu › Lost or stolen card, and the question is centred
    await say('I lost my credit card');
    await expect.poll(crumbs).toEqual(['Main menu', 'Lost or stolen card']);
    await centred('ask_last4');
    expect(await page.locator('.react-flow__node.selected').count()).toBe(1);

    await page.screenshot({ path: path.join(process.env.PARLEY_SCREENSHOTS ?? os.tmpdir(), 'sim-follow.png') });
    // the caller's crumb shows the call node
    await page.locator('.breadcrumbs button.crumb', { hasText: 'Main menu' }).click();
    await expect.poll(() => page.locator('.react-flow__node.selected [data-node-id="go_card_lost"]').count()).toBe(1);

    // without Follow, the breadcrumbs are the designer's own again
    await sim.getByLabel('Follow').uncheck();
    await expect.poll(crumbs).toEqual(['Main menu']);
    expect(studio.pageErrors).toEqual([]);
  });
});
