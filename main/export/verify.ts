// Checking a bundle before it runs: the signature of manifest.json with the team's public key, then every file
// against the manifest's hashes, then every JSON file against its schema. Any difference refuses the bundle with
// an error naming the file. Extra files are refused too: a bundle folder holds exactly what was signed (keep
// .env files, logs and keys elsewhere), so nothing unsigned can sit beside server.mjs for it to load.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { BundleError, parseBundle, parseBundleJson, type LoadedBundle } from '../../shared/bundle/load';
import { BundleManifest, MANIFEST_FILE, SIGNATURE_FILE } from '../../shared/bundle/schema';
import { sha256Hex } from './build';
import { manifestSignatureValid, publicKeyFromPem } from './keys';
import { listTree } from './outDir';

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readListed(dir: string, rel: string, what: string): Promise<Buffer> {
  const file = path.join(dir, ...rel.split('/'));
  const st = await fs.lstat(file).catch(() => undefined);
  if (!st) throw new BundleError(rel, '', `${what} but missing`);
  if (!st.isFile()) throw new BundleError(rel, '', 'is not a regular file (links are refused)');
  return fs.readFile(file);
}

/**
 * The bundle in `dir`, verified with `publicKey` (PEM text or a KeyObject) and loaded. Throws a BundleError
 * naming the file on: a signature that does not match manifest.json (edited, or signed with another key), a
 * file whose hash differs from the manifest, a listed file missing, an unlisted file, invalid JSON or schema.
 * `publicKey` null: the signature is not checked (the caller says so loudly); everything else is.
 */
export async function verifyBundle(dir: string, publicKey: string | Buffer | KeyObject | null): Promise<LoadedBundle> {
  const key = publicKey === null ? null : publicKeyFromPem(publicKey);
  const root = path.resolve(dir);
  const manifestBytes = await readListed(root, MANIFEST_FILE, 'the bundle manifest is needed');
  if (manifestBytes.length > MAX_MANIFEST_BYTES) throw new BundleError(MANIFEST_FILE, '', 'is too large');
  const signature = await readListed(root, SIGNATURE_FILE, 'the signature is needed');
  if (key && !manifestSignatureValid(manifestBytes, signature, key)) {
    throw new BundleError(SIGNATURE_FILE, '', `does not match ${MANIFEST_FILE}: the manifest was changed after export, or signed with another key`);
  }
  let manifestText: string;
  try {
    manifestText = utf8.decode(manifestBytes);
  } catch {
    throw new BundleError(MANIFEST_FILE, '', 'is not UTF-8 text');
  }
  const manifest = parseBundleJson(MANIFEST_FILE, manifestText, BundleManifest);

  for (const e of await listTree(root)) {
    if (e.kind === 'dir') continue;
    if (e.kind === 'other') throw new BundleError(e.rel, '', 'is not a regular file (links are refused)');
    if (e.rel !== MANIFEST_FILE && e.rel !== SIGNATURE_FILE && !Object.hasOwn(manifest.files, e.rel)) {
      throw new BundleError(e.rel, '', 'is not listed in the manifest (a bundle holds only the files it was signed with)');
    }
  }
  const texts = new Map<string, string>();
  for (const [rel, hash] of Object.entries(manifest.files)) {
    const bytes = await readListed(root, rel, 'listed in the manifest');
    if (sha256Hex(bytes) !== hash) throw new BundleError(rel, '', 'does not match its hash in the manifest: the file was changed after export');
    if (rel.endsWith('.json')) {
      try {
        texts.set(rel, utf8.decode(bytes));
      } catch {
        throw new BundleError(rel, '', 'is not UTF-8 text');
      }
    }
  }
  return parseBundle(manifest, texts);
}
