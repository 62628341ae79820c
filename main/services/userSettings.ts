// The user's own settings (not a project's): `<userDataDir>/settings.json`. A project cannot raise its own
// limits, so they live here. A missing file means the defaults; a broken one means the defaults and a warning.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../../shared/project/files';

const Megabytes = z.number().positive().max(10_000);

export const UserSettings = z.object({
  /** Largest project file read, in MB per size class (shared/project/files.ts). */
  limits: z.object({ yaml: Megabytes.optional(), text: Megabytes.optional(), binary: Megabytes.optional() }).strict().optional(),
});
export type UserSettings = z.infer<typeof UserSettings>;

export interface ResolvedUserSettings {
  limits: FileLimits;
}

export const SETTINGS_FILE = 'settings.json';

/** Loads the user settings; never throws: any problem falls back to the defaults and is returned as a warning. */
export async function loadUserSettings(userDataDir: string): Promise<{ settings: ResolvedUserSettings; warnings: string[] }> {
  const file = path.join(userDataDir, SETTINGS_FILE);
  const defaults = (): ResolvedUserSettings => ({ limits: { ...DEFAULT_FILE_LIMITS } });
  let text: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      if ((await handle.stat()).size > 1_000_000) return { settings: defaults(), warnings: [`${file}: larger than 1 MB; using the default settings`] };
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { settings: defaults(), warnings: [] };
    return { settings: defaults(), warnings: [`${file}: cannot be read (${(e as Error).message}); using the default settings`] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { settings: defaults(), warnings: [`${file}: not valid JSON (${(e as Error).message}); using the default settings`] };
  }
  // Keys we do not know (written by a newer Parley) are ignored; known keys must be valid.
  const parsed = UserSettings.safeParse(raw && typeof raw === 'object' && !Array.isArray(raw) ? pick(raw as Record<string, unknown>, ['limits']) : raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      settings: defaults(),
      warnings: [`${file}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}; using the default settings`],
    };
  }
  return { settings: { limits: { ...DEFAULT_FILE_LIMITS, ...parsed.data.limits } }, warnings: [] };
}

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
