import { describe, expect, it } from 'vitest';
import type { DeckRow } from '../../../shared/copy/deck';
import { cellEdit } from './DeckCell';
import { checkedRows, copyRefsOf, filterRows, type DeckQuery } from './filters';

const row = (id: string, extra: Partial<DeckRow> = {}): DeckRow => ({
  id,
  alias: `main/${id}`,
  flowId: 'main',
  nodeId: id,
  field: 'Message',
  text: { en: `Hello from ${id}` },
  stale: {},
  source: { type: 'node', flowId: 'main', nodeId: id, path: ['say'] },
  ...extra,
});
const ROWS = [
  row('c_aaaaaaaaaa', { text: { en: 'Your card is blocked.', es: 'Tu tarjeta está bloqueada.' } }),
  row('c_bbbbbbbbbb', { text: { en: 'Anything else?' }, flowId: 'help', nodeId: 'more', alias: 'help/more' }),
  row('c_cccccccccc', { text: { en: 'Sorry.', es: 'Perdón.' }, stale: { es: 'Sorry!' } }),
  row('builtin/back', {
    flowId: undefined,
    nodeId: undefined,
    text: {},
    engineText: { en: 'Back.', es: 'Volvamos.' },
    source: { type: 'builtin', key: 'back' },
  }),
];
const q = (patch: Partial<DeckQuery>): DeckQuery => ({ flow: 'all', filter: 'all', locale: 'es', text: '', ...patch });
const ids = (rows: DeckRow[]) => rows.map((r) => r.id);

describe('copy deck filters', () => {
  it('by flow, project lines, missing and stale in a locale, and words', () => {
    expect(ids(filterRows(ROWS, q({ flow: 'help' }), new Set()))).toEqual(['c_bbbbbbbbbb']);
    expect(ids(filterRows(ROWS, q({ flow: 'project' }), new Set()))).toEqual(['builtin/back']);
    // an engine line the engine words in Spanish is not missing
    expect(ids(filterRows(ROWS, q({ filter: 'missing' }), new Set()))).toEqual(['c_bbbbbbbbbb']);
    expect(ids(filterRows(ROWS, q({ filter: 'stale' }), new Set()))).toEqual(['c_cccccccccc']);
    expect(ids(filterRows(ROWS, q({ text: 'TARJETA' }), new Set()))).toEqual(['c_aaaaaaaaaa']);
    expect(ids(filterRows(ROWS, q({ text: 'volvamos' }), new Set()))).toEqual(['builtin/back']);
  });

  it('finds the lines stories check by id, alias or words', () => {
    const refs = new Set(copyRefsOf('turns:\n  - user: hi\n    says:\n      - copy: help/more\n      - copy: c_cccccccccc\n'));
    expect([...refs]).toEqual(['help/more', 'c_cccccccccc']);
    expect(copyRefsOf('turns: [')).toEqual([]);
    const checked = checkedRows(ROWS, refs, (texts) => texts.some((t) => t.includes('blocked')));
    expect([...checked].sort()).toEqual(['c_aaaaaaaaaa', 'c_bbbbbbbbbb', 'c_cccccccccc']);
    expect(ids(filterRows(ROWS, q({ filter: 'checked' }), checked))).toHaveLength(3);
  });

  it('turns a cell edit into a copy edit: variants kept as a list, the engine wording as none, no empty default text', () => {
    expect(cellEdit(ROWS[0]!, 'es', 'en', ['Tu tarjeta está bloqueada.'])).toBeUndefined();
    expect(cellEdit(ROWS[1]!, 'es', 'en', ['¿Algo más?'])).toEqual({ id: 'c_bbbbbbbbbb', locale: 'es', before: undefined, after: '¿Algo más?' });
    expect(cellEdit(ROWS[0]!, 'es', 'en', ['  '])).toEqual({ id: 'c_aaaaaaaaaa', locale: 'es', before: 'Tu tarjeta está bloqueada.', after: undefined });
    expect(cellEdit(ROWS[0]!, 'en', 'en', [''])).toBe("The en text cannot be empty: it is the project's default locale.");
    const variants = row('c_dddddddddd', { text: { en: ['One.', 'Two.'] } });
    expect(cellEdit(variants, 'en', 'en', ['One.', 'Three.'])).toMatchObject({ after: ['One.', 'Three.'] });
    expect(cellEdit(ROWS[3]!, 'en', 'en', ['Back.'])).toBeUndefined();
    expect(cellEdit(ROWS[3]!, 'en', 'en', ['Back to it.'])).toMatchObject({ id: 'builtin/back', after: 'Back to it.' });
  });
});
