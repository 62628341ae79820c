// Benchmarks of the project format: load (parse + schema + cross-references) and canonical save, on generated
// flows of 500, 2,000 and 5,000 nodes. Each is printed next to a baseline measured in the same run (the yaml
// library's bare parse / stringify of the same text), as a ratio, so the figures mean something on any machine.
// Then the command line on a 10,000-node project (57 flows, test/bench/largeProject.ts): `parley --version`,
// `parley validate` and web mode's first URL, against the yaml library's bare parse of the same files, with the
// targets of issue 11 (<= 0.3 s, <= 1.5 s, <= 1.5 s) marked met or NOT met. Cold: a fresh user data folder each
// run, so nothing comes from the cache of YAML values read before; cached: the files have been read once before.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { cliIsFresh } from '../../bin/cliStamp.mjs';
import { makeLargeProject } from './largeProject';
import { loadProject } from '../../shared/project/load';
import { serializeFlow } from '../../shared/project/serialize';
import { GENERATED_MANIFEST, generateFlow } from '../fixtures/generateFlow';

function time(fn: () => unknown, minMs = 300): number {
  fn(); // warm up
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    runs++;
  }
  return (performance.now() - t0) / runs;
}

const rows: string[][] = [['nodes', 'load ms', 'yaml.parse ms', 'load/parse', 'save ms', 'yaml.stringify ms', 'save/stringify']];
for (const size of [500, 2000, 5000]) {
  const flow = generateFlow(size);
  const text = serializeFlow(flow);
  const src = { manifest: { file: 'parley.yaml', text: GENERATED_MANIFEST }, flows: [{ file: 'flows/main.yaml', text }] };
  const check = loadProject(src);
  if (check.problems.length) throw new Error(`the generated project is not clean: ${check.problems.length} problems, e.g. ${check.problems[0]?.message}`);
  const load = time(() => loadProject(src));
  const bare = time(() => parse(text));
  const save = time(() => serializeFlow(flow));
  const bareSave = time(() => stringify(flow));
  rows.push([
    String(size),
    load.toFixed(1),
    bare.toFixed(1),
    (load / bare).toFixed(2) + 'x',
    save.toFixed(1),
    bareSave.toFixed(1),
    (save / bareSave).toFixed(2) + 'x',
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log('\nproject format: load and save');
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i]!)).join('  '));

// --- the command line on a large project ---

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin', 'parley.mjs');
if (!cliIsFresh()) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--cli'], { stdio: 'inherit' });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-cli-'));
let fresh = 0;
/** The environment of a run: the shared user data folder (its cache fills on the first run), or a new one. */
const envFor = (cold: boolean) => ({ ...process.env, PARLEY_USER_DATA: path.join(tmp, cold ? `user-${fresh++}` : 'user') });

/** Median wall time of `runs` runs, in seconds. */
async function median(runs: number, once: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

const run =
  (args: string[], cold = false) =>
  () => {
    const env = envFor(cold);
    const t0 = performance.now();
    execFileSync(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
    return Promise.resolve((performance.now() - t0) / 1000);
  };

/** Web mode: seconds to the printed URL, and to the project loaded (the first project.current answered). */
function web(dir: string, cold: boolean): Promise<{ url: number; loaded: number }> {
  const env = envFor(cold);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, 'web', dir, '--no-open', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/[^\s#]+)#token=(\S+)/.exec(out);
      if (!m) return;
      const url = (performance.now() - t0) / 1000;
      child.stdout.removeAllListeners('data');
      fetch(new URL('/api/call', m[1]), {
        method: 'POST',
        headers: { authorization: `Bearer ${m[2]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'project.current', input: {} }),
      })
        .then(async (r) => {
          const body = (await r.json()) as { ok: boolean; value?: { flows?: Record<string, unknown> } };
          if (!body.ok || !body.value) throw new Error(`project.current failed: ${JSON.stringify(body).slice(0, 200)}`);
          const loaded = (performance.now() - t0) / 1000;
          child.once('exit', () => resolve({ url, loaded })); // the next run starts on a quiet machine
          child.kill('SIGTERM');
        })
        .catch((e: unknown) => {
          child.kill('SIGTERM');
          reject(e instanceof Error ? e : new Error(String(e)));
        });
    });
  });
}

try {
  const large = await makeLargeProject(path.join(tmp, 'project'));
  const flowsDir = path.join(large.dir, 'flows');
  const texts = [path.join(large.dir, 'parley.yaml'), path.join(large.dir, 'nlu.yaml'), ...readdirSync(flowsDir).map((f) => path.join(flowsDir, f))].map((f) =>
    readFileSync(f, 'utf8'),
  );
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  const bare = time(() => texts.forEach((t) => parse(t)), 2000) / 1000;
  const version = await median(7, run(['--version']));
  const validateCold = await median(5, run(['validate', large.dir], true));
  await run(['validate', large.dir])(); // fills the shared cache
  const validate = await median(5, run(['validate', large.dir]));
  const webMedian = async (cold: boolean) => {
    const runs: { url: number; loaded: number }[] = [];
    for (let i = 0; i < 5; i++) runs.push(await web(large.dir, cold));
    return { url: runs.map((w) => w.url).sort((a, b) => a - b)[2]!, loaded: runs.map((w) => w.loaded).sort((a, b) => a - b)[2]! };
  };
  const webCold = await webMedian(true);
  const { url, loaded } = await webMedian(false);
  const mark = (v: number, target: number) => (v <= target ? 'met' : 'NOT met');
  const table = [
    ['', 'seconds', 'vs yaml.parse', 'target', ''],
    ['yaml.parse of the files (baseline)', bare.toFixed(2), '1.00x', '', ''],
    ['parley --version', version.toFixed(2), (version / bare).toFixed(2) + 'x', '<= 0.3 s', mark(version, 0.3)],
    ['parley validate, cold', validateCold.toFixed(2), (validateCold / bare).toFixed(2) + 'x', '<= 1.5 s', mark(validateCold, 1.5)],
    ['parley validate, cached', validate.toFixed(2), (validate / bare).toFixed(2) + 'x', '<= 1.5 s', mark(validate, 1.5)],
    ['parley web: URL printed, cold', webCold.url.toFixed(2), (webCold.url / bare).toFixed(2) + 'x', '<= 1.5 s', mark(webCold.url, 1.5)],
    ['parley web: URL printed, cached', url.toFixed(2), (url / bare).toFixed(2) + 'x', '<= 1.5 s', mark(url, 1.5)],
    ['parley web: project loaded, cold', webCold.loaded.toFixed(2), (webCold.loaded / bare).toFixed(2) + 'x', '', ''],
    ['parley web: project loaded, cached', loaded.toFixed(2), (loaded / bare).toFixed(2) + 'x', '', ''],
  ];
  const w = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  console.log(
    `\ncommand line: ${large.flows} flows, ${large.nodes} nodes, ${(bytes / 1e6).toFixed(1)} MB of YAML (median wall time; load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} CPUs)`,
  );
  for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
