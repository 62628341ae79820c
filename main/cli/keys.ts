// `parley keys generate --out <dir>`: an Ed25519 key pair for signing bundles. Prints where the files are,
// never their content.
import { generateSigningKeys, SIGNING_KEY_ENV } from '../export/keys';

export async function runKeysGenerateCli(outDir: string, io: { write(s: string): void }): Promise<number> {
  const { privateKeyFile, publicKeyFile } = await generateSigningKeys(outDir);
  io.write(
    [
      `private key: ${privateKeyFile} (mode 0600; keep it secret and outside every project)`,
      `public key:  ${publicKeyFile} (give it to the runtimes that verify your bundles)`,
      `sign bundles with: parley export <projectDir> --out <dir> --key ${privateKeyFile}   (or set ${SIGNING_KEY_ENV})`,
    ].join('\n') + '\n',
  );
  return 0;
}
