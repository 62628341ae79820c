// The studio's export dialog, in main: a preview (dry run: the project's problems, the version to propose, what
// the output folder holds and what an export would change in it, whether the key can be used) and the export
// itself through the same exporter as `parley export`. The output folder and the key come from what the user
// typed (checked here: absolute paths, outside the project) or from the user settings, never from the project;
// the key's path and each project's output folder are remembered in the user settings after an export.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import pkg from '../../package.json';
import { ApiError } from '../../shared/api/errors';
import type { BundleExportResult, BundlePreview, MethodInput } from '../../shared/api/contract';
import { diffManifests } from '../../shared/bundle/diff';
import { Semver, type BundleManifest } from '../../shared/bundle/schema';
import type { FileLimits } from '../../shared/project/files';
import type { Problem } from '../../shared/project/problems';
import type { ProjectModel } from '../../shared/project/validate';
import { buildBundle } from '../export/build';
import { DEFAULT_BUNDLE_VERSION, exportBundle } from '../export/export';
import { ExportInputError, readSigningKey, SIGNING_KEY_ENV } from '../export/keys';
import { inspectOutDir } from '../export/outDir';
import { serverBytes } from '../export/serverFile';
import { loadStories } from '../stories/storyFiles';
import { atomicWrite } from './atomicWrite';
import { readKnowledgeFiles } from './knowledgeFiles';
import { userParseCache } from './parseCache';
import { isInside } from './paths';
import { loadFromFilesParallel, readProjectFiles } from './projectStore';
import { SETTINGS_FILE } from './userSettings';

/** The export part of the user settings file (`settings.json`, key `export`); other keys are kept as they are. */
export const ExportSettings = z.object({
  signingKeyFile: z.string().max(1000).optional(),
  /** The last output folder of each project (by project folder). */
  outDirs: z.record(z.string().max(1000), z.string().max(1000)).optional(),
});
export type ExportSettings = z.infer<typeof ExportSettings>;
const MAX_REMEMBERED_OUT_DIRS = 50;

export interface ExportServiceOptions {
  /** The open project's folder (undefined when none is open). */
  projectDir: () => string | undefined;
  userDataDir: string;
  limits: FileLimits;
  /** Where $PARLEY_SIGNING_KEY_FILE is read from when no key was remembered. */
  env?: Record<string, string | undefined>;
  /** Builds server.mjs (default: esbuild, as `parley export`); a seam for tests. */
  buildServer?: () => Promise<Uint8Array>;
  /** Parley's root folder, where its prebuilt runtime is (out/runtime/server.mjs); default: found from the module. */
  appRoot?: string;
  /** Use the user data folder's cache of files read before (default true). */
  cache?: boolean;
}

