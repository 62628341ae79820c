// The browser of the end-to-end tests and the canvas benches: Debian's Chromium, launched as DEVELOPERS.md says
// (never a downloaded browser), without the parts of Chrome's own window that compete with the page under test.
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';

export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Chrome features left off besides Playwright's own. Headless Chrome builds, for every new tab, the address bar's
 * suggestion popup: a WebUI page of about 30 modules in a renderer process of its own, some 0.8 s of CPU that
 * lands while the page under test opens and takes one of the machine's two cores (the studio opened 0.4-0.6 s later
 * at 5,000 nodes with it). It is Chrome's window, not the page: Electron, the studio's desktop shell, has no
 * address bar, and the stock pages of the canvas bench run without it too.
 */
const NO_ADDRESS_BAR_UI = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup', 'PreloadTopChromeWebUI'];

/**
 * Playwright's own `--disable-features` (playwright-core 1.65). Chrome keeps only the last `--disable-features` of
 * its command line, so ours must repeat Playwright's list, and Playwright's is left out (`ignoreDefaultArgs`).
 * Should a new Playwright change its list, `launchChromium` reads it from the browser's command line instead.
 */
const PLAYWRIGHT_DISABLED =
  'AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,OptimizationHints,NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,msForceBrowserSignIn,msEdgeUpdateLaunchServicesPreferredVersion';

const FLAG = '--disable-features=';
let playwrightDisabled = PLAYWRIGHT_DISABLED;

/** The `--disable-features` lists on the command line of a launched browser's main process (Linux). */
export async function disabledFeatureLists(browser: Browser): Promise<string[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    const main = processInfo.find((p) => p.type === 'browser');
    if (!main) return [];
    return readFileSync(`/proc/${main.id}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a.startsWith(FLAG))
      .map((a) => a.slice(FLAG.length));
  } finally {
    await cdp.detach();
  }
}

const options = (theirs: string) => ({
  executablePath: CHROMIUM,
  args: [...ARGS, `${FLAG}${[theirs, ...NO_ADDRESS_BAR_UI].join(',')}`],
  ignoreDefaultArgs: [`${FLAG}${theirs}`],
});

/** Playwright's own list, read from a browser launched with ours: undefined when the one list it has is ours. */
async function theirList(browser: Browser): Promise<string | undefined> {
  const lists = await disabledFeatureLists(browser).catch(() => []);
  if (lists.length <= 1) return undefined;
  return lists.find((l) => !NO_ADDRESS_BAR_UI.every((f) => l.split(',').includes(f))) ?? playwrightDisabled;
}

/** Launches headless Chromium for a test or a bench. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch(options(playwrightDisabled));
  const theirs = await theirList(browser);
  if (theirs === undefined) return browser;
  // Playwright's list is not the one above: take the one it passed, and launch again with it.
  await browser.close();
  playwrightDisabled = theirs;
  return chromium.launch(options(playwrightDisabled));
}

/**
 * Launches the same headless Chromium as a server that test files connect to (`chromium.connect`): the e2e tests
 * share one browser, each file in a fresh context of its own, instead of each launching its own.
 */
export async function launchChromiumServer(): Promise<BrowserServer> {
  const server = await chromium.launchServer(options(playwrightDisabled));
  const probe = await chromium.connect(server.wsEndpoint());
  const theirs = await theirList(probe).finally(() => probe.close());
  if (theirs === undefined) return server;
  await server.close();
  playwrightDisabled = theirs;
  return chromium.launchServer(options(playwrightDisabled));
}
