// A synchronous evaluator for Jexl's expression trees, with Jexl's own operators, functions and transforms.
// Jexl's `evalSync` runs its asynchronous evaluator over a synchronous promise class: every node of every
// evaluation allocates promise objects and closures, which made evaluation most of a template's cost (a turn
// renders and tests a dozen of them). This walks the same tree directly, node for node as Jexl 2.3's evaluator
// handlers do (evaluator/handlers.js and Evaluator.js): the same order of evaluation, the same short circuits of
// `&&` and `||`, the same filters, the same errors (without the "Error: " Jexl prefixes to an error each time it
// crosses one of its Promise.all). It walks only hardened trees (expressions.ts), where member access is a call
// of the checked helpers: it never indexes a value itself, beyond a root variable of the scope and the
// `#element` of a filter's element (own properties of objects made for the purpose).
// A property test checks it against Jexl's `evalSync` on generated expressions and scopes.

/** What the evaluator needs of a Jexl grammar (Jexl's `_grammar`: its operators and its two pools of callables). */
export interface JexlGrammar {
  elements: Record<string, { eval?: (...operands: unknown[]) => unknown; evalOnDemand?: unknown }>;
  functions: Record<string, (...args: unknown[]) => unknown>;
  transforms: Record<string, (...args: unknown[]) => unknown>;
}

/** A node of Jexl's expression tree, as its parser makes it. */
export interface JexlNode {
  type: string;
  value?: unknown;
  from?: JexlNode;
  relative?: boolean;
  name?: string;
  pool?: string;
  operator?: string;
  args?: JexlNode[];
  left?: JexlNode;
  right?: JexlNode;
  test?: JexlNode;
  consequent?: JexlNode;
  alternate?: JexlNode;
  subject?: JexlNode;
  expr?: JexlNode;
}

const POOL_NAMES: Record<string, string> = { functions: 'Jexl Function', transforms: 'Transform' };

/**
 * Whether `evaluateTree` evaluates `ast` exactly as Jexl would: every node is of a kind it knows, every operator
 * is the grammar's, and the only operators Jexl evaluates on demand are `&&` and `||`, whose short circuit it
 * repeats. Anything else (a grammar extended with an operator of its own) is left to Jexl.
 */
export function canEvaluate(ast: JexlNode, grammar: JexlGrammar): boolean {
  const ok = (n: JexlNode | undefined): boolean => {
    if (!n) return true;
    switch (n.type) {
      case 'Literal':
        return true;
      // member access is a call of the checked helpers once hardened: a tree with `a.b` or `a[x]` left is not walked
      case 'Identifier':
        return !n.from;
      case 'BinaryExpression': {
        const op = Object.hasOwn(grammar.elements, n.operator ?? '') ? grammar.elements[n.operator!] : undefined;
        if (!op) return false;
        if (op.evalOnDemand && n.operator !== '&&' && n.operator !== '||') return false;
        if (!op.evalOnDemand && typeof op.eval !== 'function') return false;
        return ok(n.left) && ok(n.right);
      }
      case 'UnaryExpression': {
        const op = Object.hasOwn(grammar.elements, n.operator ?? '') ? grammar.elements[n.operator!] : undefined;
        return !!op && typeof op.eval === 'function' && ok(n.right);
      }
      case 'ConditionalExpression':
        return ok(n.test) && ok(n.consequent) && ok(n.alternate);
      case 'FilterExpression':
        return !!n.relative && ok(n.subject) && ok(n.expr);
      case 'FunctionCall':
        return (n.args ?? []).every(ok);
      case 'ArrayLiteral':
        return (n.value as JexlNode[]).every(ok);
      case 'ObjectLiteral':
        return Object.values(n.value as Record<string, JexlNode>).every(ok);
      default:
        return false;
    }
  };
  return ok(ast);
}

/** `ast`'s value in `context` (root variables), with `relative` the element a filter is looking at. */
export function evaluateTree(grammar: JexlGrammar, ast: JexlNode, context: Record<string, unknown>, relative: unknown = context): unknown {
  const ev = (n: JexlNode): unknown => evaluateTree(grammar, n, context, relative);
  switch (ast.type) {
    case 'Literal':
      return ast.value;
    case 'Identifier':
      // a root variable, or a filter's `#element` (canEvaluate lets no `a.b` through)
      return ast.relative ? (relative as Record<string, unknown>)[ast.value as string] : context[ast.value as string];
    case 'BinaryExpression': {
      if (ast.operator === '&&') {
        const l = ev(ast.left!);
        return l ? ev(ast.right!) : l;
      }
      if (ast.operator === '||') {
        const l = ev(ast.left!);
        return l ? l : ev(ast.right!);
      }
      const l = ev(ast.left!);
      const r = ev(ast.right!);
      return grammar.elements[ast.operator!]!.eval!(l, r);
    }
    case 'UnaryExpression':
      return grammar.elements[ast.operator!]!.eval!(ev(ast.right!));
    case 'ConditionalExpression': {
      const test = ev(ast.test!);
      if (test) return ast.consequent ? ev(ast.consequent) : test;
      return ev(ast.alternate!);
    }
    case 'FilterExpression': {
      // a relative filter `list[.x > 1]` (canEvaluate lets no static `a[x]` through)
      const subject = ev(ast.subject!);
      const list: unknown[] = Array.isArray(subject) ? subject : subject === undefined ? [] : [subject];
      const values = list.map((elem) => evaluateTree(grammar, ast.expr!, context, elem));
      return list.filter((_, i) => values[i]);
    }
    case 'FunctionCall': {
      const poolName = POOL_NAMES[ast.pool ?? ''];
      if (!poolName) throw new Error(`Corrupt AST: Pool '${ast.pool}' not found`);
      const pool = grammar[ast.pool as 'functions' | 'transforms'];
      const fn = Object.hasOwn(pool, ast.name ?? '') ? pool[ast.name!] : undefined;
      if (!fn) throw new Error(`${poolName} ${ast.name} is not defined.`);
      const args = (ast.args ?? []).map(ev);
      return fn(...args);
    }
    case 'ArrayLiteral':
      return (ast.value as JexlNode[]).map(ev);
    case 'ObjectLiteral': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(ast.value as Record<string, JexlNode>)) out[k] = ev(v);
      return out;
    }
    default:
      throw new Error(`unsupported expression (${ast.type})`);
  }
}
