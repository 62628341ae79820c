// The engine's own lines are project copy: parley.yaml's `builtinCopy` words them for the project, a node's
// words them (or removes them, `false`) where it speaks, outputs carry their copy ids, and a locale the project
// did not word keeps the engine's line in that language.
import { describe, expect, it } from 'vitest';
import { flow, keywordNlu, makeModel, simpleSlots } from '../../test/fixtures/engineProject';
import { BUILTIN_KEYS, NodeBuiltinCopy, ProjectBuiltinCopy } from '../schema/builtinCopy';
import type { FlowNode } from '../schema/nodes';
import { defaultBuiltinCopy } from './copy';
import { createEngine, initialState, runTurn } from './engine';
import type { Output } from './types';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;

function engine(manifest: Record<string, unknown> = {}, ask: Record<string, unknown> = {}) {
  const model = makeModel(
    {
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'menu' }),
        n({ id: 'menu', kind: 'listen', routes: [{ intent: 'payments', next: 'amount' }] }),
        n({ id: 'amount', kind: 'ask', slot: 'slots.amount', type: 'amount', prompt: { en: 'How much?', es: '¿Cuánto?' }, ...ask }),
      ]),
      help: flow('Help', [n({ id: 'start', kind: 'start', next: 'tip' }), n({ id: 'tip', kind: 'message', say: { en: 'Help.', es: 'Ayuda.' } })]),
    },
    { globals: [{ id: 'help', intent: 'help', action: 'digress', flow: 'help' }], ...manifest },
  );
  return createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
}

async function said(e: ReturnType<typeof engine>, inputs: string[], locale = 'en') {
  let r = await runTurn(e, initialState(e, { locale }), { type: 'start' }, {});
  for (const text of inputs) r = await runTurn(e, r.state, { type: 'text', text }, {});
  return r.outputs.filter((o): o is Extract<Output, { type: 'text' }> => o.type === 'text').map((o) => [o.copyId, o.text]);
}

describe('built-in lines as copy', () => {
  it("says the engine's line with its copy id, in the conversation's language", async () => {
    expect(await said(engine(), ['payment', 'help'])).toEqual([
      ['help/tip', 'Help.'],
      ['builtin/back', 'Now, back to where we were.'],
      ['main/amount', 'How much?'],
    ]);
    expect((await said(engine(), ['payment', 'help'], 'es'))[1]).toEqual(['builtin/back', 'Volvamos a lo que estábamos haciendo.']);
  });

  it("takes parley.yaml's wording, keeping the engine's in a locale the project left out", async () => {
    const e = engine({ builtinCopy: { back: { en: 'Where were we? Ah yes.' }, didNotUnderstand: { en: 'Say that again, {{customer.name}}?' } } });
    expect((await said(e, ['payment', 'help']))[1]).toEqual(['builtin/back', 'Where were we? Ah yes.']);
    expect((await said(e, ['payment', 'help'], 'es'))[1]).toEqual(['builtin/back', 'Volvamos a lo que estábamos haciendo.']);
    expect(await said(e, ['blah'])).toEqual([['builtin/didNotUnderstand', 'Say that again, Alex?']]);
  });

  it("takes the node's wording where it speaks, or says nothing when it removed the line", async () => {
    const own = engine({}, { builtinCopy: { back: { en: 'Back to the amount.' } } });
    expect((await said(own, ['payment', 'help']))[1]).toEqual(['main/amount.builtinCopy.back', 'Back to the amount.']);
    const none = engine({ builtinCopy: { back: { en: 'Where were we?' } } }, { builtinCopy: { back: false } });
    expect(await said(none, ['payment', 'help'])).toEqual([
      ['help/tip', 'Help.'],
      ['main/amount', 'How much?'],
    ]);
  });

  it('rejects an unknown line, and removing a line whose quick replies need it', () => {
    expect(ProjectBuiltinCopy.safeParse({ bakc: { en: 'x' } }).success).toBe(false);
    const removed = NodeBuiltinCopy.safeParse({ clarify: false });
    expect(removed.success).toBe(false);
    expect(removed.error?.issues[0]?.message).toMatch(/cannot be removed/);
    expect(NodeBuiltinCopy.safeParse({ back: false }).success).toBe(true);
  });

  it('the defaults cover every line in English and Spanish', () => {
    const all = defaultBuiltinCopy(['en', 'es']);
    expect(Object.keys(all).sort()).toEqual([...BUILTIN_KEYS].sort());
    // every line has its own Spanish (only "No" is spelled the same)
    const same = BUILTIN_KEYS.filter((k) => all[k].es === all[k].en);
    expect(same).toEqual(['no']);
  });
});
