// The fast reader must never read a file differently from the `yaml` library: where it answers, its value equals
// yaml's (the sample, generated values written in several styles, and a list of tricky texts); where it cannot
// be sure (aliases, tags, errors), it answers nothing and parseYaml takes yaml's full parse.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { fastYamlValue } from './fastYaml';
import { parseYaml, parseYamlWithPositions } from './parse';

/** What the project loader gets from `yaml` (parseYaml's full parse, as before the fast reader). */
const yamlValue = (text: string) => parseYamlWithPositions('t.yaml', text);

const SAMPLE = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const sampleFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sampleFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );

const TRICKY = [
  '',
  '# only a comment\n',
  '---\na: 1\n...\n',
  'a: 1\r\nb: two\r\n',
  '\uFEFFa: 1\n',
  'n: [0o17, 0x1F, 017, 1_000, 0b101, +12, -0, 12345678901234567890]\n',
  'f: [.inf, -.Inf, +.INF, .NaN, .nan, 1e3, 1.5E-2, 1., .5, -.5e1, 1.50, 3.0]\n',
  'b: [true, True, TRUE, false, yes, no, on, off, Yes, y, n]\n',
  'z: [~, null, Null, NULL, nULL, "", \'\']\n',
  'd: [2024-01-01, 2001-12-14t21:59:43.10-05:00, 12:30:00, 1:20]\n',
  'k:\n  1: one\n  true: yes\n  1.5: x\n  0x10: hex\n',
  'p:\n  __proto__: { polluted: true }\n  constructor: c\n  toString: t\n',
  '<<: { a: 1 }\nb: 2\n',
  'dup: 1\n"dup": 2\n',
  'one: 1\n"1": x\n1: y\n',
  's: |\n  line one\n   indented\n\n  last\n',
  's: |+\n  keep\n\n\nt: >-\n  folded\n  text\n\n  para\n',
  's: |2\n    two extra\n  base\n',
  's: >\n  a\n    b\n  c\n',
  'q: "tab\\there \\u00e9 \\x41 \\N \\_ \\L \\P \\/ \\\\ \\" \\0 \\a \\e"\n',
  "q: 'it''s # not a comment'\nr: a # comment\n",
  'plain: a\n  multi\n  line\n\n  paragraph\n',
  'm: { a: 1, b: [x, y], c: { d: e } }\n',
  'e: {}\nl: []\nn:\n',
  '- a\n- - b\n  - c\n- d: e\n  f: g\n',
  'x: "unterminated\n',
  'a:\n\tb: tab\n',
  'a: b: c\n',
  '---\na: 1\n---\nb: 2\n',
  'say: Q&A, AT&T, 5 * 3, terms & conditions, *bold* and &amp; and !important\n',
  'a: &x 1\nb: *x\n',
  'a: !!str 12\nb: !custom x\n',
  '%YAML 1.1\n---\na: yes\n',
  '? [a, b]\n: c\n',
  '[a, b]: c\n',
  '~: null key\n',
  'say: { en: "{{ a ? \\"x\\" : \\"y\\" }}" }\n',
  'url: https://api.example/v1/{{id}}?a=1&b=2\n',
  'long: ' + 'word '.repeat(500) + '\n',
];

function expectSame(text: string): void {
  const fast = fastYamlValue(text);
  const full = yamlValue(text);
  if (fast.ok) {
    expect(full.problems, text).toEqual([]);
    expect(fast.value, text).toStrictEqual(full.value);
  }
}

describe('fastYamlValue', () => {
  it('reads every YAML file of the sample as yaml does', () => {
    const files = sampleFiles(SAMPLE);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const fast = fastYamlValue(text);
      expect(fast.ok, file).toBe(true);
      expect(fast.ok && fast.value, file).toStrictEqual(parse(text));
    }
  });

  it('reads tricky texts as yaml does, or leaves them to yaml', () => {
    for (const text of TRICKY) expectSame(text);
  });

  it('leaves aliases, tags, directives, complex and null keys, duplicates and errors to yaml', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: [*x]\n',
      'a: !!str 12\n',
      'a: ! x\n',
      '%YAML 1.1\n---\na: yes\n',
      '? a\n: b\n',
      '[a, b]: c\n',
      '{a: 1}: c\n',
      '~: v\n',
      'null: v\n',
      'dup: 1\ndup: 2\n',
      'x: "open\n',
      'a:\n\tb: 1\n',
      '---\na: 1\n---\nb: 2\n',
    ])
      expect(fastYamlValue(text).ok, text).toBe(false);
    expect(fastYamlValue('say: Q&A, AT&T, 5 * 3, terms & conditions\n').ok).toBe(true);
  });

  it('leaves a block scalar with an indentation indicator to yaml (js-yaml read " \\"" as a literal block differently)', () => {
    expectSame(stringify(' "', { defaultStringType: 'BLOCK_LITERAL' }));
  });

  it('reads generated values written in every style as yaml does', () => {
    const styles = [
      {},
      { defaultStringType: 'QUOTE_DOUBLE' },
      { defaultStringType: 'QUOTE_SINGLE' },
      { defaultStringType: 'BLOCK_LITERAL' },
      { defaultStringType: 'BLOCK_FOLDED' },
      { collectionStyle: 'flow' },
      { lineWidth: 20, minContentWidth: 0 },
    ] as const;
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...styles), (v, style) => {
        expectSame(stringify(v, style));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()), fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string()))),
        (v) => {
          expectSame(stringify(v));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseYaml with the fast reader', () => {
  it('finds lines only when asked, and then as the full parse does', () => {
    const text = '# a comment\n\nname: Acme\nllm:\n  model: m\n';
    expect(fastYamlValue(text).ok).toBe(true);
    const r = parseYaml('parley.yaml', text);
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({ name: 'Acme', llm: { model: 'm' } });
    expect(r.lineOf(['llm', 'model'])).toBe(5);
    expect(r.lineOf(['missing'])).toBe(3);
  });
});
