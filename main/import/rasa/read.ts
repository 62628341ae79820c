// Reads a Rasa project folder: domain.yml (or a domain/ folder), data/**/*.yml, tests/**/*.yml and endpoints.yml.
// Every file is parsed with `yaml` and checked with the schemas of ./schema; any problem (broken YAML, an unknown
// key, a version this importer does not read) is collected with its file and line, and the import stops before
// anything is written.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { RasaData, RasaDomain, SUPPORTED_VERSION } from './schema';

/** The largest Rasa file read (a domain or training file bigger than this is not a hand-written bot). */
/** The largest Rasa file read (a project folder is untrusted input). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export class RasaImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'RasaImportError';
  }
}

export interface RasaFile<T> {
  /** Relative to the Rasa project, with `/`. */
  file: string;
  data: T;
}

export interface RasaProject {
  dir: string;
  domains: RasaFile<RasaDomain>[];
  data: RasaFile<RasaData>[];
  tests: RasaFile<RasaData>[];
  /** endpoints.yml's action_endpoint.url, when there is one. */
  actionEndpoint?: string;
  /** Keys Rasa knows that the importer does not map, and other notes of reading: for IMPORT.md. */
  notes: string[];
}

const isYaml = (f: string) => /\.ya?ml$/i.test(f);

async function listYaml(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return out;
  }
  for (const e of entries) if (e.isFile() && isYaml(e.name) && !e.name.startsWith('.')) out.push(path.join(e.parentPath, e.name));
  return out.sort();
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Parses one YAML file; problems name the file and line. */
async function parseYaml(
  abs: string,
  rel: string,
  problems: string[],
): Promise<{ value: unknown; lines: LineCounter; doc: ReturnType<typeof parseDocument> } | undefined> {
  const stat = await fs.stat(abs);
  if (stat.size > MAX_FILE_BYTES) {
    problems.push(`${rel}: file is ${Math.round(stat.size / 1e6)} MB, over the ${MAX_FILE_BYTES / 1e6} MB limit`);
    return undefined;
  }
  const text = await fs.readFile(abs, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = lines.linePos(err.pos[0]).line;
    problems.push(`${rel}:${line}: invalid YAML: ${err.message.split('\n')[0]}`);
    return undefined;
  }
  return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, lines, doc };
}

/** The line of a top-level key, for messages. */
function keyLine(doc: ReturnType<typeof parseDocument>, lines: LineCounter, key: string): number | undefined {
  if (!isMap(doc.contents)) return undefined;
  for (const item of doc.contents.items) {
    if (isScalar(item.key) && item.key.value === key && item.key.range) return lines.linePos(item.key.range[0]).line;
  }
  return undefined;
}

function check<S extends z.ZodType>(
  schema: S,
  rel: string,
  parsed: NonNullable<Awaited<ReturnType<typeof parseYaml>>>,
  problems: string[],
): z.infer<S> | undefined {
  const value = parsed.value ?? {};
  const r = schema.safeParse(value);
  if (!r.success) {
    for (const issue of r.error.issues.slice(0, 20)) {
      const top = issue.path[0];
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) {
          const line = issue.path.length === 0 ? keyLine(parsed.doc, parsed.lines, k) : undefined;
          const where = [...issue.path, k].join('.');
          problems.push(`${rel}${line ? `:${line}` : ''}: ${where}: unknown key "${k}" (not part of the Rasa 3.x format this importer reads)`);
        }
      } else {
        const line = typeof top === 'string' ? keyLine(parsed.doc, parsed.lines, top) : undefined;
        problems.push(`${rel}${line ? `:${line}` : ''}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
      }
    }
    return undefined;
  }
  const version = (r.data as { version?: string }).version;
  if (version !== undefined && !SUPPORTED_VERSION.test(version)) {
    problems.push(
      `${rel}:${keyLine(parsed.doc, parsed.lines, 'version') ?? 1}: version: Rasa format version "${version}" is not supported (this importer reads 2.x and 3.x)`,
    );
    return undefined;
  }
  return r.data as z.infer<S>;
}

export async function readRasaProject(dir: string): Promise<RasaProject> {
  const abs = path.resolve(dir);
  const st = await fs.stat(abs).catch(() => undefined);
  if (!st?.isDirectory()) throw new RasaImportError([`${abs}: not a folder`]);
  const problems: string[] = [];
  const rel = (p: string) => path.relative(abs, p).split(path.sep).join('/');

  const domainFiles: string[] = [];
  for (const name of ['domain.yml', 'domain.yaml']) if (await exists(path.join(abs, name))) domainFiles.push(path.join(abs, name));
  domainFiles.push(...(await listYaml(path.join(abs, 'domain'))));
  if (!domainFiles.length) throw new RasaImportError([`${abs}: no domain.yml (or domain/ folder): not a Rasa project`]);

  const project: RasaProject = { dir: abs, domains: [], data: [], tests: [], notes: [] };
  for (const f of domainFiles) {
    const parsed = await parseYaml(f, rel(f), problems);
    if (!parsed) continue;
    const data = check(RasaDomain, rel(f), parsed, problems);
    if (data) project.domains.push({ file: rel(f), data });
  }
  for (const [folder, into] of [
    ['data', project.data],
    ['tests', project.tests],
    ['test_stories', project.tests],
  ] as const) {
    for (const f of await listYaml(path.join(abs, folder))) {
      const parsed = await parseYaml(f, rel(f), problems);
      if (!parsed) continue;
      const data = check(RasaData, rel(f), parsed, problems);
      if (data) into.push({ file: rel(f), data });
    }
  }
  const endpoints = path.join(abs, 'endpoints.yml');
  if (await exists(endpoints)) {
    const parsed = await parseYaml(endpoints, 'endpoints.yml', problems);
    const url = (parsed?.value as { action_endpoint?: { url?: unknown } } | null)?.action_endpoint?.url;
    if (typeof url === 'string') project.actionEndpoint = url;
  }
  if (problems.length) throw new RasaImportError(problems);
  return project;
}