export interface ExportService {
  preview(input: MethodInput<'bundle.preview'>): Promise<BundlePreview>;
  export(input: MethodInput<'bundle.export'>): Promise<BundleExportResult>;
  /** What the user settings remember (for tests and the dialog). */
  settings(): Promise<ExportSettings>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The path with links resolved, as far as it exists. */
async function realish(p: string): Promise<string> {
  const real = await fs.realpath(p).catch(() => undefined);
  if (real) return real;
  const parent = path.dirname(p);
  return parent === p ? p : path.join(await realish(parent), path.basename(p));
}

/** A path the user typed: absolute, no NUL; normalised. */
function localPath(p: string, what: string): string {
  const t = p.trim();
  if (t.includes('\0') || !path.isAbsolute(t)) throw new ExportInputError(`${what} must be an absolute path (for example /home/you/bundles/bot)`);
  return path.resolve(t);
}

/** The output folder's problem, if any: inside the project (or the project inside it). */
async function outDirProblem(projectDir: string, outDir: string): Promise<string | undefined> {
  const [pr, or] = [await realish(projectDir), await realish(outDir)];
  if (isInside(outDir, projectDir) || isInside(or, pr)) return `${outDir} holds the project folder; choose a folder outside it`;
  if (isInside(projectDir, outDir) || isInside(pr, or)) return `${outDir} is inside the project; choose a folder outside it (projects are shared through git)`;
  return undefined;
}

/** The next patch version: 1.2.3 → 1.2.4; a pre-release 1.3.0-rc.1 → 1.3.0. */
export function bumpPatch(v: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(-[^+]*)?/.exec(v);
  if (!m) return DEFAULT_BUNDLE_VERSION;
  return m[4] ? `${m[1]}.${m[2]}.${m[3]}` : `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

export function createExportService(o: ExportServiceOptions): ExportService {
  const settingsFile = path.join(o.userDataDir, SETTINGS_FILE);
  const env = o.env ?? process.env;
  const buildServer = o.buildServer ?? (() => serverBytes(o.appRoot ? { appRoot: o.appRoot } : {}));
  // The preview's server.mjs: built once (it only changes with Parley itself); an export always builds it again.
  let serverForPreview: Promise<Uint8Array> | undefined;
  // One export at a time: two would race to replace the same folder.
  let queue: Promise<unknown> = Promise.resolve();

  const readRaw = async (): Promise<Record<string, unknown> | undefined> => {
    const text = await fs.readFile(settingsFile, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '{}' : undefined));
    if (text === undefined) return undefined;
    try {
      const raw: unknown = JSON.parse(text);
      return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const settings = async (): Promise<ExportSettings> => {
    const parsed = ExportSettings.safeParse((await readRaw())?.export ?? {});
    return parsed.success ? parsed.data : {};
  };
  /** Saves the key's path and the project's output folder; a settings file that is not JSON is left alone (a warning). */
  const remember = async (projectDir: string, outDir: string, keyFile: string): Promise<string | undefined> => {
    const raw = await readRaw();
    if (!raw) return `${settingsFile} cannot be read or is not a JSON object: the key's path is not remembered (fix or remove that file)`;
    const prev = ExportSettings.safeParse(raw.export ?? {});
    const outDirs = Object.entries(prev.success ? (prev.data.outDirs ?? {}) : {}).filter(([d]) => d !== projectDir);
    outDirs.push([projectDir, outDir]);
    const next: ExportSettings = { signingKeyFile: keyFile, outDirs: Object.fromEntries(outDirs.slice(-MAX_REMEMBERED_OUT_DIRS)) };
    await fs.mkdir(o.userDataDir, { recursive: true });
    await atomicWrite(settingsFile, JSON.stringify({ ...raw, export: next }, null, 2) + '\n');
    return undefined;
  };

  const openProject = (project: string): string => {
    const dir = o.projectDir();
    if (!dir) throw new ApiError('NO_PROJECT', 'no project is open');
    if (path.resolve(project) !== dir) throw new ApiError('CONFLICT', `another project is open now (${dir}); reload this window`, { openProject: dir });
    return dir;
  };

  /** The project as `parley export` reads it: the same files, the same problems as `parley validate`. */
  const load = async (dir: string): Promise<{ problems: Problem[]; model?: ProjectModel; docs: { source: string; text: string }[] }> => {
    try {
      const files = await readProjectFiles(dir, o.limits);
      const loaded = await loadFromFilesParallel(files, o.cache === false ? {} : { cache: userParseCache(o.userDataDir) });
      const knowledge = await readKnowledgeFiles(dir, o.limits);
      const stories = loaded.project ? (await loadStories(dir, loaded.project, undefined, o.limits)).problems : [];
      return { problems: [...loaded.problems, ...knowledge.problems, ...stories], ...(loaded.project ? { model: loaded.project } : {}), docs: knowledge.docs };
    } catch (e) {
      return {
        problems: [{ severity: 'error', file: 'parley.yaml', field: '', message: e instanceof ApiError ? e.message : `cannot read ${dir}: ${message(e)}` }],
        docs: [],
      };
    }
  };

