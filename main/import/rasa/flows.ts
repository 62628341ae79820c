// The turn tree (./steps) to Parley flows:
// - `main`: a listen node routing every intent a conversation can start with to its flow (a `call`, then back);
//   no match says the fallback response.
// - one flow per starting intent: its responses (message nodes), forms (`call` of the form's flow) and custom
//   actions (`api` nodes with a TODO note), then a listen node routing the intents stories continue with.
//   Each also has a `digress` global handler, so it answers in the middle of a form or another flow and returns.
// - `form_<name>` per form: a `form` node, one field per required slot, then the steps a rule runs when the form completes.
import type { Flow } from '../../../shared/schema/project';
import type { FlowNode, SlotType } from '../../../shared/schema/nodes';
import type { GlobalHandler } from '../../../shared/schema/project';
import type { RasaModel } from './model';
import { BUILTIN_ENTITY_TYPES, type NluResult } from './nlu';
import { formStops } from './steps';
import type { Report } from './report';
import { buildCalmFlow, calmFlowId } from './calm';
import { convertResponse, type Copy, type ResponseContext } from './responses';
import type { RasaSlotMapping } from './schema';
import type { Act, TurnNode, TurnTree } from './steps';
import { toId } from './text';

type Node = Record<string, unknown> & { id: string; kind: string };

export interface FlowsResult {
  flows: Map<string, Flow>;
  globals: GlobalHandler[];
  /** Custom action → API operation id. */
  operations: Map<string, string>;
  /** Response name → its texts (for story checks). */
  responseTexts: Map<string, string[]>;
}

export interface FlowContext {
  model: RasaModel;
  nlu: NluResult;
  report: Report;
  locale: string;
  actionUrl: string;
  slotId: (name: string) => string;
}

class Builder {
  readonly nodes: Node[] = [];
  private readonly ids = new Set<string>();
  constructor(readonly flowId: string) {}
  id(name: string): string {
    return toId(name, this.ids, 'n');
  }
  push(node: Node): Node {
    node.position = { x: 0, y: this.nodes.length * 140 };
    this.nodes.push(node);
    return node;
  }
}

