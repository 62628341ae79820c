// `parley import dialogflow-cx`: an exported Dialogflow CX agent (a folder, or the .zip the console exports) to a
// new Parley project, with an IMPORT.md report. The whole project is built in memory first; a problem in any
// file of the agent stops the import before anything is written, and an existing output folder is replaced only
// when the caller says so (`force`).
import path from 'node:path';
import { Locale } from '../../../shared/schema/common';
import type { ProjectManifest } from '../../../shared/schema/project';
import { checkTarget, projectFiles, writeProjectFiles } from '../common/output';
import { Report } from '../common/report';
import { toId } from '../common/text';
import { buildFlow } from './flows';
import type { Ctx } from './fulfillment';
import { convertNlu } from './nlu';
import { readAgent } from './read';
import type { Webhook } from './schema';
import { DialogflowImportError, readAgentSource, type SourceLimits } from './source';
import { convertTestCases } from './stories';

export { DialogflowImportError } from './source';

export interface DialogflowImportOptions {
  /** Replace the output folder when it exists and is not empty. */
  force?: boolean;
  /** Project name (default: the agent's display name, else the folder's or zip's name). */
  name?: string;
  /** Limits on the export's files (default DEFAULT_LIMITS: 5000 files, 100 MB in all, 20 MB each). */
  limits?: SourceLimits;
}

export interface DialogflowImportResult {
  out: string;
  files: string[];
  counts: { intents: number; entities: number; flows: number; stories: number; operations: number };
  report: { mapped: number; approximated: number; person: number };
}

