// Benchmark of the knowledge index (shared/knowledge) against MiniSearch, in the same run: 50,000 generated chunks
// of about 120 words (500 Markdown documents of 100 sections each, Zipf-distributed words with English endings and
// stop words) and 1,000 queries of 8 words (5 content words of one chunk and 3 stop words, shuffled). Prints build
// time (median of the runs; Parley's includes chunking the Markdown, MiniSearch gets the chunks ready-made), query
// p50/p95, the heap each index holds, the share of generated queries whose chunk is in the top 5, and recall@5
// and MRR on the sample's questions (examples/acme-bank/evaluation/knowledge-questions.yaml).
//   MiniSearch defaults: fields heading and text, nothing else set (no stemming, no stop words; exact terms).
//   MiniSearch tuned: the same English stemmer and stop words as Parley, heading boosted 2.5x, no fuzzy or prefix.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import MiniSearch from 'minisearch';
import { parse } from 'yaml';
import { chunkDocument, plainText, type Chunk, type KnowledgeDoc } from '../../shared/knowledge/chunk';
import { evaluateRetrieval, KnowledgeQuestionsFile } from '../../shared/knowledge/evaluate';
import { KnowledgeIndex } from '../../shared/knowledge/index';
import { Analyzer } from '../../shared/knowledge/text';
import type { RetrievalHit } from '../../shared/engine/ports';
import { ProjectManifest } from '../../shared/schema/project';

const root = path.resolve(import.meta.dirname, '../..');
const RUNS = Number(process.env.PARLEY_BENCH_RUNS ?? 3);
const DOCS = 500;
const SECTIONS = 100;
const QUERIES = Number(process.env.PARLEY_BENCH_QUERIES ?? 1000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6; // typed arrays live outside the JS heap
};

// ---- the generated corpus ---------------------------------------------------------------------------------------
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)] as T;
const C = 'bcdfghklmnprstvw';
const V = 'aeiou';
const ENDINGS = ['', '', '', 's', 'ing', 'ed', 'er', 'ion', 'ly', 'ment'];
const vocab = [
  ...new Set(
    Array.from({ length: 30_000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick([...C]) + pick([...V])).join('') + pick(ENDINGS)),
  ),
];
// Zipf (s = 1): the word of rank r with weight 1/r
const cumulative: number[] = [];
vocab.reduce((s, _, r) => (cumulative.push(s + 1 / (r + 1)), s + 1 / (r + 1)), 0);
const zipf = (): string => {
  const x = random() * (cumulative[cumulative.length - 1] as number);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return vocab[lo] as string;
};
const STOPS = 'the a of to and in is for on with that by this are it as be or from at your we'.split(' ');
const word = () => (random() < 0.35 ? pick(STOPS) : zipf());

const docs: KnowledgeDoc[] = [];
for (let d = 0; d < DOCS; d++) {
  const parts = [`# ${zipf()} ${zipf()}\n\n`];
  for (let s = 0; s < SECTIONS; s++) {
    parts.push(`## ${zipf()} ${zipf()} ${zipf()}\n\n`);
    const n = 100 + Math.floor(random() * 41);
    for (let w = 0; w < n; w++) parts.push(word() + (w % 15 === 14 ? '. ' : w % 60 === 59 ? '.\n\n' : ' '));
    parts.push('\n\n');
  }
  docs.push({ source: `doc${d}.md`, text: parts.join('') }); // joined: a flat string, as a file read from disk
}
interface Row {
  id: string;
  source: string;
  heading: string;
  text: string;
}
const toRows = (ds: readonly KnowledgeDoc[]): Row[] =>
  ds.flatMap((d) => chunkDocument(d).map((c: Chunk) => ({ id: c.id, source: c.source, heading: c.heading, text: plainText(d.text.slice(c.start, c.end)) })));
const rows = toRows(docs);
const words = rows.reduce((n, r) => n + r.text.split(/\s+/).length, 0);
const queries = Array.from({ length: QUERIES }, () => {
  const target = pick(rows);
  const content = target.text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w && !STOPS.includes(w));
  const q = [...Array.from({ length: 5 }, () => pick(content)), pick(STOPS), pick(STOPS), pick(STOPS)].sort(() => random() - 0.5);
  return { text: q.join(' '), target: target.id };
});

// ---- the engines ------------------------------------------------------------------------------------------------
interface Engine {
  name: string;
  build(docs: readonly KnowledgeDoc[]): (q: string) => RetrievalHit[];
  /** For the sample's questions: as the project would run it. */
  sample(docs: readonly KnowledgeDoc[]): (q: string) => RetrievalHit[];
}
const english = new Analyzer('en');
const miniEngine = (name: string, tuned: boolean): Engine => ({
  name,
  sample(ds) {
    return this.build(ds);
  },
  build(ds) {
    const all = toRows(ds);
    const ms = new MiniSearch<Row>({
      fields: ['heading', 'text'],
      storeFields: ['source', 'heading'],
      ...(tuned
        ? { processTerm: (t: string) => english.term(t.toLowerCase()) ?? null, searchOptions: { boost: { heading: 2.5 }, fuzzy: false, prefix: false } }
        : {}),
    });
    ms.addAll(all);
    return (q) => ms.search(q).map((r) => ({ id: r.id as string, source: r.source as string, heading: r.heading as string, text: '', score: r.score }));
  },
});
const engines: Engine[] = [
  {
    name: 'parley',
    build(ds) {
      const index = KnowledgeIndex.build(ds, { locales: ['en'] });
      return (q) => index.search(q, { sources: [], limit: 10 });
    },
    sample(ds) {
      const index = KnowledgeIndex.build(ds, sampleSettings);
      return (q) => index.search(q, { sources: [], limit: 10 });
    },
  },
  miniEngine('minisearch defaults', false),
  miniEngine('minisearch tuned', true),
];

