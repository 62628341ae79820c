import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runWeb } from '../../main/cli/web';
import type { WebHost } from '../../main/web/server';

/** Debian's Chromium, launched as DEVELOPERS.md says: never a downloaded browser. */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Studio {
  host: WebHost;
  browser: Browser;
  page: Page;
  /** Problems the page reported (uncaught errors, console errors). */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Starts web mode on a project folder and opens it in headless Chromium. */
export async function openStudio(projectDir: string): Promise<Studio> {
  // PARLEY_RENDERER_DIR: test a renderer built elsewhere (e.g. `vite build --outDir`) instead of out/renderer.
  const rendererDir = process.env.PARLEY_RENDERER_DIR;
  const web = await runWeb({ projectDir, port: 0, open: false, ...(rendererDir ? { rendererDir } : {}), userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-ud-')), log: () => undefined });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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
