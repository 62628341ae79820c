import { describe, expect, it } from 'vitest';
import { generateFlow } from '../../../test/fixtures/generateFlow';
import type { FlowNode } from '../../schema/nodes';
import type { Flow, Intent } from '../../schema/project';
import { applyChanges } from '../changes';
import { buildSearchIndex, createSearchIndex, search, updateSearchIndex, type SearchResult } from './index';

const main: Flow = {
  name: 'Main menu',
  nodes: [
    { id: 'start', kind: 'start', next: 'greet' },
    {
      id: 'greet',
      kind: 'message',
      title: 'Greeting',
      say: { en: 'Hi {{customer.first_name}}! Ask me about cards or our hours.', es: 'Hola. Pregúntame por tarjetas u horarios.' },
      buttons: [
        { id: 'btn_hours', label: { en: 'Hours', es: 'Horario' }, next: 'menu' },
        { id: 'btn_card', label: { en: 'Lost card', es: 'Tarjeta perdida' }, next: 'menu' },
      ],
      next: 'menu',
    },
    {
      id: 'menu',
      kind: 'listen',
      title: 'What do they want?',
      routes: [
        { intent: 'lost_card', next: 'go_card' },
        { intent: 'ask_hours', next: 'go_hours' },
      ],
    },
    { id: 'go_card', kind: 'jump', flow: 'card_lost' },
    { id: 'go_hours', kind: 'jump', title: 'Opening hours', flow: 'hours' },
  ],
};

const hours: Flow = {
  name: 'Opening hours',
  nodes: [
    { id: 'start', kind: 'start', triggers: ['ask_hours'], next: 'search_hours' },
    { id: 'search_hours', kind: 'knowledge', title: 'Search the hours document', sources: ['hours.md'], saveAs: 'kb.answer', next: 'hours_reply' },
    {
      id: 'hours_reply',
      kind: 'message',
      notes: 'Holiday hours come from the knowledge base.',
      say: { en: ['Our opening hours are 9 to 5 on weekdays.', 'We are open from 9 to 5, Monday to Friday.'], es: 'Abrimos de 9 a 5 en días laborables.' },
      next: 'hours_end',
    },
    { id: 'hours_end', kind: 'end', outcome: 'resolved', say: { en: 'Anything else about our branches?' } },
  ],
};

const cardLost: Flow = {
  name: 'Lost or stolen card',
  nodes: [
    { id: 'start', kind: 'start', triggers: ['lost_card'], next: 'ask_last4' },
    {
      id: 'ask_last4',
      kind: 'ask',
      title: 'Last 4 digits',
      slot: 'slots.card_last4',
      type: 'card_last4',
      prompt: { en: 'What are the last 4 digits of the card?' },
      reprompt: { en: 'Just the last 4 digits, please.' },
      validation: { expr: 'value in customer.card_last4s', message: { en: "Those digits don't match any of your cards." } },
      next: 'remember',
    },
    {
      id: 'remember',
      kind: 'set',
      assign: [
        { var: 'card.reported_at', value: 'now()' },
        { var: 'card.attempts', value: 'card.attempts + 1' },
      ],
      next: 'block_card',
    },
    {
      id: 'block_card',
      kind: 'api',
      title: 'Block the card',
      operation: 'block_card_op',
      method: 'POST',
      url: 'https://api.bank.example/cards/{{slots.card_last4}}/block',
      assign: [{ var: 'card.block_ref', path: 'data.reference' }],
      next: 'blocked',
      error: 'summarise',
    },
    {
      id: 'summarise',
      kind: 'llm',
      mode: 'extract',
      prompt: 'Summarise why the block failed: {{error.message}}',
      saveAs: 'card.summary',
      extract: [{ var: 'card.reason', description: 'why it failed' }],
      next: 'blocked',
    },
    {
      id: 'blocked',
      kind: 'message',
      title: 'Card blocked',
      say: { en: 'Done: your card ending {{slots.card_last4}} is blocked. Your reference is {{card.block_ref}}. The replacement arrives in 5 business days.' },
      next: 'card_end',
    },
    { id: 'card_end', kind: 'handoff', queue: 'card_services', say: { en: 'Passing you to Card Services now.' } },
  ],
};

