// Checks of questions (an ask node, each field of a form) and forms that the schema cannot express: the intents
// and entities they name exist, ids and slots are unique within a form, and what leaves a form is an intent.
import { questionsOf, SlotType, type FlowNode } from '../schema/nodes';
import type { Problem } from './problems';

/** Entities every project has: the built-in answer types. */
const BUILTIN = new Set<string>(SlotType.options.filter((t) => t !== 'text' && t !== 'entity'));

export interface QuestionContext {
  knownIntent(id: string): boolean;
  knownEntity(id: string): boolean;
}

type Report = (severity: Problem['severity'], path: PropertyKey[], message: string) => void;

export function checkQuestions(node: FlowNode, ctx: QuestionContext, report: Report): void {
  const entity = (id: string) => BUILTIN.has(id) || ctx.knownEntity(id);
  for (const { path, q } of questionsOf(node)) {
    if (node.kind === 'form') {
      if (q.type === 'entity' && !q.entity) report('error', [...path, 'entity'], 'an entity slot needs an entity');
      if (q.entity && !ctx.knownEntity(q.entity)) report('error', [...path, 'entity'], `unknown entity "${q.entity}"`);
      unique(
        q.buttons ?? [],
        (b) => b.id,
        (j, id) => report('error', [...path, 'buttons', j, 'id'], `duplicate button id "${id}"`),
      );
    }
    (q.notIntents ?? []).forEach((id, j) => {
      if (!ctx.knownIntent(id)) report('error', [...path, 'notIntents', j], `unknown intent "${id}"`);
    });
    (q.notEntities ?? []).forEach((id, j) => {
      if (!entity(id)) report('error', [...path, 'notEntities', j], `unknown entity "${id}"`);
      else if (id === (q.type === 'entity' ? q.entity : q.type))
        report('warning', [...path, 'notEntities', j], `"${id}" is what this question asks for, so no answer would be heard`);
    });
    if (q.clarify && q.intents === 'ignore') report('warning', [...path, 'clarify'], 'with intents: ignore, no intent is heard here, so clarify never asks');
  }
  if (node.kind !== 'form') return;
  unique(
    node.fields,
    (f) => f.id,
    (j, id) => report('error', ['fields', j, 'id'], `duplicate field id "${id}"`),
  );
  unique(
    node.fields,
    (f) => f.slot,
    (j, slot) => report('warning', ['fields', j, 'slot'], `two fields fill "${slot}": the second is skipped once the first is answered`),
  );
  (node.abandonOn ?? []).forEach((id, j) => {
    if (!ctx.knownIntent(id)) report('error', ['abandonOn', j], `unknown intent "${id}"`);
  });
}

function unique<T>(items: readonly T[], key: (t: T) => string, onDup: (index: number, id: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) onDup(i, k);
    seen.add(k);
  });
}
