// A fast reader for plain YAML files. The `yaml` library (used for errors, positions and writing) reads about
// 1-2 MB/s; js-yaml reads the same text ten to twenty times faster. It is used only where it cannot differ from
// `yaml`: it resolves plain scalars with the same YAML 1.2 core schema rules as `yaml`, and any text that could
// be read differently (anchors and aliases, tags, directives, complex or null keys) or that it rejects (syntax
// errors, duplicate keys) goes to `yaml`, which then decides and reports. parse.test.ts compares the two.
import { FAILSAFE_SCHEMA, Type, load } from 'js-yaml';

const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s) => test.test(s), construct });

// The rules of yaml's core schema (yaml/dist/schema/core/*.js, common/null.js), in its order.
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const CORE = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
    scalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) =>
      INT_OCT.test(s) ? parseInt(s.substring(2), 8) : INT_HEX.test(s) ? parseInt(s.substring(2), 16) : parseInt(s, 10),
    ),
    scalar(
      'float',
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      (s) => (FLOAT_NAN.test(s) ? (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity) : parseFloat(s)),
    ),
  ],
});

/**
 * Text that the fast reader leaves to `yaml`: an anchor, alias or tag where a node may start (`&a`, `*a`, `!t`),
 * a directive (`%YAML`), an explicit key (`? `) or a flow collection used as a key (`[a]: b`). Over-matching
 * (an asterisk in copy after a space) costs only speed.
 */
// block scalars with an explicit indentation indicator (`|2-`): js-yaml and yaml disagree on some of them
const NOT_PLAIN = /(?:^|[\s[\]{},:])(?:[&*][^\s,[\]{}]|!)|^%|^[ \t-]*\?(?:[ \t]|$)|[\]}][ \t]*:(?:[ \t]|$)|[|>][-+]?[1-9]/m;

/** The value of `text`, or not ok when `yaml` must read it. */
export function fastYamlValue(text: string): { ok: true; value: unknown } | { ok: false } {
  if (NOT_PLAIN.test(text)) return { ok: false };
  let value: unknown;
  try {
    value = load(text, { schema: CORE });
  } catch {
    return { ok: false };
  }
  // js-yaml names a null key "null" where yaml names it ""; leave such files to yaml.
  if (hasKey(value, 'null')) return { ok: false };
  return { ok: true, value: value === undefined ? null : value };
}

/** Whether any object in `v` has own key `key`; loops, not `Object.values(...).some`: it walks every parsed file. */
function hasKey(v: unknown, key: string): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (hasKey(v[i], key)) return true;
    return false;
  }
  const o = v as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(o, key)) return true;
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k) && hasKey(o[k], key)) return true;
  return false;
}
