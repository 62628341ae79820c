// Every filter and function of the expression language, with the edge cases docs/FORMAT.md promises: what a
// missing value, an empty string, a list or a number gives. One table, so a changed result shows as one row.
import { describe, expect, it } from 'vitest';
import { ExpressionError, ExpressionLanguage, ownValue, withFormat } from './expressions';

const lang = new ExpressionLanguage();
const scope = {
  s: 'héllo',
  n: 3.14159,
  str: ' 42 ',
  blank: '  ',
  list: [3, 1, 2],
  names: ['a', 'b'],
  obj: { a: 1, b: 2 },
  none: [],
  nil: null,
  zero: 0,
  yes: true,
  people: [
    { name: 'Ann', age: 30 },
    { name: 'Bo', age: 20 },
  ],
  day: '2024-03-05',
  late: '2024-03-05T23:30:00Z',
  epoch: 0,
  bad: 'not a date',
};
const run = (source: string, s: Record<string, unknown> = { ...scope, inf: Infinity }): unknown => lang.evaluate(source, s);

describe('filters', () => {
  it.each([
    ['s | upper', 'HÉLLO'],
    ['s | lower', 'héllo'],
    ['"ÀB" | lower', 'àb'],
    ['nil | upper', ''],
    ['nil | lower', ''],
    ['s | capitalize', 'Héllo'],
    ['"" | capitalize', ''],
    ['nil | capitalize', ''],
    ['str | trim', '42'],
    ['nil | trim', ''],
    ['n | round', 3],
    ['n | round(2)', 3.14],
    ['2.5 | round', 3],
    ['str | round', 42],
    ['s | round', 'héllo'],
    ['nil | default("x")', 'x'],
    ['undefinedVar | default("x")', 'x'],
    ['"" | default("x")', 'x'],
    ['zero | default("x")', 0],
    ['yes | default("x")', true],
    ['list | length', 3],
    ['s | length', 5],
    ['obj | length', 2],
    ['n | length', 0],
    ['nil | length', 0],
    ['names | join', 'a, b'],
    ['names | join("-")', 'a-b'],
    ['names | join(1)', 'a, b'],
    ['s | join', 'héllo'],
    ['list | first', 3],
    ['list | last', 2],
    ['s | first', 'héllo'],
    ['s | last', 'héllo'],
    ['none | last', undefined],
    ['str | number_or_zero', 42],
    ['"7" | number_or_zero', 7],
    ['s | number_or_zero', 0],
    ['blank | number_or_zero', 0],
    ['nil | number_or_zero', 0],
    ['yes | number_or_zero', 0],
    ['obj | json', '{"a":1,"b":2}'],
    ['nil | json', 'null'],
    ['undefinedVar | json', 'null'],
    ['"say \\"hi\\"" | json', '"say \\"hi\\""'],
  ])('%s → %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });
});

describe('functions', () => {
  it.each([
    ['contains("Hello World", "WORLD")', true],
    ['contains("Hello", "bye")', false],
    ['contains(names, "a")', true],
    ['contains(names, "A")', false],
    ['contains(3, 3)', false],
    ['contains("3", 3)', false],
    ['empty(nil)', true],
    ['empty(undefinedVar)', true],
    ['empty("")', true],
    ['empty(none)', true],
    ['empty(0)', false],
    ['empty(" ")', false],
    ['empty(list)', false],
    ['empty(obj)', false],
    ['min(3, "1", 2)', 1],
    ['max(3, "10", 2)', 10],
    ['min(1, "x")', NaN],
    ['max(1, " ")', NaN],
    ['abs(-2)', 2],
    ['abs("-2.5")', 2.5],
    ['abs(" ")', NaN],
    ['matches("abc", "B")', false],
    ['matches("abc", "(?i)B")', true],
    ['matches("abc", "^b")', false],
    ['matches(12, "^1")', true],
    ['matches(1.5, "5")', true],
    ['matches(nil, "x")', false],
    ['matches(yes, "t")', false],
    ['matches(inf, "I")', false],
    ['"abc" | matches("c$")', true],
  ])('%s → %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('matches() needs a string pattern, and says which pattern is wrong', () => {
    expect(() => run('matches("a", 1)')).toThrow(/^matches\(\): the pattern must be a string$/);
    expect(() => run('matches("a", p)', { p: '(' })).toThrow(/^matches\(\): /);
  });
});

