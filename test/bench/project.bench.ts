// Benchmarks of the project format: load (parse + schema + cross-references) and canonical save, on generated
// flows of 500, 2,000 and 5,000 nodes. Each is printed next to a baseline measured in the same run (the yaml
// library's bare parse / stringify of the same text), as a ratio, so the figures mean something on any machine.
import { parse, stringify } from 'yaml';
import { loadProject } from '../../shared/project/load';
import { serializeFlow } from '../../shared/project/serialize';
import { generateFlow } from '../fixtures/generateFlow';
import { TINY_MANIFEST } from '../fixtures/tinyProject';

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
  const src = { manifest: { file: 'parley.yaml', text: TINY_MANIFEST }, flows: [{ file: 'flows/main.yaml', text }] };
  const check = loadProject(src);
  if (check.problems.some((p) => p.severity === 'error')) throw new Error(`generated flow does not load: ${check.problems[0]?.message}`);
  const load = time(() => loadProject(src));
  const bare = time(() => parse(text));
  const save = time(() => serializeFlow(flow));
  const bareSave = time(() => stringify(flow));
  rows.push([String(size), load.toFixed(1), bare.toFixed(1), (load / bare).toFixed(2) + 'x', save.toFixed(1), bareSave.toFixed(1), (save / bareSave).toFixed(2) + 'x']);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log('\nproject format: load and save');
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i]!)).join('  '));
