// Drives a React Flow canvas in Chromium the way a user does (mouse wheel to zoom, dragging the pane to pan,
// dragging a node) and measures each step: CPU time over CDP, wall-clock time in the page. The same code measures Parley's studio and the stock page, so the
// two numbers of a row differ only by the app. Nothing here reaches into the app: it reads the DOM that React Flow
// renders (`.react-flow`, `.react-flow__viewport`'s transform, `.react-flow__node`) and sends real input over CDP.
import type { Browser, CDPSession, Page } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { launchChromium } from '../../e2e/chromium';
import { pinTarget } from '../pinning';

export const VIEWPORT = { width: 1440, height: 900 };

export const launchBrowser = (): Promise<Browser> => launchChromium();

/**
 * Pins the renderer processes of `browser` (every thread of each) to one CPU, where the machine can (../pinning.ts):
 * the pages compared then run their gestures at the same CPU speed. Returns what frees them again, which the caller
 * runs before the next open: an open's wall time is the user's, with the whole machine, and Chromium keeps a spare
 * renderer ready for the next page, which would otherwise open pinned.
 */
export async function pinRenderers(browser: Browser): Promise<() => void> {
  const pin = pinTarget();
  if (!pin) return () => {};
  const cdp = await browser.newBrowserCDPSession();
  let pids: number[];
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    pids = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  } finally {
    await cdp.detach();
  }
  const set = (cpus: string) => {
    // a renderer may have ended meanwhile (its page closed): nothing to do for it
    for (const pid of pids) spawnSync(pin.taskset, ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  };
  set(String(pin.cpu));
  return () => set(`0-${availableParallelism() - 1}`);
}

/**
 * One input step, in ms of performance.now(): [input handler starts, its frame is rendered, the main thread is idle
 * again, the next frame starts, that frame is rendered]. Busy time: (idle - input) + (end - next frame).
 */
type StepTiming = [number, number, number, number, number];
export const busyMs = ([t0, , t2, t3, t4]: StepTiming): number => t2 - t0 + (t4 - t3);

interface BenchGlobal {
  /** performance.now() when the canvas first showed its nodes, laid out and framed (-1 until then). */
  openMs: number;
  recording: boolean;
  steps: StepTiming[];
  waitSteps(count: number, timeoutMs: number): Promise<number>;
  frames(count: number): Promise<void>;
}
declare global {
  interface Window {
    __bench: BenchGlobal;
  }
}

/**
 * Runs in the page before its own scripts (CDP addScriptToEvaluateOnNewDocument, so no CSP applies).
 *
 * Open: a rAF loop watches for the first frame where React Flow's nodes exist and none is still hidden for
 * measuring; the time is taken when that frame has been rendered (a message posted from its rAF callback runs
 * after style, layout and paint), and kept once the viewport transform has stayed put for two more frames (so
 * fitView has happened).
 *
 * Steps (the wall-clock figure; the bench's primary figure is CPU time, see StepStats): while recording, the first
 * pointermove/mousemove of a step starts the clock (capture listeners on window, ahead of the app's). Mouse moves are
 * rAF-aligned in Chromium, so a rAF registered there belongs to the frame that shows the move; a message posted from
 * it runs once that frame is rendered. Then `drain` waits out the tasks the app queued (React renders updates from
 * non-React events in a scheduled task, and effects in another), and the step ends when the frame after them is
 * rendered. Busy time is input-to-drained plus that last frame, which leaves out the wait for vsync.
 */
