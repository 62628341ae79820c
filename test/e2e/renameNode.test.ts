// Renaming a node renames it everywhere it is named: the flow's exits, jump and call nodes of other flows, and
// the stories; the Problems panel checks the stories too, so one naming a node that is gone shows up there
// (as `parley validate` and `parley test` report it).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDir } from '../../main/cli/validate';
import { DEFAULT_FILE_LIMITS } from '../../shared/project/files';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

const SHORTCUT = `name: Shortcut
nodes:
  - id: start
    kind: start
    position: { x: 0, y: 0 }
    next: to_digits
  - id: to_digits
    kind: call
    position: { x: 320, y: 0 }
    flow: card_lost
    node: ask_last4
`;
const STALE = `name: Stale
turns:
  - user: hello
    expect:
      waits_at: main/gone_node
`;

// a comment on the node and one on its question, whose anchors must survive the rename
const REVIEW = `threads:
  - id: t_node00001
    anchor: { node: ask_last4 }
    comments:
      - { by: { name: Ana }, at: "2026-12-01T10:00:00Z", text: "Do we need all four digits?" }
  - id: t_line00001
    anchor: { copy: c_h0gjid86ih }
    comments:
      - { by: { name: Ana }, at: "2026-12-01T10:05:00Z", text: "Mention the app first?" }
`;

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = copySample();
  writeFileSync(path.join(dir, 'flows/shortcut.yaml'), SHORTCUT);
  writeFileSync(path.join(dir, 'stories/stale.yaml'), STALE);
  mkdirSync(path.join(dir, 'reviews'));
  writeFileSync(path.join(dir, 'reviews/card_lost.yaml'), REVIEW);
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

const storyTexts = () =>
  readdirSync(path.join(dir, 'stories'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(path.join(dir, 'stories', f), 'utf8'));

describe('renaming a node', () => {
  it('updates the stories and the calls of other flows, and the Problems panel checks the stories', async () => {
    const { page } = studio;
    const problems = page.getByRole('list', { name: 'Problems' });
    // a story naming a node that does not exist is a problem, with its file and line
    await expect.poll(() => problems.innerText()).toContain('stories/stale.yaml:5: turns[0].expect.waits_at: unknown node "main/gone_node"');
    const before = storyTexts().filter((t) => t.includes('card_lost/ask_last4')).length;
    expect(before).toBeGreaterThan(5);

    await page
      .locator('.react-flow__pane')
      .first()
      .click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+k');
    await page.keyboard.type('last 4 digits of the card', { delay: 5 });
    await expect.poll(() => page.getByRole('dialog', { name: 'Search' }).getByRole('option').first().getAttribute('data-node-id')).toBe('ask_last4');
    await page.keyboard.press('Enter');
    const id = page.locator('aside[aria-label=Inspector]').getByLabel('Id', { exact: true });
    await expect.poll(() => id.inputValue()).toBe('ask_last4');
    await id.fill('last_digits');
    await id.press('Enter');
    const status = page.locator('aside[aria-label=Inspector] .insp-status');
    await expect
      .poll(() => status.innerText(), { timeout: 15_000 })
      .toMatch(new RegExp(`Renamed to last_digits; .*1 jump or call in other flows, ${before} stories, 1 comment thread updated\\.$`));

    // on disk: no story names the old id, the other flow's call follows, and only the stale story is a problem
    expect(storyTexts().filter((t) => t.includes('card_lost/ask_last4'))).toEqual([]);
    expect(storyTexts().filter((t) => t.includes('card_lost/last_digits')).length).toBe(before);
    await expect.poll(() => readFileSync(path.join(dir, 'flows/shortcut.yaml'), 'utf8')).toContain('node: last_digits');
    await expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state')).toBe('saved');
    // the node keeps its copy ids and its Spanish; the comment on it follows it, the one on its line needs nothing
    const flow = parse(readFileSync(path.join(dir, 'flows/card_lost.yaml'), 'utf8')) as { nodes: { id: string; copyIds?: object; prompt?: object }[] };
    const renamed = flow.nodes.find((n) => n.id === 'last_digits');
    expect(renamed?.copyIds).toEqual({ prompt: 'c_h0gjid86ih', reprompt: 'c_mknli9f2qa', 'validation.message': 'c_3370sr3eh3' });
    expect(renamed?.prompt).toMatchObject({ es: expect.stringMatching(/^¿Cuáles son los últimos 4 dígitos de la tarjeta\?/) });
    await expect
      .poll(() => (parse(readFileSync(path.join(dir, 'reviews/card_lost.yaml'), 'utf8')) as { threads: { anchor: object }[] }).threads.map((t) => t.anchor))
      .toEqual([{ node: 'last_digits' }, { copy: 'c_h0gjid86ih' }]);
    const report = await validateDir(dir, { limits: DEFAULT_FILE_LIMITS });
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => p.file)).toEqual(['stories/stale.yaml']);
    expect(await problems.innerText()).not.toMatch(/ask_last4|last_digits/);
    expect(studio.pageErrors).toEqual([]);
  });
});
