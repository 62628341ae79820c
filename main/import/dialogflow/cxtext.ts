// Dialogflow CX text and conditions in Parley's terms: `$session.params.x` (and `$flow.x`, `$page.params.x`,
// `$intent.params.x.original`) in copy become `{{slots.x}}`; a route condition such as
// `$session.params.x = "y" AND NOT $page.params.n > 2` becomes the expression `slots.x == "y" && !slots.n > 2`.
// `$page.params.status = "FINAL"` (the page's form is complete) is `true`: the imported page asks its questions
// before it checks its routes. What does not convert (`$sys.func.*`, `:`, `$request.*`) gives undefined.

const REF = /\$(?:session\.params|flow|page\.params|intent\.params)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.(?:original|resolved))?/g;

export interface CxText {
  text: string;
  /** References this converter does not map (`$request.generative.x`, `$sys.func.X`). */
  unmapped: string[];
}

/** Copy with CX parameter references as Parley placeholders. */
export function toTemplate(text: string, slotId: (name: string) => string): CxText {
  const out = text.replace(REF, (_m, name: string) => `{{slots.${slotId(name)}}}`);
  const unmapped = [...out.matchAll(/\$(?:request|sys|session|page|flow|intent)\.[A-Za-z0-9_.-]+/g)].map((m) => m[0]);
  return { text: out, unmapped };
}

type Tok = { k: 'str' | 'num' | 'ref' | 'op' | 'lp' | 'rp' | 'word'; v: string };

function tokenize(src: string): Tok[] | undefined {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
        j++;
      }
      if (j >= src.length) return undefined;
      toks.push({ k: 'str', v: s });
      i = j + 1;
    } else if ((m = /^-?\d+(\.\d+)?/.exec(rest))) {
      toks.push({ k: 'num', v: m[0] });
      i += m[0].length;
    } else if ((m = /^\$[A-Za-z_][A-Za-z0-9_.-]*/.exec(rest))) {
      toks.push({ k: 'ref', v: m[0] });
      i += m[0].length;
    } else if ((m = /^(!=|<=|>=|=|<|>|:)/.exec(rest))) {
      toks.push({ k: 'op', v: m[0] });
      i += m[0].length;
    } else if (c === '(' || c === ')') {
      toks.push({ k: c === '(' ? 'lp' : 'rp', v: c });
      i++;
    } else if ((m = /^[A-Za-z_]+/.exec(rest))) {
      toks.push({ k: 'word', v: m[0] });
      i += m[0].length;
    } else return undefined;
  }
  return toks;
}

/** A Parley expression for a CX condition, or undefined when it uses what Parley has no equivalent for. */
export function toCondition(cond: string, slotId: (name: string) => string): string | undefined {
  const toks = tokenize(cond.trim());
  if (!toks?.length) return undefined;
  const out: string[] = [];
  let closeAt: number | undefined; // NOT before a comparison negates the comparison: `!(a == b)`
  for (let i = 0; i < toks.length; i++) {
    if (closeAt !== undefined && i > closeAt) {
      out.push(')');
      closeAt = undefined;
    }
    const t = toks[i]!;
    if (t.k === 'ref') {
      if (toks[i + 1]?.k === 'lp') return undefined; // $sys.func.X(...)
      if (t.v === '$page.params.status') {
        const op = toks[i + 1];
        const val = toks[i + 2];
        if (op?.k !== 'op' || (val?.k !== 'str' && val?.k !== 'word') || (op.v !== '=' && op.v !== '!=')) return undefined;
        out.push((val.v === 'FINAL') === (op.v === '=') ? 'true' : 'false');
        i += 2;
        continue;
      }
      const m = /^\$(?:session\.params|flow|page\.params)\.([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/.exec(t.v);
      if (!m) return undefined;
      out.push(`slots.${slotId(m[1]!)}${m[2] ?? ''}`);
    } else if (t.k === 'str') out.push(JSON.stringify(t.v));
    else if (t.k === 'num') out.push(t.v);
    else if (t.k === 'lp' || t.k === 'rp') out.push(t.v);
    else if (t.k === 'op') {
      if (t.v === ':') return undefined;
      out.push(t.v === '=' ? '==' : t.v);
    } else {
      const w = t.v.toUpperCase();
      if (w === 'AND') out.push('&&');
      else if (w === 'OR') out.push('||');
      else if (w === 'NOT') {
        if (toks[i + 1]?.k === 'lp' || closeAt !== undefined) out.push('!');
        else {
          out.push('!(');
          closeAt = toks[i + 2]?.k === 'op' ? i + 3 : i + 1;
        }
      } else if (w === 'TRUE' || w === 'FALSE' || w === 'NULL') out.push(w.toLowerCase());
      else return undefined;
    }
  }
  if (closeAt !== undefined) out.push(')');
  const expr = out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')').replace(/! /g, '!');
  // `$page.params.status = "FINAL" AND x` (the form is complete, and x): just x
  return /\|\||\(/.test(expr) ? expr : expr.replace(/^true && /, '').replace(/ && true(?= &&|$)/g, '');
}
