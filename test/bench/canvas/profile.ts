// Where Parley's canvas spends its time, at one size (default 5,000 nodes): for the open and for each gesture of
// the bench, a CPU profile (CDP Profiler) of an unminified build of the renderer, attributed to functions and to
// the modules they come from; the main thread's script / style / layout / other split (CDP Performance metrics);
// and which React components render per step (a stand-in React DevTools hook walking each commit's fibers).
// Ends with ablations: one layer hidden (or promoted) by a style sheet from outside the app, measured against as-is.
// Run: node --import tsx/esm test/bench/canvas/profile.ts [size] [--stock | --quickstart] [--open | --ablations | --gestures] [--light-trace]
// (--stock profiles the tuned stock React Flow page instead, for comparison, --quickstart the quick-start one;
// --open profiles the open only, --ablations skips to the ablations, --gestures leaves them out.)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { runWeb } from '../../../main/cli/web';
import { INSTRUMENT_SCRIPT, VIEWPORT, dragNode, launchBrowser, pan, setView, waitOpen, type GestureHooks, type StepStats } from './harness';
import { NO_SNAP, ROOT, prepare, type StockPage } from './setup';

const size = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5000);
const stockPage: StockPage | undefined = process.argv.includes('--quickstart') ? 'quickstart' : process.argv.includes('--stock') ? 'tuned' : undefined;
/** Parley's canvas at the bench's window size, and roughly the view it opens on (the gestures set their own view). */
const STOCK_CANVAS = { width: 860, height: 825 };
const STOCK_VIEW = { x: 40, y: 40, k: 1 };

/**
 * A minimal React DevTools hook: React DOM registers with it and reports every commit. For each commit it counts, per
 * component name, the function components that rendered (PerformedWork) and those that mounted, walking only the
 * subtrees React processed (a fiber whose child pointer is unchanged was bailed out wholesale).
 */
function reactHook(): void {
  const renders: Record<string, number> = {};
  const mounts: Record<string, number> = {};
  let commits = 0;
  const nameOf = (f: { type: unknown; elementType: unknown }): string => {
    const t = f.type as { displayName?: string; name?: string; render?: { displayName?: string; name?: string } } | null;
    if (!t) return '?';
    return t.displayName || t.name || t.render?.displayName || t.render?.name || '(anonymous)';
  };
  interface Fiber {
    tag: number;
    flags: number;
    type: unknown;
    elementType: unknown;
    child: Fiber | null;
    sibling: Fiber | null;
    alternate: Fiber | null;
  }
  const isComponent = (f: Fiber) => f.tag === 0 || f.tag === 1 || f.tag === 11 || f.tag === 15;
  const walkChildren = (f: Fiber, mounted: boolean) => {
    for (let c = f.child; c; c = c.sibling) visit(c, mounted);
  };
  const visit = (f: Fiber, parentMounted: boolean) => {
    const mounted = parentMounted || f.alternate === null;
    if (mounted) {
      if (isComponent(f)) mounts[nameOf(f)] = (mounts[nameOf(f)] ?? 0) + 1;
      walkChildren(f, true);
      return;
    }
    if (isComponent(f) && f.flags & 1) renders[nameOf(f)] = (renders[nameOf(f)] ?? 0) + 1;
    if (f.child !== f.alternate!.child) walkChildren(f, false);
  };
  (window as unknown as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onScheduleFiberRoot: () => undefined,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
      commits++;
      const cur = root.current;
      if (cur.alternate) walkChildren(cur, false);
      else walkChildren(cur, true);
    },
  };
  (window as unknown as Record<string, unknown>).__renders = {
    take() {
      const out = { commits, renders: { ...renders }, mounts: { ...mounts } };
      for (const k of Object.keys(renders)) delete renders[k];
      for (const k of Object.keys(mounts)) delete mounts[k];
      commits = 0;
      return out;
    },
  };
}
const HOOK_SCRIPT = `globalThis.__name ??= (f) => f;\n(${reactHook.toString()})();`;
type Renders = { commits: number; renders: Record<string, number>; mounts: Record<string, number> };
const takeRenders = (page: Page) => page.evaluate(() => (window as unknown as { __renders: { take(): Renders } }).__renders.take());

/** Parley's renderer built without minification (readable function names), into `dir`. */
async function buildReadable(dir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: dir, emptyOutDir: true, minify: false } });
}