function instrument(): void {
  const waiters: (() => void)[] = [];
  const bench: BenchGlobal = {
    openMs: -1,
    recording: false,
    steps: [],
    waitSteps(count, timeoutMs) {
      return new Promise((resolve) => {
        const done = () => resolve(bench.steps.length);
        if (bench.steps.length >= count) return done();
        const timer = setTimeout(done, timeoutMs);
        const check = () => {
          if (bench.steps.length >= count) {
            clearTimeout(timer);
            done();
          } else waiters.push(check);
        };
        waiters.push(check);
      });
    },
    frames(count) {
      return new Promise((resolve) => {
        const tick = (left: number) => requestAnimationFrame(() => (left <= 1 ? afterFrame(() => resolve()) : tick(left - 1)));
        tick(count);
      });
    },
  };
  const afterFrame = (fn: () => void) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => fn();
    ch.port2.postMessage(null);
  };
  window.__bench = bench;

  let lastTransform: string | undefined;
  let candidate = -1;
  let stableFrames = 0;
  const watchOpen = () => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport');
    const ready = viewport && document.querySelector('.react-flow__node') && !document.querySelector('.react-flow__node[style*="visibility: hidden"]');
    if (!ready) {
      lastTransform = undefined;
      candidate = -1;
    } else if (viewport.style.transform !== lastTransform || candidate < 0) {
      lastTransform = viewport.style.transform;
      stableFrames = 0;
      candidate = -1;
      afterFrame(() => {
        if (candidate < 0) candidate = performance.now();
      });
    } else if (++stableFrames >= 2) {
      bench.openMs = candidate;
      return;
    }
    requestAnimationFrame(watchOpen);
  };
  requestAnimationFrame(watchOpen);

  /**
   * Calls back once the tasks the app queued have run (React renders and effects scheduled from the input, each
   * posting the next), with the time the last of them ended. It hops through posted messages, which queue behind
   * the app's own, until three hops in a row find nothing ran in between.
   */
  const drain = (done: (quietSince: number) => void) => {
    let last = performance.now();
    let quiet = 0;
    let quietSince = last;
    const hop = () => {
      const now = performance.now();
      if (now - last < 0.25) {
        if (quiet++ === 0) quietSince = last;
      } else quiet = 0;
      last = now;
      if (quiet >= 3 || now - quietSince > 5000) done(quietSince);
      else afterFrame(hop);
    };
    afterFrame(hop);
  };

  let pending = false;
  const onInput = () => {
    if (!bench.recording || pending) return;
    pending = true;
    const t0 = performance.now();
    requestAnimationFrame(() =>
      afterFrame(() => {
        const t1 = performance.now();
        drain((t2) => {
          requestAnimationFrame(() => {
            const t3 = performance.now();
            afterFrame(() => {
              bench.steps.push([t0, t1, t2, t3, performance.now()]);
              pending = false;
              for (const w of waiters.splice(0)) w();
            });
          });
        });
      }),
    );
  };
  // pointermove comes first for a mouse move, then mousemove; whichever the app listens to, the clock starts before it.
  addEventListener('pointermove', onInput, { capture: true });
  addEventListener('mousemove', onInput, { capture: true });
}

/**
 * The init script's source. tsx compiles this file with esbuild's keepNames, which wraps named functions in
 * `__name(...)` calls; the page has no `__name`, so the script defines a no-op one (page.evaluate callbacks from
 * this file need it too).
 */
export const INSTRUMENT_SCRIPT = `globalThis.__name ??= (f) => f;\n(${instrument.toString()})();`;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Transform {
  x: number;
  y: number;
  k: number;
}

export const canvasBox = (page: Page): Promise<Box> =>
  page.evaluate(() => {
    const r = document.querySelector('.react-flow')!.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });

export const readTransform = (page: Page): Promise<Transform> =>
  page.evaluate(() => {
    const t = document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform;
    const m = /translate\((-?[\d.e+-]+)px,\s*(-?[\d.e+-]+)px\)\s*scale\((-?[\d.e+-]+)\)/.exec(t);
    if (!m) throw new Error(`unexpected viewport transform: ${t}`);
    return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) };
  });

