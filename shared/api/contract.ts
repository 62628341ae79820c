import { copyDeckMethods } from './copyDeck';
import { reviewMethods } from './reviews';
import { z } from 'zod';
import { Id } from '../schema/common';
import { Flow, NluFile, ProjectManifest } from '../schema/project';
import { GuardrailsFile } from '../schema/guardrails';
import { Problem } from '../project/problems';
import { At, Coverage, Failure, Output, PiiKind, StateView, TraceEntry, TurnReport } from './engineSchemas';
import { Semver } from '../bundle/schema';
import { knowledgeMethods } from './knowledge';
import { insightsMethods } from './insights';

/**
 * The one contract between the renderer and main. Every call the renderer may make is listed here with a zod
 * schema for its input and its output; every event main may push is listed with its payload. The Electron
 * host (IPC) and the web host (HTTP + WebSocket) both validate each input against it, and the two preload
 * bridges implement the same `ParleyApi`, so the renderer cannot tell them apart.
 */

/** A content hash of a file as last read or written; used to detect changes made behind the studio's back. */
export const Revision = z.string().regex(/^[0-9a-f]{16}$/);
export type Revision = z.infer<typeof Revision>;

/** A project-relative path: forward slashes, no `..`, not absolute. Hosts also confine it on disk (symlinks). */
export const RelPath = z
  .string()
  .min(1)
  .max(500)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.includes('\0'), 'must be a relative path inside the project')
  .refine((p) => p.split('/').every((seg) => seg !== '..' && seg !== '.' && seg !== ''), 'must not contain "..", "." or empty segments');

export const FlowEntry = z.object({ flow: Flow, revision: Revision });
export type FlowEntry = z.infer<typeof FlowEntry>;

export const BrokenFile = z.object({ file: z.string(), revision: Revision.nullable() });

export const ProjectSnapshot = z.object({
  dir: z.string(),
  manifest: ProjectManifest,
  manifestRevision: Revision,
  nlu: NluFile,
  /** guardrails.yaml, when the project has one that loads (the defaults apply otherwise). */
  guardrails: GuardrailsFile.optional(),
  flows: z.record(z.string(), FlowEntry),
  problems: z.array(Problem),
  /** Files that failed to load; the studio never overwrites them, the user fixes them in the source view. */
  broken: z.array(BrokenFile),
  /** Set when the project was written by an older Parley and migrated in memory. */
  migratedFrom: z.number().int().optional(),
});
export type ProjectSnapshot = z.infer<typeof ProjectSnapshot>;

export const RecentProject = z.object({ dir: z.string(), name: z.string(), openedAt: z.string() });

export const AppInfo = z.object({
  mode: z.enum(['electron', 'web']),
  version: z.string(),
  /** Whether an LLM API key is configured in main (the key itself never leaves main). */
  hasApiKey: z.boolean(),
});

/** One user input to the simulator: typed text, a clicked quick reply, a channel event, or (re)start. */
export const SimInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }).strict(),
  z.object({ type: z.literal('text'), text: z.string().max(4000) }).strict(),
  z.object({ type: z.literal('button'), payload: z.string().min(1).max(500), label: z.string().max(500).optional() }).strict(),
  z.object({ type: z.literal('event'), name: Id }).strict(),
]);
export type SimInput = z.infer<typeof SimInput>;

/** A simulator turn as the panel shows it (the engine's shapes: `engineSchemas.ts`). */
export const TurnView = z.object({
  index: z.number().int().min(0),
  input: SimInput,
  outputs: z.array(Output),
  trace: z.array(TraceEntry),
  path: z.array(At),
  state: StateView,
  /**
   * The customer's text as the turn stored it (the transcript, the trace, the model's context), when the input
   * stage redacted something from it ("my card [card ••••9034]"); absent when it is stored as typed.
   */
  stored: z.string().optional(),
  /**
   * With `stored`: the kinds of personal data the typed text holds (shared/runtime/pii.ts), each once. "Save as
   * story" saves them as test values of the same kind unless asked to keep them as typed.
   */
  personalData: z.array(PiiKind).optional(),
  /**
   * With `stored`: the project's own redact rules with a pattern (guardrails.yaml) that matched the typed text, each
   * once; `typed` when a match has no test value (a pattern of fixed words) and a saved story would keep it as typed.
   */
  projectData: z.array(z.object({ rule: z.string(), typed: z.boolean() })).optional(),
});
export type TurnView = z.infer<typeof TurnView>;

