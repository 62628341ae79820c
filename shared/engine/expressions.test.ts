import { describe, expect, it } from 'vitest';
import { ExpressionError, ExpressionLanguage } from './expressions';
import { compileTemplate, renderTemplate } from './templates';

const lang = new ExpressionLanguage();

describe('expressions', () => {
  it('evaluates comparisons, membership, logic and literals over plain data', () => {
    const scope = { account: { balance: 80 }, slots: { card: 'debit', amount: 600 }, customer: { cards: ['4821', '9034'] }, value: '9034' };
    expect(lang.evaluate('account.balance < 100 && slots.card in ["debit", "credit"]', scope)).toBe(true);
    expect(lang.evaluate('value in customer.cards', scope)).toBe(true);
    expect(lang.evaluate('slots.amount > 500 ? "review" : "auto"', scope)).toBe('review');
    expect(lang.evaluate('"other"', scope)).toBe('other');
    expect(lang.evaluate('missing.path == null', scope)).toBe(true);
    expect(lang.evaluate('contains(slots.card, "DEB")', scope)).toBe(true);
  });

  it('lists the variables an expression reads', () => {
    const c = lang.compile('account.balance < limit && contains(customer.name, "a") && xs[0].y');
    expect(c).not.toBeInstanceOf(ExpressionError);
    expect([...(c as unknown as { refs: string[] }).refs].sort()).toEqual(['account.balance', 'customer.name', 'limit', 'xs']);
  });

  it('has no way out of the sandbox: no globals, no prototype access, no unknown functions', () => {
    expect(lang.evaluate('process', {})).toBeUndefined();
    expect(lang.evaluate('globalThis', {})).toBeUndefined();
    for (const src of ['x.constructor', 'x.__proto__', 'eval("1")', 'x | nope']) {
      expect(lang.compile(src), src).toBeInstanceOf(ExpressionError);
    }
    expect((lang.compile('eval("1")') as ExpressionError).message).toMatch(/^unknown function "eval"/);
  });

  it('reports a syntax error with a readable message', () => {
    const e = lang.compile('a +* b');
    expect(e).toBeInstanceOf(ExpressionError);
    expect((e as ExpressionError).message).not.toMatch(/in expression/);
  });
});

describe('templates', () => {
  it('renders placeholders with filters for the locale and currency', () => {
    const t = compileTemplate(lang, 'Balance {{ account.balance | currency }} on {{ when | date("medium") }}; {{ name | upper }}');
    expect(t.refs).toEqual(['account.balance', 'when', 'name']);
    expect(renderTemplate(t, { account: { balance: 1234.5 }, when: '2026-11-26', name: 'alex' })).toEqual({
      text: 'Balance $1,234.50 on Nov 26, 2026; ALEX',
      problems: [],
    });
    const es = new ExpressionLanguage({ locale: 'es', currency: 'EUR' });
    expect(renderTemplate(compileTemplate(es, '{{ x | currency }}'), { x: 1234.5 }).text).toBe('1234,50\u00a0€');
  });

  it('reports a missing variable or a broken placeholder instead of printing nothing', () => {
    const r = renderTemplate(compileTemplate(lang, 'Hi {{customer.first_name}}, {{ a +* }}!'), { customer: {} });
    expect(r.text).toBe('Hi {{customer.first_name}}, {{a +*}}!');
    expect(r.problems.map((p) => p.placeholder)).toEqual(['customer.first_name', 'a +*']);
    expect(r.problems[0]?.message).toBe('no value for customer.first_name');
  });

  it('json embeds user text safely in a JSON body', () => {
    const r = renderTemplate(compileTemplate(lang, '{"d": {{ t | json }}}'), { t: 'He said "hi"\n' });
    expect(JSON.parse(r.text)).toEqual({ d: 'He said "hi"\n' });
  });
});
