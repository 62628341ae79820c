// Template rendering on its own (the engine's use of it in API requests and prompts is in templateContext.test.ts):
// placeholders are found and compiled once, a missing value stays visible, and in a JSON body a value is data,
// never JSON text.
import { describe, expect, it } from 'vitest';
import { ExpressionError, ExpressionLanguage } from './expressions';
import {
  compileTemplate,
  display,
  evaluatePart,
  hasDotSegment,
  renderJsonTemplate,
  renderJsonText,
  renderTemplate,
  urlComponent,
  type PlaceholderPart,
} from './templates';

const lang = new ExpressionLanguage();
const compile = (text: string) => compileTemplate(lang, text);
const scope = { name: 'Ana', n: 3, ok: true, obj: { a: 1 }, list: [1, 'x'], nothing: null, evil: 'x", "admin": true, "y": "' };

describe('compileTemplate', () => {
  it('splits text and placeholders, trims each placeholder and lists the variables read once each', () => {
    const t = compile('Hi {{ name }}, {{n}} and {{ name | upper }}!');
    expect(t.parts.map((p) => (typeof p === 'string' ? p : `<${p.source}>`))).toEqual(['Hi ', '<name>', ', ', '<n>', ' and ', '<name | upper>', '!']);
    expect(t.refs).toEqual(['name', 'n']);
    expect(t.errors).toEqual([]);
    expect(compile('{{name}}').parts).toHaveLength(1);
    expect(compile('').parts).toEqual([]);
    expect(compile('no placeholders').parts).toEqual(['no placeholders']);
    // a placeholder may span lines
    expect(compile('{{\n  name\n}}').parts).toEqual([expect.objectContaining({ source: 'name' })]);
  });

  it('an empty placeholder or a syntax error is an error of the template, kept in its place', () => {
    const t = compile('a {{ }} b {{ 1 + }} c {{n}}');
    expect(t.errors.map((e) => [e.message, e.source])).toEqual([
      ['empty placeholder {{ }}', ''],
      [expect.any(String), '1 +'],
    ]);
    expect(t.errors[1]).toBeInstanceOf(ExpressionError);
    expect(t.refs).toEqual(['n']);
    expect(renderTemplate(t, scope)).toEqual({
      text: 'a {{}} b {{1 +}} c 3',
      problems: [
        { placeholder: '', message: 'empty placeholder {{ }}' },
        { placeholder: '1 +', message: t.errors[1]!.message },
      ],
    });
  });
});