/** Whether the simulator can reach a model, and if not exactly what to set. Never contains the key. */
export const LlmStatus = z.object({
  configured: z.boolean(),
  model: z.string().optional(),
  baseUrl: z.string().optional(),
  keySource: z.enum(['keychain', 'env', 'config']).nullable(),
  keyProblems: z.array(z.string()),
  message: z.string(),
  /** Where `llm.saveKey` will put a key. */
  saveTarget: z.enum(['keychain', 'config']),
  /** False while the project is untrusted: no model is called, whatever key there is. */
  trusted: z.boolean(),
});
export type LlmStatus = z.infer<typeof LlmStatus>;

/**
 * Whether the open project is trusted, and what it would do if it were: the model's host, the environment
 * variables it asks to read (each bound to the host it would go to), the hosts its `api` nodes may call.
 * `changed`: trusted once, but the project now asks for more (listed in `changes`).
 */
export const TrustStatus = z.object({
  dir: z.string(),
  state: z.enum(['trusted', 'untrusted', 'changed']),
  llm: z.object({ baseUrl: z.string(), origin: z.string(), provider: z.boolean(), loopback: z.boolean(), new: z.boolean() }).nullable(),
  envVars: z.array(z.object({ name: z.string(), origin: z.string(), approved: z.boolean(), new: z.boolean() })),
  apiHosts: z.array(z.object({ environment: z.string(), host: z.string(), new: z.boolean() })),
  /** Secrets the api nodes send (names and hosts; never a value), and the variable each may be read from. */
  secrets: z.array(z.object({ name: z.string(), hosts: z.array(z.string()), envVar: z.string(), new: z.boolean() })),
  changes: z.array(z.string()),
  /** Digest of the requirements shown; `trust.grant` must send it back, so it approves exactly what was shown. */
  digest: z.string(),
});
export type TrustStatus = z.infer<typeof TrustStatus>;

/** A secret the open project declares, as the studio shows it: whether a value is set and where from, never the value. */
export const SecretInfo = z.object({
  name: z.string(),
  hosts: z.array(z.string()),
  envVar: z.string(),
  set: z.boolean(),
  source: z.enum(['keychain', 'file', 'env']).nullable(),
  problem: z.string().optional(),
});
export type SecretInfo = z.infer<typeof SecretInfo>;
const SecretName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);

const SessionId = z.string().uuid();

/** A story file as the stories panel lists it. */
export const StoryInfo = z.object({
  file: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  turns: z.number().int(),
  /** Flows the story's expectations refer to (for grouping by flow). */
  flows: z.array(z.string()),
});
export type StoryInfo = z.infer<typeof StoryInfo>;

/** The result of one story (produced by main's runner). */
export const StoryRunView = z.object({
  file: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  passed: z.boolean(),
  runs: z.number().int(),
  passes: z.number().int(),
  error: z.string().optional(),
  firstFailure: z.object({ turn: z.number(), line: z.number().optional(), failure: Failure }).optional(),
  turns: z.array(TurnReport),
  ms: z.number(),
});
export type StoryRunView = z.infer<typeof StoryRunView>;

export const StoriesReport = z.object({
  stories: z.array(StoryRunView),
  problems: z.array(Problem),
  coverage: Coverage,
  ms: z.number(),
});
export type StoriesReport = z.infer<typeof StoriesReport>;

/** A path on the user's machine typed in the export dialog; main checks it (absolute, where it may be). */
const LocalPath = z.string().min(1).max(1000);

/** What changed between the bundle already in the output folder and the one an export would write. */
export const BundleChangesView = z.object({
  fromVersion: z.string(),
  toVersion: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
});

/**
 * The export dialog's preview, computed by main without writing anything: the project's problems (an error
 * blocks the export), the version to propose, what the output folder holds and what would change in it, and
 * whether the signing key can be used. `outDir` and `keyFile` are the ones checked: the given ones, else the
 * ones remembered in the user settings.
 */
