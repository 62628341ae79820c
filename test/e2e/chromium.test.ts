import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { disabledFeatureLists, launchChromium } from './chromium';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

test('the test browser keeps Playwright’s disabled features and leaves out the address bar’s popup', async () => {
  const lists = await disabledFeatureLists(browser);
  // Chrome keeps only the last --disable-features: one list must hold Playwright's and ours.
  expect(lists).toHaveLength(1);
  const features = lists[0]!.split(',');
  expect(features).toEqual(expect.arrayContaining(['PaintHolding', 'HttpsUpgrades', 'WebUIOmniboxPopup', 'PreloadTopChromeWebUI']));
});

test('a new page comes alone, without Chrome’s address bar popup beside it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('data:text/html,<p>hello</p>');
  await page.waitForTimeout(500);
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  await cdp.detach();
  // Without the flags: also two `browser_ui` targets, chrome://omnibox-popup.top-chrome/…
  expect(targetInfos.map((t) => `${t.type} ${t.url}`)).toEqual(['page data:text/html,<p>hello</p>']);
  await context.close();
});
