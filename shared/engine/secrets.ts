// Secrets of `api` nodes, as the pure side sees them: names, never values. A header value refers to one with a
// placeholder that is exactly `{{ secrets.NAME }}`; the engine renders it as a marker (`[secret NAME]`, what
// traces and the simulator show) and hands the HTTP port the header as parts, so the port (in main) puts the
// value in just before sending, for the secret's declared hosts only. Anywhere else `secrets` is refused by the
// validator, so no expression, copy or prompt can read, test or transform a secret.

/** The one form a secret reference takes: a placeholder whose whole source is `secrets.NAME`. */
const SECRET_REF = /^secrets\.([a-z][a-z0-9_]{0,63})$/;

/** The root of secret references: no variable may have this name. */
export const SECRETS_ROOT = 'secrets';

/** The secret a placeholder's source names (`secrets.bank_token` → `bank_token`), if it is exactly a reference. */
export function secretRefOf(placeholder: string): string | undefined {
  return SECRET_REF.exec(placeholder.trim())?.[1];
}

/** Whether a variable path read by an expression is (or is inside) `secrets`. */
export const readsSecrets = (ref: string): boolean => ref === SECRETS_ROOT || ref.startsWith(`${SECRETS_ROOT}.`);

/** What stands for a secret in traces, transcripts and the simulator: never its value. */
export const secretMarker = (name: string): string => `[secret ${name}]`;

/**
 * The environment variable a secret's value comes from: a fixed prefix and the name in upper case, so a project
 * or bundle can never name another variable (HOME, AWS_SECRET_ACCESS_KEY). Names are lower_snake_case, so two
 * secrets never share a variable.
 */
export const secretEnvVar = (name: string): string => `PARLEY_SECRET_${name.toUpperCase()}`;

/**
 * Whether a secret's value holds a line break or another control character (tab aside): such a value could split
 * the header it goes into, so the studio refuses to store it and the HTTP port refuses to send it.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
export const breaksHeader = (value: string): boolean => /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value);

/**
 * Headers a redirect to another origin keeps (main/net/outbound.ts): a secret never goes in one, or a backend's
 * redirect could carry it to another host.
 */
export const REDIRECT_KEPT_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-language',
  'content-type',
  'pragma',
  'user-agent',
]);