/** Points of the empty pane (not a node, edge, minimap or control), nearest to the canvas centre or to `near` first. */
const paneCandidates = (page: Page, near?: { x: number; y: number }): Promise<{ x: number; y: number }[]> =>
  page.evaluate((near) => {
    const r = document.querySelector('.react-flow')!.getBoundingClientRect();
    const c = near ?? { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    const pts: { x: number; y: number; d: number }[] = [];
    for (let x = r.x + 30; x < r.right - 30; x += 6) for (let y = r.y + 30; y < r.bottom - 30; y += 6) pts.push({ x, y, d: Math.hypot(x - c.x, y - c.y) });
    pts.sort((a, b) => a.d - b.d);
    const out: { x: number; y: number }[] = [];
    for (const p of pts) {
      if (document.elementFromPoint(p.x, p.y)?.classList.contains('react-flow__pane')) out.push({ x: p.x, y: p.y });
      if (out.length >= 60) break;
    }
    return out;
  }, near);

const isPaneAt = (page: Page, p: { x: number; y: number }) =>
  page.evaluate((p) => Boolean(document.elementFromPoint(p.x, p.y)?.classList.contains('react-flow__pane')), p);

/**
 * A point of the empty pane, the nearest to the canvas centre or to `near`. The pointer is moved there and the
 * point checked again: far zoomed out on a large flow, Parley draws cards on a canvas and makes the card under
 * the pointer an element only when the pointer is over it, so a point that looks empty may hold a card.
 */
export async function panePoint(page: Page, near?: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const pts = await paneCandidates(page, near);
  // Cards drawn on a canvas are recognisable by the page holding (almost) no card elements; otherwise the first
  // candidate is right as it is.
  const drawn = await page.evaluate(() => document.querySelectorAll('.react-flow__node').length < 5);
  if (!drawn && pts[0]) return pts[0];
  for (const [i, p] of pts.entries()) {
    if (i % 7 !== 0 && i > 0) continue; // spread the tries out
    await page.mouse.move(p.x, p.y);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (await isPaneAt(page, p)) return p;
  }
  throw new Error('no empty pane point on the canvas');
}

/** A grab point on the fully visible node nearest the canvas centre: near its top, off its handles. */
const visibleGrabPoint = (page: Page): Promise<{ id: string; x: number; y: number }> =>
  page.evaluate(() => {
    const r = document.querySelector('.react-flow')!.getBoundingClientRect();
    const cx = r.x + r.width / 2;
    const cy = r.y + r.height / 2;
    const found: { id: string; x: number; y: number; d: number }[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node')) {
      const b = el.getBoundingClientRect();
      if (b.left < r.left + 20 || b.right > r.right - 20 || b.top < r.top + 20 || b.bottom > r.bottom - 20) continue;
      const x = b.left + b.width * 0.4;
      const y = b.top + Math.min(14, b.height / 2);
      const at = document.elementFromPoint(x, y);
      if (!at || at.closest('.react-flow__node') !== el || at.closest('.react-flow__handle')) continue;
      found.push({ id: el.dataset.id ?? '', x, y, d: Math.hypot(x - cx, y - cy) });
    }
    found.sort((a, b) => a.d - b.d);
    if (!found[0]) throw new Error('no fully visible node to drag');
    return found[0];
  });

/**
 * A grab point on the fully visible node nearest the canvas centre. When the page holds no card elements (Parley
 * far zoomed out on a large flow draws them on a canvas), the pointer first moves over the canvas, as a user's
 * does before pressing, until a card is under it (findGrabPoint).
 */
export async function nodeGrabPoint(page: Page): Promise<{ id: string; x: number; y: number }> {
  const found = await findGrabPoint(page);
  // The pointer goes onto the node before pressing, as a user's does: far zoomed out, a card that is an element
  // only because it is selected could stop being one (a click on the pane deselects it) but stays one while pointed at.
  await page.mouse.move(found.x, found.y);
  await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
  // (unless pointing at it made another card an element over it: then the best point now)
  return (await grabPointOf(page, found.id).catch(() => undefined)) ?? findGrabPoint(page);
}

async function findGrabPoint(page: Page): Promise<{ id: string; x: number; y: number }> {
  try {
    return await visibleGrabPoint(page);
  } catch (e) {
    const r = await page.evaluate(() => {
      const b = document.querySelector('.react-flow')!.getBoundingClientRect();
      return { x: b.x, y: b.y, width: b.width, height: b.height };
    });
    const cx = r.x + r.width / 2;
    const cy = r.y + r.height / 2;
    for (let ring = 0; ring < 12; ring++) {
      for (let a = 0; a < Math.max(1, ring * 6); a++) {
        const x = cx + Math.cos((a / Math.max(1, ring * 6)) * 2 * Math.PI) * ring * 24;
        const y = cy + Math.sin((a / Math.max(1, ring * 6)) * 2 * Math.PI) * ring * 24;
        await page.mouse.move(x, y);
        await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
        const found = await visibleGrabPoint(page).catch(() => undefined);
        if (found) return found;
      }
    }
    throw e;
  }
}

const frames = (page: Page, n = 2) => page.evaluate((n) => window.__bench.frames(n), n);

/** Drags the empty pane until flow point `center` is at the canvas centre (within a pixel). */
async function centreOn(page: Page, box: Box, center: { x: number; y: number }): Promise<void> {
  const mid = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const reach = Math.min(box.width, box.height) / 2 - 40;
  for (let i = 0; i < 40; i++) {
    const t = await readTransform(page);
    const dx = box.width / 2 - center.x * t.k - t.x;
    const dy = box.height / 2 - center.y * t.k - t.y;
    if (Math.abs(dx) < 1 && Math.abs(dy) < 1) return;
    const stepX = Math.max(-2 * reach, Math.min(2 * reach, dx));
    const stepY = Math.max(-2 * reach, Math.min(2 * reach, dy));
    const from = await panePoint(page, { x: mid.x - stepX / 2, y: mid.y - stepY / 2 });
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + stepX / 2, from.y + stepY / 2);
    await page.mouse.move(from.x + stepX, from.y + stepY);
    await page.mouse.up();
    await frames(page);
  }
  throw new Error(`could not centre the view on ${center.x},${center.y}`);
}

