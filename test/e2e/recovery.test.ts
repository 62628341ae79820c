import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = makeTinyProject();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('unsaved edits survive a crash of the window', () => {
  it('recovers an edit whose save never reached disk when the window crashed', async () => {
    const { page } = studio;
    const file = path.join(dir, 'flows/main.yaml');
    const before = readFileSync(file, 'utf8');
    // The host is unreachable for saves (as if main were busy or the window crashed before the autosave).
    await page.route('**/api/call', (route) => (route.request().postData()?.includes('"flow.save"') ? route.abort() : route.continue()));
    await page.locator('.react-flow__node [data-node-id="sorry"] .card-copy').dblclick();
    await page.getByLabel('Edit copy of sorry (en)').fill('Sorry, could you say that another way?');
    await page.getByLabel('Edit copy of sorry (en)').press('Enter');
    await expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('error');
    expect(readFileSync(file, 'utf8')).toBe(before);

    // The window crashes: no unload handler runs, nothing more is sent. The user opens the studio again.
    await page.goto('chrome://crash').catch(() => undefined);
    const again = await page.context().newPage();
    await again.route('**/api/call', (route) => (route.request().postData()?.includes('"flow.save"') ? route.abort() : route.continue()));
    await again.goto(studio.host.launchUrl);
    await again.getByRole('alert').filter({ hasText: 'Recovered unsaved edits to Main' }).waitFor();
    await expect.poll(() => again.locator('.react-flow__node [data-node-id="sorry"] .card-copy').innerText()).toBe('Sorry, could you say that another way?');
    expect(readFileSync(file, 'utf8')).toBe(before);

    // Once the host takes saves again, the recovered edit reaches disk by itself (saves retry).
    await again.unroute('**/api/call');
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 10_000 }).toContain('Sorry, could you say that another way?');
    await expect.poll(() => again.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');
  });
});
