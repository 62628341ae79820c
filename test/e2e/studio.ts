import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { runWeb, type RunWebOptions } from '../../main/cli/web';
import type { WebHost } from '../../main/web/server';

export interface Studio {
  host: WebHost;
  browser: Browser;
  page: Page;
  /** Problems the page reported (uncaught errors, console errors). */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Starts web mode on a project folder and opens it in headless Chromium. */
export async function openStudio(projectDir: string, o: Pick<RunWebOptions, 'env' | 'outbound' | 'userDataDir'> = {}): Promise<Studio> {
  // built (or PARLEY_RENDERER_DIR, a renderer built elsewhere) and checked once, by test/e2e/globalSetup.ts
  const web = await runWeb({
    projectDir,
    port: 0,
    open: false,
    rendererDir: inject('rendererDir'),
    userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-ud-')),
    log: () => undefined,
    ...o,
  });
  // the project's one Chromium (test/e2e/globalSetup.ts); closing this connection closes the contexts it opened
  const browser = await chromium.connect(inject('chromiumEndpoint'));
  // One context per studio, so a test can open more tabs that share its storage (page.context().newPage()).
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(web.host.launchUrl);
  await page.locator('.flow-list').waitFor();
  return {
    host: web.host,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await web.stop();
    },
  };
}

/** Trusts the open project through the banner and the dialog, as a user would (approving the named variables). */
export async function trustProject(page: Page, approve: string[] = []): Promise<void> {
  await page.locator('.banner.trust').getByRole('button', { name: 'Review and trust…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Trust this project?' });
  for (const name of approve) await dialog.getByRole('checkbox', { name: new RegExp(`Read ${name} `) }).check();
  await dialog.getByRole('button', { name: 'Trust this project' }).click();
  await page.locator('.banner.trust').waitFor({ state: 'detached' });
}
