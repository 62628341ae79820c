import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadProject, type ProjectSources } from '../project/load';
import { GuardrailsFile } from '../schema/guardrails';
import { ProjectManifest } from '../schema/project';
import { copyChanges, withChangedNodes } from './apply';
import { withYamlEdits } from './yamlEdits';
import { charCount, deckRows, fieldName, hasTextIn, type DeckModel } from './deck';
import { readingGrade } from './readingLevel';
import { matchesIn, previewReplace } from './replace';
import { CopyTableError, columnName, copyTable, editsFromTable, escapeCell, unescapeCell } from './table';

const SAMPLE = path.resolve(__dirname, '../../examples/acme-bank');
const read = (f: string) => ({ file: f, text: readFileSync(path.join(SAMPLE, f), 'utf8') });
const sources = (): ProjectSources => ({
  manifest: read('parley.yaml'),
  nlu: read('nlu.yaml'),
  guardrails: read('guardrails.yaml'),
  flows: readdirSync(path.join(SAMPLE, 'flows')).map((f) => read(`flows/${f}`)),
});

function sample(): DeckModel {
  const p = loadProject(sources()).project!;
  return { manifest: p.manifest, flows: p.flows, guardrails: GuardrailsFile.parse(parse(read('guardrails.yaml').text)) };
}
const LOCALES = { defaultLocale: 'en', locales: ['en', 'es'] };

describe('the copy deck', () => {
  it('lists every line of the sample: node copy with stable ids, the engine lines, global replies, guardrail messages', () => {
    const rows = deckRows(sample());
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const nodeRows = rows.filter((r) => r.source.type === 'node');
    expect(nodeRows.length).toBeGreaterThan(40);
    expect(nodeRows.every((r) => /^c_[0-9a-z]{10}$/.test(r.id))).toBe(true);
    expect(rows.find((r) => r.id === 'builtin/back')).toMatchObject({ engineText: { en: 'Now, back to where we were.' } });
    expect(rows.some((r) => r.source.type === 'guardrail')).toBe(true);
    const welcome = nodeRows.find((r) => r.alias === 'main/greet');
    expect(welcome).toMatchObject({ flowId: 'main', nodeId: 'greet', field: 'Message' });
    expect(hasTextIn(welcome!, 'es')).toBe(true);
  });

  it('names fields as a writer would and counts characters of the longest variant', () => {
    expect(fieldName('buttons.yes.label')).toBe('Button “yes”');
    expect(fieldName('fields.amount.reprompt')).toBe('Field “amount”: Re-ask');
    expect(fieldName('variants.b.say')).toBe('Variant “b”');
    expect(fieldName('builtinCopy.back')).toBe("Bot's own: back");
    const row = { ...deckRows(sample())[0]!, text: { en: ['short', 'a longer one'] } };
    expect(charCount(row, 'en')).toBe(12);
  });

  it('gives plain copy a lower reading grade than dense copy, and none to a text without words', () => {
    const plain = readingGrade('Your card is blocked. We will send a new one.')!;
    const dense = readingGrade('Notwithstanding the aforementioned considerations, institutional authorisation necessitates comprehensive verification.')!;
    expect(plain).toBeLessThan(6);
    expect(dense).toBeGreaterThan(plain + 8);
    expect(readingGrade('{{amount}}')).toBeDefined();
    expect(readingGrade(' … ')).toBeUndefined();
  });
});

