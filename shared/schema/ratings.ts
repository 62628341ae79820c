// `insights/ratings.yaml`: reviewers' ratings of production conversations sampled in the Insights panel, kept
// with the project (so the team shares them and they go through git). A rating names a conversation by id only:
// the transcript itself stays in the analytics store in the user's data folder, never in the project.
import { z } from 'zod';
import { Person } from './reviews';

export const RATINGS_FILE = 'insights/ratings.yaml';

export const RatingTag = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, 'a tag is words, digits, spaces, _ or -');

export const Rating = z.strictObject({
  conversation: z.string().min(1).max(200),
  rating: z.enum(['good', 'bad']),
  tags: z.array(RatingTag).max(20).optional(),
  note: z.string().max(2000).optional(),
  by: Person,
  at: z.iso.datetime({ offset: true }),
});
export type Rating = z.infer<typeof Rating>;

export const RatingsFile = z.strictObject({ ratings: z.array(Rating).max(100_000).optional() });
export type RatingsFile = z.infer<typeof RatingsFile>;
