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
  it('shows the cards in Spanish; a reworded English line asks for its Spanish to be reviewed; a cleared Spanish line is a problem and says so on its card', async () => {
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

    // a writer rewords the English: the Spanish needs review until someone marks it reviewed
    const english = inspector.getByLabel('Bot says (en)', { exact: true });
    const before = await english.inputValue();
    await english.fill(`${before} Ask me anything.`);
    await expect.poll(() => problems.innerText()).toMatch(/say\.es: the Spanish \(es\) text was written for an earlier English \(en\) text \("Hi \{\{customer/);
    expect(await inspector.locator('.insp-missing-badge', { hasText: 'needs review' }).count()).toBe(1);
    await inspector.getByRole('button', { name: 'Mark the es of Bot says reviewed' }).click();
    await expect.poll(() => problems.innerText()).toBe('No problems');
    expect(await inspector.locator('.insp-missing-badge', { hasText: 'needs review' }).count()).toBe(0);

    await inspector.getByLabel('Bot says (es)', { exact: true }).fill('');
    await expect
      .poll(() => problems.innerText())
      .toMatch(/flows\/main\.yaml: nodes\[\d+\]\.say\.es: no Spanish \(es\) text: customers in Spanish \(es\) get the English \(en\) one/s);
    await expect.poll(() => greet.innerText()).toContain('No es copy yet');
  });
});