describe('copy tables (CSV and XLSX content)', () => {
  it('escapes formula-like cells and reads them back exactly', () => {
    for (const t of ['=SUM(A1)', '+1 555', '-5 fee', '@home', "'quoted", "'=x", '\tx', 'plain', "it's"]) {
      expect(unescapeCell(escapeCell(t))).toBe(t);
      expect(/^[=+\-@\t\r]/.test(escapeCell(t))).toBe(false);
    }
    expect(escapeCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
  });

  it('a round trip of the sample changes nothing', () => {
    const rows = deckRows(sample());
    const table = copyTable(rows, ['en', 'es']);
    expect(table[0]).toEqual(['copy_id', 'variant', 'flow', 'node', 'field', 'en', 'es']);
    expect(editsFromTable(rows, table, LOCALES, 'copy.csv')).toEqual([]);
  });

  it('a line with variants takes a row per variant and reads back the same', () => {
    const rows = deckRows(sample());
    const row = rows.find((r) => r.source.type === 'node')!;
    const withVariants = [{ ...row, text: { en: ['One.', '=Two'], es: 'Uno.' } }, ...rows.slice(1)];
    const table = copyTable(withVariants, ['en', 'es']);
    const mine = table.filter((r) => r[0] === row.id);
    expect(mine.map((r) => [r[1], r[5], r[6]])).toEqual([
      ['1', 'One.', 'Uno.'],
      ['2', "'=Two", ''],
    ]);
    expect(editsFromTable(withVariants, table, LOCALES, 'copy.csv')).toEqual([]);
  });

  it('reads changed cells as edits, an emptied translation as a removal, an engine line back to its default as none', () => {
    const rows = deckRows(sample());
    const table = copyTable(rows, ['en', 'es']).map((r) => [...r]);
    const welcome = rows.find((r) => r.alias === 'main/greet')!;
    const i = table.findIndex((r) => r[0] === welcome.id);
    table[i]![6] = '¡Hola! Soy Acme.';
    const back = table.findIndex((r) => r[0] === 'builtin/back');
    table[back]![5] = 'Back to it.';
    const edits = editsFromTable(rows, table, LOCALES, 'copy.csv');
    expect(edits).toEqual([
      { id: welcome.id, locale: 'es', before: welcome.text.es, after: '¡Hola! Soy Acme.' },
      { id: 'builtin/back', locale: 'en', before: 'Now, back to where we were.', after: 'Back to it.' },
    ]);
    table[i]![6] = '';
    expect(editsFromTable(rows, table, LOCALES, 'copy.csv')[0]).toMatchObject({ id: welcome.id, locale: 'es', after: undefined });
  });

  it('rejects bad tables naming the row and the column, so nothing is applied', () => {
    const rows = deckRows(sample());
    const good = copyTable(rows, ['en', 'es']);
    const bad = (t: string[][]) => {
      try {
        editsFromTable(rows, t, LOCALES, 'copy.csv');
      } catch (e) {
        expect(e).toBeInstanceOf(CopyTableError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad([['flow', 'en']])).toBe('copy.csv, row 1: no copy_id column: export the copy deck to get a file with the right columns');
    expect(bad([['copy_id', 'en', 'fr']])).toMatch(/row 1, column C: "fr" is not a locale of the project \(en, es\)/);
    expect(bad([good[0]!, ['c_nope000000', '', '', '', '', 'x', 'y']])).toMatch(/row 2, column A: unknown copy id "c_nope000000"/);
    expect(bad([good[0]!, [good[1]![0]!, 'two', '', '', '', 'x', 'y']])).toMatch(/row 2, column B: variant "two" is not a number/);
    expect(bad([good[0]!, good[1]!, good[1]!])).toMatch(/row 3, column A: line ".*" is given twice/);
    expect(bad([good[0]!, good[1]!.slice(0, 4)])).toMatch(/row 2: has 4 cells where the header has 7/);
    const emptied = good.map((r) => [...r]);
    emptied[1]![5] = '';
    expect(bad(emptied)).toMatch(/row 2, column F: the en text of ".*" is empty/);
    expect(bad([['copy_id', 'en', 'en']])).toMatch(/column C: column "en" is there twice/);
    expect(columnName(28)).toBe('AB');
  });
});

describe('applying copy edits', () => {
  it('changes the node at the line, and parley.yaml and guardrails.yaml in place, comments kept', () => {
    const model = sample();
    const rows = deckRows(model);
    const welcome = rows.find((r) => r.alias === 'main/greet')!;
    const rule = rows.find((r) => r.source.type === 'guardrail')!;
    const changes = copyChanges(rows, model.flows, [
      { id: welcome.id, locale: 'es', before: undefined, after: 'Hola.' },
      { id: 'builtin/back', locale: 'es', before: undefined, after: 'Sigamos.' },
      { id: rule.id, locale: 'en', before: undefined, after: 'Let us keep it friendly.' },
    ]);
    const flow = withChangedNodes(model.flows.main!, changes.nodes.get('main')!);
    expect(flow.nodes.find((n) => n.id === 'greet')).toMatchObject({ say: { es: 'Hola.' } });
    expect(flow.nodes.filter((n, i) => n !== model.flows.main!.nodes[i]).map((n) => n.id)).toEqual(['greet']);

    const manifest = read('parley.yaml').text;
    const after = withYamlEdits(manifest, changes.manifest, 'parley.yaml');
    expect(ProjectManifest.parse(parse(after)).builtinCopy?.back).toEqual({ es: 'Sigamos.' });
    const comments = (t: string) => t.split('\n').filter((l) => l.trim().startsWith('#'));
    expect(comments(after)).toEqual(comments(manifest));
    expect(withYamlEdits(after, [{ path: ['builtinCopy', 'back', 'es'], value: undefined }], 'parley.yaml')).not.toContain('builtinCopy');

    const g = withYamlEdits(read('guardrails.yaml').text, changes.guardrails, 'guardrails.yaml');
    expect(GuardrailsFile.parse(parse(g)).rules![(rule.source as { index: number }).index]!.message).toMatchObject({ en: 'Let us keep it friendly.' });
    expect(() => withYamlEdits('a: [', changes.manifest, 'parley.yaml')).toThrow(/parley.yaml does not parse/);
  });
});

describe('find and replace', () => {
  it('matches plain text, never inside placeholders, by whole words when asked', () => {
    expect(matchesIn('Your amount is {{slots.amount}}. Amount due.', { find: 'amount' })).toEqual([
      [5, 11],
      [33, 39],
    ]);
    expect(matchesIn('card cards', { find: 'card', wholeWord: true })).toEqual([[0, 4]]);
    expect(matchesIn('Card card', { find: 'card', matchCase: true })).toEqual([[5, 9]]);
    expect(matchesIn('a.*b', { find: '.*' })).toEqual([[1, 3]]);
  });

  it('previews every line it changes in the locales asked, variants included', () => {
    const rows = deckRows(sample()).slice(0, 3);
    const first = { ...rows[0]!, text: { en: ['Sorry, no.', 'sorry again'], es: 'Lo siento' } };
    const preview = previewReplace([first, ...rows.slice(1)], { find: 'sorry', replace: 'Apologies', locales: ['en'] });
    expect(preview).toEqual([{ id: first.id, locale: 'en', before: ['Sorry, no.', 'sorry again'], after: ['Apologies, no.', 'Apologies again'], count: 2 }]);
  });
});