/** Module ranges of the bundle, from the `// <path>` comment the bundler writes before each module when not minifying. */
function moduleRanges(dir: string): Map<string, { start: number; end: number; module: string }[]> {
  const out = new Map<string, { start: number; end: number; module: string }[]>();
  const assets = path.join(dir, 'assets');
  for (const f of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
    const ranges: { start: number; end: number; module: string }[] = [];
    readFileSync(path.join(assets, f), 'utf8')
      .split('\n')
      .forEach((l, i) => {
        const m = /^\/\/ (\S+\/\S+)$/.exec(l);
        if (!m) return;
        const last = ranges[ranges.length - 1];
        if (last) last.end = i - 1;
        ranges.push({ start: i, end: Number.MAX_SAFE_INTEGER, module: m[1]!.replace('\0', '') });
      });
    out.set(f, ranges);
  }
  return out;
}

function moduleGroup(module: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/node_modules\/((?:@[^/]+\/)?[^/]+))?/.exec(module);
  if (m) return m[2] ? `${m[1]} > ${m[2]}` : m[1]!;
  return module;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

/** `--lines=f,g`: the self time of functions f and g broken down by source line of the readable bundle. */
const LINES_OF = (process.argv.find((a) => a.startsWith('--lines='))?.slice('--lines='.length) ?? '').split(',').filter(Boolean);

function lineBreakdown(profile: { nodes: ProfileNode[] }, dir: string): string {
  if (!LINES_OF.length) return '';
  const ticks = new Map<string, number>();
  let all = 0;
  for (const node of profile.nodes) {
    const { functionName, url } = node.callFrame;
    if (!LINES_OF.includes(functionName) || !url) continue;
    for (const t of node.positionTicks ?? []) {
      const key = `${path.basename(new URL(url).pathname)}:${t.line}`;
      ticks.set(key, (ticks.get(key) ?? 0) + t.ticks);
      all += t.ticks;
    }
  }
  const sources = new Map<string, string[]>();
  const lineOf = (key: string) => {
    const [file, line] = key.split(':') as [string, string];
    if (!sources.has(file)) sources.set(file, readFileSync(path.join(dir, 'assets', file), 'utf8').split('\n'));
    return (sources.get(file)![Number(line) - 1] ?? '').trim().slice(0, 110);
  };
  const top = [...ticks.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return `\n  ticks of ${LINES_OF.join(', ')} by line (${all} samples):\n${top.map(([k, n]) => `    ${String(n).padStart(6)}  ${k}  ${lineOf(k)}`).join('\n')}`;
}

function summarise(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, ranges: ReturnType<typeof moduleRanges>, steps: number) {
  const self = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000));
  const byFn = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (!ms) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += ms;
    // a page script's URL, or a name of the browser's own (`v8/LoadTimes`)
    const file = url ? path.basename(URL.canParse(url) ? new URL(url).pathname : url) : '';
    const module = ranges.get(file)?.find((r) => lineNumber >= r.start && lineNumber <= r.end)?.module;
    const group = module ? moduleGroup(module) : functionName.startsWith('(') ? functionName : url ? `other js (${file})` : '(native)';
    const fn = `${functionName || '(anonymous)'}  [${group}]`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
    byModule.set(group, (byModule.get(group) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `    ${(v / steps).toFixed(2).padStart(8)} ms  ${((100 * v) / total).toFixed(0).padStart(3)}%  ${k}`)
      .join('\n');
  return `  sampled (non-idle) ${(total / steps).toFixed(1)} ms per step; by module:\n${top(byModule, 12)}\n  by function (self time):\n${top(byFn, 22)}${lineBreakdown(profile, readable)}`;
}

