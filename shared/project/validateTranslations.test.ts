import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from './load';
import { formatProblem } from './problems';
import { serializeFlow } from './serialize';
import { validateProject } from './validate';
import { translationChecks, translationContext } from './validateTranslations';
import { flow, makeModel } from '../../test/fixtures/engineProject';
import type { FlowNode } from '../schema/nodes';

const SAMPLE = path.resolve(__dirname, '../../examples/acme-bank');
const read = (f: string) => ({ file: f, text: readFileSync(path.join(SAMPLE, f), 'utf8') });
const sample = () => ({ manifest: read('parley.yaml'), nlu: read('nlu.yaml'), flows: readdirSync(path.join(SAMPLE, 'flows')).map((f) => read(`flows/${f}`)) });
const ctx = (translations?: Parameters<typeof translationContext>[0]['translations']) =>
  translationContext({ defaultLocale: 'en', locales: ['en', 'es', 'fr'], ...(translations ? { translations } : {}) });
const checks = (text: Record<string, string | string[]>, t?: Parameters<typeof ctx>[0]) =>
  translationChecks(text, ctx(t)).map((c) => `${c.severity} ${c.path.join('.')}: ${c.message}`);

describe('translation checks', () => {
  it('report a locale with no text, as a warning unless parley.yaml says otherwise per locale, and text in a locale the project lacks', () => {
    expect(checks({ en: 'Hello', es: 'Hola', de: 'Hallo' })).toEqual([
      `warning de: locale "de" is not in the project's locales`,
      'warning fr: no French (fr) text: customers in French (fr) get the English (en) one',
    ]);
    expect(checks({ en: 'Hello', es: '  ' }, { locales: { es: 'error', fr: 'off' } })).toEqual([
      'error es: no Spanish (es) text: customers in Spanish (es) get the English (en) one',
    ]);
    expect(checks({ en: ['Hello', 'Hi'] }, { missing: 'off' })).toEqual([]);
    // nothing to translate yet: the default locale's text missing is the schema's problem, not a translation's
    expect(checks({ es: 'Hola' }, { missing: 'error' })).toEqual([]);
  });

  it('flag a translation whose placeholders read other variables than the default text, whatever their filters', () => {
    const en = 'Your {{slots.card_type}} card ending {{slots.card_last4}} is blocked. Ref {{card.ref | upper}}.';
    expect(
      checks({
        en,
        es: 'Tu tarjeta terminada en {{ slots.card_last4 }} está bloqueada. Ref {{card.ref}}, {{cliente.nombre}}.',
        fr: "Votre carte {{ slots.card_type == 'credit' ? 'de crédit' : 'de débit' }} finissant par {{slots.card_last4}} est bloquée. Réf {{card.ref}}.",
      }),
    ).toEqual(['warning es: the placeholders differ from the English (en) text: no {{slots.card_type}}; {{cliente.nombre}} not in the en text']);
    // variants of a line are alternatives: what they read together counts
    expect(checks({ en: ['Hi {{customer.name}}', 'Hello'], es: ['Hola', 'Buenas, {{customer.name}}'], fr: 'Bonjour {{customer.name}}' })).toEqual([]);
  });

  it('find every line of the sample translated into Spanish (the reproduction: 33 lines had no Spanish and Problems said none)', () => {
    const loaded = loadProject(sample());
    expect(loaded.problems.filter((p) => p.message.includes('Spanish (es)')).map(formatProblem)).toEqual([]);
    // a line whose Spanish is removed is reported at its field, in the flow file, on its line
    const main = loaded.project!.flows.main!;
    const greet = main.nodes.find((n) => n.id === 'greet') as Extract<FlowNode, { kind: 'message' }>;
    const { es: _es, ...english } = greet.say;
    const edited = { ...main, nodes: main.nodes.map((n) => (n === greet ? { ...greet, say: english } : n)) };
    const again = loadProject({
      ...sample(),
      flows: sample().flows.map((f) => (f.file === 'flows/main.yaml' ? { file: f.file, text: serializeFlow(edited) } : f)),
    });
    const found = again.problems.filter((p) => p.message.includes('Spanish (es)'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', file: 'flows/main.yaml', field: `nodes[${main.nodes.indexOf(greet)}].say.es`, nodeId: 'greet' });
    expect(found[0]!.line).toBeGreaterThan(1);
  });

  it('check global handlers in parley.yaml too, with the severity it sets', () => {
    const model = makeModel(
      { main: flow('Main', [{ id: 'start', kind: 'start' } as FlowNode]) },
      {
        globals: [{ id: 'agent', intent: 'agent', action: 'cancel', say: { en: 'Okay, I stopped that.' } }],
        translations: { locales: { es: 'error' } },
      },
    );
    expect(
      validateProject(model)
        .filter((p) => p.message.includes('Spanish'))
        .map(formatProblem),
    ).toEqual(['parley.yaml: globals[0].say.es: no Spanish (es) text: customers in Spanish (es) get the English (en) one']);
    expect(validateProject(model).find((p) => p.message.includes('Spanish'))?.severity).toBe('error');
  });
});
