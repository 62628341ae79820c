import { describe, expect, it } from 'vitest';
import { ExpressionError, ExpressionLanguage, withFormat } from './expressions';
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

  describe('member access reaches own data properties only, by any syntax', () => {
    const scope = {
      s: 'abc',
      key: 'constructor',
      proto: '__proto__',
      slots: { amount: 600, name: 'Alex' },
      items: [{ a: 1 }, { a: 2 }],
      customer: { card_last4s: ['4821', '9034'] },
    };
    // Each reaches a prototype member (String, Object, Function, toString...) through plain Jexl. (Names of
    // Object.prototype members cannot even be written as identifiers: Jexl's lexer takes them for operators.)
    const escapes = [
      's["constructor"]',
      's["constructor"]["constructor"]',
      's["con" + "structor"]["con" + "structor"]',
      's[key]',
      's[key][key]',
      'slots[key]',
      'slots["__proto__"]',
      'slots[proto]',
      'slots["toString"]',
      'slots["hasOwnProperty"]',
      'items[key]',
      'items["map"]',
      'items[0][key]',
      'items[.a == 1][0][key]',
      'customer.card_last4s[0][key]',
      's.concat',
      's.charAt',
      'slots.name.at',
      'customer.card_last4s.concat',
      'customer.card_last4s[.concat]',
    ];
    it.each(escapes)('%s is undefined or an error, never a function or a prototype', (src) => {
      let v: unknown;
      try {
        v = lang.evaluate(src, scope);
      } catch (e) {
        expect(e).toBeInstanceOf(ExpressionError);
        return;
      }
      if (Array.isArray(v)) expect(v).toEqual([]);
      else expect(v).toBeUndefined();
    });

    it('rejects the forbidden names written out, at compile time', () => {
      for (const src of ['s.constructor', 'slots.__proto__', 'slots.prototype', 'items[.constructor]', 'items[.__proto__ == 1]']) {
        expect(lang.compile(src), src).toBeInstanceOf(ExpressionError);
      }
    });

    it('still reads plain data: paths, indices, computed keys, filters, string length and characters', () => {
      expect(lang.evaluate('slots.amount', scope)).toBe(600);
      expect(lang.evaluate('slots["na" + "me"]', scope)).toBe('Alex');
      expect(lang.evaluate('customer.card_last4s[0]', scope)).toBe('4821');
      expect(lang.evaluate('customer.card_last4s[1 + 0]', scope)).toBe('9034');
      expect(lang.evaluate('items[1].a', scope)).toBe(2);
      expect(lang.evaluate('items.a', scope)).toBe(1); // Jexl: a path through a list reads its first element
      expect(lang.evaluate('items[.a > 1]', scope)).toEqual([{ a: 2 }]);
      expect(lang.evaluate('items[.a > 1][0]', scope)).toBe(scope.items[1]);
      expect(lang.evaluate('items[true]', scope)).toBe(scope.items);
      expect(lang.evaluate('items[false]', scope)).toBeUndefined();
      expect(lang.evaluate('customer.card_last4s[.length == 4]', scope)).toEqual(['4821', '9034']);
      expect(lang.evaluate('s.length', scope)).toBe(3);
      expect(lang.evaluate('s[1]', scope)).toBe('b');
      expect(lang.evaluate('s[7]', scope)).toBeUndefined();
      expect(lang.evaluate('customer.card_last4s.length', scope)).toBe(4); // the first element's length, as in Jexl
      expect(lang.evaluate('items | length', scope)).toBe(2);
      expect(lang.evaluate('value in customer.card_last4s', { ...scope, value: '9034' })).toBe(true);
      expect(lang.evaluate('missing.deep.path', scope)).toBeUndefined();
      expect(lang.evaluate('slots.missing', scope)).toBeUndefined();
    });
  });

  it('matches(text, pattern): an RE2 regular expression (linear time) for validation rules', () => {
    expect(lang.evaluate('matches(value, "^[0-9]{4}$")', { value: '4821' })).toBe(true);
    expect(lang.evaluate('matches(value, "^[0-9]{4}$")', { value: '48211' })).toBe(false);
    expect(lang.evaluate('matches(value, "(?i)^txn-")', { value: 'TXN-1' })).toBe(true);
    expect(lang.evaluate('matches(value, "^x")', { value: 42 })).toBe(false);
    expect(lang.evaluate('value | matches("^(a+)+$")', { value: 'a'.repeat(40) + '!' })).toBe(false);
    const bad = lang.compile('matches(value, "(?<=\\$)[0-9]+")');
    expect(bad).toBeInstanceOf(ExpressionError);
    expect((bad as ExpressionError).message).toMatch(/^matches\(\): lookbehind `\(\?<=` is not supported/);
    expect((lang.compile('matches(value, "(")') as ExpressionError).message).toBe('matches(): missing closing ): `(`');
    // a computed pattern is checked when it runs
    expect(() => lang.evaluate('matches(value, p)', { value: 'a', p: '(a)\\1' })).toThrow(/backreference/);
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

  it('formats for the scope it is given: one language serves turns in different locales', () => {
    const t = compileTemplate(lang, '{{ n | currency }} {{ n | number(1) }} {{ d | date }} {{ n > 0 ? n | currency("EUR") : 0 }}');
    const scope = { n: 1234.5, d: '2026-11-26' };
    expect(renderTemplate(t, withFormat(scope, { locale: 'es' })).text).toBe('1234,50\u00a0US$ 1234,5 26 de noviembre de 2026 1234,50\u00a0€');
    expect(renderTemplate(t, scope).text).toBe('$1,234.50 1,234.5 November 26, 2026 €1,234.50');
    // a time is shown in the turn's time zone (a date alone is that day everywhere)
    expect(renderTemplate(t, withFormat({ ...scope, d: '2026-11-26T02:00:00Z' }, { currency: 'GBP', timeZone: 'America/New_York' })).text).toBe(
      '£1,234.50 1,234.5 November 25, 2026 €1,234.50',
    );
    expect(renderTemplate(t, withFormat(scope, { currency: 'GBP', timeZone: 'America/New_York' })).text).toBe('£1,234.50 1,234.5 November 26, 2026 €1,234.50');
    // the format is no variable: an expression can neither name it nor fake it
    expect(lang.compile('#format')).toBeInstanceOf(ExpressionError);
    expect(renderTemplate(t, { ...scope, format: { locale: 'es' } }).text).toBe('$1,234.50 1,234.5 November 26, 2026 €1,234.50');
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
