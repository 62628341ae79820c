// A listen node's examples by band (web mode, Chromium): the sample's main menu (main/listen_intent) checks the
// examples of the intents it routes, each judged by a model trained without it, against parley.yaml's thresholds;
// the figures are those of shared/nlu/bands.ts for the same project.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBands } from '../../shared/nlu/bands';
import { NluFile } from '../../shared/schema/project';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = copySample();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('a listen node’s examples by band (web mode, Chromium)', () => {
  it('shows, per routed intent, how many examples would be accepted, clarified or not matched', async () => {
    const { page } = studio;
    await page.locator('[data-flow-id="main"]').click();
    await page.locator('.react-flow__controls-fitview').click();
    const card = page.locator('.react-flow__node [data-node-id="listen_intent"]');
    await card.waitFor();
    await card.dispatchEvent('click');
    const inspector = page.locator('aside[aria-label="Inspector"]');
    const bands = inspector.getByRole('group', { name: 'Examples by band' });
    await bands.getByRole('button', { name: 'Check the examples' }).click();
    const table = bands.locator('table');
    await table.waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));
    expect(rows.map((r) => r[0])).toEqual(['check_balance', 'lost_card', 'dispute_transaction', 'opening_hours', 'list_transactions', 'goodbye']);
    // the same figures as the shared function on the project's files, with parley.yaml's thresholds (0.7 / 0.4)
    const nlu = NluFile.parse(parse(readFileSync(path.join(dir, 'nlu.yaml'), 'utf8')));
    const expected = new Map(exampleBands(nlu, { accept: 0.7, clarify: 0.4 }).map((b) => [b.intent, b]));
    for (const [intent, examples, accept, clarify, noMatch, wrong] of rows) {
      const b = expected.get(intent!)!;
      expect([examples, accept, clarify, noMatch, wrong].map(Number), intent).toEqual([b.examples, b.accept, b.clarify, b.noMatch, b.wrong]);
      expect(Number(accept) + Number(clarify) + Number(noMatch) + Number(wrong)).toBe(Number(examples));
    }
    expect(await table.locator('caption').innerText()).toContain('accept ≥ 0.7, clarify ≥ 0.4');
    await expect.poll(() => bands.getByRole('button').innerText()).toBe('Check the examples again');
  });
});
