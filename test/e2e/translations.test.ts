// A writer checks the Spanish of a flow: the canvas shows every card in the locale the toolbar picks, and a line
// with no Spanish is a problem in the Problems panel (it was not: 33 lines of the sample had no Spanish and the
// panel said "No problems").
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

describe('translations on the canvas (web mode, Chromium)', () => {
  it('shows the cards in Spanish, and a line whose Spanish is cleared becomes a problem and says so on its card', async () => {
    const { page } = studio;
    const problems = page.getByRole('list', { name: 'Problems', exact: true });
    const greet = page.locator('.react-flow__node [data-node-id="greet"]');
    await greet.waitFor();
    await expect.poll(() => problems.innerText()).toBe('No problems');
    expect(await greet.innerText()).toContain('welcome to Acme Bank');

    await page.getByRole('combobox', { name: 'Locale of the copy on the cards' }).selectOption('es');
    await expect.poll(() => greet.innerText()).toContain('Te damos la bienvenida a Acme Bank');

    await greet.dispatchEvent('click');
    const inspector = page.locator('aside[aria-label="Inspector"]');
    await inspector.getByLabel('Bot says (es)', { exact: true }).fill('');
    await expect
      .poll(() => problems.innerText())
      .toMatch(/flows\/main\.yaml: nodes\[\d+\]\.say\.es: no Spanish \(es\) text: customers in Spanish \(es\) get the English \(en\) one/s);
    await expect.poll(() => greet.innerText()).toContain('No es copy yet');
  });
});
