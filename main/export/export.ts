// `parley export`: a project folder → a signed, deployable bundle folder (shared/bundle/schema.ts has the layout).
// A project with errors is refused and its problems are listed as `parley validate` lists them.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import pkg from '../../package.json';
import { diffManifests, type BundleChanges } from '../../shared/bundle/diff';
import { MANIFEST_FILE, SIGNATURE_FILE, Semver, type BundleManifest } from '../../shared/bundle/schema';
import { ApiError } from '../../shared/api/errors';
import type { FileLimits } from '../../shared/project/files';
import { formatProblem, type Problem } from '../../shared/project/problems';
import type { ProjectModel } from '../../shared/project/validate';
import type { ValidateReport } from '../cli/validate';
import { readKnowledgeFiles } from '../services/knowledgeFiles';
import { userParseCache } from '../services/parseCache';
import { isInside } from '../services/paths';
import { loadFromFilesParallel, readProjectFiles } from '../services/projectStore';
import { defaultUserDataDir } from '../services/userData';
import { loadUserSettings, SETTINGS_FILE } from '../services/userSettings';
import { loadStories } from '../stories/storyFiles';
import { buildBundle } from './build';
import { ExportInputError, readSigningKey, signManifest, SIGNING_KEY_ENV } from './keys';
import { inspectOutDir, readBundleManifest, writeBundleDir } from './outDir';

export const DEFAULT_BUNDLE_VERSION = '0.1.0';

export interface ExportOptions {
  projectDir: string;
  outDir: string;
  /** Path of the Ed25519 private key (PKCS#8 PEM); default: the file named by $PARLEY_SIGNING_KEY_FILE. */
  signingKey?: string;
  /** Semantic version; default parley.yaml's `version`, else 0.1.0. */
  version?: string;
  notes?: string;
  createdBy?: string;
  /** Report the changes since this bundle (default: the earlier bundle in `outDir`, if any). */
  since?: string;
  /**
   * The runtime server to ship as server.mjs (one file bundled with its dependencies). The hook for the
   * runtime: until it exists, bundles are exported without a server.
   */
  serverFile?: string;
  /** Size limits (default: the user settings, as `parley validate` reads them). */
  limits?: FileLimits;
  userDataDir?: string;
  /** Use the user data folder's cache of files read before (default true). */
  cache?: boolean;
  /** Where $PARLEY_SIGNING_KEY_FILE is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export type ExportResult =
  | {
      ok: true;
      outDir: string;
      manifest: BundleManifest;
      /** Changes since the earlier bundle (in outDir, or --since), when there was one. */
      changes?: BundleChanges;
      /** Warnings of the project (as `parley validate` prints them) and of the export (key permissions). */
      warnings: string[];
    }
  | { ok: false; report: ValidateReport };

/** The project and its knowledge, checked as `parley validate` checks them (same problems, same report). */
async function loadProjectForExport(
  dir: string,
  o: ExportOptions,
): Promise<{ report: ValidateReport; model?: ProjectModel; docs: { source: string; text: string }[] }> {
  const userDataDir = o.userDataDir ?? defaultUserDataDir();
  let limits = o.limits;
  const settingsProblems: Problem[] = [];
  if (!limits) {
    const { settings, warnings } = await loadUserSettings(userDataDir);
    limits = settings.limits;
    const file = path.join(userDataDir, SETTINGS_FILE);
    settingsProblems.push(
      ...warnings.map((w): Problem => ({ severity: 'warning', file, field: '', message: w.startsWith(`${file}: `) ? w.slice(file.length + 2) : w })),
    );
  }
  const report = (problems: Problem[], model?: ProjectModel): ValidateReport => {
    const flows = Object.values(model?.flows ?? {});
    return { dir, ok: !problems.some((p) => p.severity === 'error'), problems, flows: flows.length, nodes: flows.reduce((n, f) => n + f.nodes.length, 0) };
  };
  try {
    const files = await readProjectFiles(dir, limits);
    const loaded = await loadFromFilesParallel(files, o.cache === false ? {} : { cache: userParseCache(userDataDir) });
    const knowledge = await readKnowledgeFiles(dir, limits);
    const stories = loaded.project ? (await loadStories(dir, loaded.project, undefined, limits)).problems : [];
    const r = report([...settingsProblems, ...loaded.problems, ...knowledge.problems, ...stories], loaded.project);
    return { report: r, ...(loaded.project ? { model: loaded.project } : {}), docs: knowledge.docs };
  } catch (e) {
    const message = e instanceof ApiError ? e.message : `cannot read ${dir}: ${(e as Error).message}`;
    return { report: report([{ severity: 'error', file: 'parley.yaml', field: '', message }]), docs: [] };
  }
}

