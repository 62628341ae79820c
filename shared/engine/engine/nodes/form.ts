// The form node: asks for each field whose slot is empty (and whose `when` holds), in order. Any message may
// fill any field (out of order: "send 50 to savings" at the amount question fills the account too), and the
// fields are filled from what the customer said in earlier messages (`fromEarlier`). With a correction cue
// ("actually make it 60") an answer that does not fit the question asked corrects an earlier field. Digressions
// come back to the field asked; leaving the form (its `abandonOn` intents, a `cancel` handler's by default, or an
// intent that starts another flow) is confirmed first (`confirmLeave`).
import type { FormField, NodeOf } from '../../../schema/nodes';
import type { At, FormLeave, Wait } from '../../types';
import { getPath } from '../../vars';
import type { Run, Step } from '../effects';
import { globalOrTrigger } from '../intents';
import { askQuestion, hearAnswer } from '../question';
import { endFlow, runFrom } from '../runNodes';
import { entityKindOf, extract, fromEarlier, useUp, validValue } from '../slots';
import type { Turn } from '../turn';

type FormWait = Extract<Wait, { kind: 'form' }>;
type Form = NodeOf<'form'>;

const filled = (t: Turn, f: FormField) => {
  const v = getPath(t.s.vars, f.slot);
  return v !== undefined && v !== null && v !== '';
};

function applies(t: Turn, form: Form, f: FormField, at: At): boolean {
  if (!f.when) return true;
  try {
    const view = { active: true, name: form.id, title: form.title ?? form.id, flow: at.flow, requested: f.id, slot: f.slot };
    return Boolean(t.engine.lang.evaluate(f.when, t.scope({ form: view })));
  } catch (e) {
    t.problem(`fields.${f.id}.when: ${e instanceof Error ? e.message : String(e)}`, at);
    return false;
  }
}

function fill(t: Turn, f: FormField, at: At, value: unknown, reason?: string): void {
  t.trace.push({ kind: 'slot', ...at, slot: f.slot, ok: true, value, ...(reason ? { reason } : {}) });
  t.setVar(f.slot, value);
  useUp(t, f);
}

/**
 * Fills empty fields from what `text` mentions (the NLU's entities), each field from an entity of its kind that no
 * other field took: "$200 on my card ending 9034" fills the card from "9034" and the amount from "$200". Not free
 * text, yes/no or bare numbers (too vague), and nothing the field just answered (`answered`) took. How many it filled.
 */
