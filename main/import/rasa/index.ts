// `parley import rasa`: a Rasa 2.x/3.x project folder to a new Parley project, with an IMPORT.md report. The whole
// project is built in memory first; a problem in any Rasa file stops the import before anything is written, and
// an existing output folder is replaced only when the caller says so (`force`).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ProjectManifest } from '../../../shared/schema/project';
import { checkTarget, projectFiles, writeProjectFiles } from '../common/output';
import { buildFlows } from './flows';
import { buildModel } from './model';
import { convertNlu } from './nlu';
import { MAX_FILE_BYTES, RasaImportError, readRasaProject } from './read';
import { Report } from './report';
import { buildTree } from './steps';
import { convertTests } from './stories';
import { toId } from './text';

export { RasaImportError } from './read';

export interface RasaImportOptions {
  /** Replace the output folder when it exists and is not empty. */
  force?: boolean;
  /** Project name (default: the Rasa folder's name). */
  name?: string;
}

export interface RasaImportResult {
  out: string;
  files: string[];
  counts: { intents: number; entities: number; flows: number; stories: number; operations: number };
  report: { mapped: number; approximated: number; person: number };
}

const DEFAULT_ACTION_URL = 'http://localhost:5055/webhook';

async function configLanguage(dir: string): Promise<string | undefined> {
  try {
    const file = path.join(dir, 'config.yml');
    // only the language is read from it: a file over the size limit is left alone
    if ((await fs.stat(file)).size > MAX_FILE_BYTES) return undefined;
    const cfg = parseYaml(await fs.readFile(file, 'utf8')) as { language?: unknown } | null;
    return typeof cfg?.language === 'string' && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(cfg.language) ? cfg.language : undefined;
  } catch {
    return undefined;
  }
}

/** The Parley project's files (relative path → text) for the Rasa project in `src`. */
export async function rasaToParley(
  src: string,
  o: RasaImportOptions = {},
): Promise<{ files: Map<string, string>; result: Omit<RasaImportResult, 'out' | 'files'> }> {
  const project = await readRasaProject(src);
  const report = new Report();
  const model = buildModel(project, report);
  const locale = (await configLanguage(project.dir)) ?? 'en';
  const slotIds = new Map<string, string>();
  const slotTaken = new Set<string>();
  const slotId = (n: string) => {
    let id = slotIds.get(n);
    if (!id) {
      id = toId(n, slotTaken, 'slot');
      slotIds.set(n, id);
    }
    return id;
  };
  for (const s of Object.keys(model.slots)) slotId(s);

  const nlu = convertNlu(model, locale, report);
  const tree = buildTree(model, nlu.retrieval, report);
  let actionUrl = DEFAULT_ACTION_URL;
  let host = 'localhost:5055';
  try {
    const u = new URL(project.actionEndpoint ?? DEFAULT_ACTION_URL);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      actionUrl = u.toString();
      host = u.host.toLowerCase();
    }
  } catch {
    report.approximated(`endpoints.yml's action_endpoint is not a URL: the api nodes call ${DEFAULT_ACTION_URL}.`);
  }
  const flows = buildFlows(tree, { model, nlu, report, locale, actionUrl, slotId });
  const stories = convertTests(model.tests, nlu, flows.responseTexts, flows.operations, slotId, report);

  const unused = Object.keys(model.responses).filter((r) => !flows.responseTexts.has(r));
  if (unused.length)
    report.person(
      `${unused.length} responses are used by no story, rule or form (${unused
        .slice(0, 12)
        .map((r) => `\`${r}\``)
        .join(', ')}${unused.length > 12 ? ', …' : ''}): custom actions may send them; add them where they belong.`,
    );
  const initial: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(model.slots))
    if (s.initial_value !== undefined && s.initial_value !== null && name !== 'requested_slot') initial[slotId(name)] = s.initial_value;

  const name = (o.name ?? path.basename(project.dir)).slice(0, 200) || 'Imported from Rasa';
  const manifest: Record<string, unknown> = {
    schema: 2,
    name,
    description: `Imported from Rasa (${project.dir}); see IMPORT.md.`.slice(0, 5000),
    defaultLocale: locale,
    locales: [locale],
    startFlow: 'main',
    globals: flows.globals,
    ...(Object.keys(initial).length ? { variables: { slots: initial } } : {}),
  };
  if (flows.operations.size) {
    manifest.environments = {
      rasa_actions: { description: "The Rasa action server's host (endpoints.yml); point the api nodes at real endpoints.", hosts: [host] },
    };
    manifest.mocks = Object.fromEntries([...flows.operations.values()].map((op) => [op, { success: { body: { events: [], responses: [] } } }]));
  }
  const { files, counts } = projectFiles(manifest as unknown as ProjectManifest, nlu.nlu, flows.flows, stories, flows.operations.size);
  files.set(
    'IMPORT.md',
    report.markdown(name, project.dir, [
      `Rasa format version(s): ${[...model.versions].join(', ') || 'not stated'}; locale: ${locale}.`,
      `${counts.intents} intents, ${counts.entities} entities, ${counts.flows} flows, ${counts.stories} stories, ${counts.operations} API operations (custom actions).`,
      `Read: ${[...project.domains, ...project.data, ...project.tests].map((f) => `\`${f.file}\``).join(', ')}.`,
    ]),
  );
  return { files, result: { counts, report: report.counts } };
}

/** Imports the Rasa project in `src` into the folder `out`. Throws RasaImportError (nothing written) on bad input. */
export async function importRasa(src: string, out: string, o: RasaImportOptions = {}): Promise<RasaImportResult> {
  const { target, exists } = await checkTarget(src, out, o.force, (p) => new RasaImportError(p), 'Rasa project');
  const { files, result } = await rasaToParley(src, o);
  await writeProjectFiles(target, files, exists);
  return { out: target, files: [...files.keys()], ...result };
}
