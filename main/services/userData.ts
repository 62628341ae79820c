import os from 'node:os';
import path from 'node:path';

/** Per-user state outside any project (recent projects, trust records, settings): $PARLEY_USER_DATA, else ~/.config/parley. */
export function defaultUserDataDir(): string {
  if (process.env.PARLEY_USER_DATA) return process.env.PARLEY_USER_DATA;
  const base = process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
  return path.join(base, 'parley');
}