function fillOthers(t: Turn, form: Form, at: At, text: string, answered?: { field: FormField; value: unknown }): number {
  const entities = t.nluCache?.text === text ? t.nluCache.result.entities : [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const taken: Span[] = [];
  /** The entities whose words give `value` for `f` are used up (a pattern's match of the same digits too). */
  const take = (f: FormField, value: unknown) => {
    for (const e of entities) if (same(validValue(t, f, e.text, at)?.value, value)) taken.push(e);
  };
  if (answered) {
    if (answered.field.type === 'text') return 0;
    take(answered.field, answered.value);
  }
  const free = (e: Span) => !taken.some((x) => x.start < e.end && e.start < x.end);
  let n = 0;
  for (const f of form.fields) {
    const kind = entityKindOf(f);
    if (f === answered?.field || !kind || f.type === 'yes_no' || f.type === 'number' || filled(t, f) || !applies(t, form, f, at)) continue;
    let got: { value: unknown } | undefined;
    if (f.type !== 'entity') {
      // a built-in kind (a date, an amount, a card's last four digits): its extractor reads the words no field took
      got = validValue(t, f, blank(text, taken), at);
      if (got) take(f, got.value);
    } else {
      const e = entities.find((x) => x.entity === kind && free(x) && validValue(t, f, x.text, at));
      if (e) {
        got = validValue(t, f, e.text, at);
        taken.push(e);
      }
    }
    if (!got) continue;
    fill(t, f, at, got.value, answered ? 'out of order' : 'from the last message');
    n++;
  }
  return n;
}

type Span = { start: number; end: number };
const blank = (text: string, spans: readonly Span[]) => spans.reduce((s, e) => s.slice(0, e.start) + ' '.repeat(e.end - e.start) + s.slice(e.end), text);

/** The next field to ask, after filling what earlier messages said; undefined when the form is complete. */
function nextField(t: Turn, form: Form, at: At): FormField | undefined {
  for (const f of form.fields) {
    if (!applies(t, form, f, at) || filled(t, f)) continue;
    const earlier = fromEarlier(t, f, at);
    if (earlier) {
      fill(t, f, at, earlier.value, 'from an earlier message');
      continue;
    }
    return f;
  }
  return undefined;
}

function ask(t: Turn, form: Form, f: FormField, at: At, retries: number): 'wait' {
  askQuestion(t, f, at, { text: f.prompt, field: `fields.${f.id}.prompt` });
  t.s.wait = { kind: 'form', ...at, field: f.id, retries };
  return 'wait';
}

/** Asks the next field, or leaves by `next` when every field is filled. */
function proceed(t: Turn, form: Form, at: At): Step {
  const f = nextField(t, form, at);
  if (f) return ask(t, form, f, at, 0);
  t.s.wait = { kind: 'idle' }; // no longer in the form (`form.active` is false after it)
  return t.go(at, form.next, 'next');
}

export function execForm(t: Turn, form: Form, at: At): Step {
  t.trace.push({ kind: 'node', ...at, nodeKind: 'form' });
  if (t.utterance) {
    t.nlu(t.utterance);
    fillOthers(t, form, at, t.utterance);
  }
  return proceed(t, form, at);
}

function* run(t: Turn, at: At, step: Step): Run<void> {
  if (step === 'end') return yield* endFlow(t, at.flow);
  if (step !== 'wait') return yield* runFrom(t, step);
}

/** The intents that leave this form: its own list, else those of the project's `cancel` handlers. */
function abandonIntents(t: Turn, form: Form): readonly string[] {
  return form.abandonOn ?? [...t.engine.globals.values()].filter((g) => g.action === 'cancel').map((g) => g.intent);
}

function handles(t: Turn, form: Form, at: At, intent: string): boolean {
  const trigger = t.engine.triggers.get(intent);
  return abandonIntents(t, form).includes(intent) || t.engine.globals.has(intent) || (trigger !== undefined && trigger !== at.flow);
}

/** An intent said in the form: a digression runs and comes back; leaving (abandon, switch) is confirmed first. */
export function* formIntent(t: Turn, form: Form, wait: FormWait, intent: string): Run<boolean> {
  const at = { flow: wait.flow, node: wait.node };
  const g = t.engine.globals.get(intent);
  let leave: FormLeave | undefined;
  if (abandonIntents(t, form).includes(intent)) leave = { action: 'abandon', intent };
  else if (g?.action === 'digress') return yield* globalOrTrigger(t, intent, at);
  else if (handles(t, form, at, intent)) leave = { action: 'switch', intent };
  if (!leave) return false;
  if (form.confirmLeave === false) {
    yield* leaveForm(t, form, wait, leave);
    return true;
  }
  const title = form.title ?? form.id;
  if (leave.action === 'abandon') t.builtin('formAbandon', at, { form: title });
  else t.builtin('formSwitch', at, { form: title, to: t.intentLabel(intent) });
  t.offer([
    { id: 'yes', label: t.lineText('yes', at), payload: 'yes', ...at },
    { id: 'no', label: t.lineText('no', at), payload: 'no', ...at },
  ]);
  t.s.wait = { ...wait, leave };
  return true;
}

function* leaveForm(t: Turn, form: Form, wait: FormWait, leave: FormLeave): Run<void> {
  const at = { flow: wait.flow, node: wait.node };
  t.s.wait = { kind: 'idle' };
  if (leave.action === 'abandon') {
    if (form.clearOnAbandon !== false) for (const f of form.fields) t.setVar(f.slot, undefined);
    t.trace.push({ kind: 'node', ...at, nodeKind: 'form', exit: 'abandoned' });
    if (form.abandoned) return yield* runFrom(t, { flow: at.flow, node: form.abandoned });
    if (yield* globalOrTrigger(t, leave.intent, at)) return;
    return yield* endFlow(t, at.flow);
  }
  t.trace.push({ kind: 'node', ...at, nodeKind: 'form', exit: `left:${leave.intent}` });
  if (!(yield* globalOrTrigger(t, leave.intent, at))) yield* endFlow(t, at.flow);
}

const CORRECTION: Record<string, RegExp> = {
  en: /\b(actually|make it|change (it|that)|instead|i meant|i mean|sorry|correction|rather|no wait|wait no)\b/i,
  es: /(^|\s)(mejor|en realidad|quise decir|quer[ií]a decir|c[aá]mbialo|cambia|perd[oó]n|corrijo)(\s|$|,)/i,
};

/** "actually make it 60": a value for a field already filled replaces it (the most recent field first). */
function correct(t: Turn, form: Form, at: At, text: string, asked: FormField): boolean {
  const cue = CORRECTION[t.s.locale.split('-')[0]!] ?? CORRECTION.en!;
  if (!cue.test(text)) return false;
  const rest = text.replace(cue, ' ');
  for (const f of [...form.fields].reverse()) {
    if (f === asked || f.type === 'text' || !filled(t, f) || !applies(t, form, f, at)) continue;
    const got = validValue(t, f, rest, at);
    if (!got || JSON.stringify(got.value) === JSON.stringify(getPath(t.s.vars, f.slot))) continue;
    fill(t, f, at, got.value, 'corrected');
    t.builtin('changed', at);
    return true;
  }
  return false;
}

export function* answerForm(t: Turn, wait: FormWait, text: string, button = false): Run<void> {
  const at = { flow: wait.flow, node: wait.node };
  const form = t.node(at);
  if (form?.kind !== 'form') {
    t.error(`the form "${at.node}" is no longer in flow "${at.flow}"`, at);
    return yield* endFlow(t, at.flow);
  }
  if (wait.leave) {
    const yes = extract(t, { slot: '_', type: 'yes_no', prompt: {} }, text);
    if (yes.ok && yes.value === true) return yield* leaveForm(t, form, wait, wait.leave);
    wait = { kind: 'form', ...at, field: wait.field, retries: wait.retries };
    t.s.wait = wait;
    if (yes.ok) {
      t.builtin('formContinue', at);
      const f = form.fields.find((x) => x.id === wait.field);
      return yield* run(t, at, f && !filled(t, f) ? ask(t, form, f, at, wait.retries) : proceed(t, form, at));
    }
  }
  const f = form.fields.find((x) => x.id === wait.field);
  if (!f) return yield* run(t, at, proceed(t, form, at));
  const w = wait;
  const heard = yield* hearAnswer(t, f, at, text, {
    button,
    handles: (i) => handles(t, form, at, i),
    onIntent: (i) => formIntent(t, form, w, i),
  });
  if (heard.kind === 'taken') return;
  if (heard.kind === 'answer') {
    fill(t, f, at, heard.value);
    t.s.fallbacks = 0;
    if (!button) fillOthers(t, form, at, text, { field: f, value: heard.value });
    return yield* run(t, at, proceed(t, form, at));
  }
  if (heard.kind === 'none' && !heard.refused && (correct(t, form, at, text, f) || fillOthers(t, form, at, text) > 0)) {
    // the answer was for another field: ask this one again, without counting a failure
    return yield* run(t, at, filled(t, f) ? proceed(t, form, at) : ask(t, form, f, at, wait.retries));
  }
  t.trace.push({
    kind: 'slot',
    ...at,
    slot: f.slot,
    ok: false,
    ...(heard.kind === 'invalid' ? { value: heard.value, reason: 'failed validation' } : { reason: heard.reason }),
  });
  const retries = wait.retries + 1;
  if (retries > (form.maxRetries ?? 2)) {
    t.s.wait = { kind: 'idle' };
    t.trace.push({ kind: 'node', ...at, nodeKind: 'form', exit: 'failed' });
    return form.failed ? yield* runFrom(t, { flow: at.flow, node: form.failed }) : yield* endFlow(t, at.flow);
  }
  if (heard.kind === 'invalid') askQuestion(t, f, at, { text: heard.message, field: `fields.${f.id}.${heard.field}`, value: heard.value });
  else askQuestion(t, f, at, { text: f.reprompt ?? f.prompt, field: `fields.${f.id}.${f.reprompt ? 'reprompt' : 'prompt'}` });
  t.s.wait = { ...wait, retries };
}

/** Back from a digression: the field the form asked for, asked again. */
export function resumeForm(t: Turn, wait: FormWait): void {
  const form = t.node(wait);
  const f = form?.kind === 'form' ? form.fields.find((x) => x.id === wait.field) : undefined;
  if (!f) return;
  t.builtin('back', wait);
  askQuestion(t, f, wait, { text: f.prompt, field: `fields.${f.id}.prompt` });
}
