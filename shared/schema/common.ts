import { z } from 'zod';

/** Current on-disk schema version. Bump it together with a new entry in `migrations.ts`. */
export const SCHEMA_VERSION = 2;

/** Ids of nodes, flows, intents, buttons and branches: stable, readable, safe in file names and expressions. */
export const Id = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower_snake_case: a letter, then letters, digits or _ (at most 64)');
export type Id = z.infer<typeof Id>;

/** A line of copy's stable id (shared/project/copyIds.ts): `c_` and 10 base-36 digits, made by Parley, never typed. */
export const COPY_ID_PATTERN = /^c_[0-9a-z]{10}$/;
export const StableCopyId = z.string().regex(COPY_ID_PATTERN, 'must be a copy id made by Parley, such as c_0k3f9x2m1p');

/** BCP-47-ish locale tag such as `en`, `es`, `en-GB`. */
export const Locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a locale tag such as en or en-GB');
export type Locale = z.infer<typeof Locale>;

/** A variable path such as `customer.name` or `slots.card_last4`. */
export const VarPath = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'must be a variable name such as amount or customer.name');

/** One line of copy, or several variants of it (the engine picks one). */
export const CopyText = z.union([z.string().min(1, 'copy cannot be empty'), z.array(z.string().min(1)).min(1)]);
export type CopyText = z.infer<typeof CopyText>;

/**
 * What the bot says, per locale. `{ en: "Hi", es: ["Hola", "Buenas"] }`.
 * The copy id that stories refer to is derived from where the copy lives (`flow/node` or `flow/node.field`).
 */
export const LocalizedText = z
  .record(Locale, CopyText, {
    error: (iss) => (iss.code === 'invalid_key' ? 'keys must be locale tags such as en or es (quote copy that contains ": " or a comma in { })' : undefined),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: 'needs text in at least one locale',
  });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Canvas position. Finite numbers only: a NaN or Infinity would freeze layout code. */
export const Position = z.looseObject({
  x: z.number().finite(),
  y: z.number().finite(),
});
export type Position = z.infer<typeof Position>;

/** An expression in Parley's sandboxed expression language (never evaluated with eval). */
export const Expression = z.string().min(1, 'expression cannot be empty').max(2000);

/** A text template with `{{variable | filter}}` placeholders. */
export const Template = z.string().max(20000);

/** Reference to another node of the same flow: the target of an exit. */
export const NodeRef = Id.describe('the id of a node in the same flow');
