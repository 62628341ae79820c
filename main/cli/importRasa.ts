// `parley import rasa <rasaProjectDir> --out <dir> [--force]`: exit 0 when imported, 2 on bad input (nothing written).
import { importRasa, RasaImportError } from '../import/rasa';

export interface ImportRasaCliOptions {
  out: string;
  force?: boolean;
  name?: string;
}

export async function runImportRasaCli(src: string, o: ImportRasaCliOptions, io: { write: (s: string) => void; err: (s: string) => void }): Promise<number> {
  try {
    const r = await importRasa(src, o.out, { ...(o.force ? { force: true } : {}), ...(o.name ? { name: o.name } : {}) });
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
    if (e instanceof RasaImportError) {
      io.err(`parley import rasa: nothing was written:\n${e.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return 2;
    }
    throw e;
  }
}