/** How close (log2 of the ratio) setView brings the zoom: 0.03 %, so that every page ends on the same view. */
const ZOOM_PRECISION = 0.0005;

/**
 * Sets the view with the mouse: drags the pane until flow point `center` is in the middle of the canvas (at the
 * current zoom, where the distance is shortest when zoomed out), wheel-zooms there to `zoom` (the point under the
 * pointer stays put), and corrects the centre.
 */
export async function setView(page: Page, zoom: number, center: { x: number; y: number }): Promise<Transform> {
  const box = await canvasBox(page);
  const mid = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await centreOn(page, box, center);
  for (let i = 0; i < 30; i++) {
    const t = await readTransform(page);
    if (Math.abs(Math.log2(zoom / t.k)) < ZOOM_PRECISION) break;
    await page.mouse.move(mid.x, mid.y);
    // React Flow zooms by 2^(-deltaY * 0.002) per wheel event (deltaMode 0).
    await page.mouse.wheel(0, Math.max(-1500, Math.min(1500, -Math.log2(zoom / t.k) / 0.002)));
    await frames(page);
  }
  await page.waitForTimeout(200); // d3-zoom ends a wheel gesture after 150 ms
  await centreOn(page, box, center);
  await page.waitForTimeout(100);
  await frames(page);
  const t = await readTransform(page);
  if (Math.abs(Math.log2(zoom / t.k)) > 2 * ZOOM_PRECISION) throw new Error(`could not zoom to ${zoom} (at ${t.k})`);
  return t;
}

/**
 * Per-step figures of a gesture (the first WARMUP_STEPS steps left out: drag start, first mount).
 *
 * The primary figure is CPU time of the renderer's main thread per step (CDP Performance.getMetrics ThreadTime, less
 * the time spent in DevTools commands, which is the bench's own), read after each step: it holds everything the
 * step caused (input handling, React renders whether synchronous or scheduled, effects, GC, style, layout, paint)
 * and, being CPU time rather than wall time, is not inflated when other processes compete for the machine's cores.
 */
export interface StepStats {
  /** Main-thread CPU ms per step: mean and 95th percentile. */
  mean: number;
  p95: number;
  /** Renderer process CPU ms per step (main thread plus compositor and raster threads: software rendering), mean. */
  processMs: number;
  /** Wall-clock main-thread busy ms per step measured in the page (see `instrument`), mean: sensitive to machine load. */
  wallMs: number;
  steps: number;
  raw: { cpu: number[]; wall: StepTiming[] };
  /** When pooled from several runs: each run's mean. */
  runs?: number[];
}

const WARMUP_STEPS = 3;
/**
 * Calls into a gesture, for the profiler: `warm` after the warm-up steps, `done` after the last step, before the
 * button is released, so that a profile holds the measured steps only (not the gesture's start or end).
 */
export interface GestureHooks {
  warm?: () => Promise<unknown>;
  done?: () => Promise<unknown>;
}

interface CpuSample {
  thread: number;
  devtools: number;
  process: number;
}

async function cpuSample(cdp: CDPSession): Promise<CpuSample> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { thread: get('ThreadTime'), devtools: get('DevToolsCommandDuration'), process: get('ProcessTime') };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

