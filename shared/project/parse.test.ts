// The YAML reader every project file goes through: errors name the file and line, an alias bomb is refused, and
// a file that does not parse yields no value at all.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkSchema, parseYaml } from './parse';

/** "Billion laughs": each level aliases the one before ten times, so the tree grows tenfold per level. */
const laughs = (levels: number): string => {
  const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
};

describe('parseYaml', () => {
  it('refuses an alias bomb, naming the file', () => {
    const r = parseYaml('flows/bomb.yaml', laughs(4));
    expect(r.value).toBeUndefined();
    expect(r.problems).toEqual([
      {
        severity: 'error',
        file: 'flows/bomb.yaml',
        line: 1,
        field: '',
        message: 'invalid YAML: ReferenceError: Excessive alias count indicates a resource exhaustion attack',
      },
    ]);
  });

  it('still reads a file that reuses a value through a few aliases', () => {
    const r = parseYaml('flows/ok.yaml', 'greeting: &hi Hello\nsay: [*hi, *hi, *hi]\n');
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({ greeting: 'Hello', say: ['Hello', 'Hello', 'Hello'] });
  });

  it('an alias to an anchor that does not exist is a problem, not a crash', () => {
    const r = parseYaml('nlu.yaml', 'a: *nowhere\n');
    expect(r.value).toBeUndefined();
    expect(r.problems).toEqual([
      expect.objectContaining({ file: 'nlu.yaml', line: 1, message: expect.stringMatching(/^invalid YAML: ReferenceError: .*nowhere/) }),
    ]);
  });

  it('a syntax error is one problem per error, with its line and the message alone; the file has no value', () => {
    const r = parseYaml('parley.yaml', 'name: Acme\nname: Other\n');
    expect(r.value).toBeUndefined(); // nothing half-read (here: the last duplicate) is ever used
    expect(r.problems).toEqual([{ severity: 'error', file: 'parley.yaml', line: 2, field: '', message: 'invalid YAML: Map keys must be unique' }]);
    const quote = parseYaml('parley.yaml', 'a: 1\nb: "open\n');
    expect(quote.problems.map((p) => [p.line, p.message])).toEqual([[3, 'invalid YAML: Missing closing "quote']]);
  });

  it('lineOf points at the deepest node on the path that exists, down to the document itself', () => {
    const r = parseYaml('parley.yaml', '# a comment\n\nname: Acme\nllm:\n  model: m\n');
    expect(r.lineOf(['llm', 'model'])).toBe(5);
    expect(r.lineOf(['llm', 'missing', 'deeper'])).toBe(5); // the `llm` mapping's first line
    expect(r.lineOf(['missing'])).toBe(3); // the document's mapping
    expect(r.lineOf([])).toBe(3);
    expect(parseYaml('empty.yaml', '').lineOf(['a'])).toBeUndefined();
  });
});

describe('checkSchema', () => {
  it('reports each issue as file, line and field', () => {
    const parsed = parseYaml('parley.yaml', 'name: Acme\nllm:\n  temperature: hot\n');
    const schema = z.object({ name: z.string(), llm: z.object({ temperature: z.number() }), locale: z.string() });
    const r = checkSchema(parsed, parsed.value, schema);
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      ['parley.yaml', 3, 'llm.temperature'],
      ['parley.yaml', 1, 'locale'],
    ]);
    expect(checkSchema(parsed, { name: 'x', llm: { temperature: 1 }, locale: 'en' }, schema)).toEqual({
      ok: true,
      data: { name: 'x', llm: { temperature: 1 }, locale: 'en' },
    });
  });
});