/** Where an open's main-thread time goes, by area of the code: the canvas, React, the studio's store and checks, … */
const AREAS: [string, RegExp][] = [
  ['canvas (renderer/src/canvas, React Flow, d3)', /^renderer\/src\/canvas\/|^@xyflow|^d3-|^classcat/],
  ['React', /^react-dom|^react$|^scheduler|^use-sync-external-store/],
  [
    'checking the project (shared/project, shared/engine, shared/stories, jexl, zod, yaml)',
    /^shared\/(project|engine|stories|schema|expressions)|^jexl|^zod|^yaml/,
  ],
  ['studio store and panels (renderer/src, other)', /^renderer\/src\//],
  ['other shared code and libraries', /./],
];

function byArea(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, ranges: ReturnType<typeof moduleRanges>): string {
  const self = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000));
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (!ms || functionName === '(idle)') continue;
    // a page script's URL, or a name of the browser's own (`v8/LoadTimes`)
    const file = url ? path.basename(URL.canParse(url) ? new URL(url).pathname : url) : '';
    const module = ranges.get(file)?.find((r) => lineNumber >= r.start && lineNumber <= r.end)?.module;
    const area = module
      ? AREAS.find(([, re]) => re.test(moduleGroup(module)))![0]
      : functionName.startsWith('(')
        ? `${functionName} (the browser: parse, style, layout, paint, GC)`
        : 'other';
    totals.set(area, (totals.get(area) ?? 0) + ms);
  }
  // The bundle's top level (a module's code outside functions) runs before the app can ask for the project.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const isTop = (n: ProfileNode) => n.callFrame.lineNumber === 0 && n.callFrame.url.includes('/assets/index-');
  let topLevel = 0;
  const topBy = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (!ms) continue;
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      if (isTop(byId.get(id)!)) {
        topLevel += ms;
        const { functionName, url, lineNumber } = node.callFrame;
        // a page script's URL, or a name of the browser's own (`v8/LoadTimes`)
        const file = url ? path.basename(URL.canParse(url) ? new URL(url).pathname : url) : '';
        const module = ranges.get(file)?.find((r) => lineNumber >= r.start && lineNumber <= r.end)?.module;
        const key = module ? moduleGroup(module) : functionName || '(anonymous)';
        topBy.set(key, (topBy.get(key) ?? 0) + ms);
        break;
      }
    }
  }
  const lines = [...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${v.toFixed(0).padStart(8)} ms  ${k}`);
  const topLines = [...topBy]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([k, v]) => `    ${v.toFixed(0).padStart(8)} ms  ${k}`);
  return `  by area (sampled; the samples count time the thread waited for a core too):\n${lines.join('\n')}\n  of which the bundle's top level (modules evaluated before the app starts): ${topLevel.toFixed(0)} ms, by module:\n${topLines.join('\n')}`;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

function split(before: Record<string, number>, after: Record<string, number>, steps: number): string {
  const d = (k: string) => ((after[k]! - before[k]!) * 1000) / steps;
  const task = d('TaskDuration');
  const script = d('ScriptDuration');
  const style = d('RecalcStyleDuration');
  const layout = d('LayoutDuration');
  return `  main thread per step (CPU): tasks ${task.toFixed(1)} ms = script ${script.toFixed(1)} + style ${style.toFixed(1)} + layout ${layout.toFixed(1)} + other (paint, commit, hit tests, GC, …) ${(task - script - style - layout).toFixed(1)}; style recalcs ${((after.RecalcStyleCount! - before.RecalcStyleCount!) / steps).toFixed(1)}, layouts ${((after.LayoutCount! - before.LayoutCount!) / steps).toFixed(1)} per step`;
}

function renderTable(r: Renders, steps: number): string {
  const fmt = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 24)
      .map(([k, v]) => `${k} ${(v / steps).toFixed(1)}`)
      .join(', ') || 'none';
  return `  React per step: ${(r.commits / steps).toFixed(2)} commits; renders: ${fmt(r.renders)}\n  mounts per step: ${fmt(r.mounts)}`;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { nodeName?: string; reason?: string; cause?: { reason?: string } } };
}

/**
 * What was painted (Paint events name the element whose layer was repainted): a pan that only moves layers paints
 * nothing; '#document' on every step means the whole page was repainted.
 */
