// The export dialog in web mode: from the project menu, with keys made outside the project, export a copy of the
// sample (the result: file count, name and version, where), see what changed since that bundle after an edit,
// then break the project (an edge to a missing node): Export is off and the problem is listed; a click on it goes
// to the node. The key's path is remembered in the user settings, not in the project.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys } from '../../main/export/keys';
import { verifyBundle } from '../../main/export/verify';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let project: string;
let userDataDir: string;
let keys: { privateKeyFile: string; publicKeyFile: string };
const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-export-')), 'acme-bundle');

beforeAll(async () => {
  keys = await generateSigningKeys(path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-keys-')), 'keys'));
  project = copySample();
  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-export-ud-'));
  studio = await openStudio(project, { userDataDir });
});
afterAll(async () => {
  await studio?.close();
});

describe('the export dialog (web mode, Chromium)', () => {
  it('exports a signed bundle, shows what changed since it, and refuses a project with errors, listing them', async () => {
    const { page } = studio;
    await page.locator('.project-menu .project-name').click();
    await page
      .getByRole('dialog', { name: 'Projects' })
      .getByRole('button', { name: /Export bundle/ })
      .click();
    const dialog = page.getByRole('dialog', { name: /Export Acme Bank/ });
    const exportButton = dialog.getByRole('button', { name: 'Export', exact: true });
    const version = dialog.getByLabel('Version');

    // nothing remembered yet: no key, no folder; the version is parley.yaml's or 0.1.0
    await expect.poll(() => dialog.getByLabel('Signing key').getAttribute('aria-invalid'), { timeout: 60_000 }).toBe('true');
    await expect.poll(() => version.inputValue()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await exportButton.isDisabled()).toBe(true);

    // a folder inside the project is refused by main
    await dialog.getByLabel('Output folder').fill(path.join(project, 'dist'));
    await expect.poll(() => dialog.locator('#export-out-note').innerText()).toMatch(/inside the project/);

    await dialog.getByLabel('Output folder').fill(out);
    await dialog.getByLabel('Signing key').fill(keys.privateKeyFile);
    await version.fill('1.0.0');
    await dialog.getByLabel('Release notes').fill('First release');
    await expect.poll(() => dialog.locator('#export-out-note').innerText()).toMatch(/A new folder/);
    await expect.poll(() => exportButton.isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await dialog.getByRole('region', { name: 'Problems' }).innerText()).not.toMatch(/error/i);
    await page.screenshot({ path: path.join(process.env.PARLEY_SCREENSHOTS ?? os.tmpdir(), 'parley-export-dialog.png') });

    await exportButton.click();
    const result = dialog.getByRole('status', { name: 'Export result' });
    await expect.poll(() => result.innerText(), { timeout: 60_000 }).toMatch(/Exported Acme Bank Support 1\.0\.0/);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { version: string; notes: string; files: Record<string, string> };
    expect(await result.innerText()).toContain(`${Object.keys(manifest.files).length + 2} files, signed, in ${out}`);
    expect(manifest).toMatchObject({ version: '1.0.0', notes: 'First release' });
    expect(manifest.files['server.mjs']).toBeDefined();
    await expect(verifyBundle(out, readFileSync(keys.publicKeyFile))).resolves.toBeTruthy();
    await page.screenshot({ path: path.join(process.env.PARLEY_SCREENSHOTS ?? os.tmpdir(), 'parley-export-done.png') });

    // remembered in the user settings, never in the project
    expect(JSON.parse(readFileSync(path.join(userDataDir, 'settings.json'), 'utf8')).export.signingKeyFile).toBe(keys.privateKeyFile);
    for (const e of readdirSync(project, { recursive: true, withFileTypes: true }).filter((x) => x.isFile())) {
      expect(readFileSync(path.join(e.parentPath, e.name), 'utf8')).not.toContain(keys.privateKeyFile);
    }

    // reopened: the folder and key come back, the version is the next patch, and an edit shows as a change
    await dialog.getByRole('button', { name: 'Close' }).click();
    const hours = path.join(project, 'flows', 'hours.yaml');
    const original = readFileSync(hours, 'utf8');
    writeFileSync(hours, original.replace('title: Search opening hours', 'title: Look up the opening hours'));
    await page.locator('.project-menu .project-name').click();
    await page
      .getByRole('dialog', { name: 'Projects' })
      .getByRole('button', { name: /Export bundle/ })
      .click();
    await expect.poll(() => dialog.getByLabel('Output folder').inputValue(), { timeout: 60_000 }).toBe(out);
    expect(await dialog.getByLabel('Signing key').inputValue()).toBe(keys.privateKeyFile);
    const changes = dialog.getByRole('region', { name: 'Changes' });
    await expect.poll(() => changes.innerText(), { timeout: 60_000 }).toMatch(/Version 1\.0\.0 → 1\.0\.1/);
    expect(await changes.innerText()).toContain('project/flows/hours.json');
    expect(await version.inputValue()).toBe('1.0.1');

    // broken: an edge to a node that does not exist
    writeFileSync(hours, original.replace('next: search_hours', 'next: no_such_node'));
    const problems = dialog.getByRole('region', { name: 'Problems' });
    await expect.poll(() => problems.innerText(), { timeout: 60_000 }).toMatch(/flows\/hours\.yaml:\d+: .*no_such_node/);
    expect(await problems.innerText()).toMatch(/1 error: a project with errors is not exported/);
    expect(await exportButton.isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(process.env.PARLEY_SCREENSHOTS ?? os.tmpdir(), 'parley-export-refused.png') });
    // the bundle already there is untouched
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).version).toBe('1.0.0');
    expect(existsSync(path.join(project, 'dist'))).toBe(false);

    // the problem leads to the node, as in the Problems panel
    await problems.getByRole('button', { name: /no_such_node/ }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('aside[aria-label=Inspector]').getByLabel('Id', { exact: true }).inputValue()).toBe('start');
    expect(studio.pageErrors).toEqual([]);
    // each preview loads the project and trains its NLU in main: slow when CI runs unit tests beside the browser
  }, 240_000);
});
