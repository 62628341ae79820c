// `reviews/<flowId>.yaml`: the review of one flow, kept in the project so that it travels through git with the
// flow: comment threads anchored to a node (by its id, which a rename carries along) or to a line of copy (by its
// stable copy id), and the flow's approval, which holds the digest of the flow it approved (reviewDigest) and so
// is cleared when the flow changes afterwards. Authors come from the user's git identity: a name, not a proof.
import { z } from 'zod';
import { Id, StableCopyId } from './common';

export const REVIEWS_DIR = 'reviews';

export const Person = z.strictObject({ name: z.string().min(1).max(200), email: z.string().max(320).optional() });
export type Person = z.infer<typeof Person>;

const When = z.iso.datetime({ offset: true });

export const Anchor = z.union([z.strictObject({ node: Id }), z.strictObject({ copy: StableCopyId })]);
export type Anchor = z.infer<typeof Anchor>;

const ThreadId = z.string().regex(/^t_[0-9a-z]{6,16}$/, 'must be a thread id made by Parley, such as t_k3f9x2');

export const ReviewComment = z.strictObject({
  by: Person,
  at: When,
  text: z.string().min(1).max(10_000),
  /** The names the text mentions (`@Ana`). */
  mentions: z.array(z.string().min(1).max(200)).max(50).optional(),
});
export type ReviewComment = z.infer<typeof ReviewComment>;

export const Thread = z.strictObject({
  id: ThreadId,
  anchor: Anchor,
  resolved: z.strictObject({ by: Person, at: When }).optional(),
  comments: z.array(ReviewComment).min(1).max(1000),
});
export type Thread = z.infer<typeof Thread>;

export const Approval = z.strictObject({
  by: Person,
  at: When,
  note: z.string().max(2000).optional(),
  /** The digest of the flow as approved (shared/project/reviewDigest.ts). */
  digest: z.string().regex(/^[0-9a-f]{16}$/),
});
export type Approval = z.infer<typeof Approval>;

export const ReviewFile = z.strictObject({
  approval: Approval.optional(),
  threads: z.array(Thread).max(5000).optional(),
});
export type ReviewFile = z.infer<typeof ReviewFile>;

/** `reviews/<flowId>.yaml`. */
export const reviewFile = (flowId: string) => `${REVIEWS_DIR}/${flowId}.yaml`;

/** The names a comment mentions: `@Ana`, `@ana.lopez`. */
export const mentionsOf = (text: string): string[] => [
  ...new Set([...text.matchAll(/(?:^|\s)@([\p{L}\p{N}_.-]{1,60})/gu)].map((m) => m[1]!.replace(/[.]+$/, ''))),
];