describe('display', () => {
  it('shows strings as they are and anything else as JSON', () => {
    expect(display('a "b"')).toBe('a "b"');
    expect(display(2.5)).toBe('2.5');
    expect(display(false)).toBe('false');
    expect(display({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(display(null)).toBe('null');
    // numbers read as numbers, even those JSON has no form for
    expect(display(Number.NaN)).toBe('NaN');
    expect(display(-Infinity)).toBe('-Infinity');
  });
});

describe('evaluatePart', () => {
  const part = (src: string) => compile(`{{${src}}}`).parts[0] as PlaceholderPart;

  it('gives the value, or a problem naming what has no value', () => {
    expect(evaluatePart(part('n + 1'), scope)).toEqual({ ok: true, value: 4 });
    expect(evaluatePart(part('ok'), scope)).toEqual({ ok: true, value: true });
    expect(evaluatePart(part('0'), scope)).toEqual({ ok: true, value: 0 });
    expect(evaluatePart(part('""'), scope)).toEqual({ ok: true, value: '' });
    expect(evaluatePart(part('missing.x'), scope)).toEqual({ ok: false, problem: { placeholder: 'missing.x', message: 'no value for missing.x' } });
    expect(evaluatePart(part('nothing'), scope)).toEqual({ ok: false, problem: { placeholder: 'nothing', message: 'no value for nothing' } });
    // no variable to name: the placeholder itself
    expect(evaluatePart(part('null'), scope)).toEqual({ ok: false, problem: { placeholder: 'null', message: 'no value for null' } });
    expect(evaluatePart(part('a.x || b'), scope)).toEqual({ ok: false, problem: { placeholder: 'a.x || b', message: 'no value for a.x, b' } });
  });

  it('an expression that throws is a problem with its message', () => {
    const throwing: PlaceholderPart = {
      source: 'boom',
      expr: {
        refs: [],
        evaluate: () => {
          throw new Error('kaboom');
        },
      } as unknown as PlaceholderPart['expr'],
    };
    expect(evaluatePart(throwing, scope)).toEqual({ ok: false, problem: { placeholder: 'boom', message: 'kaboom' } });
    const throwsString = {
      ...throwing,
      expr: {
        ...throwing.expr,
        evaluate: () => {
          throw 'plain';
        },
      },
    } as unknown as PlaceholderPart;
    expect(evaluatePart(throwsString, scope)).toEqual({ ok: false, problem: { placeholder: 'boom', message: 'plain' } });
  });
});

describe('renderTemplate', () => {
  it('renders values as display text; a missing one stays visible as written and is reported', () => {
    expect(renderTemplate(compile('{{name}} has {{n}} {{obj}} {{ missing }}.'), scope)).toEqual({
      text: 'Ana has 3 {"a":1} {{missing}}.',
      problems: [{ placeholder: 'missing', message: 'no value for missing' }],
    });
    expect(renderTemplate(compile('plain'), scope)).toEqual({ text: 'plain', problems: [] });
    expect(renderTemplate(compile('{{name}}'), scope)).toEqual({ text: 'Ana', problems: [] });
  });

  it('formats each value for its context; a format that refuses keeps the placeholder and reports why', () => {
    const seen: string[] = [];
    const r = renderTemplate(compile('/a/{{name}}/{{n}}'), scope, (v, p) => {
      seen.push(p.source);
      if (typeof v === 'number') throw new Error('numbers not allowed here');
      return `[${display(v)}]`;
    });
    expect(seen).toEqual(['name', 'n']);
    expect(r).toEqual({ text: '/a/[Ana]/{{n}}', problems: [{ placeholder: 'n', message: 'numbers not allowed here' }] });
    const str = renderTemplate(compile('{{name}}'), scope, () => {
      throw 'nope';
    });
    expect(str).toEqual({ text: '{{name}}', problems: [{ placeholder: 'name', message: 'nope' }] });
  });
});

describe('URLs', () => {
  it('a value is one encoded path segment or query value', () => {
    expect(urlComponent('a/b?c=d&e#f g')).toBe('a%2Fb%3Fc%3Dd%26e%23f%20g');
    expect(urlComponent(42)).toBe('42');
    expect(urlComponent({ a: 1 })).toBe('%7B%22a%22%3A1%7D');
  });

  it('finds a "." or ".." path segment, plain or percent-encoded, in the path only', () => {
    for (const u of [
      'https://h.test/a/../b',
      'https://h.test/a/./b',
      'https://h.test/a/%2e%2E/b',
      'https://h.test/a/.%2e',
      'HTTPS://h.test/..',
      'https://h.test/a/..?q=1',
      'https://h.test/a/..#f',
      '/a/../b',
      '..',
      '/a/x://../b',
    ])
      expect(hasDotSegment(u), u).toBe(true);
    for (const u of [
      'HTTPS://../x',
      'web+x-1.2://../a',
      'https://h.test/a/.../b',
      'https://h.test/a/..b/c',
      'https://h.test/a/b.',
      'https://h.test/a?x=..',
      'https://h.test/a?x=/../',
      'https://h.test/a#/../',
      'https://h.test/%2e%2e%2e',
      'https://../a',
      'https://h.test',
      'https://h.test/',
    ])
      expect(hasDotSegment(u), u).toBe(false);
  });
});

describe('a JSON body written as YAML data', () => {
  it('a lone placeholder takes the value with its type; text around placeholders makes a string', () => {
    const body = { a: '{{n}}', b: '{{obj}}', c: 'n={{n}}', d: ['{{list}}', 'x', 1, true, null], e: { f: '{{ok}}' }, g: 'no placeholder', h: 7 };
    expect(renderJsonTemplate(body, compile, scope)).toEqual({
      value: { a: 3, b: { a: 1 }, c: 'n=3', d: [[1, 'x'], 'x', 1, true, null], e: { f: true }, g: 'no placeholder', h: 7 },
      problems: [],
    });
    expect(renderJsonTemplate('{{evil}}', compile, scope).value).toBe(scope.evil);
    // a leaf that starts with a placeholder but goes on is text; braces that open no placeholder are text too
    expect(renderJsonTemplate({ a: '{{n}} items', b: '{{ not closed', c: '{{n}}{{name}}' }, compile, scope)).toEqual({
      value: { a: '3 items', b: '{{ not closed', c: '3Ana' },
      problems: [],
    });
    expect(renderJsonTemplate([], compile, scope).value).toEqual([]);
  });

  it('reports each missing value at its path and keeps the placeholder', () => {
    const body = { a: '{{missing}}', list: [1, { b: 'x {{gone}} y {{n}}' }] };
    expect(renderJsonTemplate(body, compile, scope)).toEqual({
      value: { a: '{{missing}}', list: [1, { b: 'x {{gone}} y 3' }] },
      problems: [
        { field: 'body.a', placeholder: 'missing', message: 'no value for missing' },
        { field: 'body.list[1].b', placeholder: 'gone', message: 'no value for gone' },
      ],
    });
    expect(renderJsonTemplate({ a: '{{missing}}' }, compile, scope, 'headers').problems[0]?.field).toBe('headers.a');
  });

  it('keys are literal, and a __proto__ key is a plain field', () => {
    const r = renderJsonTemplate(JSON.parse('{"__proto__": {"admin": true}, "{{name}}": 1}') as Record<string, never>, compile, scope);
    const v = r.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', '{{name}}']);
    expect(JSON.stringify(v)).toBe('{"__proto__":{"admin":true},"{{name}}":1}');
  });
});

describe('a JSON body written as a string (the old form)', () => {
  const render = (text: string, s: Record<string, unknown> = scope) => renderJsonText(compile(text), compile, s);

  it('a whole-value placeholder takes its JSON value; one inside a string literal its text', () => {
    expect(render('{"a": {{n}}, "b": {{obj}}, "c": "{{evil}}", "d": "x {{n}} {{ok}}", "e": [{{list}}]}')).toEqual({
      value: { a: 3, b: { a: 1 }, c: scope.evil, d: 'x 3 true', e: [[1, 'x']] },
      problems: [],
    });
  });

  it('`| json` at the end of a whole value is dropped (the value is serialised anyway), not inside a string', () => {
    expect(render('{"a": {{evil | json}}, "b": {{ obj|json }}, "c": "{{obj | json}}", "d": "{{obj}}"}')?.value).toEqual({
      a: scope.evil,
      b: { a: 1 },
      c: '{"a":1}',
      d: '{"a":1}',
    });
    // only at the end: a filter after it still applies to its text
    expect(render('{"a": {{name | json | upper}}}')?.value).toEqual({ a: '"ANA"' });
  });

  it('placeholders past the tenth are found too (two-digit markers)', () => {
    const whole = Array.from({ length: 11 }, (_, i) => `"w${i}": {{${i === 10 ? 'obj' : 'n'}}}`).join(', ');
    expect(render(`{${whole}, "s": "x {{obj}}"}`)?.value).toEqual({
      ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`w${i}`, 3])),
      w10: { a: 1 },
      s: 'x {"a":1}',
    });
  });

  it('escaped quotes inside a string literal do not end it', () => {
    expect(render('{"a": "say \\"{{name}}\\" and \\\\", "b": {{n}}}')?.value).toEqual({ a: 'say "Ana" and \\', b: 3 });
  });

  it('literal values around the placeholders are kept as they are', () => {
    expect(render('{"a": null, "b": [true, 1.5, "x"], "c": {"d": null}, "e": {{n}}}')?.value).toEqual({ a: null, b: [true, 1.5, 'x'], c: { d: null }, e: 3 });
  });

  it('a placeholder in a key takes its text', () => {
    expect(render('{"k_{{name}}": {{n}}}')?.value).toEqual({ k_Ana: 3 });
  });

  it('a missing value stays as its placeholder and is reported at its field', () => {
    expect(render('{"a": {{missing}}, "b": "x{{missing}}", "c": [{{gone}}], "{{nokey}}": 1}')).toEqual({
      value: { a: '{{missing}}', b: 'x{{missing}}', c: ['{{gone}}'], '{{nokey}}': 1 },
      problems: [
        { field: 'body.a', placeholder: 'missing', message: 'no value for missing' },
        { field: 'body.b', placeholder: 'missing', message: 'no value for missing' },
        { field: 'body.c[0]', placeholder: 'gone', message: 'no value for gone' },
        { field: 'body', placeholder: 'nokey', message: 'no value for nokey' },
      ],
    });
  });

  it('text that is not JSON even with the markers is not a JSON body; nor is text holding the marker characters', () => {
    expect(render('reason={{name}}')).toBeUndefined();
    expect(render('{"a": {{n}}')).toBeUndefined();
    expect(render('{"a": "\uE0000\uE001", "b": {{n}}}')).toBeUndefined();
    expect(render('{"a": "\uE001", "b": {{n}}}')).toBeUndefined();
    expect(render('{"a": "\uE000", "b": {{n}}}')).toBeUndefined();
    // a value that looks like a marker is only text
    expect(render('{"a": {{m}}, "b": "{{m}}"}', { m: '\uE0000\uE001' })?.value).toEqual({ a: '\uE0000\uE001', b: '\uE0000\uE001' });
  });
});