  const preview = async (input: MethodInput<'bundle.preview'>): Promise<BundlePreview> => {
    const dir = openProject(input.project);
    const remembered = await settings();
    const warnings: string[] = [];

    // The output folder: what it holds (an earlier bundle, nothing) or why it cannot be used.
    const outInput = input.outDir?.trim() || remembered.outDirs?.[dir];
    let outDir: string | null = null;
    let outDirState: BundlePreview['outDirState'] = null;
    let outDirError: string | null = null;
    let previous: BundleManifest | undefined;
    if (outInput) {
      try {
        outDir = localPath(outInput, 'the output folder');
        const bad = await outDirProblem(dir, outDir);
        if (bad) throw new ExportInputError(bad);
        const st = await inspectOutDir(outDir);
        outDirState = st.kind;
        if (st.kind === 'bundle') previous = st.manifest;
      } catch (e) {
        outDirError = message(e).replace(/^--out /, '');
      }
    }

    // The key: the given one, else the remembered one, else $PARLEY_SIGNING_KEY_FILE. Read to check it, never returned.
    const keyInput = input.keyFile?.trim() || remembered.signingKeyFile || env[SIGNING_KEY_ENV];
    let keyFile: string | null = null;
    let keyError: string | null = null;
    if (keyInput) {
      try {
        keyFile = localPath(keyInput, 'the signing key');
        const forbidden = [{ dir, what: 'the project' }, ...(outDir ? [{ dir: outDir, what: 'the output folder' }] : [])];
        warnings.push(...(await readSigningKey(keyFile, forbidden)).warnings);
      } catch (e) {
        keyError = message(e);
      }
    } else keyError = 'choose the signing key file (make one with: parley keys generate --out <folder outside the project>)';

    const loaded = await load(dir);
    const ok = !loaded.problems.some((p) => p.severity === 'error');
    const yamlVersion = (loaded.model?.manifest as Record<string, unknown> | undefined)?.version;
    const suggestedVersion = previous
      ? bumpPatch(previous.version)
      : yamlVersion !== undefined && Semver.safeParse(String(yamlVersion)).success
        ? String(yamlVersion)
        : DEFAULT_BUNDLE_VERSION;
    const version = input.version?.trim() || suggestedVersion;
    const versionError = Semver.safeParse(version).success ? null : `"${version}" is not a semantic version such as 1.2.0`;

    let changes: BundlePreview['changes'] = null;
    let files: number | null = null;
    if (ok && loaded.model && !versionError) {
      serverForPreview ??= buildServer();
      const server = await serverForPreview.catch((e: unknown) => {
        serverForPreview = undefined;
        warnings.push(`server.mjs cannot be built here: ${message(e)}`);
        return undefined;
      });
      const built = buildBundle({
        model: loaded.model,
        knowledge: loaded.docs,
        version,
        studioVersion: pkg.version,
        ...(input.notes?.trim() ? { notes: input.notes.trim() } : {}),
        ...(server ? { server } : {}),
      });
      files = built.files.size + 2;
      if (previous) changes = diffManifests(previous, built.manifest);
    }
    return {
      dir,
      name: loaded.model?.manifest.name ?? path.basename(dir),
      ok,
      problems: loaded.problems,
      suggestedVersion,
      versionError,
      outDir,
      outDirState,
      outDirError,
      previous: previous ? { name: previous.name, version: previous.version } : null,
      changes,
      files,
      keyFile,
      keyError,
      warnings,
    };
  };

  const runExport = async (input: MethodInput<'bundle.export'>): Promise<BundleExportResult> => {
    const dir = openProject(input.project);
    const bad = (e: unknown) => (e instanceof ExportInputError ? new ApiError('BAD_REQUEST', e.message.replace(/^--out /, '')) : e);
    let outDir: string, keyFile: string;
    try {
      outDir = localPath(input.outDir, 'the output folder');
      keyFile = localPath(input.keyFile, 'the signing key');
    } catch (e) {
      throw bad(e);
    }
    const server = await buildServer();
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-server-'));
    try {
      const serverFile = path.join(tmp, 'server.mjs');
      await fs.writeFile(serverFile, server);
      serverForPreview = Promise.resolve(server);
      const r = await exportBundle({
        projectDir: dir,
        outDir,
        signingKey: keyFile,
        version: input.version,
        ...(input.notes?.trim() ? { notes: input.notes.trim() } : {}),
        serverFile,
        limits: o.limits,
        userDataDir: o.userDataDir,
        ...(o.cache === false ? { cache: false } : {}),
        env: {},
      }).catch((e: unknown) => Promise.reject(bad(e)));
      if (!r.ok) return { ok: false, problems: r.report.problems };
      const warnings = [...r.warnings];
      const notSaved = await remember(dir, r.outDir, keyFile).catch((e: unknown) => `the key's path is not remembered: ${message(e)}`);
      if (notSaved) warnings.push(notSaved);
      return {
        ok: true,
        outDir: r.outDir,
        name: r.manifest.name,
        version: r.manifest.version,
        files: Object.keys(r.manifest.files).length + 2,
        changes: r.changes ?? null,
        warnings,
      };
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  };

  return {
    preview,
    export: (input) => {
      const run = queue.then(() => runExport(input));
      queue = run.catch(() => undefined);
      return run;
    },
    settings,
  };
}