export const BundlePreview = z.object({
  dir: z.string(),
  name: z.string(),
  ok: z.boolean(),
  problems: z.array(Problem),
  /** The earlier bundle's version bumped in patch, else parley.yaml's version, else 0.1.0. */
  suggestedVersion: z.string(),
  versionError: z.string().nullable(),
  outDir: z.string().nullable(),
  outDirState: z.enum(['absent', 'empty', 'bundle']).nullable(),
  outDirError: z.string().nullable(),
  previous: z.object({ name: z.string(), version: z.string() }).nullable(),
  changes: BundleChangesView.nullable(),
  /** How many files the bundle would hold (manifest and signature included); null when it cannot be built. */
  files: z.number().int().nullable(),
  keyFile: z.string().nullable(),
  keyError: z.string().nullable(),
  /** About the key (its permissions) or server.mjs; the project's warnings are in `problems`. */
  warnings: z.array(z.string()),
});
export type BundlePreview = z.infer<typeof BundlePreview>;

export const BundleExportResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    outDir: z.string(),
    name: z.string(),
    version: z.string(),
    /** Files written, manifest.json and manifest.sig included. */
    files: z.number().int(),
    changes: BundleChangesView.nullable(),
    warnings: z.array(z.string()),
  }),
  /** The project has errors: nothing was written. */
  z.object({ ok: z.literal(false), problems: z.array(Problem) }),
]);
export type BundleExportResult = z.infer<typeof BundleExportResult>;

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

/** The templates a new project can start from (main/services/projectTemplates.ts, templates/). */
export const ProjectTemplate = z.enum(['blank', 'faq', 'banking']);
export type ProjectTemplate = z.infer<typeof ProjectTemplate>;

/** The bots a new project can be imported from (main/import/, main/services/projectImport.ts). */
export const ImportSource = z.enum(['rasa', 'dialogflow-cx']);
export type ImportSource = z.infer<typeof ImportSource>;

export const ProjectImportResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** The new project's folder (absolute); open it with project.open. */
    dir: z.string(),
    name: z.string(),
    files: z.number().int(),
    counts: z.object({
      intents: z.number().int(),
      entities: z.number().int(),
      flows: z.number().int(),
      stories: z.number().int(),
      operations: z.number().int(),
    }),
    /** IMPORT.md's tally: what was mapped, approximated, and what a person must finish. */
    report: z.object({ mapped: z.number().int(), approximated: z.number().int(), person: z.number().int() }),
    /** IMPORT.md's text (cut at 200 000 characters). */
    reportText: z.string(),
  }),
  /** The source has problems (each names the file and key), or the folder cannot take it: nothing was written. */
  z.object({ ok: z.literal(false), problems: z.array(z.string()) }),
]);
export type ProjectImportResult = z.infer<typeof ProjectImportResult>;

