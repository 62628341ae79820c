// The export's output folder: what is there before (nothing, an empty folder, or an earlier bundle, never
// anything else), and writing the new bundle so that the folder holds either the old bundle or the new one,
// never half of one: the files go into a temp folder beside it, which is then renamed into place.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseBundleJson } from '../../shared/bundle/load';
import { BundleManifest, MANIFEST_FILE, SIGNATURE_FILE } from '../../shared/bundle/schema';
import { toPosix } from '../services/paths';
import { ExportInputError } from './keys';

const MAX_ENTRIES = 20_000;

/** Every entry under `dir` (relative, forward slashes), directories marked; links are not followed. */
export async function listTree(dir: string): Promise<{ rel: string; kind: 'file' | 'dir' | 'other' }[]> {
  const out: { rel: string; kind: 'file' | 'dir' | 'other' }[] = [];
  const walk = async (sub: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, sub), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (out.length >= MAX_ENTRIES) throw new ExportInputError(`${dir} holds more than ${MAX_ENTRIES} files`);
      if (e.isDirectory()) {
        out.push({ rel, kind: 'dir' });
        await walk(rel);
      } else out.push({ rel, kind: e.isFile() ? 'file' : 'other' });
    }
  };
  await walk('');
  return out.map((e) => ({ ...e, rel: toPosix(e.rel) }));
}

/** The manifest of the bundle in `dir` (unverified: for reporting changes), or undefined when there is none. */
export async function readBundleManifest(dir: string): Promise<BundleManifest | undefined> {
  const text = await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return parseBundleJson(MANIFEST_FILE, text, BundleManifest);
  } catch {
    return undefined;
  }
}

/**
 * What `outDir` holds: `absent`, `empty`, or an earlier bundle (its manifest). Anything else is refused, so an
 * export never replaces a folder the user keeps other things in: a folder without a bundle manifest, or a
 * bundle with files its manifest does not list.
 */
export async function inspectOutDir(outDir: string): Promise<{ kind: 'absent' | 'empty' } | { kind: 'bundle'; manifest: BundleManifest }> {
  const st = await fs.lstat(outDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!st) return { kind: 'absent' };
  if (!st.isDirectory()) throw new ExportInputError(`--out ${outDir} exists and is not a folder; choose a new folder or an earlier bundle`);
  const tree = await listTree(outDir);
  if (!tree.length) return { kind: 'empty' };
  const manifest = await readBundleManifest(outDir);
  if (!manifest)
    throw new ExportInputError(`--out ${outDir} exists and is not a Parley bundle (no valid ${MANIFEST_FILE}); not replacing it: choose a new folder`);
  for (const e of tree) {
    if (e.kind === 'dir' && tree.some((f) => f.rel.startsWith(`${e.rel}/`))) continue;
    if (e.kind === 'file' && (e.rel === MANIFEST_FILE || e.rel === SIGNATURE_FILE || Object.hasOwn(manifest.files, e.rel))) continue;
    throw new ExportInputError(
      `--out ${outDir} holds ${e.rel}, which is not part of the earlier bundle; not replacing it: move it away or choose a new folder`,
    );
  }
  return { kind: 'bundle', manifest };
}

/** Writes the files into a temp folder beside `outDir`, then puts it in place of `outDir` (absent, empty or an earlier bundle). */
export async function writeBundleDir(outDir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const parent = path.dirname(outDir);
  await fs.mkdir(parent, { recursive: true });
  const tmp = await fs.mkdtemp(path.join(parent, `.${path.basename(outDir)}.export-`));
  try {
    await fs.chmod(tmp, 0o755);
    for (const [rel, bytes] of files) {
      const file = path.join(tmp, ...rel.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
      const handle = await fs.open(file, 'wx', 0o644);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    const before = await inspectOutDir(outDir); // again, right before replacing: nothing appeared meanwhile
    if (before.kind === 'absent') {
      await fs.rename(tmp, outDir);
    } else if (before.kind === 'empty') {
      await fs.rmdir(outDir);
      await fs.rename(tmp, outDir);
    } else {
      const old = path.join(parent, `.${path.basename(outDir)}.old-${randomBytes(6).toString('hex')}`);
      await fs.rename(outDir, old);
      try {
        await fs.rename(tmp, outDir);
      } catch (e) {
        await fs.rename(old, outDir);
        throw e;
      }
      await fs.rm(old, { recursive: true, force: true });
    }
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
