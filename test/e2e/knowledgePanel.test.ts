// The knowledge panel on a copy of the acme-bank sample, in Chromium: import a Markdown and a PDF document through
// the file picker, see them listed with their age, search a question and find a passage of the PDF, open it
// highlighted; then ask the simulator a question a knowledge node answers from the PDF (extractive: no model in
// an untrusted project), click its citation to see the passage open in the panel, see a question the documents do
// not answer listed as unanswered, and switch the simulator to design-time mocks for the API's success path.
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feesPdf } from '../fixtures/minimalPdf';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
const shots = process.env.PARLEY_SCREENSHOTS ?? os.tmpdir();
// main's work (converting a PDF, training the NLU for the simulator) on a machine that may be busy
const slow = { timeout: 30_000 };

beforeAll(async () => {
  studio = await openStudio(copySample());
});
afterAll(async () => {
  await studio?.close();
});

describe('knowledge panel (web mode, Chromium)', { timeout: 120_000 }, () => {
  it('imports Markdown and PDF, searches them, and opens a cited passage from the simulator', async () => {
    const { page } = studio;
    await page.getByRole('button', { name: '▤ Knowledge', exact: true }).click();
    const panel = page.getByTestId('knowledge');
    await expect.poll(() => panel.locator('.kb-docs li').count(), slow).toBeGreaterThanOrEqual(3);

    await panel.getByLabel('Documents to import').setInputFiles([
      {
        name: 'Savings FAQ.md',
        mimeType: 'text/markdown',
        buffer: Buffer.from('# Savings FAQ\n\n## Interest\n\nThe Acme saver account pays 4.1% AER, paid monthly.\n'),
      },
      { name: 'Card guide.pdf', mimeType: 'application/pdf', buffer: feesPdf() },
      { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nnot a pdf\n') },
    ]);
    const results = panel.getByRole('list', { name: 'Import results' });
    await expect
      .poll(() => results.locator('li').allInnerTexts(), slow)
      .toEqual([
        '✓ Savings FAQ.md → knowledge/savings_faq.md',
        '✓ Card guide.pdf → knowledge/card_guide.md',
        expect.stringMatching(/^✗ broken\.pdf: not a readable PDF/),
      ]);
    const guide = panel.locator('.kb-docs li[data-source="card_guide.md"]');
    await expect
      .poll(() => guide.innerText(), slow)
      .toMatch(/Card replacement guide\s+card_guide\.md\s+imported from Card guide\.pdf \(PDF\) · 3 passages · under a day old/);
    expect(await panel.locator('.kb-docs li[data-source="savings_faq.md"]').innerText()).toContain('imported from Savings FAQ.md (Markdown)');
    expect(await guide.locator('.kb-stale').count()).toBe(0);

    await panel.getByLabel('Search the knowledge base').fill('how much does it cost to replace a metal card');
    await panel.getByRole('button', { name: 'Search', exact: true }).click();
    const first = panel.locator('.kb-hits li').first();
    await expect
      .poll(() => first.innerText(), slow)
      .toMatch(/^\d\.\d\d\s+card_guide\.md › Card replacement guide › Metal cards\s+A metal Premier card costs 25 dollars to replace\.$/);
    await first.locator('button').click();
    const mark = panel.locator('.kb-reader mark.kb-passage');
    await expect.poll(() => mark.innerText(), slow).toBe('A metal Premier card costs 25 dollars to replace.');
    expect(await mark.getAttribute('data-passage')).toBe('card_guide.md#1');
    // the document is shown as text: its Markdown headings are characters, not elements
    expect(await panel.locator('.kb-reader .kb-doc-text').innerText()).toContain('## Metal cards');
    expect(await panel.locator('.kb-reader h2, .kb-reader script').count()).toBe(0);
    // the PDF's page markers are labels, not markup
    expect(await panel.locator('.kb-reader .kb-page').allInnerTexts()).toEqual(['page 1', 'page 2']);
    expect(await panel.locator('.kb-reader .kb-doc-text').innerText()).not.toContain('<!--');

    await page.screenshot({ path: path.join(shots, 'parley-knowledge-panel.png') });

    // the simulator: a question no intent covers goes to the FAQ's knowledge node, answered from the PDF with [1]
    await panel.getByRole('button', { name: 'Close the document' }).click();
    await page.getByRole('button', { name: /Simulate/ }).click();
    const sim = page.getByTestId('simulator');
    const botTexts = () => sim.locator('.sim-log .bubble.bot .bubble-text').allInnerTexts();
    await expect.poll(async () => (await botTexts()).at(-1) ?? '', slow).toMatch(/^Hi Alex, welcome to Acme Bank/);
    await sim.getByLabel('Message the bot').fill('How much does a metal card cost to replace?');
    await sim.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await botTexts()).join('\n'), slow).toContain('A metal Premier card costs 25 dollars to replace. [1]');
    const answer = sim.locator('.bubble.bot', { hasText: 'A metal Premier card costs' });
    expect(await answer.getByRole('list', { name: 'Sources' }).innerText()).toBe('[1] card_guide.md › Card replacement guide › Metal cards');
    await answer.getByRole('button', { name: 'Source 1' }).click();
    await expect.poll(() => mark.innerText(), slow).toBe('A metal Premier card costs 25 dollars to replace.');
    expect(await mark.getAttribute('data-passage')).toBe('card_guide.md#1');
    // scrolled into view in the reader
    expect(
      await mark.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const box = (el.closest('.kb-doc-text') as HTMLElement).getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom;
      }),
    ).toBe(true);
    await page.screenshot({ path: path.join(shots, 'parley-knowledge-citation.png') });

    // a question the documents do not answer takes not-sure, and the panel lists it
    const say = async (text: string) => {
      await sim.getByLabel('Message the bot').fill(text);
      await sim.getByRole('button', { name: 'Send' }).click();
    };
    await say('Does Acme sponsor the local football club?');
    await expect.poll(async () => (await botTexts()).length, slow).toBeGreaterThanOrEqual(4);
    await panel.getByRole('button', { name: 'Close the document' }).click();
    await panel.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => panel.getByRole('region', { name: 'Unanswered questions' }).locator('li').allInnerTexts(), slow)
      .toEqual([expect.stringMatching(/^“Does Acme sponsor the local football club\?” simulator · main\/search_faq · best 0\.\d\d in \S+\.md$/)]);

    await page.screenshot({ path: path.join(shots, 'parley-knowledge-unanswered.png') });

    // design-time mocks: the balance lookup takes its success path with no backend
    await sim.getByRole('checkbox', { name: 'Mocks' }).check();
    await expect.poll(async () => (await botTexts()).length, slow).toBe(1);
    await say("what's my balance");
    await expect.poll(async () => (await botTexts()).join('\n'), slow).toContain('Everyday Checking ending 7720 has an available balance of $1,523.40');
    expect(studio.pageErrors).toEqual([]);
  });
});