describe('formatting for a locale', () => {
  it.each([
    ['n | currency', {}, '$3.14'],
    ['n | currency("EUR")', {}, '€3.14'],
    ['n | currency("")', {}, '$3.14'],
    ['n | currency(5)', {}, '$3.14'],
    ['n | currency', { locale: 'es', currency: 'EUR' }, '3,14\u00a0€'],
    ['s | currency', {}, 'héllo'],
    ['n | number', {}, '3.142'],
    ['n | number(2)', {}, '3.14'],
    ['n | number("2")', {}, '3.142'],
    ['str | number(1)', {}, '42.0'],
    ['1234.5 | number', { locale: 'de' }, '1.234,5'],
    ['s | number', {}, 'héllo'],
    ['day | date', {}, 'March 5, 2024'],
    ['day | date("short")', {}, '3/5/24'],
    ['day | date("medium")', {}, 'Mar 5, 2024'],
    ['day | date("long")', {}, 'March 5, 2024'],
    ['late | date("full")', {}, 'Tuesday, March 5, 2024'],
    ['day | date("weird")', {}, 'March 5, 2024'],
    ['epoch | date("medium")', {}, 'Jan 1, 1970'],
    ['when | date', {}, 'March 5, 2024'],
    ['when | date("full")', { timeZone: 'Asia/Tokyo' }, 'Tuesday, March 5, 2024'],
    ['yes | date', {}, true],
    ['bad | date', {}, 'not a date'],
    ['"" | date', {}, ''],
    ['nil | date', {}, null],
    ['day | date', { locale: 'de' }, '5. März 2024'],
    // a date-only value is that day wherever the bot runs; a time is shown in the turn's time zone
    ['day | date', { timeZone: 'America/Los_Angeles' }, 'March 5, 2024'],
    ['late | date', { timeZone: 'Asia/Tokyo' }, 'March 6, 2024'],
    ['late | date', { timeZone: 'UTC' }, 'March 5, 2024'],
  ] as const)('%s with %j → %j', (source, fmt, expected) => {
    expect(run(source, withFormat({ ...scope, when: new Date('2024-03-05T12:00:00Z') }, fmt))).toEqual(expected);
  });

  it('ignores a format field that is not a string, and a format that is not an object', () => {
    expect(run('n | currency', withFormat(scope, { locale: 5 as never, currency: 'EUR' }))).toBe('€3.14');
    expect(run('n | currency', { ...scope, '#format': 'es' })).toBe('$3.14');
    expect(run('n | currency', { ...scope, '#format': null })).toBe('$3.14');
  });

  it('takes its defaults from the language when the evaluation gives none', () => {
    const es = new ExpressionLanguage({ locale: 'es', currency: 'EUR', timeZone: 'Asia/Tokyo' });
    expect(es.evaluate('n | currency', scope)).toBe('3,14\u00a0€');
    expect(es.evaluate('late | date', scope)).toBe('6 de marzo de 2024');
  });
});