const intents: Intent[] = [
  { id: 'lost_card', description: 'A card is lost or stolen.', examples: { en: ['I lost my wallet', 'my card was stolen'] } },
  { id: 'ask_hours', examples: { en: ['when are you open'] } },
];

const flows = { main, hours, card_lost: cardLost };
const index = buildSearchIndex(flows, intents);
const ids = (results: SearchResult[]) => results.map((r) => `${r.flowId}/${r.nodeId}`);
const highlighted = (r: SearchResult | undefined) => (r ? r.snippet.ranges.map(([a, b]) => r.snippet.text.slice(a, b)) : []);

describe('search across flows', () => {
  it('puts the node whose copy has the exact phrase first, and highlights the phrase', () => {
    const results = search(index, 'opening hours');
    expect(results[0]).toMatchObject({ flowId: 'hours', nodeId: 'hours_reply', kind: 'message', field: 'say.en[0]', fieldLabel: 'Bot says (en, variant 1)' });
    expect(highlighted(results[0])).toEqual(['opening hours']);
    // A title that says it too, and every node of the flow named "Opening hours", come after.
    expect(ids(results)).toContain('main/go_hours');
    expect(ids(results).indexOf('main/go_hours')).toBeGreaterThan(0);
  });

  it('ranks an exact phrase in copy above the same words apart', () => {
    const results = search(index, 'card blocked');
    // "card ... is blocked" (words apart) in blocked; "Card blocked" is the title of the same node: one result per node.
    expect(ids(results)[0]).toBe('card_lost/blocked');
    expect(new Set(ids(results)).size).toBe(results.length);
  });

  it('matches the word being typed as a prefix (typing as you go)', () => {
    expect(ids(search(index, 'opening hou'))[0]).toBe('hours/hours_reply');
    expect(ids(search(index, 'replace'))).toEqual(['card_lost/blocked']);
    expect(highlighted(search(index, 'replace')[0])).toEqual(['replace']);
  });

  it('forgives a small typo', () => {
    const results = search(index, 'replacment');
    expect(ids(results)).toEqual(['card_lost/blocked']);
    expect(highlighted(results[0])).toEqual(['replacement']);
    expect(ids(search(index, 'bussiness days'))).toEqual(['card_lost/blocked']);
  });

  it('needs every word (AND)', () => {
    expect(ids(search(index, 'digits card'))).toEqual(['card_lost/ask_last4']);
    expect(search(index, 'digits weekdays')).toEqual([]);
  });

  it('finds copy in every locale and variant, ignoring accents and case', () => {
    expect(search(index, 'Monday to Friday')[0]).toMatchObject({ nodeId: 'hours_reply', field: 'say.en[1]' });
    const es = search(index, 'dias laborables');
    expect(es[0]).toMatchObject({ nodeId: 'hours_reply', field: 'say.es', fieldLabel: 'Bot says (es)' });
    expect(highlighted(es[0])).toEqual(['días laborables']);
    expect(search(index, 'tarjeta perdida')[0]).toMatchObject({ nodeId: 'greet', field: 'buttons[1].label.es' });
  });

  it('finds copy in ask prompts, re-prompts, validation messages, handoff and end nodes', () => {
    expect(search(index, 'just the last 4')[0]).toMatchObject({ nodeId: 'ask_last4', field: 'reprompt.en' });
    expect(search(index, "don't match")[0]).toMatchObject({ nodeId: 'ask_last4', field: 'validation.message.en' });
    expect(search(index, 'passing you to card services')[0]).toMatchObject({ nodeId: 'card_end', kind: 'handoff', field: 'say.en' });
    expect(search(index, 'about our branches')[0]).toMatchObject({ nodeId: 'hours_end', kind: 'end' });
  });

  it('finds variables where they are set first, then where they are read', () => {
    const slot = search(index, 'card_last4');
    expect(slot[0]).toMatchObject({ nodeId: 'ask_last4', field: 'slot' });
    expect(ids(slot)).toEqual(expect.arrayContaining(['card_lost/block_card', 'card_lost/blocked']));
    expect(search(index, 'slots.card_last4')[0]).toMatchObject({ nodeId: 'ask_last4', field: 'slot' });
    expect(search(index, 'card.attempts')[0]).toMatchObject({ nodeId: 'remember', field: 'assign[1].var' });
    expect(search(index, 'card.summary')[0]).toMatchObject({ nodeId: 'summarise', field: 'saveAs' });
    expect(search(index, 'card.reason')[0]).toMatchObject({ nodeId: 'summarise', field: 'extract[0].var' });
    expect(search(index, 'kb.answer')[0]).toMatchObject({ nodeId: 'search_hours', field: 'saveAs' });
    expect(search(index, 'block_ref')[0]).toMatchObject({ nodeId: 'block_card', field: 'assign[0].var' });
    // A template variable in copy, and one in an expression.
    expect(ids(search(index, 'customer.first_name'))).toEqual(['main/greet']);
    expect(highlighted(search(index, 'first_name')[0])).toEqual(['first_name']);
    expect(ids(search(index, 'customer.card_last4s'))).toEqual(['card_lost/ask_last4']);
    expect(ids(search(index, 'error.message'))).toEqual(['card_lost/summarise']);
  });

  it('finds intents routed by listen nodes and triggering start nodes, then example utterances', () => {
    expect(ids(search(index, 'lost_card')).slice(0, 2).sort()).toEqual(['card_lost/start', 'main/menu']);
    expect(
      search(index, 'ask_hours')
        .map((r) => r.field)
        .sort(),
    ).toEqual(['routes[1].intent', 'triggers[0]']);
    const example = search(index, 'lost my wallet');
    expect(example[0]).toMatchObject({ flowId: 'main', nodeId: 'menu', field: 'routes[0].intent', fieldLabel: 'Intent lost_card: example (en)' });
  });

  it('finds node ids, button ids, titles and API operations', () => {
    expect(search(index, 'hours_reply')[0]).toMatchObject({ flowId: 'hours', nodeId: 'hours_reply', field: 'id' });
    expect(search(index, 'btn_card')[0]).toMatchObject({ nodeId: 'greet', field: 'buttons[1].id' });
    expect(search(index, 'block_card_op')[0]).toMatchObject({ nodeId: 'block_card', kind: 'api', field: 'operation' });
    expect(search(index, 'last 4 digits')[0]).toMatchObject({ nodeId: 'ask_last4' });
    expect(search(index, 'greeting')[0]).toMatchObject({ nodeId: 'greet', field: 'title', title: 'Greeting' });
  });

  it('searches every flow, labels results with their flow, and narrows by flow name', () => {
    const results = search(index, 'card');
    expect(new Set(results.map((r) => r.flowId))).toEqual(new Set(['main', 'card_lost']));
    expect(results.find((r) => r.flowId === 'card_lost')?.flowName).toBe('Lost or stolen card');
    // "stolen" is only in the flow's name: every node of that flow matches, after nodes that say it.
    expect(new Set(search(index, 'stolen digits').map((r) => r.nodeId))).toEqual(new Set(['ask_last4']));
    expect(search(index, 'hours', { limit: 3 })).toHaveLength(3);
    expect(search(index, '   ')).toEqual([]);
    expect(search(index, '?!')).toEqual([]);
  });

  it('gives a short snippet around the match of long text, with the range inside it', () => {
    const long: Flow = {
      name: 'Long',
      nodes: [{ id: 'm', kind: 'message', say: { en: `${'Lorem ipsum dolor sit amet. '.repeat(20)}The needle is here. ${'More filler text. '.repeat(20)}` } }],
    };
    const r = search(buildSearchIndex({ long }), 'needle')[0]!;
    expect(r.snippet.text.length).toBeLessThan(170);
    expect(r.snippet.text.startsWith('…')).toBe(true);
    expect(r.snippet.text.endsWith('…')).toBe(true);
    expect(highlighted(r)).toEqual(['needle']);
  });
});

