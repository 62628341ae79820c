// Reading a large project's YAML on several cores. The fast reader (shared/project/fastYaml.ts) is most of the
// cost of opening or validating a project of thousands of nodes, and each file is read on its own, so the files
// are shared out between the main thread and worker threads (main/services/parseWorker.ts) by size, and the
// values come back as structured clones. What a worker could not read is parsed on the main thread by
// loadProject, as any file: errors and positions come from the same full parse either way.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fastYamlValue } from '../../shared/project/fastYaml';
import type { ParseCache } from './parseCache';
import type { ParseReply, ParseRequest } from './parseWorker';

/** Below this much YAML, starting a worker costs more than it saves. */
export const PARALLEL_MIN_BYTES = 1_000_000;
const MAX_WORKERS = 3;

export interface ParallelParseOptions {
  /** The worker script; default: parseWorker.mjs beside this module when built (out/cli/), else none (serial). */
  worker?: URL;
  /** Worker threads to use; default: one less than the cores, at most 3. 0 reads everything on this thread. */
  workers?: number;
  minBytes?: number;
  /** Values kept from earlier reads of the same texts (main/services/parseCache.ts); what is read here is added. */
  cache?: ParseCache;
}

/** The built worker beside this module: out/cli/parseWorker.mjs (ES module), out/electron/parseWorker.cjs. */
function builtWorker(): URL | undefined {
  try {
    // Electron's main is a CommonJS bundle, without import.meta.url
    const url = typeof __dirname === 'string' ? pathToFileURL(path.join(__dirname, 'parseWorker.cjs')) : new URL('./parseWorker.mjs', import.meta.url);
    return existsSync(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Shares files out into `n` bins of about equal size (largest first, each to the lightest bin). */
export function shareOut<T extends { text: string }>(files: readonly T[], n: number): T[][] {
  const bins = Array.from({ length: n }, () => ({ bytes: 0, files: [] as T[] }));
  for (const f of [...files].sort((a, b) => b.text.length - a.text.length)) {
    const bin = bins.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    bin.files.push(f);
    bin.bytes += f.text.length;
  }
  return bins.map((b) => b.files);
}

function inWorker(worker: URL, files: ParseRequest['files']): Promise<ParseReply> {
  return new Promise((resolve) => {
    let w: Worker;
    try {
      w = new Worker(worker);
    } catch {
      resolve([]);
      return;
    }
    const done = (reply: ParseReply) => {
      resolve(reply);
      void w.terminate();
    };
    w.once('message', (reply: ParseReply) => done(reply));
    // a worker that fails leaves its files to the main thread
    w.once('error', () => done([]));
    w.once('exit', () => resolve([]));
    w.postMessage({ files } satisfies ParseRequest);
  });
}

/**
 * The fast reader's values of `files`, by file: from the cache when one is given, the rest read on this thread and
 * on worker threads at once when there is enough YAML and more than one core. Files the fast reader leaves to the
 * full parse are absent. Without a cache, less YAML than `minBytes` is left to the caller's own parse.
 */
export async function parseInParallel(files: readonly { file: string; text: string }[], options: ParallelParseOptions = {}): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>();
  const { cache } = options;
  let todo = files;
  if (cache) {
    const hits = await cache.read(files.map((f) => f.text));
    for (const [i, value] of hits) values.set(files[i]!.file, value);
    todo = files.filter((_, i) => !hits.has(i));
  }
  const bytes = todo.reduce((n, f) => n + f.text.length, 0);
  const worker = options.worker ?? builtWorker();
  const n = Math.min(options.workers ?? Math.min(os.availableParallelism() - 1, MAX_WORKERS), todo.length - 1);
  const parallel = worker !== undefined && n > 0 && bytes >= (options.minBytes ?? PARALLEL_MIN_BYTES);
  if (!parallel && !cache) return values;
  const [mine = [], ...theirs] = parallel ? shareOut(todo, n + 1) : [todo];
  const replies = theirs.map((share) =>
    inWorker(
      worker!,
      share.map((f) => ({ file: f.file, text: f.text })),
    ),
  );
  const fresh = new Map<string, unknown>();
  for (const f of mine) {
    const r = fastYamlValue(f.text);
    if (r.ok) fresh.set(f.file, r.value);
  }
  for (const reply of await Promise.all(replies)) for (const r of reply) fresh.set(r.file, r.value);
  for (const [file, value] of fresh) values.set(file, value);
  await cache?.write(todo.flatMap((f) => (fresh.has(f.file) ? [{ text: f.text, value: fresh.get(f.file) }] : [])));
  return values;
}
