import { describe, expect, it } from 'vitest';
import { lintCopy, ruleDescription } from './lint';
import { loadProject } from '../project/load';

const rules = (text: string | string[], locale = 'en', o: Parameters<typeof lintCopy>[2] = {}) => lintCopy(text, locale, o).map((f) => f.rule);

describe('the copy lint', () => {
  it('flags defensive and blaming phrasing with a suggested fix, in English', () => {
    const [f] = lintCopy('As we said, you failed to enter the code.', 'en').filter((x) => x.rule === 'defensive');
    expect(f).toMatchObject({ rule: 'defensive', severity: 'warning', message: '“As we said” can sound defensive or blaming', start: 0, end: 10 });
    expect(f!.suggestion).toMatch(/Repeat the information/);
    expect(rules('As we said, you failed to enter the code.').filter((r) => r === 'defensive')).toHaveLength(2);
    expect(rules('Let’s try that again: I need the six-digit code.')).not.toContain('defensive');
    // Spanish is not covered by the English prose rules
    expect(rules('Como dijimos, obviously.', 'es')).not.toContain('defensive');
  });

  it('uses the retext rules: jargon with its plainer word, passive voice, inclusive language, reading level', () => {
    const jargon = lintCopy('Please utilize the app to transfer funds.', 'en').find((f) => f.rule === 'jargon');
    expect(jargon).toMatchObject({ message: '“utilize” has a plainer alternative', suggestion: 'Use “use”.' });
    expect(rules('Your account has been frozen.')).toEqual(['passive']);
    expect(rules('Ask the chairman of the board.')).toContain('inclusive');
    expect(
      rules('Notwithstanding the aforementioned considerations, institutional authorisation necessitates comprehensive verification of the accountholder.'),
    ).toContain('reading-level');
    expect(rules('Hi! Ask me about delivery, returns, payment or our opening hours.')).toEqual([]);
    expect(rules('Your card is now blocked. We will send a new one.')).toEqual([]);
  });

  it('applies length, profanity and placeholder rules to every locale', () => {
    const long = 'a '.repeat(100).trim();
    expect(rules(long, 'es')).toEqual([]);
    expect(rules(long, 'es', { settings: { channels: ['chat', 'sms'] } })).toEqual(['length']);
    expect(lintCopy(long, 'es', { settings: { channels: ['sms'] } })[0]!.message).toBe('199 characters: longer than 160, the limit for SMS');
    expect(lintCopy('Esto es una mierda.', 'es').map((f) => [f.rule, f.severity])).toEqual([['profanity', 'error']]);
    const known = (ref: string) => ref.startsWith('slots.') || ref === 'customer.first_name';
    expect(rules('Hola {{customer.first_name}}, {{slots.amount | currency}}', 'es', { isKnownVariable: known })).toEqual([]);
    const typo = lintCopy('Hi {{custmer.first_name}}', 'en', { isKnownVariable: known });
    expect(typo.map((f) => f.message)).toEqual(['{{custmer.first_name}} reads "custmer.first_name", which no node sets and parley.yaml does not define']);
    expect(rules('Hi {{ first | }}', 'en')).toEqual(['placeholder']);
  });

  it('follows the project settings: levels, off, allowed words, the project’s own phrase rules', () => {
    expect(rules('Please utilize the app.', 'en', { settings: { rules: { jargon: 'off', 'reading-level': 'off' } } })).toEqual([]);
    expect(lintCopy('You must sign in.', 'en', { settings: { rules: { defensive: 'error' } } })[0]).toMatchObject({ rule: 'defensive', severity: 'error' });
    expect(rules('Please utilize the app.', 'en', { settings: { allow: ['utilize'], rules: { 'reading-level': 'off' } } })).toEqual([]);
    const settings = {
      phrases: [
        { id: 'no_sorry_for', pattern: 'sorry for (the|any) inconvenience', message: 'A stock apology', suggest: 'Say what went wrong and what happens now.' },
      ],
    };
    expect(lintCopy('Sorry for any inconvenience.', 'es', { settings })[0]).toMatchObject({
      rule: 'phrase:no_sorry_for',
      message: 'A stock apology',
      start: 0,
      end: 27,
    });
  });

  it('reports a phrase rule whose pattern does not compile and never runs it', () => {
    const settings = { phrases: [{ id: 'broken', pattern: '(unclosed', message: 'x' }] };
    expect(() => lintCopy('(unclosed', 'en', { settings })).not.toThrow();
    expect(rules('(unclosed', 'en', { settings })).toEqual([]);
    // the project says so: a problem on the pattern, for the Problems panel and parley validate
    const manifest = `schema: 2\nname: T\nlocales: [en]\ndefaultLocale: en\nstartFlow: main\ncopyLint:\n  phrases:\n    - id: broken\n      pattern: "(unclosed"\n      message: x\n`;
    const flow = 'name: Main\nnodes:\n  - id: start\n    kind: start\n    next: bye\n  - id: bye\n    kind: end\n';
    const r = loadProject({ manifest: { file: 'parley.yaml', text: manifest }, flows: [{ file: 'flows/main.yaml', text: flow }] });
    expect(r.project).toBeDefined();
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: 'parley.yaml',
        field: 'copyLint.phrases[0].pattern',
        message: expect.stringMatching(/^phrase rule "broken" is not run: /),
      }),
    );
  });

  it('says which locales each rule covers: the prose rules English only, length every locale', () => {
    expect(ruleDescription('passive')).toMatch(/Checks English lines only\.$/);
    expect(ruleDescription('length')).toMatch(/Checks every locale\.$/);
  });

  it('lints each variant, with the variant number', () => {
    const found = lintCopy(['All good.', 'As I said, no.'], 'en').map((f) => [f.rule, f.variant]);
    expect(found).toEqual([['defensive', 1]]);
  });
});
