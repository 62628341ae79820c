// The review calls (listed in contract.ts's `methods`): the project's review files (comment threads and approvals,
// shared/schema/reviews.ts), a comment added (a new thread, or a reply), a thread resolved or reopened, a flow
// approved or its approval withdrawn. Main stamps each with the user's git identity and the time, and writes the
// file; the renderer never writes a review file itself.
import { z } from 'zod';
import { FlowNode } from '../schema/nodes';
import { Problem } from '../project/problems';
import { Id } from '../schema/common';
import { Anchor, Person, ReviewFile } from '../schema/reviews';

const project = z.string().min(1).max(1000);

export const ReviewsSnapshot = z.object({
  /** The review file of each flow that has one and loads. */
  files: z.record(z.string(), ReviewFile),
  /** Review files that do not load: never written over, fixed in the source view. */
  problems: z.array(Problem),
  /** Who this user is, as comments and approvals will name them (their git identity). */
  me: Person,
});
export type ReviewsSnapshot = z.infer<typeof ReviewsSnapshot>;

const ThreadRef = z.string().regex(/^t_[0-9a-z]{6,16}$/);

const WordPart = z.object({ text: z.string(), op: z.enum(['same', 'added', 'removed']) });
const CopyChange = z.object({
  id: z.string(),
  alias: z.string(),
  field: z.string(),
  locale: z.string(),
  before: z.string().optional(),
  after: z.string().optional(),
  words: z.array(WordPart),
});
/** shared/project/projectDiff.ts's ProjectDiff. */
export const ProjectDiffSchema = z.object({
  flows: z.array(
    z.object({
      flowId: z.string(),
      name: z.string(),
      status: z.enum(['added', 'removed', 'changed']),
      nodes: z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          title: z.string().optional(),
          status: z.enum(['added', 'removed', 'changed']),
          fields: z.array(z.string()),
          copy: z.array(CopyChange),
          removedNode: FlowNode.optional(),
        }),
      ),
      edges: z.array(z.object({ from: z.string(), port: z.string(), to: z.string(), status: z.enum(['added', 'removed']) })),
    }),
  ),
  projectCopy: z.array(CopyChange),
});

export const reviewMethods = {
  'reviews.list': { input: z.object({}).strict(), output: ReviewsSnapshot },
  /** A comment: a new thread at `anchor`, or a reply to `threadId`. */
  'reviews.comment': {
    input: z
      .object({ project, flowId: Id, text: z.string().trim().min(1).max(10_000), anchor: Anchor.optional(), threadId: ThreadRef.optional() })
      .strict()
      .refine((v) => (v.anchor === undefined) !== (v.threadId === undefined), 'give either an anchor (a new thread) or a threadId (a reply)'),
    output: ReviewFile,
  },
  'reviews.resolve': { input: z.object({ project, flowId: Id, threadId: ThreadRef, resolved: z.boolean() }).strict(), output: ReviewFile },
  /** A node was renamed: the threads anchored to it follow (threads on its lines of copy need nothing: stable ids). */
  'reviews.renameNode': { input: z.object({ project, flowId: Id, from: Id, to: Id }).strict(), output: z.object({ threads: z.number().int() }) },
  /** Approves the flow as saved on disk (`approve: false` withdraws the approval). */
  'reviews.approve': { input: z.object({ project, flowId: Id, approve: z.boolean(), note: z.string().max(2000).optional() }).strict(), output: ReviewFile },
  /**
   * What changed in the project as saved since a git revision (read without running git), or against another
   * project folder: `parley diff`'s comparison, for the canvas.
   */
  'project.diff': {
    input: z
      .object({
        rev: z
          .string()
          .min(1)
          .max(200)
          .regex(/^[\w./~^-]+$/, 'must be a revision such as HEAD~1, main or a commit id')
          .optional(),
        against: z.string().min(1).max(4096).optional(),
      })
      .strict()
      .refine((v) => v.rev === undefined || v.against === undefined, 'give a revision or a folder, not both'),
    output: z.object({ diff: ProjectDiffSchema, commit: z.string().optional() }),
  },
  /** A flow's conversation script (shared/project/script.ts) as a PDF file, from the flow as saved. */
  'script.pdf': {
    input: z.object({ project, flowId: Id, locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/) }).strict(),
    output: z.object({ base64: z.string() }),
  },
} as const;

export type ReviewMethod = keyof typeof reviewMethods;
