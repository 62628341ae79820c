import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fastYamlValue } from '../../shared/project/fastYaml';
import { loadProject } from '../../shared/project/load';
import { serializeFlow } from '../../shared/project/serialize';
import { generateFlow } from '../../test/fixtures/generateFlow';
import { TINY_MANIFEST } from '../../test/fixtures/tinyProject';
import { parseInParallel, shareOut } from './parallelParse';

// the TypeScript worker through tsx (the command runs the built one, out/cli/parseWorker.mjs)
const worker = pathToFileURL(path.resolve(import.meta.dirname, '../../test/fixtures/parseWorker.mjs'));

const flows = Array.from({ length: 7 }, (_, i) => ({ file: `flows/f${i}.yaml`, text: serializeFlow(generateFlow(40 + i * 10)) }));
// anchors and aliases: the fast reader leaves this file to the full parse
const aliased = { file: 'flows/aliased.yaml', text: 'id: aliased\nnodes: &n []\nextra: *n\n' };

describe('reading YAML on worker threads', () => {
  it('shares files out by size, every file once', () => {
    const files = [100, 5, 60, 40, 1, 30].map((n, i) => ({ file: String(i), text: 'x'.repeat(n) }));
    const bins = shareOut(files, 3);
    expect(
      bins
        .flat()
        .map((f) => f.file)
        .sort(),
    ).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(bins.map((b) => b.reduce((n, f) => n + f.text.length, 0)).sort((a, b) => a - b)).toEqual([66, 70, 100]);
  });

  it('reads every file the fast reader can, with the values it gives on this thread', async () => {
    const values = await parseInParallel([...flows, aliased], { worker, workers: 2, minBytes: 0 });
    expect([...values.keys()].sort()).toEqual(flows.map((f) => f.file).sort());
    for (const f of flows) expect(values.get(f.file)).toEqual((fastYamlValue(f.text) as { value: unknown }).value);
  });

  it('leaves a worker that fails, or a small project, to this thread', async () => {
    const missing = pathToFileURL(path.resolve(import.meta.dirname, 'noSuchWorker.mjs'));
    const values = await parseInParallel(flows, { worker: missing, workers: 2, minBytes: 0 });
    // this thread's share is read; the failed worker's files are not, and loadProject parses them
    expect(values.size).toBeGreaterThan(0);
    expect(values.size).toBeLessThan(flows.length);
    expect((await parseInParallel(flows, { worker, workers: 2 })).size).toBe(0); // under 1 MB
    expect((await parseInParallel(flows, { worker, workers: 0, minBytes: 0 })).size).toBe(0);
  });

  it('loads the same project from values read on workers as from the text alone', async () => {
    const src = { manifest: { file: 'parley.yaml', text: TINY_MANIFEST }, flows: [...flows, aliased] };
    const preparsed = await parseInParallel(src.flows, { worker, workers: 2, minBytes: 0 });
    expect(loadProject({ ...src, preparsed })).toEqual(loadProject(src));
  });
});
