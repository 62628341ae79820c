// Benchmark of Insights (issue 16): import rate, and the overlay and failure-path queries, on 1,000,000 generated
// turn events (main/analytics/synthetic.ts: 60 journeys over 1,000 nodes, some abandoned, some rated, an A/B split),
// against a plain streaming JSONL scan of the same file in the same run: readline and JSON.parse, no schema check,
// answering the same two questions with Maps. That scan is what a knowledgeable user without a database would run;
// it is also a lower bound for any import that reads every line.
// Each measurement runs in a fresh child process so its peak memory (maxRSS) is its own. Targets: import under 10 s
// with peak memory under 500 MB; each query under 200 ms.
//   PARLEY_BENCH_EVENTS=200000 npm run bench -- insights   (a smaller run)
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AnalyticsStore } from '../../main/analytics/store';
import { writeSynthetic, type Journey } from '../../main/analytics/synthetic';
import { seededRandom } from '../../shared/util/random';

const EVENTS = Number(process.env.PARLEY_BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.PARLEY_BENCH_RUNS ?? 5);
const START = '2026-11-01T00:00:00Z';
const RANGE = { from: '2026-11-01', to: '2026-11-30' };
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

function journeys(): Journey[] {
  const random = seededRandom(16);
  const node = () => `flow${Math.floor(random() * 50)}/node${Math.floor(random() * 20)}`;
  return Array.from({ length: 60 }, (_, j) => {
    const listen = node();
    const turns = Array.from({ length: 3 + Math.floor(random() * 5) }, (_, t) => {
      const failing = random() < 0.15;
      const outcomes = failing ? [random() < 0.7 ? ('fallback' as const) : ('handoff' as const)] : [];
      return {
        say: ['I lost my card', 'what is my balance', 'talk to someone'],
        path: t === 0 ? ['main/start', 'main/greet', listen] : [listen, ...Array.from({ length: 1 + Math.floor(random() * 4) }, node)],
        intent: `intent_${j % 20}`,
        confidence: 0.5 + random() * 0.5,
        outcomes,
      };
    });
    return { name: `journey ${j}`, weight: 1 + random() * 10, turns, abandon: 0.05, ...(j % 10 === 0 ? { variants: { [listen]: ['a', 'b'] } } : {}) };
  });
}

// ---- the child processes -----------------------------------------------------------------------------------------
async function childImport(file: string, db: string) {
  const store = await AnalyticsStore.open(db);
  const t0 = performance.now();
  const r = await store.import([file], new Date('2026-12-01T00:00:00Z'));
  const ms = performance.now() - t0;
  store.close();
  return { ms, events: r.events, malformed: r.malformed.count, lineByLine: r.readLineByLine, rss: maxRssMb() };
}

async function childQuery(db: string) {
  const store = await AnalyticsStore.open(db);
  const median = async (fn: () => Promise<unknown>) => {
    await fn();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  };
  const overlay = await median(() => store.overlay(RANGE));
  const failures = await median(() => store.failurePaths(RANGE));
  const o = await store.overlay(RANGE);
  const top = (await store.failurePaths(RANGE))[0];
  store.close();
  return { overlay, failures, nodes: o.nodes.length, top: top ? `${top.count} ${top.ending}` : '', rss: maxRssMb() };
}

