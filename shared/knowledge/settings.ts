// parley.yaml's `knowledge:` settings (docs/ARCHITECTURE.md, "The knowledge index").
import { z } from 'zod';

export const KnowledgeSettings = z.looseObject({
  /** Groups of words or phrases that mean the same (`[atm, cash machine]`): a question with one finds passages with another. */
  synonyms: z
    .array(z.array(z.string().min(1).max(100)).min(2, 'a synonym group needs at least two words or phrases').max(50))
    .max(500)
    .optional(),
  /** The knowledge nodes' default minScore (a node's own wins), and what `parley knowledge evaluate` counts as sent to not-sure (default 0.35). */
  minScore: z.number().min(0).max(1).optional(),
});
export type KnowledgeSettings = z.infer<typeof KnowledgeSettings>;

/** The knowledge node's default minScore. */
export const DEFAULT_MIN_SCORE = 0.35;
