// The runtime a bundle carries, server.mjs: built by esbuild from main/runtime/entry/server.ts and everything it
// imports (scripts/runtimeBuild.mjs has the options), or taken prebuilt from the app's build. A packaged desktop
// app has no sources (and no esbuild): it copies the server.mjs its build made (out/runtime/server.mjs). A
// checkout takes the prebuilt file while the sources are still what it was built from (its stamp, as the parley
// command's), and builds from the sources otherwise. Both give the same bytes for the same sources, so two
// exports stay byte-identical.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliIsFresh } from '../../bin/cliStamp.mjs';
import { RUNTIME_ENTRY, RUNTIME_SERVER, RUNTIME_STAMP, runtimeBuildOptions } from '../../scripts/runtimeBuild.mjs';

/** Where Parley is: the folder with its package.json and its runtime's sources or its prebuilt runtime. */
function moduleRoot(): string {
  // in the Electron main bundle (CommonJS) there is no import.meta.url: the host passes its app root instead
  const url = (import.meta as { url?: unknown }).url;
  if (typeof url !== 'string') throw new Error('the app root is unknown here: pass appRoot');
  let dir = path.dirname(fileURLToPath(url));
  for (let i = 0; i < 4; i++) {
    const pkg = existsSync(path.join(dir, 'package.json'));
    if (pkg && (existsSync(path.join(dir, RUNTIME_ENTRY)) || existsSync(path.join(dir, RUNTIME_SERVER)))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`neither the runtime's sources (${RUNTIME_ENTRY}) nor a prebuilt ${RUNTIME_SERVER} are here`);
}

export interface ServerFileOptions {
  /** Parley's root folder (the app's, packaged: `app.getAppPath()`); default: found from this module's place. */
  appRoot?: string;
}

/** Builds server.mjs from the sources under `root` (a checkout) and returns its bytes. */
export async function buildServerBytes(o: ServerFileOptions = {}): Promise<Uint8Array> {
  const root = o.appRoot ?? moduleRoot();
  const esbuild = await import('esbuild');
  const r = await esbuild.build(runtimeBuildOptions(root));
  return r.outputFiles[0]!.contents;
}

/** Which server.mjs an export under `root` takes: the app's prebuilt one, or one built now from the sources. */
export function serverSource(root: string): 'prebuilt' | 'sources' {
  const sources = existsSync(path.join(root, RUNTIME_ENTRY));
  const prebuilt = existsSync(path.join(root, RUNTIME_SERVER));
  if (prebuilt && (!sources || cliIsFresh(root, path.join(root, RUNTIME_STAMP)))) return 'prebuilt';
  if (!sources) throw new Error(`this Parley has neither the runtime's sources nor a prebuilt ${RUNTIME_SERVER}: its installation is incomplete`);
  return 'sources';
}

/** The bytes of server.mjs for an export: the prebuilt file while it is current, else built from the sources. */
export async function serverBytes(o: ServerFileOptions = {}): Promise<Uint8Array> {
  const root = o.appRoot ?? moduleRoot();
  return serverSource(root) === 'prebuilt' ? readFile(path.join(root, RUNTIME_SERVER)) : buildServerBytes({ appRoot: root });
}

/** server.mjs in a temporary folder, for exportBundle's `serverFile`. */
export async function buildServerFile(o: ServerFileOptions = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-server-'));
  const file = path.join(dir, 'server.mjs');
  await writeFile(file, await serverBytes(o));
  return file;
}