/** The Parley project's files (relative path → text) for the exported agent in `src`. */
export async function dialogflowToParley(
  src: string,
  o: DialogflowImportOptions = {},
): Promise<{ files: Map<string, string>; result: Omit<DialogflowImportResult, 'out' | 'files'> }> {
  const cx = readAgent(await readAgentSource(src, o.limits));
  const report = new Report({ what: 'the exported Dialogflow CX agent', command: 'parley import dialogflow-cx' });
  const locales = new Map<string, string>();
  for (const code of [cx.agent.defaultLanguageCode, ...(cx.agent.supportedLanguageCodes ?? [])]) {
    const tag = code.toLowerCase();
    if (Locale.safeParse(tag).success) locales.set(tag, tag);
    else report.person(`Language \`${code}\` is not a locale tag Parley reads: its copy and phrases were left out.`);
  }
  if (!locales.size) throw new DialogflowImportError([`agent.json: defaultLanguageCode: "${cx.agent.defaultLanguageCode}" is not a language code`]);
  const defaultLocale = [...locales.values()][0]!;
  const slotIds = new Map<string, string>();
  const slotTaken = new Set<string>();
  const slotId = (raw: string) => {
    // a form parameter or preset may name its scope (`$flow.city`): the parameter is `city`
    const n = raw.replace(/^\$(?:session\.params|flow|page\.params)\./, '');
    let id = slotIds.get(n);
    if (!id) {
      id = toId(n, slotTaken, 'param');
      slotIds.set(n, id);
    }
    return id;
  };
  const nlu = convertNlu(cx, locales, report);
  const flowIds = new Map<string, string>();
  const flowTaken = new Set<string>();
  for (const f of cx.flows) flowIds.set(f.data.displayName, toId(f.data.displayName, flowTaken, 'flow'));
  const ctx: Ctx = {
    report,
    locales,
    defaultLocale,
    slotId,
    nlu,
    webhooks: new Map<string, Webhook>(cx.webhooks.map((w) => [w.data.displayName, w.data])),
    operations: new Map(),
    hosts: new Set(),
    copy: new Map(),
  };
  const flows = new Map(cx.flows.map((f) => [flowIds.get(f.data.displayName)!, buildFlow(f, flowIds, cx.groups, ctx)]));
  const startName = cx.agent.startFlow ?? 'Default Start Flow';
  const startFlow = flowIds.get(startName) ?? flowIds.get('Default Start Flow') ?? [...flows.keys()][0]!;
  if (!flowIds.has(startName)) report.approximated(`The start flow \`${startName}\` is not in the export: \`${startFlow}\` starts the conversation.`);
  const pages = cx.flows.reduce((n, f) => n + f.pages.length, 0);
  report.mapped(
    `${flows.size} flows with ${pages} pages: each page's entry fulfillment, one \`ask\` per required form parameter, its condition routes (\`condition\` nodes) and a \`listen\` node for its intent routes (the page's, its route groups' and the flow's); \`sys.no-match-default\` handlers are the no-match paths; End Session and End Flow are \`end\` nodes; a transition to another flow is a \`call\` that comes back to the page.`,
  );
  report.mapped('`$session.params.x` (and `$flow.x`, `$page.params.x`) in copy became `{{slots.x}}`; route conditions became expressions over `slots`.');
  report.approximated('Flow-scoped parameters (`$flow.x`) and session parameters are both `slots.x`: a parameter of one flow is seen by the others.');
  report.approximated(
    'A condition route without a target runs its fulfillment and the page goes on to its next routes (CX would check the routes again on the next turn).',
  );
  const operations = [...new Set(ctx.operations.values())];
  if (operations.length)
    report.person(
      `${operations.length} webhook calls (${operations.map((x) => `\`${x}\``).join(', ')}) became \`api\` nodes with a TODO note: each needs its service, its response mapping and the messages it sent. parley.yaml has a \`success\` mock for each, which the imported stories use.`,
    );
  for (const [folder, n] of cx.unread)
    report.person(`\`${folder}\` (${n} files) is not imported: Parley has no equivalent, or the importer does not read it yet.`);
  const stories = convertTestCases(cx.testCases, { nlu, copy: ctx.copy, operations, slotId, locales, defaultLocale, report });

  const name = (o.name ?? cx.agent.displayName ?? path.basename(cx.origin).replace(/\.zip$/i, '')).slice(0, 200) || 'Imported from Dialogflow CX';
  const manifest: Record<string, unknown> = {
    schema: 2,
    name,
    description: `Imported from Dialogflow CX (${cx.origin}); see IMPORT.md.`.slice(0, 5000),
    defaultLocale,
    locales: [...locales.values()],
    startFlow,
    // CX never hands over on its own after repeated no-matches (its no-match-N handlers do what the designer chose)
    nlu: { fallbackLimit: 20 },
  };
  report.approximated(
    'Parley escalates to a person after a number of no-matches in a row and CX does not: the project sets `nlu.fallbackLimit` to 20, its highest value.',
  );
  if (cx.flows.some((f) => f.pages.some((p) => p.data.form?.parameters?.some((x) => x.required))))
    report.approximated(
      "While a page's questions wait for an answer, its intent routes are not heard (CX hears them during form filling): an intent that interrupts a question needs a global handler or the question's `intents` setting.",
    );
  if (operations.length) {
    manifest.environments = {
      dialogflow_webhooks: { description: "The hosts of the agent's webhooks; point the api nodes at real endpoints.", hosts: [...ctx.hosts].sort() },
    };
    manifest.mocks = Object.fromEntries(operations.map((op) => [op, { success: { body: {} } }]));
  }
  const { files, counts } = projectFiles(manifest as unknown as ProjectManifest, nlu.nlu, flows, stories, operations.length);
  files.set(
    'IMPORT.md',
    report.markdown(name, cx.origin, [
      `Dialogflow CX agent, default language ${cx.agent.defaultLanguageCode}; locales: ${[...locales.values()].join(', ')}; start flow: ${startName}.`,
      `${counts.intents} intents, ${counts.entities} entities, ${counts.flows} flows (${pages} pages), ${counts.stories} stories (of ${cx.testCases.length} test cases), ${counts.operations} API operations (webhook calls).`,
    ]),
  );
  return { files, result: { counts, report: report.counts } };
}

/** Imports the agent in `src` (a folder or a .zip) into the folder `out`. Throws DialogflowImportError (nothing written) on bad input. */
export async function importDialogflow(src: string, out: string, o: DialogflowImportOptions = {}): Promise<DialogflowImportResult> {
  const { target, exists } = await checkTarget(src, out, o.force, (p) => new DialogflowImportError(p), 'exported agent');
  const { files, result } = await dialogflowToParley(src, o);
  await writeProjectFiles(target, files, exists);
  return { out: target, files: [...files.keys()], ...result };
}