export function buildFlows(tree: TurnTree, ctx: FlowContext): FlowsResult {
  const { model: m, nlu, report, locale } = ctx;
  const flowIds = new Set<string>(['main']);
  const flows = new Map<string, Flow>();
  const operations = new Map<string, string>();
  const opTaken = new Set<string>();
  const responseTexts = new Map<string, string[]>();
  const rctx: ResponseContext = { locale, slotId: ctx.slotId, intentId: (n) => nlu.intentIds.get(n), report };
  const copies = new Map<string, Copy | undefined>();
  const copyOf = (name: string): Copy | undefined => {
    if (!copies.has(name)) {
      const variations = m.responses[name];
      const c = variations ? convertResponse(name, variations, rctx) : undefined;
      copies.set(name, c);
      if (c) responseTexts.set(name, c.texts);
    }
    return copies.get(name);
  };
  const formFlowIds = new Map<string, string>();
  for (const name of Object.keys(m.forms)) formFlowIds.set(name, toId(`form_${name}`, flowIds));

  const addAct = (b: Builder, act: Act): Node | undefined => {
    switch (act.kind) {
      case 'utter': {
        const c = copyOf(act.name);
        if (!c) {
          report.person(`Response \`${act.name}\` is used in stories or rules but not defined in the domain (or has no text): left out.`);
          return undefined;
        }
        return b.push({ id: b.id(act.name), kind: 'message', say: c.say, ...(c.buttons ? { buttons: c.buttons } : {}) });
      }
      case 'bot':
        return b.push({ id: b.id('bot_says'), kind: 'message', say: { [locale]: act.text } });
      case 'form':
        return b.push({ id: b.id(act.name), kind: 'call', flow: formFlowIds.get(act.name)! });
      case 'restart':
        return b.push({ id: b.id('restart'), kind: 'end', outcome: 'resolved' });
      case 'custom': {
        let op = operations.get(act.name);
        if (!op) {
          op = toId(act.name, opTaken);
          operations.set(act.name, op);
        }
        return b.push({
          id: b.id(act.name),
          kind: 'api',
          notes: `TODO: Rasa custom action \`${act.name}\` ran Python code on the action server (actions/). Point this node at an HTTP endpoint that does the same work, map its response with \`assign\`, and add the messages it sent. Stories answer it with the \`success\` mock in parley.yaml.`,
          operation: op,
          method: 'POST',
          url: ctx.actionUrl,
          body: { next_action: act.name },
        });
      }
    }
  };

  // Rasa 3 fills a slot from its entity on any message that has it (a mapping without a form condition): a `set`
  // node at the start of the flow of each intent whose examples annotate that entity does the same
  const fills = new Map<string, { slot: string; key: string }[]>();
  for (const [slot, def] of Object.entries(m.slots)) {
    for (const mp of def.mappings ?? []) {
      if (mp.type !== 'from_entity' || !mp.entity || mp.conditions?.some((c) => c.active_loop)) continue;
      const key = nlu.entityIds.get(mp.entity) ?? BUILTIN_ENTITY_TYPES[mp.entity];
      if (!key) continue;
      fills.set(mp.entity, [...(fills.get(mp.entity) ?? []), { slot: ctx.slotId(slot), key }]);
    }
  }
  let fillNodes = 0;
  const fillNode = (b: Builder, intent: string | undefined): Node | undefined => {
    const assign = [...(intent ? (nlu.intentEntities.get(intent) ?? []) : [])]
      .flatMap((e) => fills.get(e) ?? [])
      .map(({ slot, key }) => ({ var: `slots.${slot}`, value: `entities.${key} ? entities.${key} : slots.${slot}` }));
    if (!assign.length) return undefined;
    fillNodes++;
    return b.push({ id: b.id('fill_slots'), kind: 'set', assign });
  };

  /** Adds a chain of actions and, when stories go on, a listen node for what the user says next; returns its first node id. */
  const emit = (b: Builder, acts: Act[], children: Map<string, TurnNode>, intent?: string): string | undefined => {
    const fill = fillNode(b, intent);
    const made = [...(fill ? [fill] : []), ...acts.map((a) => addAct(b, a)).filter((n): n is Node => n !== undefined)];
    let listen: string | undefined;
    if (children.size) {
      const node = b.push({ id: b.id('listen'), kind: 'listen', routes: [] as { intent: string; next?: string }[] });
      listen = node.id;
      const routes = node.routes as { intent: string; next?: string }[];
      for (const [intent, child] of children) {
        const id = nlu.intentIds.get(intent);
        if (!id) continue;
        const first = emit(b, child.acts, child.children, intent);
        routes.push({ intent: id, ...(first ? { next: first } : {}) });
      }
    }
    made.forEach((n, i) => {
      const next = made[i + 1]?.id ?? listen;
      if (!next || n.kind === 'end') return;
      n.next = next;
      if (n.kind === 'api') Object.assign(n, { error: next, timeout: next });
    });
    return made[0]?.id ?? listen;
  };

  // one flow per intent a conversation can start with
  const globals: GlobalHandler[] = [];
  const starts: { intent: string; flow: string }[] = [];
  for (const [intent, node] of tree.root) {
    const intentId = nlu.intentIds.get(intent);
    if (!intentId) {
      report.person(`Intent \`${intent}\` starts a story or rule (${node.source}) but is not in the domain or the NLU data: left out.`);
      continue;
    }
    const flowId = toId(intentId, flowIds);
    const b = new Builder(flowId);
    const start = b.push({ id: 'start', kind: 'start' });
    const first = emit(b, node.acts, node.children, intent);
    if (first) start.next = first;
    flows.set(flowId, { name: `${intent} (from ${node.source})`.slice(0, 200), nodes: b.nodes as unknown as FlowNode[] });
    globals.push({ id: toId(intentId), intent: intentId, action: 'digress', flow: flowId });
    starts.push({ intent: intentId, flow: flowId });
  }

  // form flows
  for (const [name, form] of Object.entries(m.forms)) {
    const flowId = formFlowIds.get(name)!;
    const b = new Builder(flowId);
    const start = b.push({ id: 'start', kind: 'start' });
    const ignored = form.ignoredIntents.map((i) => ctx.nlu.intentIds.get(i)).filter((i): i is string => i !== undefined);
    const fields = form.requiredSlots.map((slot) => formField(name, slot, form.mappings[slot], ignored, ctx, copyOf));
    const node = b.push({ id: b.id(`form_${name}`), kind: 'form', title: name.replace(/_/g, ' '), fields });
    start.next = node.id;
    const tail = emit(b, tree.submit.get(name) ?? [], new Map());
    if (tail) node.next = tail;
    // a story that stops the form (an intent answered by action_deactivate_loop): its intents abandon it, unasked
    const stop = formStops(m).get(name);
    const abandonOn = (stop?.intents ?? []).map((i) => ctx.nlu.intentIds.get(i)).filter((i): i is string => i !== undefined);
    if (stop && abandonOn.length) {
      node.abandonOn = abandonOn;
      node.confirmLeave = false;
      const said = emit(b, stop.acts, new Map());
      if (said) node.abandoned = said;
      report.mapped(`Form \`${name}\`: ${abandonOn.join(', ')} stops it, as "${stop.source}" does (\`abandonOn\`, then what the story says).`);
    }
    flows.set(flowId, { name: `Form ${name}`, nodes: b.nodes as unknown as FlowNode[] });
    if (form.ignoredIntents.length)
      report.mapped(`Form \`${name}\`: \`ignored_intents\` (${form.ignoredIntents.join(', ')}) are every field's \`notIntents\`.`);
    if (m.actions.includes(`validate_${name}`))
      report.person(
        `Form \`${name}\` has a validation action (\`validate_${name}\`): port its checks to each question's \`validation.expr\` and \`validation.message\`.`,
      );
  }
  if (fillNodes)
    report.mapped(
      `Slots filled from an entity on any message (mappings without a form condition): a \`set\` node at the start of the flows of the intents whose examples annotate the entity (${fillNodes} nodes).`,
    );
  if (Object.keys(m.forms).length)
    report.mapped(
      `${Object.keys(m.forms).length} forms became \`form\` nodes, one field per required slot (filled in any order, from any message, a filled slot skipped), followed by the steps Rasa's rules run when the form completes.`,
    );

  // Rasa Pro CALM flows
  const calmIds = new Map<string, string>();
  for (const name of Object.keys(m.calmFlows)) calmIds.set(name, calmFlowId(name, flowIds));
  for (const [name, raw] of Object.entries(m.calmFlows)) {
    const flowId = calmIds.get(name)!;
    const b = new Builder(flowId);
    const start = b.push({ id: 'start', kind: 'start' });
    const head = buildCalmFlow(
      name,
      raw,
      {
        report,
        flowIds: calmIds,
        intentId: (n) => nlu.intentIds.get(n),
        slotId: ctx.slotId,
        isSlot: (n) => n in m.slots,
        push: (node) => b.push(node),
        newId: (n) => b.id(n),
        addAct: (act) => addAct(b, act),
        askFor: (slot, step) => {
          const q = formField(`calm flow ${name}`, slot, undefined, [], ctx, (n) =>
            typeof step.utter === 'string' && n.startsWith('utter_ask_') ? copyOf(step.utter) : copyOf(n),
          );
          const ask = b.push({ ...q, id: b.id(`ask_${slot}`), kind: 'ask' });
          if (step.ask_before_filling === true) ask.skipIfFilled = false;
          return ask;
        },
      },
      start,
    );
    flows.set(flowId, { ...head, nodes: b.nodes as unknown as FlowNode[] });
  }
  if (calmIds.size)
    report.mapped(
      `${calmIds.size} Rasa Pro CALM flows became flows \`calm_<name>\`: collect → ask, action → message or api, set_slots → set, link → jump, call → call, next with if/then/else → condition.`,
    );

  // main: the listen node every conversation starts at
  const b = new Builder('main');
  const start = b.push({ id: 'start', kind: 'start', next: 'menu' });
  void start;
  const menu = b.push({ id: 'menu', kind: 'listen', routes: [] as unknown[] });
  const fallbackActs = tree.fallback ?? (m.responses.utter_default ? [{ kind: 'utter', name: 'utter_default' } as Act] : []);
  const fbFirst = emit(b, fallbackActs, new Map());
  if (fbFirst) {
    menu.noMatch = fbFirst;
    const last = b.nodes[b.nodes.length - 1]!;
    if (last.kind !== 'end') last.next = 'menu';
  } else {
    const fb = b.push({ id: 'fallback', kind: 'message', say: { [locale]: "Sorry, I didn't understand that. Could you rephrase?" }, next: 'menu' });
    menu.noMatch = fb.id;
    report.approximated(
      'The project has no fallback response (`utter_default` or an `nlu_fallback` rule): the main listen node says a generic line when nothing matches.',
    );
  }
  for (const s of starts) {
    const call = b.push({ id: b.id(`go_${s.flow}`), kind: 'call', flow: s.flow, next: 'menu' });
    (menu.routes as unknown[]).push({ intent: s.intent, next: call.id });
  }
  flows.set('main', { name: 'Main', description: 'Routes what the user says first to the flow of that intent.', nodes: b.nodes as unknown as FlowNode[] });
  report.mapped(
    `${starts.length} intents that start stories or rules became flows, routed from the \`main\` listen node and, with a \`digress\` global handler, heard anywhere (as Rasa's rules are).`,
  );
  if (operations.size)
    report.person(
      `${operations.size} custom actions (${[...operations.keys()].map((a) => `\`${a}\``).join(', ')}) became \`api\` nodes with a TODO note: each needs an HTTP endpoint, its response mapping and the messages it sent. parley.yaml has a \`success\` mock for each, which the imported stories use.`,
    );
  return { flows, globals, operations, responseTexts };
}

