// Rasa stories and rules as a tree of turns: from the start of a conversation, each intent leads to the bot's
// actions, and then to the intents that may follow. Rules and stories share the tree (Parley has one behaviour
// where Rasa learns one from both); a form's own turns are left to the form's questions, and the steps a rule
// runs when a form completes become the end of that form's flow.
import type { Located, RasaModel } from './model';
import type { Report } from './report';
import type { RasaStep, RasaStory } from './schema';

export type Act =
  { kind: 'utter'; name: string } | { kind: 'form'; name: string } | { kind: 'custom'; name: string } | { kind: 'bot'; text: string } | { kind: 'restart' };

export interface TurnNode {
  acts: Act[];
  /** Where the actions come from (the first story or rule that gave them), for notes. */
  source: string;
  children: Map<string, TurnNode>;
}

/** Actions Rasa runs itself that have nothing to say or do in Parley. */
const SILENT = new Set([
  'action_listen',
  'action_deactivate_loop',
  'action_back',
  'action_session_start',
  'action_unlikely_intent',
  'action_extract_slots',
  'action_default_ask_affirmation',
  'action_default_ask_rephrase',
]);
const FALLBACKS = new Set(['action_default_fallback', 'action_two_stage_fallback']);

export interface Segment {
  intents: string[];
  acts: Act[];
  /** A form was started in this segment and is still active at its end. */
  formOpen: boolean;
}

/** The steps of one story as segments: the user's intent(s), then what the bot does. */
export function segments(story: RasaStory, m: RasaModel, submit: Map<string, Act[]>, report: Report, where: string): Segment[] {
  const out: Segment[] = [];
  let cur: Segment | undefined;
  let openForm: string | undefined;
  let afterForm: string | undefined; // a form completed: the actions that follow are its submit steps
  let afterActs: Act[] = [];
  const endAfter = () => {
    if (afterForm && afterActs.length && !submit.has(afterForm)) submit.set(afterForm, afterActs);
    afterForm = undefined;
    afterActs = [];
  };
  const steps = story.steps.filter((s): s is RasaStep => s !== '...');
  for (const step of steps) {
    const intents = step.intent !== undefined ? [step.intent] : step.or ? step.or.map((o) => o.intent).filter((x): x is string => typeof x === 'string') : [];
    if (intents.length || step.user !== undefined) {
      endAfter();
      if (cur && !cur.acts.length && !cur.formOpen) cur.intents.push(...intents);
      else {
        cur = { intents, acts: [], formOpen: false };
        out.push(cur);
      }
      if (step.entities?.length) report.approximated('Stories and rules that require entities with an intent route on the intent alone.');
      continue;
    }
    if (step.checkpoint !== undefined)
      report.person(`Checkpoints (\`${step.checkpoint}\` in "${where}") are not imported: the story parts they join are imported separately.`);
    if (step.slot_was_set) report.approximated('`slot_was_set` steps in training stories and rules do not branch the imported flows.');
    if (step.active_loop === null && openForm) {
      afterForm = openForm;
      openForm = undefined;
      if (cur) cur.formOpen = false;
      continue;
    }
    let act: Act | undefined;
    if (step.bot !== undefined) act = { kind: 'bot', text: step.bot };
    const a = step.action;
    if (a !== undefined) {
      if (m.forms[a]) {
        if (afterForm === a) continue;
        act = { kind: 'form', name: a };
        openForm = a;
      } else if (a.startsWith('utter_')) act = { kind: 'utter', name: a };
      else if (a === 'action_restart') act = { kind: 'restart' };
      else if (SILENT.has(a) || a.startsWith('validate_')) act = undefined;
      else if (FALLBACKS.has(a)) report.approximated(`\`${a}\` became the main listen node's no-match path.`);
      else act = { kind: 'custom', name: a };
    }
    if (!act) continue;
    if (afterForm) {
      afterActs.push(act);
      continue;
    }
    if (!cur) {
      cur = { intents: [], acts: [], formOpen: false };
      out.push(cur);
    }
    if (act.kind === 'form') cur.formOpen = true;
    cur.acts.push(act);
  }
  endAfter();
  return out;
}

/** What stops a form: an intent said while it is active that the story answers by deactivating it (Rasa's `deny`). */
export interface FormStop {
  intents: string[];
  /** What the bot says before the form stops. */
  acts: Act[];
  source: string;
}

/**
 * Stories and rules that, with a form active (`active_loop: <form>` first, or in the rule's condition), hear an
 * intent (without entities: a rule on an entity is not an intent alone) and answer with `action_deactivate_loop`.
 */
