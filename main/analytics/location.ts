// Where a project's analytics store lives: the user's data folder, one database per project folder, named by a hash
// of its absolute path. Never in the project: transcripts hold personal data, and a project folder goes through git
// (and may be hostile: nothing in it decides where this file goes).
import { createHash } from 'node:crypto';
import path from 'node:path';

export function analyticsDbFile(userDataDir: string, projectDir: string): string {
  const key = createHash('sha256').update(path.resolve(projectDir)).digest('hex').slice(0, 16);
  return path.join(userDataDir, 'analytics', `${key}.duckdb`);
}