/**
 * Moves the mouse from `from` to `at(1)`, `at(2)`, … `at(count)`, pressed (a drag) or not (a hover), one frame per
 * step, and measures every step. Always all `count` steps, however slow the page: every page does the same work.
 */
async function mouseGesture(
  page: Page,
  cdp: CDPSession,
  from: { x: number; y: number },
  at: (i: number) => { x: number; y: number },
  count: number,
  press = true,
  hooks: GestureHooks = {},
): Promise<StepStats> {
  await page.mouse.move(from.x, from.y);
  await frames(page);
  if (press) await page.mouse.down();
  await page.evaluate(() => {
    window.__bench.steps = [];
    window.__bench.recording = true;
  });
  const samples = [await cpuSample(cdp)];
  let done = 0;
  while (done < count) {
    const p = at(++done);
    await page.mouse.move(p.x, p.y);
    const got = await page.evaluate((n) => window.__bench.waitSteps(n, 10_000), done);
    if (got < done) throw new Error(`mouse move ${done} produced no frame`);
    samples.push(await cpuSample(cdp));
    if (done === WARMUP_STEPS && hooks.warm) {
      await hooks.warm();
      samples[samples.length - 1] = await cpuSample(cdp);
    }
  }
  const wall = await page.evaluate(() => {
    window.__bench.recording = false;
    return window.__bench.steps;
  });
  await hooks.done?.();
  if (press) await page.mouse.up();
  const cpu = samples.slice(1).map((s, i) => s.thread - samples[i]!.thread - (s.devtools - samples[i]!.devtools));
  const kept = cpu.slice(WARMUP_STEPS);
  const first = samples[WARMUP_STEPS]!;
  const last = samples[samples.length - 1]!;
  return {
    mean: mean(kept),
    p95: p95(kept),
    processMs: (last.process - first.process) / kept.length,
    wallMs: mean(wall.slice(WARMUP_STEPS).map(busyMs)),
    steps: kept.length,
    raw: { cpu, wall },
  };
}

/** Several runs of one gesture as one: their measured steps pooled (warm-up steps stay out, as in each run). */
export function pooled(runs: StepStats[]): StepStats {
  const kept = runs.flatMap((r) => r.raw.cpu.slice(WARMUP_STEPS));
  const weighted = (get: (r: StepStats) => number) => runs.reduce((sum, r) => sum + get(r) * r.steps, 0) / kept.length;
  return {
    mean: mean(kept),
    p95: p95(kept),
    processMs: weighted((r) => r.processMs),
    wallMs: weighted((r) => r.wallMs),
    steps: kept.length,
    raw: { cpu: runs.flatMap((r) => r.raw.cpu), wall: runs.flatMap((r) => r.raw.wall) },
    runs: runs.map((r) => r.mean),
  };
}

const PAN_STEP = { x: -12, y: -8 };
const DRAG_STEP = { x: 5, y: 3 };

/**
 * What a gesture did, read back from the page, so the bench can check that every page did the same work: the
 * viewport before and after, and for a drag the node and its position (flow coordinates) before and after.
 */
export interface GestureEffect {
  view: { before: Transform; after: Transform };
  node?: { id: string; before: { x: number; y: number }; after: { x: number; y: number } };
}
export type GestureStats = StepStats & GestureEffect;

/**
 * Pans by dragging the empty pane: the content moves up and left, so the view travels down and right. `hooks`:
 * see GestureHooks.
 */
export async function pan(page: Page, cdp: CDPSession, steps: number, hooks?: GestureHooks): Promise<GestureStats> {
  const from = await panePoint(page);
  const before = await readTransform(page);
  const s = await mouseGesture(page, cdp, from, (i) => ({ x: from.x + PAN_STEP.x * i, y: from.y + PAN_STEP.y * i }), steps, true, hooks);
  await frames(page);
  const after = await readTransform(page);
  if (Math.abs(after.x - before.x - PAN_STEP.x * steps) > 2 || Math.abs(after.y - before.y - PAN_STEP.y * steps) > 2) {
    throw new Error(`the pan did not move the view as the mouse did (${JSON.stringify(before)} -> ${JSON.stringify(after)})`);
  }
  return { ...s, view: { before, after } };
}

