// What fills the JS heap of a canvas page after it opens (the bench's "JS heap" row): a heap snapshot (CDP
// HeapProfiler) of Parley's studio, or of the stock tuned page, on the bench's graph, summed by node type (code,
// strings, arrays, objects, …) and by constructor, self sizes. Compare the two pages' tables to see what Parley
// holds more of.
// Run: node --import tsx/esm test/bench/canvas/heap.ts [size] [--stock] [--top N]
import path from 'node:path';
import { runWeb } from '../../../main/cli/web';
import { INSTRUMENT_SCRIPT, VIEWPORT, heapMb, launchBrowser, waitOpen } from './harness';
import { prepare } from './setup';

const size = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5000);
const stock = process.argv.includes('--stock');
const topAt = process.argv.indexOf('--top');
const TOP = topAt >= 0 ? Number(process.argv[topAt + 1]) : 30;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * Plain objects (`Object`) summed by their property names, the first eight in order: what kind of record fills the
 * heap (a card, a handle, a flow node, an edge, …), with the count and self size of each.
 */
function strings(snap: Snapshot): Map<string, { size: number; count: number }> {
  const { node_fields: nf, node_types } = snap.snapshot.meta;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => nf.indexOf(f)) as [number, number, number];
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += nf.length) {
    if (node_types[0][snap.nodes[i + iType]!] !== 'string') continue;
    // Grouped by their first characters with digits masked: `n123:next` and `n456:next` are one kind of string.
    const key = (snap.strings[snap.nodes[i + iName]!] ?? '').slice(0, 24).replace(/\d+/g, '#');
    const entry = out.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.nodes[i + iSize]!;
    entry.count++;
    out.set(key, entry);
  }
  return out;
}

function shapes(snap: Snapshot): Map<string, { size: number; count: number }> {
  const { node_fields: nf, node_types, edge_fields: ef, edge_types } = snap.snapshot.meta;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number, number];
  const [eType, eName] = ['type', 'name_or_index'].map((f) => ef.indexOf(f)) as [number, number];
  const out = new Map<string, { size: number; count: number }>();
  let edge = 0;
  for (let i = 0; i < snap.nodes.length; i += nf.length) {
    const count = snap.nodes[i + iEdges]!;
    const isPlain = node_types[0][snap.nodes[i + iType]!] === 'object' && snap.strings[snap.nodes[i + iName]!] === 'Object';
    if (isPlain) {
      const names: string[] = [];
      for (let e = edge; e < edge + count * ef.length && names.length < 8; e += ef.length) {
        if (edge_types[0][snap.edges[e + eType]!] === 'property') names.push(snap.strings[snap.edges[e + eName]!]!);
      }
      const key = `{${names.join(', ')}}`;
      const entry = out.get(key) ?? { size: 0, count: 0 };
      entry.size += snap.nodes[i + iSize]!;
      entry.count++;
      out.set(key, entry);
    }
    edge += count * ef.length;
  }
  return out;
}

/** Self sizes summed by node type and by (type, name), from a parsed .heapsnapshot. */
function summarise(snap: Snapshot) {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const F = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const byType = new Map<string, number>();
  const byName = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += F) {
    const type = types[snap.nodes[i + iType]!]!;
    const size = snap.nodes[i + iSize]!;
    total += size;
    byType.set(type, (byType.get(type) ?? 0) + size);
    // Strings and code are named by their content; group them by type only.
    const name =
      type === 'object' || type === 'closure' || type === 'native' || type === 'array' ? `${type} ${snap.strings[snap.nodes[i + iName]!]}` : `(${type})`;
    const e = byName.get(name) ?? { size: 0, count: 0 };
    e.size += size;
    e.count++;
    byName.set(name, e);
  }
  return { total, byType, byName };
}

const setup = await prepare([size], stock ? path.join(process.cwd(), 'out', 'renderer') : undefined);
const fixture = setup.fixtures[0]!;
const web = await runWeb({
  projectDir: fixture.projectDir,
  rendererDir: setup.rendererDir,
  port: 0,
  open: false,
  userDataDir: path.join(setup.tmp, 'ud'),
  log: () => undefined,
});
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ content: INSTRUMENT_SCRIPT });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(stock ? setup.stockUrl('tuned', size, { width: 860, height: 760 }, { x: 40, y: 40, k: 1 }) : web.host.launchUrl);
  await waitOpen(page);
  await page.waitForTimeout(1000);
  const mb = await heapMb(cdp);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  const snap = JSON.parse(chunks.join('')) as Snapshot;
  const { total, byType, byName } = summarise(snap);
  const m = (n: number) => `${(n / 1024 / 1024).toFixed(2).padStart(7)} MB`;
  console.log(`${stock ? 'stock tuned' : 'Parley'}, ${size} nodes: JS heap ${mb.toFixed(1)} MB (Performance metrics); snapshot ${m(total)} in all`);
  console.log('by type:');
  for (const [t, s] of [...byType].sort((a, b) => b[1] - a[1])) console.log(`  ${m(s)}  ${t}`);
  console.log(`by constructor (top ${TOP}):`);
  for (const [n, e] of [...byName].sort((a, b) => b[1].size - a[1].size).slice(0, TOP))
    console.log(`  ${m(e.size)}  ${String(e.count).padStart(8)}  ${n.slice(0, 100)}`);
  console.log(`strings by their start, digits masked (top ${TOP}):`);
  for (const [n, e] of [...strings(snap)].sort((a, b) => b[1].size - a[1].size).slice(0, TOP))
    console.log(`  ${m(e.size)}  ${String(e.count).padStart(8)}  ${JSON.stringify(n)}`);
  console.log(`plain objects by their properties (top ${TOP}):`);
  for (const [n, e] of [...shapes(snap)].sort((a, b) => b[1].size - a[1].size).slice(0, TOP))
    console.log(`  ${m(e.size)}  ${String(e.count).padStart(8)}  ${n.slice(0, 120)}`);
} finally {
  await browser.close();
  await web.stop();
  await setup.dispose();
}
