// What `parley import rasa` and `parley import dialogflow-cx` print: the counts and IMPORT.md's tally (exit 0), or
// every problem and that nothing was written (exit 2, when the importer refused its input).
export interface ImportCliOptions {
  out: string;
  force?: boolean;
  name?: string;
}

export interface ImportIo {
  write: (s: string) => void;
  err: (s: string) => void;
}

interface Imported {
  out: string;
  counts: { intents: number; entities: number; flows: number; stories: number; operations: number };
  report: { mapped: number; approximated: number; person: number };
}

export async function runImportCli(
  command: string,
  o: ImportCliOptions,
  io: ImportIo,
  run: (options: { force?: true; name?: string }) => Promise<Imported>,
  refused: (e: unknown) => e is { problems: string[] },
): Promise<number> {
  try {
    const r = await run({ ...(o.force ? { force: true } : {}), ...(o.name ? { name: o.name } : {}) });
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
    if (!refused(e)) throw e;
    io.err(`parley ${command}: nothing was written:\n${e.problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 2;
  }
}