describe('keeping the index up to date', () => {
  it('re-indexes only the nodes that changed, and nothing when no flow changed', () => {
    const idx = createSearchIndex();
    expect(updateSearchIndex(idx, flows, intents)).toEqual({ added: 16, removed: 0, kept: 0 });
    expect(updateSearchIndex(idx, { ...flows }, intents)).toEqual({ added: 0, removed: 0, kept: 16 });

    const reply = hours.nodes[2] as Extract<FlowNode, { kind: 'message' }>;
    const edited = applyChanges(hours, [{ type: 'node.update', id: 'hours_reply', node: { ...reply, say: { en: 'We open at dawn.' } } }]);
    expect(updateSearchIndex(idx, { ...flows, hours: edited }, intents)).toEqual({ added: 1, removed: 1, kept: 15 });
    expect(ids(search(idx, 'dawn'))).toEqual(['hours/hours_reply']);
    expect(ids(search(idx, 'weekdays'))).toEqual([]);

    // A renamed flow: every node carries the flow's name, so all of them are re-indexed.
    const renamed = applyChanges(edited, [{ type: 'flow.rename', name: 'Branch times' }]);
    expect(updateSearchIndex(idx, { ...flows, hours: renamed }, intents)).toMatchObject({ added: 4, removed: 4 });
    expect(search(idx, 'dawn')[0]?.flowName).toBe('Branch times');

    // A deleted flow, and new intents (listen and start nodes are re-indexed).
    const { card_lost: _gone, ...rest } = flows;
    updateSearchIndex(idx, { ...rest, hours: renamed }, intents);
    expect(search(idx, 'card_last4')).toEqual([]);
    expect(updateSearchIndex(idx, { ...rest, hours: renamed }, [{ id: 'lost_card', examples: { en: ['misplaced my purse'] } }])).toMatchObject({
      added: 3,
      removed: 3,
    }); // 2 starts, 1 listen
    expect(ids(search(idx, 'misplaced purse'))).toEqual(['main/menu']);
    expect(search(idx, 'lost my wallet')).toEqual([]);
  });

  it('stays correct through many edits (discarded documents are cleaned up by a rebuild)', () => {
    let flow = generateFlow(300);
    const idx = buildSearchIndex({ big: flow });
    for (let round = 0; round < 8; round++) {
      flow = applyChanges(
        flow,
        flow.nodes
          .filter((n) => n.kind === 'message')
          .map((n) => ({ type: 'node.update' as const, id: n.id, node: { ...n, title: `Round ${round} ${n.id}` } })),
      );
      updateSearchIndex(idx, { big: flow });
    }
    expect(idx.size).toBe(300);
    expect(ids(search(idx, 'round 7 n3'))[0]).toBe('big/n3'); // then n30…n39 (the word being typed)
    expect(search(idx, 'round 6').filter((r) => r.title.startsWith('Round 6'))).toEqual([]);
  });

  it('indexes 5,000 nodes and answers queries (timings printed, not asserted)', () => {
    const big = generateFlow(5000);
    const t0 = performance.now();
    const idx = buildSearchIndex({ ...flows, big }, intents);
    const indexMs = performance.now() - t0;
    const timings: string[] = [];
    for (const q of ['step 4323', 'realistic length', 'relistic', 'how many items for st', 'op_42', 'slot_4000', 's']) {
      const t = performance.now();
      const results = search(idx, q, { limit: 50 });
      const cold = performance.now() - t;
      const t2 = performance.now();
      search(idx, q, { limit: 50 });
      timings.push(`"${q}" ${cold.toFixed(1)} / ${(performance.now() - t2).toFixed(1)} ms (${results.length})`);
      expect(results.length).toBeGreaterThan(0);
    }
    const edited = applyChanges(big, [{ type: 'node.update', id: 'n3', node: { ...(big.nodes[3] as FlowNode), title: 'Edited' } }]);
    const t1 = performance.now();
    updateSearchIndex(idx, { ...flows, big: edited }, intents);
    const updateMs = performance.now() - t1;
    console.log(
      `search index: ${idx.size} nodes indexed in ${indexMs.toFixed(0)} ms; one edited node re-indexed in ${updateMs.toFixed(1)} ms; queries (first / again): ${timings.join(', ')}`,
    );
    expect(search(idx, 'step 4323', { limit: 1 })[0]).toMatchObject({ flowId: 'big', nodeId: 'n4323' });
    expect(search(idx, 'op_42')[0]).toMatchObject({ nodeId: 'n42', field: 'operation' });
  });
});
