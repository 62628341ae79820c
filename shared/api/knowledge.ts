// The knowledge panel's calls (listed in contract.ts's `methods`): the documents in knowledge/ with their age,
// a search showing what a question retrieves, importing documents, reading one to show a passage, and the
// questions knowledge nodes could not answer in the simulator and in the last story runs.
import { z } from 'zod';
import { Problem } from '../project/problems';

const project = z.string().min(1).max(1000);

/** A knowledge document's file name under knowledge/ (`fees.md`): no folders, no dotfiles. */
export const KnowledgeSource = z
  .string()
  .min(4)
  .max(255)
  .regex(/^[^/\\.\0][^/\\\0]*\.md$/, 'must be the name of a Markdown file in knowledge/ (e.g. fees.md)');

export const DocumentFormat = z.enum(['markdown', 'html', 'text', 'pdf']);

export const KnowledgeDocInfo = z.object({
  source: z.string(),
  /** Project-relative: `knowledge/fees.md`. */
  file: z.string(),
  title: z.string(),
  /** The original file's name and format when it was imported (front matter); null for a document written here. */
  importedFrom: z.string().nullable(),
  format: DocumentFormat.nullable(),
  importedAt: z.string().nullable(),
  /** Set by hand in the front matter (`reviewed_at`) when someone checked the document is still right. */
  reviewedAt: z.string().nullable(),
  /** Its last change: in git (the last commit that changed it, while the file is as committed), else on disk. */
  updatedAt: z.string(),
  /** Where `updatedAt` comes from. */
  changedIn: z.enum(['git', 'disk']).optional(),
  /** Days since it was reviewed, else imported, else last changed. */
  ageDays: z.number().int(),
  /** The age counts from its last change, which is older than the history read (the last 1,000 commits): at least this. */
  atLeast: z.boolean().optional(),
  stale: z.boolean(),
  /** Passages the index cut it into. */
  chunks: z.number().int(),
  bytes: z.number().int(),
  /** Something wrong with its front matter (the document is still indexed). */
  problem: z.string().optional(),
});
export type KnowledgeDocInfo = z.infer<typeof KnowledgeDocInfo>;

export const KnowledgeHitView = z.object({
  source: z.string(),
  text: z.string(),
  score: z.number(),
  id: z.string().optional(),
  heading: z.string().optional(),
  start: z.number().optional(),
  end: z.number().optional(),
});
export type KnowledgeHitView = z.infer<typeof KnowledgeHitView>;

/** The most a document may be in one import call, base64-encoded (about 10.5 MB of file). */
export const MAX_IMPORT_BASE64 = 14_000_000;
/** The most all documents of one call may be together, base64-encoded (the web host takes 16 MB bodies). */
export const MAX_IMPORT_TOTAL_BASE64 = 15_000_000;

export const KnowledgeImportFile = z.object({
  /** The picked file's name (any folders are dropped). */
  name: z.string().min(1).max(255),
  /** Its bytes, base64. */
  data: z
    .base64()
    .max(MAX_IMPORT_BASE64, `a document may be at most ${MAX_IMPORT_BASE64 / 1_000_000} MB base64-encoded; import a larger one with parley knowledge import`),
});

export const KnowledgeImportResult = z.discriminatedUnion('ok', [
  z.object({ name: z.string(), ok: z.literal(true), file: z.string(), title: z.string(), format: DocumentFormat, renamed: z.boolean(), replaced: z.boolean() }),
  z.object({ name: z.string(), ok: z.literal(false), error: z.string() }),
]);
export type KnowledgeImportResult = z.infer<typeof KnowledgeImportResult>;

/** A question a knowledge node sent to its not-sure path (the best passage under its threshold, or not in the sources). */
export const UnansweredQuestion = z.object({
  question: z.string(),
  flow: z.string(),
  node: z.string(),
  /** Where it was asked last: a simulator conversation or a story file. */
  from: z.enum(['simulator', 'story']),
  where: z.string(),
  turn: z.number().int(),
  /** How many times it was asked (same words, case and spacing aside). */
  count: z.number().int(),
  bestScore: z.number().nullable(),
  bestSource: z.string().nullable(),
});
export type UnansweredQuestion = z.infer<typeof UnansweredQuestion>;

export const knowledgeMethods = {
  /** The documents in knowledge/, each with its age; stale when older than `staleAfterDays` (default 180). */
  'knowledge.list': {
    input: z.object({ staleAfterDays: z.number().int().min(1).max(36_500).optional() }).strict(),
    output: z.object({
      documents: z.array(KnowledgeDocInfo),
      problems: z.array(Problem),
      staleAfterDays: z.number().int(),
      /** The documents' last changes in git are still being read (a first listing in a long history): ask again. */
      datesPending: z.boolean().optional(),
    }),
  },
  /** What a question retrieves: the passages and scores a knowledge node would get, best first. */
  'knowledge.search': {
    input: z.object({ query: z.string().min(1).max(1000), limit: z.number().int().min(1).max(50).optional() }).strict(),
    output: z.object({ hits: z.array(KnowledgeHitView), minScore: z.number() }),
  },
  /** Converts documents to Markdown in knowledge/; each result says where it went or why it was skipped. */
  'knowledge.import': {
    input: z
      .object({ project, files: z.array(KnowledgeImportFile).min(1).max(20), replace: z.boolean().optional() })
      .strict()
      .refine((i) => i.files.reduce((n, f) => n + f.data.length, 0) <= MAX_IMPORT_TOTAL_BASE64, {
        message: `the documents of one import may be at most ${MAX_IMPORT_TOTAL_BASE64 / 1_000_000} MB together (base64); import fewer at a time`,
        path: ['files'],
      }),
    output: z.object({ results: z.array(KnowledgeImportResult) }),
  },
  /** A document's text as on disk (front matter included; `bodyStart` is where its body begins), to show a passage at its offsets. */
  'knowledge.read': {
    input: z.object({ source: KnowledgeSource }).strict(),
    output: z.object({ source: z.string(), file: z.string(), title: z.string(), text: z.string(), bodyStart: z.number().int(), revision: z.string() }),
  },
  /** Questions knowledge nodes sent to not-sure, in the open simulator conversations and the last run of each story. */
  'knowledge.unanswered': { input: z.object({}).strict(), output: z.object({ questions: z.array(UnansweredQuestion) }) },
} as const;
