// Project text is data, never markup: a project whose copy, notes, titles, flow name, group label and project
// name carry HTML is opened in Chromium, and every view that shows that text (flow list, project menu, canvas,
// inspector, search, simulator) must show it literally. The CSP would stop an inline handler from running even
// if a sink existed, so the test also checks the DOM itself (no element made from project text) and that no
// CSP violation was reported: a sink fails it, with or without the CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject, tinyFlow, tinyManifest } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

/** A payload naming the field it was planted in, so a failure says where the sink is. */
const payload = (where: string) => `${where} <img src=x onerror="window.__pwned='${where}'"><script>window.__pwned='${where}'</script><b>bold</b>`;
/** As YAML: a single-quoted scalar (no escapes inside but '' for a quote). */
const y = (s: string) => `'${s.replace(/'/g, "''")}'`;

const MANIFEST = tinyManifest(y(payload('project')));

const FLOW = tinyFlow({
  name: y(payload('flowname')),
  head: `description: ${y(payload('flowdesc'))}\n`,
  welcomeFields: `    title: ${y(payload('title'))}\n    notes: ${y(payload('notes'))}\n`,
  welcomeSay: y(payload('copy')),
  tail: `groups:
  - id: greeting
    label: ${y(payload('group'))}
    nodes: [welcome]
`,
});

let studio: Studio;

beforeAll(async () => {
  const dir = makeTinyProject({ 'parley.yaml': MANIFEST, 'flows/main.yaml': FLOW });
  studio = await openStudio(dir);
  // Recorded from the first document on: CSP violations (an injected handler or script that was blocked).
  await studio.page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      // zod probes `Function('')` once to see whether it may compile validators; the CSP refuses, as it should
      if (e.blockedURI === 'eval') return;
      w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
    });
  });
  await studio.page.reload();
  await studio.page.locator('.flow-list').waitFor();
});
afterAll(async () => {
  await studio?.close();
});

describe('no HTML sink for project text (web mode, Chromium)', () => {
  it('shows markup in project text literally in the flow list, canvas, inspector, search and simulator', async () => {
    const { page } = studio;
    /** Nothing made from project text: no planted element, no handler run, no blocked attempt. */
    const clean = async (view: string) => {
      const state = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
        planted: document.querySelectorAll('img[src="x"], script:not([src]), b').length,
        violations: (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
      }));
      expect(state, view).toEqual({ pwned: null, planted: 0, violations: [] });
    };
    const literal = (where: string) => payload(where);

    // flow list and project menu
    await expect.poll(() => page.locator('.flow[data-flow-id="main"] .flow-name').innerText()).toBe(literal('flowname'));
    expect(await page.locator('.project-name').innerText()).toContain(literal('project'));
    await clean('flow list');

    // canvas: the card's title and copy, and the group's label
    const card = page.locator('.react-flow__node [data-node-id="welcome"]');
    await card.waitFor();
    const cardText = await card.innerText();
    expect(cardText).toContain(literal('title'));
    expect(cardText).toContain(literal('copy'));
    await expect.poll(() => page.locator('.react-flow__node-frame').innerText()).toContain(literal('group'));
    await clean('canvas');

    // inspector: title, copy and notes are field values, shown as typed
    await card.click();
    const inspector = page.locator('aside[aria-label="Inspector"]');
    await expect.poll(() => inspector.getByLabel('Id', { exact: true }).inputValue()).toBe('welcome');
    const notesSection = inspector.getByRole('button', { name: /^Notes/ });
    if ((await notesSection.getAttribute('aria-expanded')) === 'false') await notesSection.click();
    await expect.poll(() => inspector.getByLabel('Designer notes').inputValue()).toBe(literal('notes'));
    expect(await inspector.getByLabel('Bot says (en)').inputValue()).toBe(literal('copy'));
    const values = await inspector.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(values).toEqual(expect.arrayContaining([literal('title'), literal('copy'), literal('notes')]));
    // the exit picker lists the node by its title, as text
    expect(await inspector.innerText()).toContain(literal('title'));
    await clean('inspector');

    // search: the result snippet with its highlighted match
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search' });
    await dialog.waitFor();
    await page.keyboard.type('onerror', { delay: 10 });
    const first = dialog.getByRole('option').first();
    await first.waitFor();
    expect(await dialog.innerText()).toMatch(/<img src=x onerror="window\.__pwned='(copy|title|notes)'">/);
    expect((await first.locator('mark').allInnerTexts()).map((t) => t.toLowerCase())).toContain('onerror');
    await clean('search');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // simulator: the bot's message and the trace
    await page.getByRole('button', { name: /Simulate/ }).click();
    const panel = page.getByTestId('simulator');
    await expect.poll(() => panel.locator('.sim-log .bubble.bot .bubble-text').first().innerText(), { timeout: 10_000 }).toBe(literal('copy'));
    await clean('simulator');
    expect(studio.pageErrors).toEqual([]);
  });
});