function painted(events: TraceEvent[], steps: number): string {
  const ms = new Map<string, number>();
  const count = new Map<string, number>();
  for (const e of events) {
    if (e.name !== 'Paint' || e.ph !== 'X') continue;
    const name = e.args?.data?.nodeName ?? '?';
    ms.set(name, (ms.get(name) ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000);
    count.set(name, (count.get(name) ?? 0) + 1);
  }
  const top = [...ms].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return `  painted per step: ${top.length ? top.map(([k, v]) => `${k.slice(0, 60)} ${(count.get(k)! / steps).toFixed(1)}x ${(v / steps).toFixed(2)} ms`).join('; ') : 'nothing'}`;
}

/**
 * What the page invalidated while traced (the invalidation-tracking categories of DevTools): per kind (paint,
 * layout, style) the elements and reasons most often named, per step. Anything repainted on every frame of a pan
 * shows up here.
 */
function invalidations(events: TraceEvent[], steps: number): string {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (!e.name.includes('Invalidation')) continue;
    const d = e.args?.data;
    const key = `${e.name.replace('InvalidationTracking', '')}: ${d?.nodeName ?? (e.args as Record<string, unknown> | undefined)?.['debug_name'] ?? '?'} (${d?.reason ?? d?.cause?.reason ?? (e.args as Record<string, unknown> | undefined)?.['reason'] ?? '?'})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 14);
  return `  invalidations per step: ${top.length ? '' : 'none'}\n${top.map(([k, n]) => `    ${(n / steps).toFixed(1).padStart(6)}  ${k.slice(0, 150)}`).join('\n')}`;
}

/** Totals per trace event name on the page's renderer main thread and on its raster/compositor threads, per step. */
function traceSummary(buffer: Buffer, steps: number): string {
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const busy = new Map<string, number>();
  for (const e of events) if (e.ph === 'X' && e.dur) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
  const main = [...busy.entries()].filter(([k]) => threadNames.get(k) === 'CrRendererMain').sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main) return '  (no renderer main thread in the trace)';
  const pid = main.split(':')[0];
  const totals = (pred: (key: string) => boolean) => {
    const m = new Map<string, number>();
    for (const e of events) if (e.ph === 'X' && pred(`${e.pid}:${e.tid}`)) m.set(e.name, (m.get(e.name) ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000);
    return m;
  };
  const show = (m: Map<string, number>, names: string[]) =>
    names
      .filter((n) => m.get(n))
      .map((n) => `${n} ${(m.get(n)! / steps).toFixed(1)}`)
      .join(', ');
  const onMain = totals((k) => k === main);
  const others = totals((k) => k !== main && k.startsWith(`${pid}:`));
  return [
    `  trace, main thread ms per step (nested events overlap): ${show(onMain, ['EventDispatch', 'FunctionCall', 'TimerFire', 'RunMicrotasks', 'FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'HitTest', 'MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'ParseHTML'])}`,
    `  trace, other threads of the renderer ms per step: ${show(others, ['RasterTask', 'ImageDecodeTask', 'DrawFrame', 'BeginFrame', 'ActivateLayerTree', 'UpdateLayer'])}`,
    painted(
      events.filter((e) => `${e.pid}:${e.tid}` === main),
      steps,
    ),
    invalidations(events, steps),
  ].join('\n');
}

// --light-trace leaves out invalidation tracking, which records a stack per invalidated element and so inflates
// the cost of mounting (a style recalculation of 108 new elements took 52 ms traced with it).
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  ...(process.argv.includes('--light-trace') ? [] : ['disabled-by-default-devtools.timeline.invalidationTracking', 'disabled-by-default-blink.invalidation']),
  'v8',
  'cc',
  'blink',
  // --trace-categories a,b: more (e.g. disabled-by-default-blink.debug)
  ...(process.argv.includes('--trace-categories') ? process.argv[process.argv.indexOf('--trace-categories') + 1]!.split(',') : []),
];

const setup = await prepare([size], undefined);
const readable = path.join(setup.tmp, 'renderer-readable');
await buildReadable(readable);
const ranges = moduleRanges(readable);
const fixture = setup.fixtures[0]!;
const web = await runWeb({
  projectDir: fixture.projectDir,
  rendererDir: readable,
  port: 0,
  open: false,
  userDataDir: path.join(setup.tmp, 'ud'),
  log: () => undefined,
});
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ content: INSTRUMENT_SCRIPT });
  await context.addInitScript({ content: HOOK_SCRIPT });
  // No snapping, as in the bench: every drag step moves the card (with snapping most steps at zoom 1 do not).
  if (!stockPage) await context.addInitScript({ content: NO_SNAP });
  const warm = await context.newPage();
  const url = stockPage ? setup.stockUrl(stockPage, size, STOCK_CANVAS, STOCK_VIEW) : web.host.launchUrl;
  await warm.goto(stockPage ? setup.stockUrl(stockPage, 'warm', STOCK_CANVAS, STOCK_VIEW) : setup.parleyWarmUrl(url));
  await warm.close();

  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const m0 = await metrics(cdp);
  await cdp.send('Profiler.start');
  await page.goto(url);
  const openMs = await waitOpen(page);
  const { profile: openProfile } = await cdp.send('Profiler.stop');
  const m1 = await metrics(cdp);
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const res = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
      name: r.name.replace(location.origin, ''),
      start: r.startTime,
      ttfb: r.responseStart - r.startTime,
      end: r.responseEnd,
      kb: r.transferSize / 1024,
    }));
    return {
      request: nav.requestStart,
      response: nav.responseStart,
      html: nav.responseEnd,
      interactive: nav.domInteractive,
      domContentLoaded: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
      res,
    };
  });
  console.log(`\n${stockPage ? `stock React Flow (${stockPage})` : 'Parley'}, ${size} nodes (${fixture.edges} edges)`);
  const t = (n: number) => `${n.toFixed(0)} ms`;
  console.log(
    `open: ${t(openMs)} wall from navigation; page requested at ${t(timing.request)}, first byte ${t(timing.response)}, received ${t(timing.html)}, parsed ${t(timing.interactive)}, DOMContentLoaded (scripts run) ${t(timing.domContentLoaded)}, load ${t(timing.load)}`,
  );
  for (const r of timing.res)
    console.log(
      `  fetch ${r.name.slice(0, 60)}: starts ${r.start.toFixed(0)} ms, first byte after ${r.ttfb.toFixed(0)} ms, done at ${r.end.toFixed(0)} ms, ${r.kb.toFixed(0)} KB`,
    );
  console.log(split(m0, m1, 1));
  console.log(renderTable(await takeRenders(page), 1));
  if (process.env.PARLEY_TRACE_DIR) writeFileSync(path.join(process.env.PARLEY_TRACE_DIR, 'open.cpuprofile'), JSON.stringify(openProfile));
  console.log(summarise(openProfile, ranges, 1));
  console.log(byArea(openProfile, ranges));

  // Each gesture's figures cover its measured steps only: the profile, metrics and render counts start after the
  // warm-up steps (drag start, selection, first mounts) and stop before the button is released (drag end, save).
  const gesture = async (name: string, run: (hooks: GestureHooks) => Promise<StepStats>) => {
    let before: Record<string, number> = {};
    let after: Record<string, number> = {};
    let profile: Parameters<typeof summarise>[0] = { nodes: [] };
    let renders: Renders = { commits: 0, renders: {}, mounts: {} };
    const s = await run({
      warm: async () => {
        await takeRenders(page);
        before = await metrics(cdp);
        await cdp.send('Profiler.start');
      },
      done: async () => {
        profile = (await cdp.send('Profiler.stop')).profile;
        after = await metrics(cdp);
        renders = await takeRenders(page);
        // what the gesture's end costs (for a drag: the edit, the project checked again, the draft and the save)
        await cdp.send('Profiler.start');
      },
    });
    await page.waitForTimeout(1500);
    const { profile: endProfile } = await cdp.send('Profiler.stop');
    // PARLEY_TRACE_DIR=dir keeps the CPU profiles too (open them in DevTools' Performance panel).
    if (process.env.PARLEY_TRACE_DIR) {
      writeFileSync(path.join(process.env.PARLEY_TRACE_DIR, `${name.replace(/\W+/g, '-')}.cpuprofile`), JSON.stringify(profile));
      writeFileSync(path.join(process.env.PARLEY_TRACE_DIR, `${name.replace(/\W+/g, '-')}-end.cpuprofile`), JSON.stringify(endProfile));
    }
    const end = await metrics(cdp);
    console.log(`\n${name}: ${s.mean.toFixed(1)} ms main-thread CPU per step (p95 ${s.p95.toFixed(1)}), ${s.steps} steps`);
    console.log(split(before, after, s.steps));
    console.log(renderTable(renders, s.steps));
    console.log(summarise(profile, ranges, s.steps));
    console.log(`  the gesture's end (button released, then 1.5 s): ${((end.TaskDuration! - after.TaskDuration!) * 1000).toFixed(0)} ms of main-thread tasks`);
    console.log(summarise(endProfile, ranges, 1).split('\n').slice(0, 22).join('\n'));
  };
  const traced = async (name: string, run: (hooks: GestureHooks) => Promise<StepStats>) => {
    let buffer: Buffer = Buffer.alloc(0);
    const s = await run({
      warm: () => browser.startTracing(page, { categories: TRACE_CATEGORIES }),
      done: async () => {
        buffer = await browser.stopTracing();
      },
    });
    // PARLEY_TRACE_DIR=dir keeps each trace (open it in DevTools' Performance panel).
    if (process.env.PARLEY_TRACE_DIR) writeFileSync(path.join(process.env.PARLEY_TRACE_DIR, `${name.replace(/\W+/g, '-')}.json`), buffer);
    console.log(`\n${name}, traced (timings inflated by tracing): ${s.mean.toFixed(1)} ms main-thread CPU per step`);
    console.log(traceSummary(buffer, s.steps));
  };
  const gestures: [string, number, (hooks?: GestureHooks) => Promise<StepStats>][] = [
    ['drag node, zoom 1', 1, (hooks) => dragNode(page, cdp, 20, undefined, hooks)],
    ['pan, zoom 1', 1, (hooks) => pan(page, cdp, 25, hooks)],
    ['drag node, zoom 0.25', 0.25, (hooks) => dragNode(page, cdp, 20, undefined, hooks)],
    ['pan, zoom 0.25', 0.25, (hooks) => pan(page, cdp, 25, hooks)],
  ];
  const centre = (zoom: number) => (zoom === 1 ? { x: 1500, y: 1000 } : { x: 3000, y: 1800 });
  const openOnly = process.argv.includes('--open');
  for (const [name, zoom, run] of process.argv.includes('--ablations') || openOnly ? [] : gestures) {
    await setView(page, zoom, centre(zoom));
    await gesture(name, run);
    await page.waitForTimeout(800);
    await setView(page, zoom, centre(zoom));
    await traced(name, run);
    await page.waitForTimeout(800);
  }

  // Ablations, from outside the app: a constructed style sheet hides one layer (React Flow still renders it, the
  // browser stops painting and hit-testing it), promotes the viewport to its own compositing layer, or turns off
  // hit-testing of everything on the canvas; then the gestures are measured again.
  const variants: [string, string][] = [
    ['minimap hidden', '.react-flow__minimap { display: none !important }'],
    ['background hidden', '.react-flow__background { display: none !important }'],
    ['edges hidden', '.react-flow__edges { display: none !important }'],
    ['edge labels hidden', '.react-flow__edge-textwrapper { display: none !important }'],
    ['handles hidden', '.react-flow__handle { visibility: hidden !important }'],
    ['viewport will-change: transform', '.react-flow__viewport { will-change: transform }'],
    ['no hit-testing on canvas (pans)', '.react-flow__viewport * { pointer-events: none !important }'],
    ['nodes hidden (pans)', '.react-flow__nodes { display: none !important }'],
    ['compact edges hidden (pans)', '.compact-edges { display: none !important }'],
  ];
  const style = (css: string) =>
    page.evaluate((css) => {
      const w = window as unknown as { __ablation?: CSSStyleSheet };
      w.__ablation ??= new CSSStyleSheet();
      w.__ablation.replaceSync(css);
      if (!document.adoptedStyleSheets.includes(w.__ablation)) document.adoptedStyleSheets = [...document.adoptedStyleSheets, w.__ablation];
    }, css);
  const measureOnce = async (zoom: number, name: string, run: (hooks?: GestureHooks) => Promise<StepStats>, css: string) => {
    await setView(page, zoom, centre(zoom));
    await style(css);
    const s = await run();
    await style('');
    await page.waitForTimeout(name.startsWith('drag') ? 800 : 100);
    return s;
  };
  if (process.argv.includes('--gestures') || openOnly) variants.length = 0;
  else console.log('\nablations: main-thread CPU ms per step, as is -> with the change (each pair measured back to back); renderer process CPU in brackets');
  for (const [label, css] of variants) {
    const row: string[] = [];
    for (const [name, zoom, run] of gestures) {
      if (label.includes('(pans)') && !name.startsWith('pan')) continue;
      const base = await measureOnce(zoom, name, run, '');
      const changed = await measureOnce(zoom, name, run, css);
      row.push(`${name}: ${base.mean.toFixed(1)} -> ${changed.mean.toFixed(1)} (${base.processMs.toFixed(0)} -> ${changed.processMs.toFixed(0)})`);
    }
    console.log(`  ${label}\n    ${row.join('\n    ')}`);
  }
} finally {
  await browser.close();
  await web.stop();
  await setup.dispose();
}