const nodePosition = (page: Page, id: string): Promise<{ x: number; y: number }> =>
  page.evaluate((id) => {
    const el = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
    const m = /translate\((-?[\d.e+-]+)px,\s*(-?[\d.e+-]+)px\)/.exec(el?.style.transform ?? '');
    if (!m) throw new Error(`node ${id} has no position on the canvas`);
    return { x: Number(m[1]), y: Number(m[2]) };
  }, id);

/** A grab point on node `id` (which must be on the canvas as an element): near its top, off its handles. */
const grabPointOf = (page: Page, id: string): Promise<{ id: string; x: number; y: number }> =>
  page.evaluate((id) => {
    const el = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
    if (!el) throw new Error(`node ${id} is not on the canvas`);
    const b = el.getBoundingClientRect();
    for (const [fx, fy] of [
      [0.4, 0],
      [0.25, 0],
      [0.4, 0.5],
      [0.7, 0.5],
      [0.25, 0.7],
    ] as const) {
      const x = b.left + b.width * fx;
      const y = fy ? b.top + b.height * fy : b.top + Math.min(14, b.height / 2);
      const at = document.elementFromPoint(x, y);
      if (at && at.closest('.react-flow__node') === el && !at.closest('.react-flow__handle')) return { id, x, y };
    }
    throw new Error(`no point of node ${id} to grab it by`);
  }, id);

/**
 * A grab point on node `ref.id`, at flow position `ref.at`. Far zoomed out on a large flow Parley makes a card an
 * element only while the pointer is over it, so when the node is not an element the pointer first moves onto the
 * card (a point just inside its top left corner, where the node is in this view), as a user's does.
 */
async function grabPointAt(page: Page, ref: { id: string; at: { x: number; y: number } }): Promise<{ id: string; x: number; y: number }> {
  const present = await page.evaluate((id) => Boolean(document.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"]`)), ref.id);
  if (!present) {
    const [box, t] = await Promise.all([canvasBox(page), readTransform(page)]);
    await page.mouse.move(box.x + t.x + (ref.at.x + 30) * t.k, box.y + t.y + (ref.at.y + 20) * t.k);
    await frames(page);
  }
  return grabPointOf(page, ref.id);
}

/**
 * Drags a node by small steps: node `ref.id` (at flow position `ref.at`), or else the fully visible node nearest
 * the canvas centre (the bench picks the node on Parley's page and drags the same one on the others).
 */
export async function dragNode(
  page: Page,
  cdp: CDPSession,
  steps: number,
  ref?: { id: string; at: { x: number; y: number } },
  hooks?: GestureHooks,
): Promise<GestureStats> {
  const grab = ref ? await grabPointAt(page, ref) : await nodeGrabPoint(page);
  const before = await nodePosition(page, grab.id);
  const view = await readTransform(page);
  const s = await mouseGesture(page, cdp, grab, (i) => ({ x: grab.x + DRAG_STEP.x * i, y: grab.y + DRAG_STEP.y * i }), steps, true, hooks);
  await frames(page);
  const after = await nodePosition(page, grab.id);
  // Loosely here (the app may snap to a grid); the bench compares the pages exactly.
  if (after.x - before.x < (DRAG_STEP.x * steps) / view.k / 2 || after.y - before.y < (DRAG_STEP.y * steps) / view.k / 2) {
    throw new Error(`the drag did not move node ${grab.id} (${JSON.stringify(before)} -> ${JSON.stringify(after)})`);
  }
  return { ...s, view: { before: view, after: await readTransform(page) }, node: { id: grab.id, before, after } };
}

/** The bench's own cost per step: the mouse hovering over empty pane, 1 px back and forth, which the app ignores. */
export async function probe(page: Page, cdp: CDPSession, steps: number): Promise<StepStats> {
  const from = await panePoint(page);
  return mouseGesture(page, cdp, from, (i) => ({ x: from.x + (i % 2), y: from.y }), steps, false);
}

/** Waits until the canvas has opened; returns ms from navigation start. */
export async function waitOpen(page: Page, timeoutMs = 60_000): Promise<number> {
  await page.waitForFunction(() => window.__bench?.openMs >= 0, undefined, { timeout: timeoutMs, polling: 50 });
  return page.evaluate(() => window.__bench.openMs);
}

/** JS heap in use after a full GC, in MB. */
export async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
}