function formField(
  form: string,
  slot: string,
  formMappings: RasaSlotMapping[] | undefined,
  ignored: readonly string[],
  ctx: FlowContext,
  copyOf: (n: string) => Copy | undefined,
): Record<string, unknown> {
  const { model: m, nlu, report, locale } = ctx;
  const def = m.slots[slot];
  const mappings = formMappings ?? def?.mappings ?? [];
  let type: SlotType = 'text';
  let entity: string | undefined;
  const fromEntity = mappings.find((x) => x.type === 'from_entity' && x.entity);
  const boolIntents = mappings.filter((x) => x.type === 'from_intent' && typeof x.value === 'boolean');
  if (fromEntity?.entity && BUILTIN_ENTITY_TYPES[fromEntity.entity]) type = BUILTIN_ENTITY_TYPES[fromEntity.entity]!;
  else if (fromEntity?.entity && nlu.entityIds.has(fromEntity.entity)) {
    type = 'entity';
    entity = nlu.entityIds.get(fromEntity.entity);
  } else if (def?.type === 'bool' || boolIntents.length) type = 'yes_no';
  else if (def?.type === 'float') type = 'number';
  else if (fromEntity?.entity)
    report.approximated(
      `Slot \`${slot}\` of form \`${form}\` is filled from entity \`${fromEntity.entity}\`, which Parley cannot extract: its question stores the whole answer as text.`,
    );
  if (mappings.some((x) => x.type === 'from_trigger_intent' || x.type === 'custom'))
    report.approximated(`Slot \`${slot}\` of form \`${form}\`: \`from_trigger_intent\` and \`custom\` mappings are not imported; the question asks for it.`);
  // a mapping's not_intent refuses those intents as answers; `intent` (only these fill it) has no Parley equivalent
  const refused = new Set(ignored);
  for (const x of mappings)
    for (const i of x.not_intent === undefined ? [] : Array.isArray(x.not_intent) ? x.not_intent : [x.not_intent]) {
      const id = ctx.nlu.intentIds.get(i);
      if (id) refused.add(id);
    }
  if (mappings.some((x) => x.intent !== undefined))
    report.approximated(`Slot \`${slot}\` of form \`${form}\`: a mapping's \`intent\` (only those intents fill it) is not checked; \`not_intent\` is.`);
  const prompt = copyOf(`utter_ask_${form}_${slot}`) ?? copyOf(`utter_ask_${slot}`);
  if (!prompt)
    report.person(
      `Slot \`${slot}\` of form \`${form}\` is asked by a custom action (\`action_ask_${slot}\`) or has no \`utter_ask_${slot}\`: its question has a placeholder prompt to rewrite.`,
    );
  // the question's buttons answer it: a payload that sets an entity or is typed text is the answer's value
  const buttons = (prompt?.buttons ?? [])
    .filter((x) => !x.payload?.startsWith('intent:'))
    .map((x) => ({ id: x.id, label: x.label, ...(x.payload ? { value: x.payload } : {}) }));
  if (prompt?.buttons && buttons.length < prompt.buttons.length)
    report.approximated(
      `The question for \`${slot}\` (form \`${form}\`) had buttons that send an intent; only those that give a value are the question's buttons.`,
    );
  return {
    id: ctx.slotId(slot),
    slot: `slots.${ctx.slotId(slot)}`,
    type,
    ...(entity ? { entity } : {}),
    prompt: prompt?.say ?? { [locale]: `What is your ${slot.replace(/_/g, ' ')}?` },
    ...(buttons.length ? { buttons } : {}),
    ...(refused.size ? { notIntents: [...refused] } : {}),
    // Rasa's from_text takes any message as the answer (only not_intent refuses one): no intent interrupts it
    ...(type === 'text' && mappings.some((x) => x.type === 'from_text') ? { intents: 'answer-first' } : {}),
  };
}
