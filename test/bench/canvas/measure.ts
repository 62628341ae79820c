// A row of the canvas bench: open Parley and the stock pages on the same graph (each in a fresh browser context),
// then run every gesture on each page in turn, gesture by gesture, so a slow spell of the machine hits every side
// of a ratio alike. After each gesture the bench reads back what it did on every page (the viewport before and
// after, the node dragged and where it went) and stops the run if a page did different work from the page measured
// first in that round.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import {
  VIEWPORT,
  canvasBox,
  dragNode,
  heapMb,
  INSTRUMENT_SCRIPT,
  pan,
  pinRenderers,
  probe,
  pooled,
  readTransform,
  setView,
  waitOpen,
  type Box,
  type GestureEffect,
  type StepStats,
  type Transform,
} from './harness';

export const GESTURES = ['pan1', 'pan025', 'drag1', 'drag025'] as const;
export type Gesture = (typeof GESTURES)[number];

export interface CanvasResult extends Record<Gesture, StepStats> {
  openMs: number;
  /** Main-thread CPU ms spent by the page up to just after the open. */
  openCpuMs: number;
  heapMb: number;
  box: Box;
  /** The viewport the page opened on. */
  opened: Transform;
  /** A hover over the empty pane: the bench's own cost per step plus whatever the app does on a mouse move. */
  probe: StepStats;
  /** DOM elements under .react-flow after opening (nodes and edges rendered). */
  dom: { nodes: number; edges: number };
  pageErrors: string[];
}

export const STEPS = { pan: 25, drag: 20 };
/**
 * Each gesture runs this many times on every page, the pages taking turns (in an order that rotates from round
 * to round), and a page's figure pools the steps of its runs: one run's mean moves by some 5 % from one run of
 * the bench to the next, as much as the gap between Parley and stock tuned when panning at zoom 1.
 */
export const ROUNDS = Number(process.env.PARLEY_BENCH_ROUNDS ?? 3);

/** Flow points the view is centred on before a gesture (inside every generated flow: rows of 40 nodes, 320 x 200 apart). */
const CENTRE = { 1: { x: 1500, y: 1000 }, 0.25: { x: 3000, y: 1800 } } as const;

/**
 * How far two pages' gestures may differ and still count as the same work: a relative zoom (setView brings each
 * page within 0.03 % of the zoom asked), and a distance in screen pixels for the viewport's translation and for
 * the dragged node's position (one drag step is 5 px, so a page that missed a step fails).
 */
const TOLERANCE = { zoom: 0.001, px: 2 };

/** The figures of a gesture left out of a run (`measurePages`' `only`): no steps, every figure NaN. */
const SKIPPED: StepStats = { mean: NaN, p95: NaN, processMs: NaN, wallMs: NaN, steps: 0, raw: { cpu: [], wall: [] } };

/** A page of the bench: `url(parley)` gets Parley's canvas box and opening viewport (the stock pages copy them). */
export interface PageSpec {
  name: string;
  /** Script run in the page before its own (after the bench's instrumentation). */
  initScript?: string;
  /** The page must open on the viewport Parley opened on (checked like a gesture's views). */
  opensLikeParley?: boolean;
  url(parley?: { box: Box; opened: Transform }): string;
  warmUrl(parley?: { box: Box; opened: Transform }): string;
}

interface Side {
  spec: PageSpec;
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  result: Omit<CanvasResult, Gesture | 'probe'>;
}

/** `warmUrl`: the same app on a tiny graph (or none), loaded first so the measured open finds its code in the HTTP cache. */
async function open(browser: Browser, spec: PageSpec, url: string, warmUrl: string): Promise<Side> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ content: INSTRUMENT_SCRIPT });
  if (spec.initScript) await context.addInitScript({ content: spec.initScript });
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
  const opened = await readTransform(page);
  await page.waitForTimeout(300);
  const heap = await heapMb(cdp);
  const box = await canvasBox(page);
  const dom = await page.evaluate(() => ({
    nodes: document.querySelectorAll('.react-flow__node').length,
    edges: document.querySelectorAll('.react-flow__edge').length,
  }));
  return { spec, context, page, cdp, result: { openMs, openCpuMs, heapMb: heap, box, opened, dom, pageErrors } };
}

const show = (t: Transform) => `translate(${t.x.toFixed(1)}, ${t.y.toFixed(1)}) scale(${t.k.toFixed(4)})`;

