// Ed25519 signing keys for bundles. The private key lives outside every project (projects travel through git):
// it is read only from a path the user gives (--key or PARLEY_SIGNING_KEY_FILE), never from project settings,
// and a key file inside the project folder is refused. Key material is never printed or put in an error.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isInside } from '../services/paths';

export const PRIVATE_KEY_FILE = 'parley-signing.key';
export const PUBLIC_KEY_FILE = 'parley-signing.pub';
export const SIGNING_KEY_ENV = 'PARLEY_SIGNING_KEY_FILE';
const MAX_KEY_BYTES = 16 * 1024;

/** Bad usage or input (a missing or unusable key, an output folder that is not a bundle): exit code 2. */
export class ExportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportInputError';
  }
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** The folder itself or one above it that holds a parley.yaml (a project), if any. */
async function enclosingProject(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (
      await fs.stat(path.join(d, 'parley.yaml')).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Writes a new key pair into `outDir` (created if needed): parley-signing.key (PKCS#8 PEM, mode 0600) and
 * parley-signing.pub (SPKI PEM). Refuses to overwrite either file, and refuses a folder inside a project.
 */
export async function generateSigningKeys(outDir: string): Promise<{ privateKeyFile: string; publicKeyFile: string }> {
  const dir = path.resolve(outDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const project = await enclosingProject(await fs.realpath(dir));
  if (project)
    throw new ExportInputError(`${dir} is inside the project ${project}; keep the signing key outside every project (projects are shared through git)`);
  const privateKeyFile = path.join(dir, PRIVATE_KEY_FILE);
  const publicKeyFile = path.join(dir, PUBLIC_KEY_FILE);
  for (const f of [privateKeyFile, publicKeyFile]) {
    if (
      await fs.lstat(f).then(
        () => true,
        () => false,
      )
    )
      throw new ExportInputError(`${f} already exists; not overwriting a key (move it away first)`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  // 'wx': fails if the file appeared meanwhile, so a key is never overwritten.
  await fs.writeFile(privateKeyFile, privatePem, { flag: 'wx', mode: 0o600 });
  try {
    await fs.writeFile(publicKeyFile, publicPem, { flag: 'wx', mode: 0o644 });
  } catch (e) {
    await fs.rm(privateKeyFile, { force: true });
    throw errno(e) === 'EEXIST' ? new ExportInputError(`${publicKeyFile} already exists; not overwriting a key`) : e;
  }
  return { privateKeyFile, publicKeyFile };
}

export interface SigningKey {
  key: KeyObject;
  /** Where it was read from (the path, never its content). */
  file: string;
  /** For example a key file other users may read. */
  warnings: string[];
}

/**
 * Reads the Ed25519 private key at `file`. Refuses a file inside any of `forbidden` (the project folder, the
 * output folder), following links, and anything that is not an Ed25519 private key in PEM.
 */
export async function readSigningKey(file: string, forbidden: { dir: string; what: string }[]): Promise<SigningKey> {
  const abs = path.resolve(file);
  let real: string;
  try {
    real = await fs.realpath(abs);
  } catch (e) {
    throw new ExportInputError(`signing key ${abs}: ${errno(e) === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  for (const { dir, what } of forbidden) {
    const d = path.resolve(dir);
    const realDir = await fs.realpath(d).catch(() => d);
    if (isInside(d, abs) || isInside(realDir, real)) {
      throw new ExportInputError(`signing key ${abs} is inside ${what} ${d}; keep the key outside the project (projects are shared through git)`);
    }
  }
  const st = await fs.stat(real);
  if (!st.isFile() || st.size > MAX_KEY_BYTES) throw new ExportInputError(`signing key ${abs}: not a key file`);
  const warnings: string[] = [];
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    warnings.push(`signing key ${abs} can be read by other users; make it private with chmod 600`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: await fs.readFile(real), format: 'pem' });
  } catch {
    throw new ExportInputError(`signing key ${abs}: not a PEM private key (make one with: parley keys generate --out <dir>)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ExportInputError(`signing key ${abs}: an ${key.asymmetricKeyType ?? 'unknown'} key; bundles are signed with Ed25519 (parley keys generate)`);
  }
  return { key, file: abs, warnings };
}

/** An Ed25519 public key from PEM (SPKI), or an error that does not quote the input. */
export function publicKeyFromPem(pem: string | Buffer | KeyObject): KeyObject {
  if (typeof pem === 'object' && !Buffer.isBuffer(pem)) {
    if (pem.type !== 'public' || pem.asymmetricKeyType !== 'ed25519') throw new Error('the bundle public key must be an Ed25519 public key');
    return pem;
  }
  if (String(pem).includes('PRIVATE KEY')) throw new Error('the bundle public key is a private key: give the runtime parley-signing.pub, never the .key');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('the bundle public key is not a PEM public key (parley-signing.pub)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the bundle public key must be an Ed25519 public key (parley-signing.pub)');
  return key;
}

/** The Ed25519 signature of the exact bytes of manifest.json (64 bytes). */
export const signManifest = (manifestBytes: Uint8Array, key: KeyObject): Buffer => sign(null, manifestBytes, key);

export const manifestSignatureValid = (manifestBytes: Uint8Array, signature: Uint8Array, key: KeyObject): boolean => {
  try {
    return verify(null, manifestBytes, key, signature);
  } catch {
    return false;
  }
};
