import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withBuiltinLine } from './manifestYaml';

const BASE = `# Acme's assistant
name: Acme
defaultLocale: en # the main one
locales: [en, es]
startFlow: main
`;

describe('withBuiltinLine', () => {
  it('adds builtinCopy with the line, keeping comments and the other fields', () => {
    const out = withBuiltinLine(BASE, 'back', 'en', 'Where were we?');
    expect(out).toContain("# Acme's assistant");
    expect(out).toContain('# the main one');
    expect(parse(out)).toEqual({
      name: 'Acme',
      defaultLocale: 'en',
      locales: ['en', 'es'],
      startFlow: 'main',
      builtinCopy: { back: { en: 'Where were we?' } },
    });
  });

  it('replaces one locale and keeps the others and the other lines', () => {
    const withBoth = `${BASE}builtinCopy:\n  back: { en: Old, es: Viejo }\n  yes: { en: Yep }\n`;
    const out = parse(withBuiltinLine(withBoth, 'back', 'en', 'New {{x}}'));
    expect(out.builtinCopy).toEqual({ back: { en: 'New {{x}}', es: 'Viejo' }, yes: { en: 'Yep' } });
  });

  it('removes a locale, then the line, then builtinCopy when nothing is left', () => {
    const two = `${BASE}builtinCopy:\n  back:\n    en: Old\n    es: Viejo\n`;
    const one = withBuiltinLine(two, 'back', 'en', undefined);
    expect(parse(one).builtinCopy).toEqual({ back: { es: 'Viejo' } });
    const none = withBuiltinLine(one, 'back', 'es', undefined);
    expect(parse(none)).not.toHaveProperty('builtinCopy');
    expect(none).toContain('# the main one');
  });

  it('leaves the text as it is when removing a line the project does not word', () => {
    expect(withBuiltinLine(BASE, 'closed', 'en', undefined)).toBe(BASE);
  });

  it('quotes text that YAML would read as something else', () => {
    const out = withBuiltinLine(BASE, 'no', 'en', 'no');
    expect(parse(out).builtinCopy.no.en).toBe('no');
    const colon = withBuiltinLine(BASE, 'back', 'en', 'Now: "back" # to it');
    expect(parse(colon).builtinCopy.back.en).toBe('Now: "back" # to it');
  });

  it('refuses a file that does not parse or is not a mapping', () => {
    expect(() => withBuiltinLine('name: [unclosed', 'back', 'en', 'x')).toThrow(/does not parse/);
    expect(() => withBuiltinLine('- a\n- b\n', 'back', 'en', 'x')).toThrow(/not a mapping/);
  });
});

// Written as the sample's parley.yaml is: padded flow maps, unpadded lists, long lines, a comment at the end.
const STYLED = `name: Acme
description: "${'A long description that a YAML printer would fold at eighty characters, '.repeat(3)}"
mocks:
  - body: { data: { available_balance: 1523.4, account_name: Everyday Checking, account_number_last4: "7720" } }
hours:
  mon: [["07:00", "21:00"]]
variables:
  account:
    id: chk_demo_0001 # the demo
`;

describe('withBuiltinLine on a styled file', () => {
  it('leaves every other byte of the file as it was', () => {
    const out = withBuiltinLine(STYLED, 'back', 'en', 'X');
    expect(out).toBe(`${STYLED}builtinCopy:\n  back:\n    en: X\n`);
    const again = withBuiltinLine(out, 'back', 'es', 'Y');
    expect(again).toBe(`${STYLED}builtinCopy:\n  back:\n    en: X\n    es: Y\n`);
    expect(withBuiltinLine(withBuiltinLine(again, 'back', 'en', undefined), 'back', 'es', undefined)).toBe(STYLED);
  });

  it('rewrites a section in the middle of the file in place', () => {
    const mid = `name: A\nbuiltinCopy: { back: { en: Old } } # ours\nlocales: [en]\n`;
    expect(withBuiltinLine(mid, 'back', 'en', 'New')).toBe(`name: A\nbuiltinCopy:\n  back:\n    en: New # ours\nlocales: [en]\n`);
    expect(withBuiltinLine(mid, 'back', 'en', undefined)).toBe(`name: A\nlocales: [en]\n`);
  });
});
