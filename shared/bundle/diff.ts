// What changed between two exports of a bundle, from their manifests: files added, removed and changed (by
// hash), and the version change.
import type { BundleManifest } from './schema';

export interface BundleChanges {
  fromVersion: string;
  toVersion: string;
  added: string[];
  removed: string[];
  changed: string[];
}

export function diffManifests(before: Pick<BundleManifest, 'version' | 'files'>, after: Pick<BundleManifest, 'version' | 'files'>): BundleChanges {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [file, hash] of Object.entries(after.files)) {
    const old = Object.hasOwn(before.files, file) ? before.files[file] : undefined;
    if (old === undefined) added.push(file);
    else if (old !== hash) changed.push(file);
  }
  for (const file of Object.keys(before.files)) if (!Object.hasOwn(after.files, file)) removed.push(file);
  return { fromVersion: before.version, toVersion: after.version, added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}

/** The changes as the CLI prints them. */
export function formatChanges(c: BundleChanges): string {
  const lines = [c.fromVersion === c.toVersion ? `version ${c.toVersion} (unchanged)` : `version ${c.fromVersion} → ${c.toVersion}`];
  const n = c.added.length + c.removed.length + c.changed.length;
  if (!n) lines.push('no file changed');
  for (const f of c.added) lines.push(`  added    ${f}`);
  for (const f of c.removed) lines.push(`  removed  ${f}`);
  for (const f of c.changed) lines.push(`  changed  ${f}`);
  if (n && c.fromVersion === c.toVersion) lines.push(`warning: files changed but the version is still ${c.toVersion}; pass --version`);
  return lines.join('\n');
}
