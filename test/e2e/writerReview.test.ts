// Issue 15's must-show, as one session: a writer fills missing Spanish from the copy deck and sees it on the
// canvas, the copy lint flags a defensive line with a fix, a comment is added and resolved, and the flow is
// approved in review mode (where a drag moves nothing), then a later edit clears the approval. The parts are
// tested in depth in copyDeck, review and translations; this is the whole story end to end.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;
const flowFile = () => path.join(dir, 'flows', 'main.yaml');
const reviewOf = () => {
  try {
    return parse(readFileSync(path.join(dir, 'reviews', 'main.yaml'), 'utf8')) as { approval?: { note?: string }; threads?: { resolved?: unknown }[] };
  } catch {
    return {};
  }
};

beforeAll(async () => {
  dir = copySample();
  // two lines of the main flow lose their Spanish
  const doc = parseDocument(readFileSync(flowFile(), 'utf8'));
  const ids = (doc.get('nodes') as { items: { get(k: string): unknown }[] }).items.map((n) => n.get('id'));
  for (const id of ['greet', 'anything_else']) doc.deleteIn(['nodes', ids.indexOf(id), 'say', 'es']);
  writeFileSync(flowFile(), doc.toString());
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('a writer and a product manager review a flow (web mode, Chromium)', () => {
  it('fills missing Spanish in the deck, sees the lint, comments, approves in review mode, and an edit clears it', async () => {
    const { page } = studio;
    // 1. the copy deck, filtered to the lines with no Spanish
    await page.getByRole('tab', { name: 'Copy' }).click();
    const deck = page.getByRole('region', { name: 'Copy deck' });
    await deck.getByRole('combobox', { name: 'Show' }).selectOption('missing');
    await deck.getByRole('combobox', { name: 'Locale' }).selectOption('es');
    await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(/^2 of \d+ lines$/);
    const rows = deck.locator('.deck-row[data-copy-id]');
    const spanish: Record<string, string> = {
      greet: '¡Hola {{customer.first_name}}! Soy Ace, de Acme Bank. ¿En qué te ayudo?',
      anything_else: '¿Te ayudo con algo más?',
    };
    for (let left = 2; left > 0; left--) {
      const node = (await rows.first().locator('.deck-line button.link').innerText()).split(' / ')[1]!;
      await rows.first().locator('.deck-cell[data-locale="es"]').click();
      const box = rows.first().getByRole('textbox');
      await box.fill(spanish[node]!);
      await box.press('Enter');
      await expect.poll(() => deck.locator('.deck-count').innerText()).toMatch(new RegExp(`^${left - 1} of `));
    }
    // 2. the canvas, in Spanish, shows both
    await page.getByRole('tab', { name: 'Canvas' }).click();
    await page.getByRole('combobox', { name: 'Locale of the copy on the cards' }).selectOption('es');
    const card = (id: string) => page.locator(`.react-flow__node [data-node-id="${id}"]`);
    await expect.poll(() => card('greet').innerText()).toContain('Soy Ace, de Acme Bank.');
    await page.getByRole('combobox', { name: 'Locale of the copy on the cards' }).selectOption('en');
    await expect.poll(() => readFileSync(flowFile(), 'utf8')).toContain('¿Te ayudo con algo más?');

    // 3. the copy lint flags a defensive line the sample ships, with the rule and a fix
    await page.getByRole('tab', { name: 'Copy' }).click();
    await deck.getByRole('combobox', { name: 'Show' }).selectOption('lint');
    await deck.getByLabel('Search copy').fill('You must enter');
    await expect
      .poll(() => deck.getByRole('list', { name: 'Copy lint, en' }).innerText())
      .toBe('Defensive or blaming: “You must” can sound defensive or blaming. Explain why, or offer the step (“To do that, I need …”).');
    await deck.getByLabel('Search copy').fill('');
    await deck.getByRole('combobox', { name: 'Show' }).selectOption('all');

    // 4. a comment on the greeting, then resolved
    await page.getByRole('tab', { name: 'Canvas' }).click();
    await card('greet').waitFor();
    await card('greet').dispatchEvent('click');
    await page.getByRole('button', { name: 'Comments', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Review' });
    await panel.getByLabel('New comment').fill('Shorter greeting? @Ana');
    await panel.getByRole('button', { name: 'Comment', exact: true }).click();
    const thread = panel.getByRole('list', { name: 'Comment threads' }).locator('.review-thread');
    await expect.poll(() => thread.count()).toBe(1);
    await thread.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => thread.count()).toBe(0);
    await expect.poll(() => reviewOf().threads?.[0]?.resolved).toBeDefined();
    await page.getByRole('button', { name: 'Comments', exact: true }).click();

    // 5. review mode: a drag moves nothing; the flow is approved
    const saved = readFileSync(flowFile(), 'utf8');
    await page.getByRole('button', { name: 'Review', exact: true }).click();
    await panel.waitFor();
    const greetNode = page.locator('.react-flow__node:has([data-node-id="greet"])');
    const placed = () => greetNode.evaluate((el) => (el as HTMLElement).style.transform);
    const at = await placed();
    const box = (await greetNode.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 12);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 150, box.y + 100, { steps: 8 });
    await page.mouse.up();
    expect(await placed()).toBe(at);
    await panel.getByLabel('Approval note').fill('OK for release');
    await panel.getByRole('button', { name: 'Approve this flow' }).click();
    const status = panel.getByRole('region', { name: 'Approval' }).getByRole('status');
    await expect.poll(() => status.innerText()).toMatch(/^✓ Approved by .+: “OK for release”$/);
    expect(readFileSync(flowFile(), 'utf8')).toBe(saved);
    expect(reviewOf().approval?.note).toBe('OK for release');

    // 6. a later edit clears the approval
    await page.getByRole('button', { name: 'Leave review' }).click();
    await card('greet').dispatchEvent('click');
    const english = page.locator('aside[aria-label="Inspector"]').getByLabel('Bot says (en)', { exact: true });
    await english.fill('Hi {{customer.first_name}}, I’m Ace from Acme Bank. What can I help with?');
    await page.getByRole('button', { name: 'Comments', exact: true }).click();
    await expect.poll(() => status.innerText()).toMatch(/^Approval cleared: the flow changed after .+ approved it/);
    await expect.poll(() => reviewOf().approval, { timeout: 10_000 }).toBeUndefined();
    expect(studio.pageErrors).toEqual([]);
  });
});
