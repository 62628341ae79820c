// What a question is, in an `ask` node and in each field of a `form` node (nodes.ts): the answer's type, its
// prompts, validation rules, buttons, and how intents heard at it are treated.
import { z } from 'zod';
import { Expression, Id, LocalizedText, VarPath } from './common';

export const SlotType = z.enum(['text', 'number', 'amount', 'date', 'date_range', 'email', 'phone', 'card_last4', 'yes_no', 'person', 'entity']);
export type SlotType = z.infer<typeof SlotType>;

/** A quick reply offered with a question: clicking it (or typing its label) answers with its `value`. */
export const AnswerButton = z.looseObject({
  id: Id,
  label: LocalizedText,
  /** The answer it gives, heard as if typed (a number for an amount question, an entity value); default: the label in the default locale. */
  value: z.string().max(500).optional(),
});
export type AnswerButton = z.infer<typeof AnswerButton>;

export const Validation = z.looseObject({
  /** Expression over `value` and the variables; the answer is accepted when it is true. */
  expr: Expression,
  message: LocalizedText,
});
export type Validation = z.infer<typeof Validation>;

/** A question's validation rules as a list (it may give one rule or several). */
export const validationRules = (v: Validation | readonly Validation[] | undefined): readonly Validation[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v as Validation];

/**
 * How a question treats an intent heard in its answer. `answer-first`: an answer that extracts and validates is the
 * answer; otherwise a confident global intent or trigger interrupts. `interrupt`: a confident global intent or
 * trigger interrupts even when the words could be an answer. `ignore`: intents never interrupt; anything that is not
 * an answer is asked again. Default: `interrupt` for `text` questions (any words are an answer), else `answer-first`.
 */
export const IntentHandling = z.enum(['answer-first', 'interrupt', 'ignore']);
export type IntentHandling = z.infer<typeof IntentHandling>;

/** What a question is, in an `ask` node and in each field of a `form` node. */
export const questionFields = {
  /** Variable the answer is stored in. */
  slot: VarPath,
  type: SlotType,
  /** Entity name when `type` is `entity`. */
  entity: Id.optional(),
  /** The year a `date` or `date_range` said without one takes: past for transactions, future for appointments. */
  dates: z.enum(['past', 'future', 'nearest']).optional() /* default nearest */,
  prompt: LocalizedText,
  reprompt: LocalizedText.optional(),
  /** One rule, or several checked in order (the first that fails says its message). */
  validation: z.union([Validation, z.array(Validation).min(1).max(20)]).optional(),
  /** Intents that are never an answer here (Rasa's `not_intent`): "what is my balance?" does not fill an amount. */
  notIntents: z.array(Id).max(50).optional(),
  /** Entities whose presence means the message is not an answer (an account name at an amount question). */
  notEntities: z.array(Id).max(50).optional(),
  /** Quick replies offered with the question; each answers with its value. */
  buttons: z.array(AnswerButton).max(20).optional(),
  intents: IntentHandling.optional(),
  /** Between the project's `clarify` and `accept` thresholds, ask which of two intents was meant (default: take the words as a possible answer only). */
  clarify: z.boolean().optional() /* default false */,
  /** Fill from an entity of the slot's type said in an earlier message ("…for April 12th" before the date question). Never for `text`, `number` and `yes_no`. */
  fromEarlier: z.boolean().optional() /* default true */,
};

/** A question's fields, as an `ask` node and each field of a `form` node have them. */
export type Question = z.infer<z.ZodObject<typeof questionFields>>;
