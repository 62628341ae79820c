// `parley diff <rev> [projectDir]`: what changed in the project since a git revision (or, with `--against`, compared
// with another folder), as text for a pull request: flows, nodes and edges added, removed and changed, and every
// line of copy word by word (shared/project/projectDiff.ts). The revision is read without running git
// (main/services/gitRevision.ts). Exit 2 when either side cannot be read.
import type { CliIo } from './io';
import path from 'node:path';
import { diffProjects, formatDiff } from '../../shared/project/projectDiff';
import { formatProblem } from '../../shared/project/problems';
import type { LoadResult } from '../../shared/project/load';
import { projectFilesAt } from '../services/gitRevision';
import { loadFromFiles, readProjectFiles } from '../services/projectStore';

const modelOf = (r: LoadResult) => (r.project ? { manifest: r.project.manifest, flows: r.project.flows, guardrails: r.project.guardrails } : undefined);

export async function runDiff(rev: string | undefined, projectDir: string, o: { against?: string; json?: boolean }, io: CliIo): Promise<number> {
  try {
    const now = loadFromFiles(await readProjectFiles(path.resolve(projectDir)));
    const before = o.against
      ? loadFromFiles(await readProjectFiles(path.resolve(o.against)))
      : loadFromFiles((await projectFilesAt(projectDir, rev ?? 'HEAD')).files);
    const a = modelOf(before);
    const b = modelOf(now);
    if (!a || !b) {
      io.err(`parley diff: ${[...(a ? [] : before.problems), ...(b ? [] : now.problems)].map(formatProblem).join('\n')}\n`);
      return 2;
    }
    const d = diffProjects(a, b);
    const unread = [...before.broken.map((f) => `${f} (at ${o.against ?? rev ?? 'HEAD'})`), ...now.broken];
    io.write(o.json ? `${JSON.stringify(d, null, 2)}\n` : `${formatDiff(d)}\n`);
    if (unread.length) io.err(`parley diff: not compared, they do not load: ${unread.join(', ')}\n`);
    return 0;
  } catch (e) {
    io.err(`parley diff: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}