/** The baseline: one streaming pass that answers the overlay (visits and outcomes per node) and failure paths. */
async function childScan(file: string) {
  const t0 = performance.now();
  const from = Date.parse(`${RANGE.from}T00:00:00Z`);
  const to = Date.parse(`${RANGE.to}T00:00:00Z`) + 86_400_000;
  const nodes = new Map<string, number[]>();
  const failures = new Map<string, number>();
  const starts = new Map<string, number>();
  const lastPath = new Map<string, string[]>();
  let events = 0;
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    if (!line) continue;
    const e = JSON.parse(line);
    events++;
    const at = Date.parse(e.at);
    if (at < from || at >= to) continue;
    if (e.type === 'turn') {
      const outcomes: string[] = e.outcomes;
      for (const n of new Set<string>(e.path)) {
        const s = nodes.get(n) ?? [0, 0, 0, 0, 0];
        s[0]!++;
        if (outcomes.includes('fallback')) s[1]!++;
        if (outcomes.includes('not_sure')) s[2]!++;
        if (outcomes.includes('handoff')) s[3]!++;
        if (outcomes.includes('guardrail')) s[4]!++;
        nodes.set(n, s);
      }
      if (e.path.length) {
        starts.set(e.path[0], (starts.get(e.path[0]) ?? 0) + 1);
        lastPath.set(`${e.conversation}#${e.turn}`, e.path);
        const ending = outcomes.includes('handoff') ? 'handoff' : outcomes.includes('fallback') ? 'fallback' : undefined;
        if (ending) failures.set(`${ending}|${e.path.join('>')}`, (failures.get(`${ending}|${e.path.join('>')}`) ?? 0) + 1);
      }
    } else if (e.type === 'abandoned') {
      const p = lastPath.get(`${e.conversation}#${e.lastTurn}`);
      if (p) failures.set(`abandoned|${p.join('>')}`, (failures.get(`abandoned|${p.join('>')}`) ?? 0) + 1);
    }
  }
  const top = [...failures.entries()].sort((a, b) => b[1] - a[1])[0];
  return { ms: performance.now() - t0, events, nodes: nodes.size, top: top ? `${top[1]} ${top[0].split('|')[0]}` : '', rss: maxRssMb() };
}

function child(args: string[]): Record<string, number | string> {
  const out = execFileSync(process.execPath, ['--import', 'tsx/esm', import.meta.filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'import') return console.log(JSON.stringify(await childImport(a!, b!)));
  if (mode === 'query') return console.log(JSON.stringify(await childQuery(a!)));
  if (mode === 'scan') return console.log(JSON.stringify(await childScan(a!)));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-insights-bench-'));
  try {
    const file = path.join(dir, 'transcripts.jsonl');
    const t0 = performance.now();
    const written = await writeSynthetic(file, {
      journeys: journeys(),
      conversations: Math.round(EVENTS / 3),
      limit: EVENTS,
      start: START,
      days: 30,
      seed: 16,
      feedback: 0.1,
    });
    console.log(
      `\ninsights: ${written.toLocaleString('en')} events (${(statSync(file).size / 1e6).toFixed(0)} MB of JSONL) generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const scan = child(['scan', file]);
    const imp = child(['import', file, path.join(dir, 'a.duckdb')]);
    const q = child(['query', path.join(dir, 'a.duckdb')]);
    if (scan.top !== q.top) throw new Error(`the scan and the store disagree on the top failure path: ${scan.top} / ${q.top}`);
    const eps = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')}/s`;
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const table = [
      ['measure', 'Parley (DuckDB store)', 'plain JSONL scan', 'ratio', 'target'],
      [
        'import, events/s',
        `${eps(Number(imp.events), Number(imp.ms))} (${(Number(imp.ms) / 1000).toFixed(1)} s)`,
        `${eps(Number(scan.events), Number(scan.ms))} (${(Number(scan.ms) / 1000).toFixed(1)} s)`,
        `${(Number(scan.ms) / Number(imp.ms)).toFixed(2)}x`,
        `< 10 s per 1M: ${met((Number(imp.ms) * 1e6) / Number(imp.events) < 10_000)}`,
      ],
      ['import peak memory', `${Number(imp.rss).toFixed(0)} MB`, `${Number(scan.rss).toFixed(0)} MB`, '', `< 500 MB: ${met(Number(imp.rss) < 500)}`],
      [
        'overlay query',
        `${Number(q.overlay).toFixed(0)} ms`,
        `${Number(scan.ms).toFixed(0)} ms`,
        `${(Number(scan.ms) / Number(q.overlay)).toFixed(0)}x`,
        `< 200 ms: ${met(Number(q.overlay) < 200)}`,
      ],
      [
        'failure-path query',
        `${Number(q.failures).toFixed(0)} ms`,
        `${Number(scan.ms).toFixed(0)} ms`,
        `${(Number(scan.ms) / Number(q.failures)).toFixed(0)}x`,
        `< 200 ms: ${met(Number(q.failures) < 200)}`,
      ],
    ];
    const w = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
    console.log(
      `(the scan answers both questions in one pass, so its time stands against each query; ${q.nodes} nodes; ${imp.malformed} malformed lines; ${imp.lineByLine} files read line by line; query times are medians of ${RUNS})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
