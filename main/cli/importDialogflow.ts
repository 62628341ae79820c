// `parley import dialogflow-cx <exportedAgentDir|zip> --out <dir> [--force] [--name <name>]`: exit 0 when
// imported, 2 on bad input (nothing written).
import { DialogflowImportError, importDialogflow } from '../import/dialogflow';

export interface ImportDialogflowCliOptions {
  out: string;
  force?: boolean;
  name?: string;
}

export async function runImportDialogflowCli(
  src: string,
  o: ImportDialogflowCliOptions,
  io: { write: (s: string) => void; err: (s: string) => void },
): Promise<number> {
  try {
    const r = await importDialogflow(src, o.out, { ...(o.force ? { force: true } : {}), ...(o.name ? { name: o.name } : {}) });
    const c = r.counts;
    io.write(
      [
        `Imported into ${r.out}: ${c.intents} intents, ${c.entities} entities, ${c.flows} flows, ${c.stories} stories, ${c.operations} API operations.`,
        `IMPORT.md: ${r.report.mapped} mapped, ${r.report.approximated} approximated, ${r.report.person} for a person to finish.`,
        `Next: parley validate ${o.out} && parley test ${o.out}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    if (e instanceof DialogflowImportError) {
      io.err(`parley import dialogflow-cx: nothing was written:\n${e.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return 2;
    }
    throw e;
  }
}
