// Insights on a copy of the acme-bank sample, in Chromium (issue 16's must-show): import a generated transcript set
// (test/fixtures/sampleTraffic.ts: the sample's real nodes, and a new intent the model was never taught, buying
// crypto, whose questions fall through to the fallback), see the heat overlay on the canvas, open the top failure
// path and one of its conversations (its path marked on the canvas), discover the cluster the generator seeded,
// create the intent from it (nlu.yaml), add a temporary route for it, rate a sampled conversation (saved with
// the project), and see the A/B results of the greeting's variants.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSynthetic } from '../../main/analytics/synthetic';
import { SAMPLE_JOURNEYS } from '../fixtures/sampleTraffic';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;
let transcripts: string;
const shots = process.env.PARLEY_SCREENSHOTS ?? os.tmpdir();
const slow = { timeout: 30_000 };

beforeAll(async () => {
  dir = copySample();
  transcripts = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-transcripts-'));
  await writeSynthetic(path.join(transcripts, 'transcripts.jsonl'), {
    journeys: SAMPLE_JOURNEYS,
    conversations: 1500,
    start: '2026-11-30T00:00:00Z',
    days: 7,
    seed: 16,
    feedback: 0.2,
  });
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('insights (web mode, Chromium)', { timeout: 180_000 }, () => {
  it('imports transcripts, shows the overlay and the top failure path, finds the seeded new intent, makes it, and rates a conversation', async () => {
    const { page } = studio;
    await page.getByRole('button', { name: '◔ Insights' }).click();
    const panel = page.getByRole('complementary', { name: 'Insights' });
    await panel.getByLabel('Transcript paths').fill(transcripts);
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => panel.getByRole('status').first().innerText(), slow).toMatch(/^Read [\d,]+ events from 1 file; added [\d,]+ turns/);
    await expect.poll(() => panel.locator('.insights-status').innerText(), slow).toMatch(/1,500 conversations, [\d,]+ turns from 2026-11-30 to 2026-12-06/);

    // the range's metrics, with their intervals
    await expect
      .poll(() => panel.getByRole('group', { name: 'Metrics' }).or(panel.locator('.insights-metrics')).first().innerText(), slow)
      .toMatch(/Contained\s+\d+% ±[\d.]+\s+Escalated/);

    // the overlay on the Main menu: every card with a badge, the fallback red, and a legend
    const card = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
    await expect.poll(() => card('greet').locator('.insights-badge').innerText(), slow).toMatch(/^1\.5k/);
    await expect.poll(() => card('greet').locator('.insights-badge').getAttribute('class')).toContain('heat-0');
    await expect.poll(() => card('greet').locator('.card').getAttribute('class')).toContain('insights-heat-0');
    // and each edge as wide as its traffic, with the count: every conversation went from the greeting to listening
    await expect.poll(() => page.locator('.react-flow__edge[data-id="greet:next"] .react-flow__edge-text').textContent(), slow).toBe('1,500');
    await expect.poll(() => page.locator('.react-flow__edge.insights-edge').count()).toBeGreaterThan(3);
    const legend = page.getByRole('group', { name: 'Insights overlay legend' });
    await expect.poll(() => legend.innerText()).toMatch(/2026-11-30 – 2026-12-06/);
    await page.screenshot({ path: path.join(shots, 'parley-insights-overlay.png') });

    // the top failure path: the new intent's questions falling through the FAQ search to the fallback
    const table = panel.getByRole('table', { name: 'High-failure paths' });
    const top = table.locator('tbody tr').first();
    await expect.poll(() => top.innerText(), slow).toMatch(/Search the FAQ[\s\S]*Fallback[\s\S]*fallback/);
    // a node of the path shows where it is on the canvas: the fallback, all of whose visits fell back
    await top.getByRole('button', { name: 'Fallback', exact: true }).click();
    await expect.poll(() => card('fallback').locator('.insights-badge').getAttribute('class'), slow).toContain('heat-4');
    await expect.poll(() => card('fallback').locator('.insights-badge').innerText()).toMatch(/ 100%$/);
    // the card itself wears its heat: the hottest step rings it red (#e53935)
    await expect
      .poll(() =>
        card('fallback')
          .locator('.card')
          .evaluate((el) => getComputedStyle(el).boxShadow),
      )
      .toContain('rgb(229, 57, 53)');
    await top.click();
    const first = panel.locator('.path-conversations li button').first();
    await expect.poll(() => panel.locator('.path-conversations li').count(), slow).toBeGreaterThan(10);
    await first.click();
    const transcript = panel.locator('.insights-transcript');
    await expect.poll(() => transcript.innerText(), slow).toMatch(/Customer\s+(can I|how do I|is it possible|do you let|I want to|where can I)/);
    await expect.poll(() => transcript.locator('.outcome.fallback').count()).toBeGreaterThan(0);
    // its path on the canvas
    await expect.poll(() => card('fallback').getAttribute('class')).toMatch(/sim-(visited|current)/);
    await panel.getByRole('button', { name: 'Close the conversation' }).click();

    // new intents: the seeded cluster, made an intent of nlu.yaml, then routed for now
    await panel.getByRole('tab', { name: 'New intents' }).click();
    await panel.getByRole('button', { name: 'Find new intents' }).click();
    const cluster = panel
      .locator('.cluster')
      .filter({ hasText: /bitcoin|crypto/ })
      .first();
    await expect.poll(() => cluster.count(), slow).toBe(1);
    await expect.poll(() => cluster.locator('.said-at').innerText()).toMatch(/What does the customer want\?/);
    await cluster.getByLabel('New intent name').fill('buy_crypto');
    await cluster.getByRole('button', { name: 'Create intent' }).click();
    await expect.poll(() => cluster.getByRole('status').innerText(), slow).toMatch(/^Created intent buy_crypto with \d+ examples/);
    const nlu = parse(readFileSync(path.join(dir, 'nlu.yaml'), 'utf8')) as { intents: { id: string; examples: { en: string[] } }[] };
    const made = nlu.intents.find((i) => i.id === 'buy_crypto');
    expect(made?.examples.en.length).toBeGreaterThan(20);
    expect(made?.examples.en.every((e) => /buy|purchase/.test(e))).toBe(true);
    await cluster.getByRole('button', { name: 'Add a temporary route' }).click();
    await expect.poll(() => cluster.getByRole('status').innerText(), slow).toMatch(/Routed buy_crypto at listen_intent to a temporary message/);
    await expect.poll(() => card('temp_buy_crypto').count(), slow).toBe(1);
    await page.screenshot({ path: path.join(shots, 'parley-insights-intents.png') });

    // review: a stratified sample, one conversation rated bad with a tag (saved with the project)
    await panel.getByRole('tab', { name: 'Review' }).click();
    await panel.getByRole('button', { name: 'Draw a sample' }).click();
    const list = panel.getByRole('list', { name: 'Sampled conversations' });
    await expect.poll(() => list.locator('li').count(), slow).toBe(20);
    const id = await list.locator('li button').first().innerText();
    await list.locator('li button').first().click();
    await panel.getByLabel('Tags').fill('wrong answer');
    await panel.getByRole('button', { name: '👎 Bad' }).click();
    await expect.poll(() => panel.getByRole('status').last().innerText(), slow).toMatch(/Rated bad/);
    const ratingsFile = path.join(dir, 'insights', 'ratings.yaml');
    await expect.poll(() => existsSync(ratingsFile)).toBe(true);
    const saved = parse(readFileSync(ratingsFile, 'utf8')) as { ratings: { conversation: string; rating: string; tags: string[] }[] };
    expect(saved.ratings).toEqual([expect.objectContaining({ conversation: id, rating: 'bad', tags: ['wrong answer'] })]);
    // the coherence judge needs the project's model: this project is not trusted, so nothing is sent
    await panel.getByRole('button', { name: 'Close the conversation' }).click();
    await panel.getByLabel('Conversations to judge').fill('3');
    await panel.getByRole('button', { name: 'Judge coherence' }).click();
    await expect.poll(() => panel.getByRole('region', { name: 'Coherence' }).innerText(), slow).toMatch(/No verdict on 3: the model was not called/);
    await page.screenshot({ path: path.join(shots, 'parley-insights-review.png') });

    // A/B: the greeting's two variants (assigned at random, independent of how conversations went): no winner
    await panel.getByRole('tab', { name: 'A/B' }).click();
    const experiment = panel.getByRole('listitem', { name: 'Experiment at main/greet' });
    await expect.poll(() => experiment.locator('tbody tr').count(), slow).toBe(2);
    await expect.poll(() => experiment.locator('.verdict').innerText()).toMatch(/^No difference (yet|worth having)/);
    expect(studio.pageErrors).toEqual([]);
  });
});