/** Why `other` did different work from `ref` in gesture `what`, or undefined when it did the same. */
export function differs(ref: GestureEffect, other: GestureEffect): string | undefined {
  const views = (a: Transform, b: Transform) =>
    Math.abs(a.k / b.k - 1) > TOLERANCE.zoom || Math.abs(a.x - b.x) > TOLERANCE.px || Math.abs(a.y - b.y) > TOLERANCE.px;
  if (views(ref.view.before, other.view.before)) return `view before: ${show(ref.view.before)} vs ${show(other.view.before)}`;
  if (views(ref.view.after, other.view.after)) return `view after: ${show(ref.view.after)} vs ${show(other.view.after)}`;
  if (!ref.node !== !other.node) return 'one page dragged a node, the other did not';
  if (ref.node && other.node) {
    if (ref.node.id !== other.node.id) return `dragged node ${ref.node.id} vs ${other.node.id}`;
    const d = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y) * ref.view.before.k > TOLERANCE.px;
    const p = (a: { x: number; y: number }) => `(${a.x.toFixed(1)}, ${a.y.toFixed(1)})`;
    if (d(ref.node.before, other.node.before)) return `node ${ref.node.id} before: ${p(ref.node.before)} vs ${p(other.node.before)}`;
    if (d(ref.node.after, other.node.after)) return `node ${ref.node.id} after: ${p(ref.node.after)} vs ${p(other.node.after)}`;
  }
  return undefined;
}

/**
 * Opens Parley (`pages[0]`) and then each stock page (sized like Parley's canvas) and measures them all. Only one
 * page works at a time; the others sit idle. Throws when a gesture did different work on a page than on Parley's.
 * `only`: the gestures to measure (the others get no steps and NaN figures), for A/B runs of one gesture.
 */
export async function measurePages(browser: Browser, pages: PageSpec[], only: readonly Gesture[] = GESTURES): Promise<CanvasResult[]> {
  const sides: Side[] = [];
  let unpin = () => {};
  try {
    const parley = await open(browser, pages[0]!, pages[0]!.url(), pages[0]!.warmUrl());
    sides.push(parley);
    const ref = { box: parley.result.box, opened: parley.result.opened };
    for (const spec of pages.slice(1)) {
      const side = await open(browser, spec, spec.url(ref), spec.warmUrl(ref));
      sides.push(side);
      const opened = { view: { before: ref.opened, after: ref.opened } };
      const why = spec.opensLikeParley && differs(opened, { view: { before: side.result.opened, after: side.result.opened } });
      if (why) throw new Error(`open: ${spec.name} did not open on Parley's viewport (${why})`);
    }
    // the gestures of every page on one CPU (its speed drifts apart from the other's on this VM)
    unpin = await pinRenderers(browser);
    const out = sides.map(() => ({}) as Record<Gesture | 'probe', StepStats>);
    type NodeRef = { id: string; at: { x: number; y: number } };
    const each = async (
      zoom: 1 | 0.25,
      key: Gesture | 'probe',
      run: (s: Side, node?: NodeRef) => Promise<StepStats & Partial<GestureEffect>>,
      settleMs = 0,
    ) => {
      const runs = sides.map(() => [] as StepStats[]);
      for (let round = 0; round < ROUNDS; round++) {
        let first: GestureEffect | undefined;
        let firstName = '';
        // The order rotates from round to round (Parley, stock tuned, quick start; then stock tuned, quick start,
        // Parley; …), so that every page takes every place in the turn equally often: measured side by side, the
        // page that came later in a round often did a little better by its place alone.
        const order = sides.map((_, k) => (k + round) % sides.length);
        for (const i of order) {
          const side = sides[i]!;
          if (process.env.PARLEY_BENCH_DEBUG) process.stderr.write(`${side.spec.name} ${key} ${round}\n`);
          await setView(side.page, zoom, CENTRE[zoom]);
          const { view, node, ...stats } = await run(side, first?.node && { id: first.node.id, at: first.node.before });
          runs[i]!.push(stats);
          if (view) {
            const effect = { view, node };
            if (!first) [first, firstName] = [effect, side.spec.name];
            const why = differs(first, effect);
            if (why) throw new Error(`${key}: ${side.spec.name} did not do the same work as ${firstName} (${why})`);
          }
          // Parley saves 400 ms after an edit (a drop): let that pass before the next measurement.
          if (settleMs) await side.page.waitForTimeout(settleMs);
        }
      }
      runs.forEach((r, i) => (out[i]![key] = pooled(r)));
    };
    await each(1, 'probe', (s) => probe(s.page, s.cdp, 16));
    for (const [g, zoom, run, settleMs] of [
      ['drag1', 1, (s: Side, node?: NodeRef) => dragNode(s.page, s.cdp, STEPS.drag, node), 800],
      ['pan1', 1, (s: Side) => pan(s.page, s.cdp, STEPS.pan), 0],
      ['drag025', 0.25, (s: Side, node?: NodeRef) => dragNode(s.page, s.cdp, STEPS.drag, node), 800],
      ['pan025', 0.25, (s: Side) => pan(s.page, s.cdp, STEPS.pan), 0],
    ] as const) {
      if (only.includes(g)) await each(zoom, g, run, settleMs);
      else for (const o of out) o[g] = SKIPPED;
    }
    return sides.map((side, i) => ({ ...side.result, ...out[i]! }) as CanvasResult);
  } finally {
    unpin();
    for (const side of sides) await side.context.close();
  }
}
