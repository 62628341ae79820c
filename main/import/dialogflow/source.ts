// The files of an exported Dialogflow CX agent, read into memory from a folder or a .zip (untrusted input).
// A zip is never extracted to disk; still, an entry whose name would leave the agent folder (`..`, an absolute
// path, a backslash), a symbolic link, more than MAX_FILES entries or more than MAX_TOTAL_BYTES uncompressed stop
// the import with a clear error, as does any file over MAX_FILE_BYTES. A folder is read with the same limits,
// and symbolic links in it are refused too.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';

export const MAX_FILES = 5000;
export const MAX_TOTAL_BYTES = 100 * 1024 * 1024;
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** The limits on what an export may hold (the defaults above; smaller ones for tests). */
export interface SourceLimits {
  files: number;
  totalBytes: number;
  fileBytes: number;
}
export const DEFAULT_LIMITS: SourceLimits = { files: MAX_FILES, totalBytes: MAX_TOTAL_BYTES, fileBytes: MAX_FILE_BYTES };

export class DialogflowImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'DialogflowImportError';
  }
}

export interface AgentSource {
  /** The folder or zip, absolute. */
  origin: string;
  /** Path inside the agent (below the folder holding agent.json), with `/` → content. */
  files: Map<string, Buffer>;
}

const mb = (n: number) => (n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${n} bytes`);
const SYMLINK = 0o120000;
const FILE_TYPE = 0o170000;

async function readZip(file: string, lim: SourceLimits): Promise<Map<string, Buffer>> {
  const fail = (why: string) => new DialogflowImportError([`${path.basename(file)}: ${why}`]);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true });
  } catch (e) {
    throw fail(`not a readable zip (${e instanceof Error ? e.message : String(e)})`);
  }
  if (zip.entryCount > lim.files) {
    zip.close();
    throw fail(`has ${zip.entryCount} entries, over the limit of ${lim.files}`);
  }
  const files = new Map<string, Buffer>();
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) =>
        reject(fail(/path|characters/.test(e.message) ? `refused an entry that would leave the agent folder: ${e.message}` : e.message)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        if (((entry.externalFileAttributes >>> 16) & FILE_TYPE) === SYMLINK)
          return reject(fail(`refused the entry "${name}": a symbolic link (it could point outside the agent folder)`));
        if (name.endsWith('/')) return zip.readEntry();
        if (entry.uncompressedSize > lim.fileBytes)
          return reject(fail(`the entry "${name}" is ${mb(entry.uncompressedSize)}, over the ${mb(lim.fileBytes)} limit for one file`));
        total += entry.uncompressedSize;
        if (total > lim.totalBytes) return reject(fail(`holds more than ${mb(lim.totalBytes)} uncompressed, over the limit`));
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(fail(`the entry "${name}" cannot be read: ${err.message}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (e: Error) => reject(fail(`the entry "${name}" cannot be read: ${e.message}`)));
          stream.on('end', () => {
            files.set(name, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return files;
}

async function readFolder(dir: string, lim: SourceLimits): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) throw new DialogflowImportError([`${r}: a symbolic link; the importer reads only the agent's own files`]);
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) {
        if (files.size >= lim.files) throw new DialogflowImportError([`${dir}: more than ${lim.files} files, over the limit`]);
        const size = (await fs.stat(path.join(dir, r))).size;
        if (size > lim.fileBytes) throw new DialogflowImportError([`${r}: file is ${mb(size)}, over the ${mb(lim.fileBytes)} limit`]);
        total += size;
        if (total > lim.totalBytes) throw new DialogflowImportError([`${dir}: more than ${mb(lim.totalBytes)} of files, over the limit`]);
        files.set(r, await fs.readFile(path.join(dir, r)));
      }
    }
  };
  await walk('');
  return files;
}

/** The agent's files, below the folder that holds agent.json (an export may wrap it in one folder). */
export async function readAgentSource(src: string, lim: SourceLimits = DEFAULT_LIMITS): Promise<AgentSource> {
  const origin = path.resolve(src);
  const st = await fs.stat(origin).catch(() => undefined);
  if (!st) throw new DialogflowImportError([`${origin}: no such folder or zip`]);
  const raw = st.isDirectory() ? await readFolder(origin, lim) : await readZip(origin, lim);
  const names = [...raw.keys()].filter((n) => !n.startsWith('__MACOSX/') && !n.split('/').some((p) => p.startsWith('.')));
  const roots = names.filter((n) => n === 'agent.json' || /^[^/]+\/agent\.json$/.test(n)).map((n) => n.slice(0, -'agent.json'.length));
  if (!roots.length) {
    const blob = names.find((n) => n.endsWith('.blob'));
    throw new DialogflowImportError([
      blob
        ? `${blob}: a binary (blob) agent export, which this importer does not read; export the agent as JSON (Export agent → data format JSON package)`
        : `${origin}: no agent.json: not an exported Dialogflow CX agent (export it as a JSON package)`,
    ]);
  }
  const root = roots.sort((a, b) => a.length - b.length)[0]!;
  const files = new Map<string, Buffer>();
  for (const n of names) if (n.startsWith(root)) files.set(n.slice(root.length), raw.get(n)!);
  return { origin, files };
}
