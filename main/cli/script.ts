// `parley script <projectDir>`: each flow as a conversation script (shared/project/script.ts) in Markdown or PDF, for
// people who will not open the studio: every edge at least once, with the bot's copy and each branch's condition.
import type { CliIo } from './io';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { flowScript, scriptDoc } from '../../shared/project/script';
import { scriptPdf } from '../services/scriptPdf';
import { formatProblem } from '../../shared/project/problems';
import { atomicWrite } from '../services/atomicWrite';
import { loadFromFiles, readProjectFiles } from '../services/projectStore';

export async function runScript(projectDir: string, o: { flow?: string; locale?: string; out?: string }, io: CliIo): Promise<number> {
  const r = loadFromFiles(await readProjectFiles(path.resolve(projectDir)));
  const project = r.project;
  if (!project) {
    io.err(`parley script: ${r.problems.map(formatProblem).join('\n')}\n`);
    return 2;
  }
  const locale = o.locale ?? project.manifest.defaultLocale;
  if (!project.manifest.locales.includes(locale)) {
    io.err(`parley script: ${locale} is not a locale of the project (${project.manifest.locales.join(', ')})\n`);
    return 2;
  }
  const ids = o.flow ? [o.flow] : Object.keys(project.flows).sort();
  const missing = ids.filter((id) => !project.flows[id]);
  if (missing.length) {
    io.err(`parley script: no flow ${missing.join(', ')} (the flows: ${Object.keys(project.flows).sort().join(', ')})\n`);
    return 2;
  }
  const pdf = o.out !== undefined && /\.pdf$/i.test(o.out);
  const text = pdf
    ? await scriptPdf(
        ids.map((id) => scriptDoc(id, project.flows[id]!, locale, project.manifest.defaultLocale)),
        ids.length === 1 ? project.flows[ids[0]!]!.name : project.manifest.name,
      )
    : ids.map((id) => flowScript(id, project.flows[id]!, locale, project.manifest.defaultLocale)).join('\n');
  if (o.out) {
    await fs.mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
    await atomicWrite(path.resolve(o.out), text);
    io.write(`wrote the script of ${ids.length} ${ids.length === 1 ? 'flow' : 'flows'} to ${o.out}\n`);
  } else io.write(text as string);
  return 0;
}
