// A writer works in the copy deck: filters it to the lines with no Spanish, fills two of them in place and sees them
// on the canvas; replaces words across the project after a preview and undoes that as one step; exports the deck
// as CSV, edits it as a translator would, imports it back and sees every change before applying it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

/** Removes a node's Spanish text from a flow file of the project. */
function dropSpanish(flow: string, nodeId: string, field: string): void {
  const file = path.join(dir, 'flows', `${flow}.yaml`);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const nodes = doc.get('nodes') as { items: { get(k: string): unknown }[] };
  const i = nodes.items.findIndex((n) => n.get('id') === nodeId);
  expect(i).toBeGreaterThanOrEqual(0);
  doc.deleteIn(['nodes', i, field, 'es']);
  writeFileSync(file, doc.toString());
}

beforeAll(async () => {
  dir = copySample();
  dropSpanish('main', 'greet', 'say');
  dropSpanish('card_lost', 'intro', 'say');
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('the copy deck (web mode, Chromium)', () => {
  it('filters to missing Spanish, fills two lines in place, and the canvas shows them', async () => {
    const { page } = studio;
    await page.getByRole('tab', { name: 'Copy' }).click();
    const deck = page.getByRole('region', { name: 'Copy deck' });
    await deck.getByRole('combobox', { name: 'Show' }).selectOption('missing');
    await deck.getByRole('combobox', { name: 'Locale' }).selectOption('es');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^2 of \d+ lines$/);
    const rows = deck.locator('.deck-row[data-copy-id]');
    expect(await rows.locator('.deck-field').allInnerTexts()).toEqual(['Message', 'Message']);

    const fill = async (text: string) => {
      await rows.first().locator('.deck-cell[data-locale="es"]').click();
      const box = rows.first().getByRole('textbox');
      await box.fill(text);
      await box.press('Enter');
    };
    await fill('Lo siento mucho. Vamos a bloquear la tarjeta ya.');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^1 of /);
    await fill('¡Hola {{customer.first_name}}! Te damos la bienvenida a Acme Bank.');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^0 of /);

    // saved, and on the canvas in Spanish
    await expect.poll(() => readFileSync(path.join(dir, 'flows', 'main.yaml'), 'utf8')).toContain('Te damos la bienvenida a Acme Bank.');
    await page.getByRole('tab', { name: 'Canvas' }).click();
    await page.getByRole('combobox', { name: 'Locale of the copy on the cards' }).selectOption('es');
    const greet = page.locator('.react-flow__node [data-node-id="greet"]');
    await expect.poll(() => greet.innerText()).toContain('Te damos la bienvenida a Acme Bank.');
    expect(studio.pageErrors).toEqual([]);
  });

  it('replaces words across the project after a preview, placeholders untouched, and undoes it as one step', async () => {
    const { page } = studio;
    await page.getByRole('tab', { name: 'Copy' }).click();
    const deck = page.getByRole('region', { name: 'Copy deck' });
    await deck.getByRole('combobox', { name: 'Show' }).selectOption('all');
    await deck.getByRole('button', { name: 'Find and replace' }).click();
    const panel = deck.getByRole('region', { name: 'Find and replace' });
    await panel.getByLabel('Find', { exact: true }).fill('Acme app');
    await panel.getByLabel('Replace with').fill('Acme mobile app');
    await panel.getByLabel('In locales').selectOption('en');
    const preview = panel.getByRole('list', { name: 'Changes to make' }).locator('li');
    await expect.poll(() => preview.count()).toBeGreaterThan(2);
    const n = await preview.count();
    const flowsBefore = ['balance', 'card_lost', 'payment'].map((f) => readFileSync(path.join(dir, 'flows', `${f}.yaml`), 'utf8'));
    expect(await preview.first().locator('mark').first().innerText()).toBe('Acme app');
    await panel.getByRole('button', { name: `Replace in ${n} lines` }).click();
    await expect.poll(() => deck.locator('.deck-undo').innerText()).toContain('Replace “Acme app” with “Acme mobile app”');
    await deck.getByLabel('Search copy').fill('Acme mobile app');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(new RegExp(`^${n} of `));
    await expect.poll(() => readFileSync(path.join(dir, 'flows', 'balance.yaml'), 'utf8')).toContain('Acme mobile app');

    await deck.locator('.deck-undo').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^0 of /);
    await expect.poll(() => ['balance', 'card_lost', 'payment'].map((f) => readFileSync(path.join(dir, 'flows', `${f}.yaml`), 'utf8'))).toEqual(flowsBefore);
    await deck.getByLabel('Search copy').fill('');
    await panel.getByRole('button', { name: 'Close find and replace' }).click();
  });

  it('flags the defensive lines the sample ships, each with the rule and a suggested fix', async () => {
    const { page } = studio;
    const deck = page.getByRole('region', { name: 'Copy deck' });
    await deck.getByRole('combobox', { name: 'Show' }).selectOption('lint');
    await deck.getByLabel('Search copy').fill('You must enter');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^1 of /);
    const lint = deck.getByRole('list', { name: 'Copy lint, en' });
    await expect
      .poll(() => lint.innerText())
      .toBe('Defensive or blaming: “You must” can sound defensive or blaming. Explain why, or offer the step (“To do that, I need …”).');
    // the inspector says the same under the field, as the writer types
    await deck.getByRole('button', { name: 'dispute / ask_amount' }).click();
    const inspector = page.locator('aside[aria-label="Inspector"]');
    await expect
      .poll(() => inspector.locator('.insp-lint').allInnerTexts())
      .toContainEqual(expect.stringContaining('Defensive or blaming: “You must” can sound defensive'));
    await page.getByRole('tab', { name: 'Copy' }).click();
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/of \d+ lines$/);
    await deck.getByRole('combobox', { name: 'Show' }).selectOption('lint');
    await deck.getByLabel('Search copy').fill('You must enter');
    // fixing the line clears it
    await deck.locator('.deck-row[data-copy-id] .deck-cell[data-locale="en"]').first().click();
    const box = deck.locator('.deck-row[data-copy-id]').first().getByRole('textbox');
    await box.fill('To dispute it, I need an amount greater than zero, for example $42.50.');
    await box.press('Enter');
    await deck.getByLabel('Search copy').fill('To dispute it');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^0 of /);
    await deck.getByRole('combobox', { name: 'Show' }).selectOption('all');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^1 of /);
    await deck.getByLabel('Search copy').fill('');
  });

  it('exports CSV, takes a translator’s edits back after showing them, and refuses a file with an unknown id', async () => {
    const { page } = studio;
    const deck = page.getByRole('region', { name: 'Copy deck' });
    const [download] = await Promise.all([page.waitForEvent('download'), deck.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('Acme-Bank-Support-copy.csv');
    const saved = path.join(dir, '..', `${path.basename(dir)}-deck.csv`);
    await download.saveAs(saved);
    const csv = readFileSync(saved, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFcopy_id,variant,flow,node,field,en,es');

    const edited = csv.replace('No, gracias', 'No, muchas gracias');
    const input = deck.locator('input[type="file"]');
    await input.setInputFiles({ name: 'deck.csv', mimeType: 'text/csv', buffer: Buffer.from(edited) });
    const dialog = deck.getByRole('dialog', { name: 'Changes from deck.csv' });
    await expect.poll(() => dialog.locator('h3').innerText()).toMatch(/deck\.csv: \d+ changes?/);
    expect(await dialog.locator('.deck-after').allInnerTexts()).toContain('No, muchas gracias');
    await dialog.getByRole('button', { name: /^Apply/ }).click();
    await deck.getByLabel('Search copy').fill('muchas gracias');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^[1-9]\d* of /);

    const bad = `${csv.split('\r\n')[0]}\r\nc_nosuchline0,,,,,Hello,Hola\r\n`;
    await input.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await expect
      .poll(() => deck.locator('.deck-status').innerText())
      .toBe('Not imported, nothing changed. bad.csv, row 2, column A: unknown copy id "c_nosuchline0": no line of the project has it');
    expect(studio.pageErrors).toEqual([]);
  });
});
