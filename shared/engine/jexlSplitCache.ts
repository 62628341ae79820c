// jexl compiles each expression with a new Lexer, and each Lexer builds the regular expression that splits text into
// tokens from the whole grammar (every operator escaped and joined): about 20 µs per expression, 40 ms in Node and
// 70 ms in the browser to check a project with 2,000 expressions, on every open. The expression depends only on the
// grammar's elements, so it is built once per grammar (and again only when operators are added to it). jexl 2.3 is
// the last release; if a later one drops this method, nothing is patched and jexl works as it always did.
import Lexer from 'jexl/dist/Lexer';

interface LexerInternals {
  _grammar: { elements: Record<string, unknown> };
  _getSplitRegex(): RegExp;
}

const proto = (Lexer as unknown as { prototype: LexerInternals }).prototype;
const build = proto._getSplitRegex;
const built = new WeakMap<object, { elements: number; regex: RegExp }>();

/** Whether the split expressions are shared between the lexers of one grammar (false: this jexl has no such method). */
export const sharedSplitRegex = typeof build === 'function';

if (sharedSplitRegex) {
  proto._getSplitRegex = function (this: LexerInternals): RegExp {
    const elements = Object.keys(this._grammar.elements).length;
    const hit = built.get(this._grammar);
    if (hit && hit.elements === elements) return hit.regex;
    const regex = build.call(this);
    built.set(this._grammar, { elements, regex });
    return regex;
  };
}
