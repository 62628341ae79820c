import { STDIO } from './io';
import { Command, InvalidArgumentError } from 'commander';
import pkg from '../../package.json';
import { SAMPLE_PROJECT } from './paths';
import { templateHelp } from '../services/templateInfo';
import type { ExportCliOptions } from './export';
import type { TestCliOptions } from './test';

// Each command imports what it needs when it runs: loading every module (the model SDK, the NLU, the HTTP
// stack) would cost every command, `--version` included, most of a second.

const parsePort = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
};

/** Runs a command's action: the exit code it returns, or an error it throws printed as `parley <name>: <message>` with `code`. */
async function guarded(name: string, action: () => Promise<number | void>, code = 2): Promise<void> {
  try {
    const rc = await action();
    if (rc !== undefined) process.exitCode = rc;
  } catch (e) {
    process.stderr.write(`parley ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = code;
  }
}

export function buildCli(): Command {
  const program = new Command('parley')
    .description('Parley: design, simulate, test and ship customer-service dialogue flows')
    .version(pkg.version)
    // `parley --version` only before a command, so `parley export --version 1.2.0` is the command's own option
    .enablePositionalOptions()
    .showHelpAfterError();

  program
    .command('web')
    .description('start the studio in web mode (a local server on 127.0.0.1 and your browser)')
    .argument('[projectDir]', 'project folder to open', SAMPLE_PROJECT)
    .option('-p, --port <n>', 'port to listen on (default 7468, or any free port when busy)', parsePort)
    .option('--no-open', 'do not open a browser')
    .action(async (projectDir: string, o: { port?: number; open: boolean }) => {
      const { runWeb } = await import('./web');
      const web = await runWeb({ projectDir, open: o.open, ...(o.port !== undefined ? { port: o.port } : {}) });
      const stop = () => {
        void web.stop().finally(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('init')
    .description('create a project from a template in a new or empty folder')
    .argument('<dir>', 'folder for the project (created if missing)')
    .option('-t, --template <id>', 'blank, faq or banking', 'blank')
    .option('--name <name>', "the assistant's name (default: the folder's name)")
    .addHelpText('after', `\nTemplates:\n${templateHelp()}`)
    .action(async (dir: string, o: { template: string; name?: string }) => {
      const { runInit } = await import('./init');
      await guarded(
        'init',
        async () => {
          process.stdout.write((await runInit(dir, o)) + '\n');
        },
        1,
      );
    });

  program
    .command('validate')
    .description('check a project: every file against the schema, every edge, id and reference')
    .argument('<projectDir>', 'project folder')
    .option('--json', 'print the report as JSON')
    .option('--no-cache', 'read every file again, without the cache of files read before (in the user data folder)')
    .action(async (projectDir: string, o: { json?: boolean; cache: boolean }) => {
      const { formatReport, validateDir } = await import('./validate');
      const report = await validateDir(projectDir, { cache: o.cache });
      if (o.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else process.stdout.write(formatReport(report) + '\n');
      process.exitCode = report.ok ? 0 : 1;
    });

  program
    .command('mock-llm')
    .description('run a mock of the Anthropic Messages API on 127.0.0.1 (scripted replies and faults, for tests)')
    .option('-p, --port <n>', 'port to listen on (default: any free port)', parsePort)
    .option('--script <file>', 'YAML list of rules: { match: { lastUser?, system? }, reply, fault? }')
    .action(async (o: { port?: number; script?: string }) => {
      const { loadScript, startMockLlm } = await import('../llm/mockServer');
      const script = o.script !== undefined ? await loadScript(o.script) : undefined;
      const mock = await startMockLlm({ ...(o.port !== undefined ? { port: o.port } : {}), ...(script ? { script } : {}) });
      process.stdout.write(`mock Anthropic API on ${mock.url} (Ctrl+C stops)\n`);
      const stop = () => {
        void mock.close().finally(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('nlu')
    .description('the embedded NLU (intent classifier and entities)')
    .command('evaluate')
    .description(
      'train the intent classifier on one CSV (text,category) and report accuracy, macro-F1, out-of-scope recall and precision, calibration (ECE) and training time on another',
    )
    .requiredOption('--train <file>', 'training CSV with text and category columns (category oos: out of scope)')
    .requiredOption('--test <file>', 'test CSV with the same columns')
    .option('--json', 'print the metrics as one JSON object')
    .option(
      '--open-intents <share>',
      'out-of-scope detection instead: train on this share of the intents (e.g. 0.75), treat the test rows of the others and 1,000 generated gibberish and off-topic lines as out of scope; recall, precision, AUROC and in-scope accuracy lost',
      parseShare,
    )
    .option('--seeds <n>', 'with --open-intents: run seeds 1..n and average (default 5)', parseCount)
    .option(
      '--max-accuracy-loss <share>',
      'with --open-intents: the rejection budget the threshold is chosen for on training folds (default 0.018)',
      parseShare,
    )
    .option('--no-scope', 'with --open-intents: without the combined out-of-scope score (the threshold on the top confidence alone)')
    .action(async (o: { train: string; test: string; json?: boolean; openIntents?: number; seeds?: number; maxAccuracyLoss?: number; scope: boolean }) => {
      const { evaluateFiles, evaluationJson, formatEvaluation, evaluateOpenIntentFiles, openIntentJson, formatOpenIntents } = await import('./nluEvaluate');
      if (o.openIntents === undefined && (o.seeds !== undefined || o.maxAccuracyLoss !== undefined || !o.scope)) {
        throw new InvalidArgumentError('--seeds and --max-accuracy-loss go with --open-intents (and --no-scope)');
      }
      if (o.openIntents !== undefined) {
        const open = await evaluateOpenIntentFiles(o.train, o.test, {
          knownShare: o.openIntents,
          seeds: o.seeds ?? 5,
          ...(o.maxAccuracyLoss !== undefined ? { maxAccuracyLoss: o.maxAccuracyLoss } : {}),
          ...(o.scope ? {} : { scope: false }),
        });
        process.stdout.write((o.json ? JSON.stringify(openIntentJson(open.report)) : formatOpenIntents(open)) + '\n');
        return;
      }
      const result = await evaluateFiles(o.train, o.test);
      if (o.json) process.stdout.write(JSON.stringify(evaluationJson(result.report)) + '\n');
      else process.stdout.write(formatEvaluation(result) + '\n');
    });

  program
    .command('test')
    .description("run the project's stories (stories/*.yaml): exit 0 when all pass, 1 when any fails, 2 on invalid input")
    .argument('<projectDir>', 'project folder')
    .option('--grep <pattern>', 'only stories whose name or file matches (regular expression)')
    .option('--tag <tag>', 'only stories with this tag (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--json', 'print the report as JSON')
    .option('--llm <mode>', 'model calls: replay (recorded cassettes, the default), live, or mock', 'replay')
    .option('--record', 'record model replies into stories/cassettes/ (needs a live model)')
    .option('--repeat <n>', 'run each story n times and report its pass rate (for live models)', parseCount)
    .option('--perturb <list>', 'also run with perturbed user turns: typos, asr, case (comma-separated)')
    .option('--concurrency <n>', 'stories in flight at once', parseCount)
    .option('--target <url>', 'run the stories against a running bundle over HTTP (token: PARLEY_RUNTIME_TOKEN; fixtures need its --fixtures)')
    .option('--no-cache', 'read every file again, without the cache of files read before (in the user data folder)')
    .option(
      '--trust',
      'trust the project for this run: with --llm live or --record, call its model host and read the key variable it names (for CI; the studio asks instead)',
    )
    .action(async (projectDir: string, o: TestCliOptions) => {
      await guarded('test', async () => {
        const { runTestCli } = await import('./test');
        return runTestCli(projectDir, o, { write: (s) => process.stdout.write(s), err: process.stderr, tty: Boolean(process.stderr.isTTY) });
      });
    });

  program
    .command('serve')
    .description('serve an exported bundle over HTTP, as its server.mjs does (flags: node server.mjs --help)')
    .argument('<bundleDir>', 'bundle folder (from parley export)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .action(async (bundleDir: string, _o: unknown, cmd: Command) => {
      const { runServer } = await import('../runtime/serverMain');
      const code = await runServer(cmd.args.slice(1), { bundleDir });
      if (code !== undefined) process.exitCode = code;
    });

  program
    .command('export')
    .description('export a signed, deployable bundle: exit 0 when written, 1 when the project has errors, 2 on bad usage or input')
    .argument('<projectDir>', 'project folder')
    .requiredOption('--out <dir>', 'bundle folder to write (new, empty, or an earlier bundle, which is replaced)')
    .option('--key <file>', 'Ed25519 private key to sign with (default: the file named by PARLEY_SIGNING_KEY_FILE)')
    .option('--version <semver>', "bundle version (default: parley.yaml's version, else 0.1.0)")
    .option('--notes <text>', 'release notes')
    .option('--since <bundleDir>', 'report the changes since this bundle (default: the earlier bundle in --out)')
    .option('--no-cache', 'read every file again, without the cache of files read before (in the user data folder)')
    .action(async (projectDir: string, o: ExportCliOptions) => {
      await guarded('export', async () => {
        const { runExportCli } = await import('./export');
        return runExportCli(projectDir, o, { write: (s) => process.stdout.write(s), err: process.stderr });
      });
    });

  program
    .command('keys')
    .description('signing keys for bundles')
    .command('generate')
    .description('write a new Ed25519 key pair: parley-signing.key (private, 0600) and parley-signing.pub')
    .requiredOption('--out <dir>', 'folder for the key files (outside every project)')
    .action(async (o: { out: string }) => {
      await guarded('keys generate', async () => {
        const { runKeysGenerateCli } = await import('./keys');
        return runKeysGenerateCli(o.out, { write: (s) => process.stdout.write(s) });
      });
    });

  const knowledge = program.command('knowledge').description('the knowledge base: the documents in knowledge/ that knowledge nodes answer from');
  knowledge
    .command('import')
    .description('convert documents (.md, .markdown, .html, .htm, .txt, .pdf) into Markdown in knowledge/: exit 1 when any is skipped')
    .argument('<projectDir>', 'project folder')
    .argument('<files...>', 'documents to import')
    .option('--replace', 'replace a document of the same name (default: write the new one under a numbered name beside it)')
    .action(async (projectDir: string, files: string[], o: { replace?: boolean }) => {
      await guarded('knowledge import', async () => {
        const { runKnowledgeImport } = await import('./knowledgeImport');
        const io = { write: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) };
        return runKnowledgeImport(projectDir, files, o, io);
      });
    });

  const insights = program
    .command('insights')
    .description("the runtime's transcripts in the project's analytics store (in your user data folder, never in the project)");
  insights
    .command('import')
    .description('import transcript files (JSON Lines) or folders of them: exit 1 when some lines were malformed (the rest is imported)')
    .argument('<projectDir>', 'project folder')
    .argument('<paths...>', 'transcripts-*.jsonl files or folders')
    .option('--db <file>', "a database file of your own instead of the project's")
    .action(async (projectDir: string, paths: string[], o: { db?: string }) => {
      await guarded('insights import', async () => {
        const { runInsightsImport } = await import('./insights');
        return runInsightsImport(projectDir, paths, o, STDIO);
      });
    });
  insights
    .command('erase')
    .description('erase conversations by id, for good: a later import of the same files does not bring them back')
    .argument('<projectDir>', 'project folder')
    .argument('<conversations...>', 'conversation ids')
    .option('--db <file>', "a database file of your own instead of the project's")
    .action(async (projectDir: string, ids: string[], o: { db?: string }) => {
      await guarded('insights erase', async () => {
        const { runInsightsErase } = await import('./insights');
        return runInsightsErase(projectDir, ids, o, STDIO);
      });
    });
  insights
    .command('retention')
    .description('keep transcripts this many days (older ones are deleted now and not imported), or "forever"')
    .argument('<projectDir>', 'project folder')
    .argument('<days>', 'a number of days, or forever')
    .option('--db <file>', "a database file of your own instead of the project's")
    .action(async (projectDir: string, days: string, o: { db?: string }) => {
      await guarded('insights retention', async () => {
        const { runInsightsRetention } = await import('./insights');
        return runInsightsRetention(projectDir, days, o, STDIO);
      });
    });

  program
    .command('traffic')
    .description(
      "realistic synthetic traffic: the project's stories played through its runtime (served here, with the stories' fixtures), perturbed at times, some left half-way, written as the runtime's transcripts",
    )
    .argument('<bundleOrProject>', 'a bundle folder, or a project folder (exported to a temporary bundle first)')
    .requiredOption('--out <dir>', 'where the runtime writes its transcripts')
    .option('--conversations <n>', 'how many conversations', '200')
    .option('--stories <paths...>', 'story files or folders of the project (default: all its stories)')
    .option('--project <dir>', 'the project whose stories to play (when the first argument is a bundle)')
    .option('--perturb <share>', 'share of conversations whose words are perturbed', '0.3')
    .option('--perturbations <list>', `how: ${['typos', 'asr', 'case'].join(', ')} (comma-separated)`, 'typos,case')
    .option('--abandon <share>', 'share of conversations left half-way (written as abandoned)', '0.1')
    .option('--novel <file>', 'questions the bot was never taught, one per line: some conversations open with one')
    .option('--novel-share <share>', 'share of conversations opened with a --novel question', '0.1')
    .option('--seed <n>', 'the same traffic for the same seed', '1')
    .option('--concurrency <n>', 'conversations at once', '8')
    .action(
      async (
        source: string,
        o: {
          out: string;
          conversations: string;
          stories?: string[];
          project?: string;
          perturb: string;
          perturbations: string;
          abandon: string;
          novel?: string;
          novelShare: string;
          seed: string;
          concurrency: string;
        },
      ) => {
        await guarded('traffic', async () => {
          const { runTrafficCommand } = await import('./traffic');
          return runTrafficCommand(
            {
              source,
              out: o.out,
              conversations: Number(o.conversations),
              ...(o.stories ? { stories: o.stories } : {}),
              ...(o.project ? { projectDir: o.project } : {}),
              perturbShare: Number(o.perturb),
              perturbations: o.perturbations.split(',').map((x) => x.trim()) as never,
              abandonShare: Number(o.abandon),
              ...(o.novel ? { novel: o.novel } : {}),
              novelShare: Number(o.novelShare),
              seed: Number(o.seed),
              concurrency: Number(o.concurrency),
              env: {},
            },
            STDIO,
          );
        });
      },
    );

  const copy = program.command('copy').description('the copy deck: every line the bot says, as a CSV or XLSX file for writers and translators');
  copy
    .command('export')
    .description('write every line of copy, a column per locale, to a .csv or .xlsx file')
    .argument('<projectDir>', 'project folder')
    .requiredOption('--out <file>', 'the file to write (.csv or .xlsx)')
    .option('--format <format>', 'csv or xlsx (default: from the file name)')
    .option('--locales <list>', 'the locale columns, comma-separated (default: every locale of the project)')
    .action(async (projectDir: string, o: { out: string; format?: string; locales?: string }) => {
      await guarded('copy export', async () => {
        const { runCopyExport } = await import('./copyDeck');
        return runCopyExport(projectDir, o, STDIO);
      });
    });
  copy
    .command('import')
    .description('read a .csv or .xlsx copy deck back into the project: prints every change; exit 2 on a bad file (nothing written)')
    .argument('<projectDir>', 'project folder')
    .argument('<file>', 'the edited copy deck')
    .option('--format <format>', 'csv or xlsx (default: from the file name)')
    .option('--dry-run', 'print the changes without writing them')
    .action(async (projectDir: string, file: string, o: { format?: string; dryRun?: boolean }) => {
      await guarded('copy import', async () => {
        const { runCopyImport } = await import('./copyDeck');
        return runCopyImport(projectDir, file, o, STDIO);
      });
    });

  program
    .command('diff')
    .description('what changed since a git revision (read without running git), or against another folder: flows, nodes, edges and copy word by word')
    .argument('[rev]', 'a git revision: HEAD, HEAD~1, a branch, a tag or a commit (default HEAD)')
    .argument('[projectDir]', 'project folder (default: the current folder)', '.')
    .option('--against <folder>', 'compare with another project folder instead of a revision')
    .option('--json', 'print the diff as JSON')
    .action(async (rev: string | undefined, projectDir: string, o: { against?: string; json?: boolean }) => {
      await guarded('diff', async () => {
        const { runDiff } = await import('./diff');
        return runDiff(rev, projectDir, o, STDIO);
      });
    });

  program
    .command('script')
    .description('each flow as a conversation script in Markdown or PDF: every edge at least once, with the copy and the conditions')
    .argument('<projectDir>', 'project folder')
    .option('--flow <id>', 'one flow (default: every flow)')
    .option('--locale <locale>', "the copy's locale (default: the project's default locale)")
    .option('--out <file>', 'write to a file; a name ending in .pdf writes a PDF (default: print Markdown)')
    .action(async (projectDir: string, o: { flow?: string; locale?: string; out?: string }) => {
      await guarded('script', async () => {
        const { runScript } = await import('./script');
        return runScript(projectDir, o, STDIO);
      });
    });

  const importCmd = program.command('import').description('bring an existing bot over from another platform as a new Parley project');
  importCmd
    .command('rasa')
    .description('import a Rasa 2.x/3.x project (domain, data, tests) with an IMPORT.md report: exit 0 when written, 2 on bad input (nothing written)')
    .argument('<rasaProjectDir>', 'the Rasa project folder (with domain.yml)')
    .requiredOption('--out <dir>', 'folder for the new Parley project (new or empty)')
    .option('--force', 'replace the output folder when it exists and is not empty')
    .option('--name <name>', "the project's name (default: the Rasa folder's name)")
    .action(async (src: string, o: { out: string; force?: boolean; name?: string }) => {
      await guarded('import rasa', async () => {
        const { runImportRasaCli } = await import('./importRasa');
        return runImportRasaCli(src, o, { write: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
      });
    });
  importCmd
    .command('dialogflow-cx')
    .description(
      'import an exported Dialogflow CX agent (flows, pages, intents, entity types, webhooks, test cases) with an IMPORT.md report: exit 0 when written, 2 on bad input (nothing written)',
    )
    .argument('<exportedAgentDir|zip>', 'the exported agent: its folder (with agent.json) or the .zip the console exports')
    .requiredOption('--out <dir>', 'folder for the new Parley project (new or empty)')
    .option('--force', 'replace the output folder when it exists and is not empty')
    .option('--name <name>', "the project's name (default: the agent's display name)")
    .action(async (src: string, o: { out: string; force?: boolean; name?: string }) => {
      await guarded('import dialogflow-cx', async () => {
        const { runImportDialogflowCli } = await import('./importDialogflow');
        return runImportDialogflowCli(src, o, { write: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
      });
    });

  program
    .command('guardrails')
    .description("the project's guardrail rules (guardrails.yaml)")
    .command('evaluate')
    .description(
      'screen ordinary messages (blocked or escalated: the share; routes per intent) and attacks and sensitive messages (detected per category) with the project’s rules',
    )
    .argument('<projectDir>', 'project folder')
    .option('--benign <file>', 'CSV text,category of ordinary messages by intent (default: BANKING77 test set, ../shared/data/banking77 or PARLEY_BANKING77)')
    .option(
      '--adversarial <file>',
      `CSV text,category with categories jailbreak, injection, abuse, pii, self_harm, bereavement, hardship, fraud (default: the project's evaluation/guardrails-adversarial.csv)`,
    )
    .option('--json', 'print { benignFlaggedRate, detectionRate, byCategory }')
    .action(async (projectDir: string, o: { benign?: string; adversarial?: string; json?: boolean }) => {
      await guarded('guardrails evaluate', async () => {
        const { evaluateGuardrails, evaluationJson, formatEvaluation } = await import('./guardrailsEvaluate');
        const r = await evaluateGuardrails(projectDir, { ...(o.benign ? { benign: o.benign } : {}), ...(o.adversarial ? { adversarial: o.adversarial } : {}) });
        process.stdout.write((o.json ? JSON.stringify(evaluationJson(r)) : formatEvaluation(r)) + '\n');
      });
    });

  knowledge
    .command('evaluate')
    .description(
      `run a questions file against the knowledge index: recall@1, recall@5, MRR, nDCG@10 and the share of unanswerable questions sent to not-sure (default questions: <projectDir>/evaluation/knowledge-questions.yaml)`,
    )
    .argument('<projectDir>', 'project folder')
    .option('--questions <file>', 'questions YAML: questions: [{ question, source?, passage?, unanswerable? }]')
    .option('--min-score <score>', "the grounding threshold (default parley.yaml's knowledge.minScore, else 0.35)", parseScore)
    .option('--json', 'print the figures and each question as one JSON object')
    .action(async (projectDir: string, o: { questions?: string; minScore?: number; json?: boolean }) => {
      const { runKnowledgeEvaluate } = await import('./knowledgeEvaluate');
      const io = { write: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) };
      process.exitCode = await runKnowledgeEvaluate(projectDir, o, io);
    });

  program
    .command('secrets')
    .description("values of the project's api secrets, kept in your user data folder (never in the project)")
    .argument('<action>', 'list, set (the value from stdin) or clear')
    .argument('<projectDir>', 'project folder')
    .argument('[name]', 'the secret, as parley.yaml declares it')
    .action(async (action: string, projectDir: string, name: string | undefined) => {
      await guarded('secrets', async () => {
        if (action !== 'list' && action !== 'set' && action !== 'clear') throw new InvalidArgumentError(`unknown action "${action}" (list, set, clear)`);
        const { readAllStdin, runSecretsCli } = await import('./secrets');
        const io = { write: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s), readStdin: readAllStdin };
        return runSecretsCli(action, projectDir, name, io);
      });
    });

  return program;
}

const parseShare = (v: string): number => {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('a share between 0 and 1, such as 0.75');
  return n;
};

const parseScore = (v: string): number => {
  const n = Number(v);
  if (!(v.trim() !== '' && n >= 0 && n <= 1)) throw new InvalidArgumentError('a score from 0 to 1, such as 0.35');
  return n;
};

const parseCount = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('a whole number from 1 to 1000');
  return n;
};

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (e) {
    process.stderr.write(`parley: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
