// Renaming a node renames it everywhere it is named: the flow's exits, jump and call nodes of other flows, and
// the stories; the Problems panel checks the stories too, so one naming a node that is gone shows up there
// (as `parley validate` and `parley test` report it).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = copySample();
  writeFileSync(path.join(dir, 'flows/shortcut.yaml'), SHORTCUT);
  writeFileSync(path.join(dir, 'stories/stale.yaml'), STALE);
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
      .toMatch(new RegExp(`Renamed to last_digits; .*1 jump or call in other flows, ${before} stories updated\\.$`));

    // on disk: no story names the old id, the other flow's call follows, and only the stale story is a problem
    expect(storyTexts().filter((t) => t.includes('card_lost/ask_last4'))).toEqual([]);
    expect(storyTexts().filter((t) => t.includes('card_lost/last_digits')).length).toBe(before);
    await expect.poll(() => readFileSync(path.join(dir, 'flows/shortcut.yaml'), 'utf8')).toContain('node: last_digits');
    await expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state')).toBe('saved');
    const report = await validateDir(dir, { limits: DEFAULT_FILE_LIMITS });
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => p.file)).toEqual(['stories/stale.yaml']);
    expect(await problems.innerText()).not.toMatch(/ask_last4|last_digits/);
    expect(studio.pageErrors).toEqual([]);
  });
});
