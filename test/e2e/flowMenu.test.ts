// The flow "⋯" menu (Rename / Duplicate / Delete…) closes on Escape, a click elsewhere, switching flows and
// entering Present, not only by clicking ⋯ again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

const OTHER = `name: Other
nodes:
  - id: start
    kind: start
    position: { x: 0, y: 0 }
    next: note
  - id: note
    kind: message
    position: { x: 320, y: 0 }
    say:
      en: A quiet little flow.
`;

let studio: Studio;

beforeAll(async () => {
  studio = await openStudio(makeTinyProject({ 'flows/other.yaml': OTHER }));
});
afterAll(async () => {
  await studio?.close();
});

describe('flow menu', () => {
  it('closes on Escape, a click elsewhere, switching flows and entering Present', async () => {
    const { page } = studio;
    const menu = page.getByRole('menu', { name: 'Actions for Main' });
    const open = async () => {
      await page.locator('.flow-row', { has: page.locator('[data-flow-id="main"]') }).hover(); // ⋯ shows on hover
      await page.getByRole('button', { name: 'More actions for Main' }).click();
      await menu.waitFor();
    };

    // ⋯ again still toggles it
    await open();
    await page.getByRole('button', { name: 'More actions for Main' }).click();
    await menu.waitFor({ state: 'detached' });

    await open();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    await open();
    await page
      .locator('.react-flow__pane')
      .first()
      .click({ position: { x: 5, y: 5 } });
    await menu.waitFor({ state: 'detached' });

    // switching flows without a click: the search picks a node in the other flow
    await open();
    await page.keyboard.press('Control+k');
    await page.keyboard.type('quiet little', { delay: 10 });
    await expect.poll(() => page.getByRole('dialog', { name: 'Search' }).getByRole('option').first().getAttribute('data-node-id')).toBe('note');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.breadcrumbs .crumb.current').innerText()).toBe('Other');
    expect(await menu.count()).toBe(0);

    await open();
    await page.getByRole('button', { name: 'Presentation mode' }).click();
    await menu.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Presentation mode' }).click();

    // the menu still works: Rename opens its form
    await open();
    await menu.getByRole('menuitem', { name: 'Rename' }).click();
    await page.getByLabel('Flow name').waitFor();
    await page.keyboard.press('Escape');
    expect(studio.pageErrors).toEqual([]);
  });
});