export function formStops(m: RasaModel): Map<string, FormStop> {
  const out = new Map<string, FormStop>();
  for (const { item, file } of [...m.rules, ...m.stories]) {
    const found = stopOf(item, m);
    if (!found) continue;
    const stop = out.get(found.form) ?? { intents: [], acts: found.acts, source: `${file}: ${item.story ?? item.rule ?? ''}`.trim() };
    if (!stop.intents.includes(found.intent)) stop.intents.push(found.intent);
    out.set(found.form, stop);
  }
  return out;
}

/** The form a story or rule stops, the intent that stops it and what the bot says first; undefined for any other. */
function stopOf(item: RasaStory, m: RasaModel): { form: string; intent: string; acts: Act[] } | undefined {
  const steps = item.steps.filter((x): x is RasaStep => x !== '...');
  const cond = (item.condition ?? []).find((c) => typeof c.active_loop === 'string');
  let i = 0;
  let form = cond?.active_loop as string | undefined;
  if (typeof steps[0]?.active_loop === 'string') form = steps[i++]!.active_loop as string;
  const say = steps[i];
  if (!form || !m.forms[form] || say?.intent === undefined || say.entities?.length) return undefined;
  const acts: Act[] = [];
  for (const step of steps.slice(i + 1)) {
    if (step.action === 'action_deactivate_loop') return { form, intent: say.intent, acts };
    if (step.action?.startsWith('utter_')) acts.push({ kind: 'utter', name: step.action });
    else if (step.bot !== undefined) acts.push({ kind: 'bot', text: step.bot });
    else if (step.action !== undefined || step.intent !== undefined) return undefined;
  }
  return undefined;
}

export interface TurnTree {
  root: Map<string, TurnNode>;
  /** A form's steps after it completes. */
  submit: Map<string, Act[]>;
  /** What the bot does when nothing matched (nlu_fallback rules). */
  fallback?: Act[];
}

export function buildTree(m: RasaModel, retrieval: Map<string, string[]>, report: Report): TurnTree {
  const submit = new Map<string, Act[]>();
  const tree: TurnTree = { root: new Map(), submit };
  let conflicts = 0;
  let formTails = 0;
  const insert = (level: Map<string, TurnNode>, intent: string, acts: Act[], source: string): TurnNode => {
    let node = level.get(intent);
    if (!node) {
      node = { acts, source, children: new Map() };
      level.set(intent, node);
    } else if (JSON.stringify(node.acts) !== JSON.stringify(acts) && acts.length) {
      if (!node.acts.length) node.acts = acts;
      else conflicts++;
    }
    return node;
  };
  // a rule that applies only once a slot has a value comes after the others: the default path is the one kept
  const slotCondition = (r: Located<RasaStory>) => (r.item.condition ?? []).some((c) => 'slot_was_set' in c);
  // a story or rule that stops a form is the form's (formStops), not a turn of the tree
  const all: Located<RasaStory>[] = [...m.rules.filter((r) => !slotCondition(r)), ...m.rules.filter(slotCondition), ...m.stories].filter(
    (x) => !stopOf(x.item, m),
  );
  if (m.rules.some(slotCondition))
    report.approximated(
      'Rules that apply only when a slot has a value (`condition: slot_was_set`) were taken after the others: where two rules disagree, the unconditioned one is imported.',
    );
  for (const { file, item } of all) {
    const where = `${file}: ${item.rule ?? item.story ?? '(unnamed)'}`;
    const segs = segments(item, m, submit, report, where);
    if (!segs.length) continue;
    if (!segs[0]!.intents.length) continue; // a rule that only completes a form, or starts with the bot: its submit steps were taken
    let levels: Map<string, TurnNode>[] = [tree.root];
    for (const seg of segs) {
      if (seg.intents.includes('nlu_fallback')) {
        tree.fallback ??= seg.acts;
        break;
      }
      const next: Map<string, TurnNode>[] = [];
      for (const level of levels) {
        for (const intent of seg.intents) {
          const subs = retrieval.get(intent);
          if (subs && seg.acts.length === 1 && seg.acts[0]!.kind === 'utter' && seg.acts[0]!.name === `utter_${intent}` && !m.responses[`utter_${intent}`]) {
            for (const s of subs) insert(level, s, [{ kind: 'utter', name: `utter_${s}` }], where);
            continue;
          }
          next.push(insert(level, intent, seg.acts, where).children);
        }
      }
      if (seg.formOpen) {
        formTails++;
        break; // what follows happens inside the form: its questions and the global handlers take it
      }
      levels = next;
    }
  }
  if (conflicts)
    report.approximated(
      `${conflicts} stories or rules gave other actions for a turn already defined by an earlier one; the first one was kept (Rasa would learn a policy from all of them).`,
    );
  if (formTails)
    report.approximated(
      `${formTails} stories or rules continue while a form is active (a digression, a switch to another form): in Parley the form's questions hear those messages, and intents with a global handler interrupt them and come back.`,
    );
  return tree;
}