function checkVersion(v: string, where: string): string {
  if (!Semver.safeParse(v).success) throw new ExportInputError(`${where}: "${v}" is not a semantic version such as 1.2.0`);
  return v;
}

/** The project's version: parley.yaml's `version` when it has one, else 0.1.0. */
function projectVersion(model: ProjectModel): string {
  const v = (model.manifest as Record<string, unknown>).version;
  if (v === undefined) return DEFAULT_BUNDLE_VERSION;
  return checkVersion(typeof v === 'string' ? v : String(v), 'parley.yaml: version');
}

/** The path with links resolved, as far as it exists. */
async function realish(p: string): Promise<string> {
  const real = await fs.realpath(p).catch(() => undefined);
  if (real) return real;
  const parent = path.dirname(p);
  return parent === p ? p : path.join(await realish(parent), path.basename(p));
}

export async function exportBundle(o: ExportOptions): Promise<ExportResult> {
  const projectDir = path.resolve(o.projectDir);
  const outDir = path.resolve(o.outDir);
  const [projectReal, outReal] = [await realish(projectDir), await realish(outDir)];
  if (isInside(outDir, projectDir) || isInside(outReal, projectReal))
    throw new ExportInputError(`--out ${outDir} would replace the project folder itself; choose a folder outside it`);
  if (isInside(projectDir, outDir) || isInside(projectReal, outReal))
    throw new ExportInputError(`--out ${outDir} is inside the project; choose a folder outside it (projects are shared through git)`);
  const keyFile = o.signingKey ?? (o.env ?? process.env)[SIGNING_KEY_ENV];
  if (!keyFile)
    throw new ExportInputError(`a bundle is signed: pass --key <file> or set ${SIGNING_KEY_ENV} (make a key with: parley keys generate --out <dir>)`);
  const key = await readSigningKey(keyFile, [
    { dir: projectDir, what: 'the project' },
    { dir: outDir, what: 'the output folder' },
  ]);
  if (o.version !== undefined) checkVersion(o.version, '--version');
  const before = await inspectOutDir(outDir);
  let previous = before.kind === 'bundle' ? before.manifest : undefined;
  if (o.since !== undefined) {
    previous = await readBundleManifest(path.resolve(o.since));
    if (!previous) throw new ExportInputError(`--since ${path.resolve(o.since)}: not a Parley bundle (no valid ${MANIFEST_FILE})`);
  }
  const server = o.serverFile !== undefined ? await fs.readFile(o.serverFile) : undefined;

  const loaded = await loadProjectForExport(projectDir, o);
  if (!loaded.report.ok || !loaded.model) return { ok: false, report: loaded.report };
  const version = o.version ?? projectVersion(loaded.model);

  const built = buildBundle({
    model: loaded.model,
    knowledge: loaded.docs,
    version,
    studioVersion: pkg.version,
    ...(o.notes ? { notes: o.notes } : {}),
    ...(o.createdBy ? { createdBy: o.createdBy } : {}),
    ...(server ? { server } : {}),
  });
  const all = new Map<string, Uint8Array>(built.files);
  all.set(MANIFEST_FILE, built.manifestBytes);
  all.set(SIGNATURE_FILE, signManifest(built.manifestBytes, key.key));
  await writeBundleDir(outDir, all);

  const warnings = [...loaded.report.problems.map((p) => `${formatProblem(p)} (warning)`), ...key.warnings];
  return { ok: true, outDir, manifest: built.manifest, ...(previous ? { changes: diffManifests(previous, built.manifest) } : {}), warnings };
}