describe('reading data', () => {
  it.each([
    ['people[.age > 25].name', 'Ann'],
    ['people[.age > 25]', [{ name: 'Ann', age: 30 }]],
    ['people[.age > 99]', []],
    ['people.name', 'Ann'],
    ['people[1].name', 'Bo'],
    ['people["1"]', { name: 'Bo', age: 20 }],
    ['s[0]', 'h'],
    ['s[1]', 'é'],
    ['s["01"]', undefined],
    ['s[-1]', undefined],
    ['s[9]', undefined],
    ['s.length', 5],
    ['s.x', undefined],
    ['names[yes]', ['a', 'b']],
    ['names[false]', undefined],
    ['obj["a"]', 1],
    ['obj[k]', 2],
    ['list[0]', 3],
    // a path through a list reads its first element (Jexl's rule): the length of a list is `list | length`
    ['list.length', undefined],
    ['names.length', 1],
    ['obj[1.5]', undefined],
    ['nil.x', undefined],
    ['undefinedVar.x', undefined],
    ['{a: obj.a}.a', 1],
    ['s ? 1 : 2', 1],
    ['"" ? 1 : 2', 2],
    // a filter keeps or drops a single value like a list of one, and reads nothing from nothing
    ['obj[.a == 1]', [{ a: 1, b: 2 }]],
    ['obj[.a == 2]', []],
    ['missing[.a == 1]', []],
    ['s[.length > 1]', ['héllo']],
  ])('%s → %j', (source, expected) => {
    expect(run(source, { ...scope, k: 'b' })).toEqual(expected);
  });

  it('reads root variables from own data of the scope only', () => {
    expect(run('secret', Object.create({ secret: 1 }) as Record<string, unknown>)).toBeUndefined();
    expect(run('own', Object.assign(Object.create({ secret: 1 }) as Record<string, unknown>, { own: 2 }))).toBe(2);
    // a list is no scope of variables: its length is not one
    expect(run('length', ['a'] as unknown as Record<string, unknown>)).toBeUndefined();
  });

  it('says what it cannot index instead of returning nothing', () => {
    expect(() => run('nil[0]')).toThrow(ExpressionError);
    expect(() => run('nil[0]')).toThrow('cannot read [0] of null');
    expect(() => run('undefinedVar["k"]')).toThrow('cannot read ["k"] of undefined');
  });

  it('ownValue reads own data only', () => {
    expect(ownValue({ a: 1 }, 'a')).toBe(1);
    expect(ownValue([5, 6], 1)).toBe(6);
    expect(ownValue({ true: 1 }, true)).toBeUndefined();
    expect(ownValue({ null: 1 }, null)).toBeUndefined();
    expect(ownValue(null, 'a')).toBeUndefined();
    expect(ownValue(undefined, 'a')).toBeUndefined();
    expect(ownValue(5, 'a')).toBeUndefined();
    // own data of an object that is not plain data (a class instance, an error) is out of reach too
    expect(
      ownValue(
        new (class {
          x = 1;
        })(),
        'x',
      ),
    ).toBeUndefined();
    expect(ownValue(new Error('secret'), 'message')).toBeUndefined();
    expect(ownValue({ f: () => 1 }, 'f')).toBeUndefined();
    expect(ownValue(Object.create({ a: 1 }) as object, 'a')).toBeUndefined();
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(ownValue(nullProto, 'a')).toBe(1);
    expect(ownValue(new Date(0), 'getTime')).toBeUndefined();
    expect(ownValue(new Map([['a', 1]]), 'a')).toBeUndefined();
    const getter = Object.defineProperty({}, 'g', { get: () => 1, enumerable: true });
    expect(ownValue(getter, 'g')).toBeUndefined();
    expect(ownValue(5, 'toFixed')).toBeUndefined();
    expect(ownValue('abc', 'length')).toBe(3);
    expect(ownValue('abc', 2)).toBe('c');
    expect(ownValue('abc', '0')).toBe('a');
    expect(ownValue('abc', '00')).toBeUndefined();
    expect(ownValue('abcdefghijk', '10')).toBe('k');
    expect(ownValue('abc', '1a')).toBeUndefined();
    expect(ownValue('abc', 'at')).toBeUndefined();
    for (const name of ['__proto__', 'prototype', 'constructor', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']) {
      const own = JSON.parse(`{"${name}": 1}`) as object;
      expect(ownValue(own, name), name).toBeUndefined();
    }
  });
});

describe('compile errors', () => {
  it.each([
    ['a +', 'the expression ends too early'],
    ['a b', 'unexpected "b"'],
    ['1 +* 2', 'unexpected "*"'],
    ['', 'the expression is empty'],
    ['   ', 'the expression is empty'],
    [
      'x | nope',
      'unknown filter "nope" (known: currency, number, date, json, upper, lower, capitalize, trim, round, default, length, join, first, last, number_or_zero, matches)',
    ],
    ['nope(1)', 'unknown function "nope" (known: contains, empty, min, max, abs, matches)'],
    ['x | contains', 'unknown filter "contains"'],
    ['toString', 'unexpected "toString"'],
    ['a bc', 'unexpected "bc"'],
    // Jexl's lexer takes any name of Object.prototype for a token of its own
    ['constructor', 'unexpected "constructor"'],
    ['isPrototypeOf', 'unexpected "isPrototypeOf"'],
    ['a.b.constructor', 'unexpected "constructor"'],
    // and the sandbox refuses the other names that reach a prototype, wherever they stand
    ['prototype', '"prototype" cannot be used in an expression'],
    ['a.prototype', '"prototype" cannot be used in an expression'],
    ['xs[.prototype > 1]', '"prototype" cannot be used in an expression'],
    ['upper(x)', 'unknown function "upper"'],
  ])('%j: %s', (source, message) => {
    const c = lang.compile(source);
    expect(c).toBeInstanceOf(ExpressionError);
    expect((c as ExpressionError).message.startsWith(message)).toBe(true);
    expect((c as ExpressionError).source).toBe(source);
  });

  it('checks a literal pattern of matches() at compile time, and only then', () => {
    const c = lang.compile('matches(a, "(?<=x)y")');
    expect(c).toBeInstanceOf(ExpressionError);
    expect((c as ExpressionError).message).toMatch(/^matches\(\): lookbehind/);
    expect(lang.compile('a | matches("(?<=x)y")')).toBeInstanceOf(ExpressionError);
    expect(lang.compile('matches(a, p)')).not.toBeInstanceOf(ExpressionError);
    expect(lang.compile('matches("(?<=x)y", a)')).not.toBeInstanceOf(ExpressionError);
    // only matches() takes a pattern: another function's second argument is any text
    expect(lang.compile('contains(a, "(?<=x)y")')).not.toBeInstanceOf(ExpressionError);
  });

  it('caches a compile, errors included', () => {
    const l = new ExpressionLanguage();
    expect(l.compile('a.b')).toBe(l.compile('a.b'));
    expect(l.compile('a +')).toBe(l.compile('a +'));
  });

  it('lists the paths an expression reads, roots for computed paths, and the variables the condition of a filter reads', () => {
    const refs = (src: string) => {
      const c = lang.compile(src);
      if (c instanceof ExpressionError) throw c;
      return [...c.refs].sort();
    };
    expect(refs('a.b.c > 1 && d')).toEqual(['a.b.c', 'd']);
    expect(refs('a[k].b')).toEqual(['a', 'k']);
    expect(refs('people[.age > min_age].name')).toEqual(['min_age', 'people']);
    expect(refs('x | default(y.z)')).toEqual(['x', 'y.z']);
    expect(refs('contains([a, b], {k: c}.k)')).toEqual(['a', 'b', 'c']);
    expect(refs('t ? u : v')).toEqual(['t', 'u', 'v']);
    expect(refs('!w')).toEqual(['w']);
  });
});
