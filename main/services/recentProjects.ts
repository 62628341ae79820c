import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RecentProject } from '../../shared/api/contract';
import { atomicWrite } from './atomicWrite';

const RecentFile = z.object({ projects: z.array(RecentProject) });
const MAX_RECENT = 12;

/** The recent-projects list, kept in the user's data folder (never in a project). */
export function createRecentProjects(userDataDir: string) {
  const file = path.join(userDataDir, 'recent.json');

  async function list(): Promise<z.infer<typeof RecentProject>[]> {
    try {
      const parsed = RecentFile.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
      return parsed.success ? parsed.data.projects : [];
    } catch {
      return []; // missing or corrupt: start a fresh list rather than fail the studio
    }
  }

  async function add(dir: string, name: string): Promise<void> {
    const projects = (await list()).filter((p) => p.dir !== dir);
    projects.unshift({ dir, name, openedAt: new Date().toISOString() });
    await fs.mkdir(userDataDir, { recursive: true });
    await atomicWrite(file, JSON.stringify({ projects: projects.slice(0, MAX_RECENT) }, null, 2) + '\n');
  }

  return { list, add };
}
