// A row of the canvas bench: open Parley and stock on the same graph (each in a fresh browser context), then run
// every gesture on one and then the other, gesture by gesture, so a slow spell of the machine hits both sides of a
// ratio alike.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { VIEWPORT, canvasBox, dragNode, heapMb, INSTRUMENT_SCRIPT, pan, probe, setView, waitOpen, type Box, type StepStats } from './harness';

export interface CanvasResult {
  openMs: number;
  /** Main-thread CPU ms spent by the page up to just after the open. */
  openCpuMs: number;
  heapMb: number;
  box: Box;
  pan1: StepStats;
  pan025: StepStats;
  drag1: StepStats;
  drag025: StepStats;
  /** A hover over the empty pane: the bench's own cost per step plus whatever the app does on a mouse move. */
  probe: StepStats;
  /** DOM elements under .react-flow after opening (nodes and edges rendered). */
  dom: { nodes: number; edges: number };
  pageErrors: string[];
}

export const STEPS = { pan: 25, drag: 20 };

/** Flow points the view is centred on before a gesture (inside every generated flow: rows of 40 nodes, 320 x 200 apart). */
const CENTRE = { 1: { x: 1500, y: 1000 }, 0.25: { x: 3000, y: 1800 } } as const;

interface Side {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  result: Omit<CanvasResult, 'pan1' | 'pan025' | 'drag1' | 'drag025' | 'probe'>;
}

/** `warmUrl`: the same app on a tiny graph (or none), loaded first so the measured open finds its code in the HTTP cache. */
async function open(browser: Browser, url: string, warmUrl: string): Promise<Side> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ content: INSTRUMENT_SCRIPT });
  const warm = await context.newPage();
  await warm.goto(warmUrl, { waitUntil: 'load' });
  await warm.waitForTimeout(300);
  await warm.close();

  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  const cdp = await context.newCDPSession(page);
  // Durations in CPU time of the renderer's main thread; ThreadTime counts from here, so it times the open too.
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(url);
  const openMs = await waitOpen(page);
  const openCpuMs = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')!.value * 1000;
  await page.waitForTimeout(300);
  const heap = await heapMb(cdp);
  const box = await canvasBox(page);
  const dom = await page.evaluate(() => ({
    nodes: document.querySelectorAll('.react-flow__node').length,
    edges: document.querySelectorAll('.react-flow__edge').length,
  }));
  return { context, page, cdp, result: { openMs, openCpuMs, heapMb: heap, box, dom, pageErrors } };
}

/**
 * Opens Parley (`parleyUrl`) and then stock (`stockUrl(canvas)`, sized like Parley's canvas) and measures both.
 * Only one page works at a time; the other sits idle.
 */
export async function measurePair(
  browser: Browser,
  parley: { url: string; warmUrl: string },
  stock: { url(canvas: Box): string; warmUrl(canvas: Box): string },
): Promise<{ parley: CanvasResult; stock: CanvasResult }> {
  const sides: Side[] = [];
  try {
    const p = await open(browser, parley.url, parley.warmUrl);
    sides.push(p);
    sides.push(await open(browser, stock.url(p.result.box), stock.warmUrl(p.result.box)));
    const out = sides.map(() => ({}) as Record<'pan1' | 'pan025' | 'drag1' | 'drag025' | 'probe', StepStats>);
    const each = async (zoom: 1 | 0.25, key: keyof (typeof out)[number], run: (s: Side) => Promise<StepStats>, settleMs = 0) => {
      for (const [i, side] of sides.entries()) {
        if (process.env.PARLEY_BENCH_DEBUG) process.stderr.write(`${i ? 'stock' : 'parley'} ${key}: view\n`);
        await setView(side.page, zoom, CENTRE[zoom]);
        if (process.env.PARLEY_BENCH_DEBUG) process.stderr.write(`${i ? 'stock' : 'parley'} ${key}: run\n`);
        out[i]![key] = await run(side);
        // Parley saves 400 ms after an edit (a drop): let that pass before the next measurement.
        if (settleMs) await side.page.waitForTimeout(settleMs);
      }
    };
    await each(1, 'probe', (s) => probe(s.page, s.cdp, 16));
    await each(1, 'drag1', (s) => dragNode(s.page, s.cdp, STEPS.drag), 800);
    await each(1, 'pan1', (s) => pan(s.page, s.cdp, STEPS.pan));
    await each(0.25, 'drag025', (s) => dragNode(s.page, s.cdp, STEPS.drag), 800);
    await each(0.25, 'pan025', (s) => pan(s.page, s.cdp, STEPS.pan));
    const [pr, sr] = sides.map((side, i) => ({ ...side.result, ...out[i]! }) as CanvasResult);
    return { parley: pr!, stock: sr! };
  } finally {
    for (const side of sides) await side.context.close();
  }
}