// ---- the sample's questions -------------------------------------------------------------------------------------
const sampleDir = path.join(root, 'examples/acme-bank');
const sampleDocs = readdirSync(path.join(sampleDir, 'knowledge'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => ({ source: f, text: readFileSync(path.join(sampleDir, 'knowledge', f), 'utf8') }));
const manifest = ProjectManifest.parse(parse(readFileSync(path.join(sampleDir, 'parley.yaml'), 'utf8')));
const sampleSettings = { locales: manifest.locales, synonyms: manifest.knowledge?.synonyms ?? [] };
const questions = KnowledgeQuestionsFile.parse(parse(readFileSync(path.join(sampleDir, 'evaluation/knowledge-questions.yaml'), 'utf8'))).questions;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;

const cpuMs = (t0: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
};

const results = engines.map((e) => {
  const builds: number[] = [];
  const buildCpu: number[] = [];
  let heap = 0;
  const held: { search?: (q: string) => RetrievalHit[] } = {};
  for (let r = 0; r < RUNS; r++) {
    delete held.search;
    const before = heapMb();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    held.search = e.build(docs);
    builds.push(performance.now() - t0);
    buildCpu.push(cpuMs(c0));
    heap = heapMb() - before;
  }
  const s = held.search as (q: string) => RetrievalHit[];
  for (const q of queries.slice(0, Math.ceil(QUERIES / 10))) s(q.text); // warm up
  const times: number[] = [];
  const cpu: number[] = [];
  let found = 0;
  for (const q of queries) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const hits = s(q.text);
    times.push(performance.now() - t0);
    cpu.push(cpuMs(c0));
    if (hits.slice(0, 5).some((h) => h.id === q.target)) found++;
  }
  delete held.search;
  process.stderr.write(`knowledge: ${e.name} measured\n`); // a run takes minutes: MiniSearch's queries are slow
  const ev = evaluateRetrieval(questions, e.sample(sampleDocs), 0.35);
  return {
    name: e.name,
    build: median(builds),
    buildCpu: median(buildCpu),
    p50: pct(times, 0.5),
    p95: pct(times, 0.95),
    cpuP95: pct(cpu, 0.95),
    heap,
    generatedRecall: found / queries.length,
    ev,
  };
});

const [ours] = results as [(typeof results)[number]];
const noSynonyms = evaluateRetrieval(
  questions,
  (q) => KnowledgeIndex.build(sampleDocs, { locales: manifest.locales }).search(q, { sources: [], limit: 10 }),
  0.35,
);
const table: string[][] = [
  [
    '',
    'build s',
    'build CPU s',
    'query p50 ms',
    'query p95 ms',
    'p95 CPU ms',
    'heap MB',
    'generated recall@5',
    'sample recall@5',
    'sample MRR',
    'build x',
    'p95 x',
  ],
];
for (const r of results)
  table.push([
    r.name,
    (r.build / 1000).toFixed(2),
    (r.buildCpu / 1000).toFixed(2),
    r.p50.toFixed(2),
    r.p95.toFixed(2),
    r.cpuP95.toFixed(2),
    r.heap.toFixed(0),
    r.generatedRecall.toFixed(3),
    r.ev.recallAt5.toFixed(3),
    r.ev.mrr.toFixed(3),
    r === ours ? '' : `${(r.build / ours.build).toFixed(1)}x`,
    r === ours ? '' : `${(r.p95 / ours.p95).toFixed(1)}x`,
  ]);
const widths = (table[0] as string[]).map((_, i) => Math.max(...table.map((r) => (r[i] as string).length)));
console.log(
  `\nknowledge: ${rows.length.toLocaleString('en-US')} generated chunks (${Math.round(words / rows.length)} words each on average, ${DOCS} documents), ${QUERIES} queries of 8 words; build median of ${RUNS}; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores; the sample: ${sampleDocs.length} documents, ${questions.length} questions`,
);
for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '));
console.log("(x: MiniSearch / Parley, higher is slower; CPU: this process's CPU time, which other work on the machine inflates less than the clock)");
console.log(`parley on the sample without its synonyms: recall@5 ${noSynonyms.recallAt5.toFixed(3)}, MRR ${noSynonyms.mrr.toFixed(3)}`);
const best = Math.max(...results.slice(1).map((r) => r.ev.recallAt5));
console.log(
  `targets: build <= 3 s ${ours.build <= 3000 ? 'ok' : 'MISSED'} (CPU ${ours.buildCpu <= 3000 ? 'ok' : 'MISSED'}), query p95 <= 5 ms ${ours.p95 <= 5 ? 'ok' : 'MISSED'} (CPU ${ours.cpuP95 <= 5 ? 'ok' : 'MISSED'}), sample recall@5 >= MiniSearch's (${best.toFixed(3)}) ${ours.ev.recallAt5 >= best ? 'ok' : 'MISSED'}`,
);