export const methods = {
  'app.info': { input: empty, output: AppInfo },
  'project.current': { input: empty, output: ProjectSnapshot.nullable() },
  'project.open': { input: z.object({ dir: z.string().min(1).max(1000) }).strict(), output: ProjectSnapshot },
  /** Creates a project from a template (blank when not given) in a new or empty folder, and opens it. */
  'project.create': {
    input: z.object({ dir: z.string().min(1).max(1000), name: z.string().min(1).max(200), template: ProjectTemplate.optional() }).strict(),
    output: ProjectSnapshot,
  },
  /** Imports a bot (a Rasa project folder, a Dialogflow CX export folder or .zip) into a new or empty folder; does not open it. */
  'project.import': {
    input: z
      .object({ from: ImportSource, src: z.string().min(1).max(1000), dir: z.string().min(1).max(1000), name: z.string().min(1).max(200).optional() })
      .strict(),
    output: ProjectImportResult,
  },
  'project.reload': { input: empty, output: ProjectSnapshot },
  'project.recent': { input: empty, output: z.array(RecentProject) },
  'flow.save': {
    input: z
      .object({
        /** The project the caller believes is open; a write for another project is refused (CONFLICT). */
        project: z.string().min(1).max(1000),
        flowId: Id,
        flow: Flow,
        /** The revision the edit was based on; null for a new flow. A mismatch with disk is a CONFLICT. */
        baseRevision: Revision.nullable(),
      })
      .strict(),
    output: z.object({ revision: Revision, problems: z.array(Problem) }),
  },
  'flow.delete': { input: z.object({ project: z.string().min(1).max(1000), flowId: Id, baseRevision: Revision }).strict(), output: ok },
  'file.read': { input: z.object({ path: RelPath }).strict(), output: z.object({ text: z.string(), revision: Revision }) },
  'file.write': {
    input: z.object({ project: z.string().min(1).max(1000), path: RelPath, text: z.string().max(20_000_000), baseRevision: Revision.nullable() }).strict(),
    output: z.object({ revision: Revision, problems: z.array(Problem) }),
  },
  'simulator.start': {
    input: z
      .object({
        project: z.string().min(1).max(1000),
        locale: z.string().max(20).optional(),
        /** Preset variables (a customer profile) merged over the manifest's. */
        vars: z.record(z.string(), z.unknown()).optional(),
        /** Wizard of Oz: the designer types what the model would say. */
        wizard: z.boolean().optional(),
        /** A/B variants picked by the designer (`flow/node` -> variant id); the others are assigned as a bundle would. */
        variants: z.record(z.string().max(200), z.string().max(64)).optional(),
        /** The backend environment of parley.yaml its `api` nodes call (their `urls`, its hosts); default parley.yaml's. */
        environment: z.string().max(64).optional(),
        /** Answer `api` calls from parley.yaml's design-time mocks (`mocks`): nothing is sent. */
        mocks: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ sessionId: SessionId, turn: TurnView }),
  },
  'simulator.send': { input: z.object({ sessionId: SessionId, input: SimInput }).strict(), output: TurnView },
  /** Keeps the first `keep` turns (the start is turn 1) and cancels a turn in flight; the next send branches. */
  'simulator.rewind': { input: z.object({ sessionId: SessionId, keep: z.number().int().min(1) }).strict(), output: z.object({ turns: z.number().int() }) },
  'simulator.close': { input: z.object({ sessionId: SessionId }).strict(), output: ok },
  'simulator.wizardReply': { input: z.object({ sessionId: SessionId, requestId: z.string().uuid(), text: z.string().min(1).max(20000) }).strict(), output: ok },
  'llm.status': { input: empty, output: LlmStatus },
  /** The open project's trust (null when no project is open). */
  'trust.status': { input: empty, output: TrustStatus.nullable() },
  /** Trusts the open project for exactly what `digest` describes, approving the named environment variables. */
  'trust.grant': {
    input: z
      .object({
        project: z.string().min(1).max(1000),
        digest: z.string().regex(/^[0-9a-f]{16}$/),
        envVars: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).max(100),
      })
      .strict(),
    output: TrustStatus,
  },
  'trust.revoke': { input: z.object({ project: z.string().min(1).max(1000) }).strict(), output: TrustStatus },
  /**
   * Saves the API key in main: the OS keychain (Electron) or the user's 0600 credentials file (web mode). The key
   * goes one way: no method returns it.
   */
  'llm.saveKey': { input: z.object({ key: z.string().min(8).max(500) }).strict(), output: LlmStatus },
  /** The open project's declared secrets (parley.yaml `secrets`), each set or not; never a value. */
  'secrets.status': { input: empty, output: z.array(SecretInfo) },
  /** Saves a secret's value for the open project in main (OS keychain, else the user's 0600 file). One way: no method returns it. */
  'secrets.set': {
    input: z.object({ project: z.string().min(1).max(1000), name: SecretName, value: z.string().min(1).max(10_000) }).strict(),
    output: z.array(SecretInfo),
  },
  'secrets.clear': { input: z.object({ project: z.string().min(1).max(1000), name: SecretName }).strict(), output: z.array(SecretInfo) },
  'stories.list': { input: empty, output: z.object({ stories: z.array(StoryInfo), problems: z.array(Problem) }) },
  /**
   * The story files' text and revision (even while the project has errors), for the studio's checks and renames;
   * unreadable files as `problems`; `checked`: the readable files' problems against the project as saved (YAML,
   * schema, unknown nodes, intents, copy ids), which the studio shows until it checks them itself.
   */
  'stories.files': {
    input: empty,
    output: z.object({
      files: z.array(z.object({ file: z.string(), text: z.string(), revision: Revision })),
      problems: z.array(Problem),
      checked: z.array(Problem),
    }),
  },
  /** Runs the given story files (all when omitted); `stories.progress` events report each result as it comes. */
  'stories.run': { input: z.object({ project: z.string().min(1).max(1000), files: z.array(RelPath).max(10000).optional() }).strict(), output: StoriesReport },
  /**
   * Saves a simulator conversation as a story (expectations and fixtures from what happened). The personal data the
   * customer's turns hold is saved as test values of the same kind (shared/stories/testValues.ts: a card number
   * keeps its last four digits), or as typed with `typed: true`.
   */
  'stories.saveConversation': {
    input: z.object({ project: z.string().min(1).max(1000), sessionId: SessionId, name: z.string().min(1).max(200), typed: z.boolean().optional() }).strict(),
    output: z.object({ file: z.string() }),
  },
  /** The export dialog's preview (dry run: nothing is written). Paths omitted: the ones remembered in the user settings. */
  'bundle.preview': {
    input: z
      .object({
        project: z.string().min(1).max(1000),
        outDir: LocalPath.optional(),
        keyFile: LocalPath.optional(),
        version: z.string().max(100).optional(),
        notes: z.string().max(10_000).optional(),
      })
      .strict(),
    output: BundlePreview,
  },
  /** Exports the open project as a signed bundle (with server.mjs); the key's path is remembered in the user settings. */
  'bundle.export': {
    input: z
      .object({
        project: z.string().min(1).max(1000),
        outDir: LocalPath,
        keyFile: LocalPath,
        version: Semver,
        notes: z.string().max(10_000).optional(),
      })
      .strict(),
    output: BundleExportResult,
  },
  /** The knowledge panel: documents, search, import, reading a passage, unanswered questions (shared/api/knowledge.ts). */
  ...knowledgeMethods,
  /** The copy deck's spreadsheets: a table written as CSV or XLSX, and read back (shared/api/copyDeck.ts). */
  ...copyDeckMethods,
  /** Comments and approvals (shared/api/reviews.ts). */
  ...reviewMethods,
  /** Transcripts back in the studio: overlay, failure paths, new intents (shared/api/insights.ts). */
  ...insightsMethods,
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export const events = {
  /** A project file changed on disk (an external editor, git checkout) or was saved by another window. */
  'project.fileChanged': z.object({
    file: z.string(),
    /** New revision, or null when the file was deleted. */
    revision: Revision.nullable(),
    flowId: z.string().optional(),
    /** The new flow when the file is a flow that loads; absent when it is broken or not a flow. */
    flow: Flow.optional(),
    problems: z.array(Problem),
  }),
  /** The open project's trust changed (granted, revoked, or the project now asks for more). */
  'trust.changed': TrustStatus,
  /** A window opened or created another project: every window follows. */
  'project.opened': z.object({ dir: z.string() }),
  /** A review file changed (a comment, an approval, here or in another window, or a git pull). */
  'reviews.changed': z.object({ file: z.string() }),
  /** Streamed model text of a simulator turn, as it arrives. */
  'simulator.token': z.object({ sessionId: z.string(), turn: z.number().int(), flow: z.string(), node: z.string(), delta: z.string() }),
  /** A story finished during `stories.run`. */
  'stories.progress': z.object({ done: z.number().int(), total: z.number().int(), file: z.string(), name: z.string(), passed: z.boolean() }),
  /** Wizard of Oz: a model request waiting for the designer's reply (`simulator.wizardReply`). */
  'simulator.wizard': z.object({
    sessionId: z.string(),
    requestId: z.string(),
    flow: z.string(),
    node: z.string(),
    system: z.string().optional(),
    messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
  }),
} as const satisfies Record<string, z.ZodType>;

/** WebSocket subprotocols of the web host's event socket: the version, and the token (browsers cannot set headers). */
export const WS_PROTOCOL = 'parley.v1';
export const WS_TOKEN_PREFIX = 'parley-token.';

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const isMethodName = (m: unknown): m is MethodName => typeof m === 'string' && Object.hasOwn(methods, m);
export const isEventName = (e: unknown): e is EventName => typeof e === 'string' && Object.hasOwn(events, e);

/** What the renderer sees, whichever host stands behind it. */
export interface ParleyApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What a host implements: one async function per method, given already validated input. */
export type Handlers = { [M in MethodName]: (input: z.output<Methods[M]['input']>) => Promise<MethodOutput<M>> };

/** The wire shape of a call's result, on IPC and HTTP alike. */
export type CallResult<T = unknown> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; details?: unknown } };
