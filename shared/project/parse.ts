import { unionIssues } from '../schema/issues';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { fieldPath, type Problem } from './problems';
import { fastYamlValue } from './fastYaml';

/** A YAML file parsed, with the line of any field path (positions are computed on the first question). */
export interface ParsedYaml {
  file: string;
  value: unknown;
  /** 1-based line of the deepest existing node on `path`. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
  problems: Problem[];
}

const MAX_ALIAS_COUNT = 100; // guards against "billion laughs" alias expansion in untrusted files

export function parseYaml(file: string, text: string): ParsedYaml {
  // Most files are valid and plain: read them with the fast reader and find positions only if a problem needs
  // a line. Anything else (a syntax error, anchors and aliases, tags) takes the full parse below.
  const fast = fastYamlValue(text);
  return fast.ok ? fastParsed(file, text, fast.value) : parseYamlWithPositions(file, text);
}

/** A file the fast reader read (here, or in a worker thread: main/services/parallelParse.ts) as `value`. */
export function fastParsed(file: string, text: string, value: unknown): ParsedYaml {
  let lines: ((path: readonly PropertyKey[]) => number | undefined) | undefined;
  return { file, value, lineOf: (path) => (lines ??= parseYamlWithPositions(file, text).lineOf)(path), problems: [] };
}

/** The full parse with positions: the YAML library's errors (the first, with its line) and the alias limit. */
export function parseYamlWithPositions(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  // The first error only: after it the parser is out of step, and the rest are echoes of the same typo (an
  // unquoted {{ a ? "x" : "y" }} alone gave dozens).
  for (const err of doc.errors.slice(0, 1)) {
    problems.push({
      severity: 'error',
      file,
      line: lineCounter.linePos(err.pos[0]).line,
      field: '',
      message: `invalid YAML: ${firstLine(err.message)}`,
    });
  }
  let value: unknown = undefined;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      problems.push({ severity: 'error', file, line: 1, field: '', message: `invalid YAML: ${firstLine(String(e))}` });
    }
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) {
        // For a key whose value is missing or wrong, point at the value's line.
        return lineCounter.linePos(node.range[0]).line;
      }
    }
    return undefined;
  };
  return { file, value, lineOf, problems };
}

/** Validates a parsed value against a zod schema and reports each issue as `file:line: field: message`. */
export function checkSchema<S extends z.ZodType>(
  parsed: Pick<ParsedYaml, 'file' | 'lineOf'>,
  value: unknown,
  schema: S,
  pathPrefix: readonly PropertyKey[] = [],
  extra: Partial<Problem> = {},
): { ok: true; data: z.output<S> } | { ok: false; problems: Problem[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const problems = unionIssues(result.error.issues).map((issue): Problem => {
    const path = [...pathPrefix, ...issue.path];
    return {
      severity: 'error',
      file: parsed.file,
      line: parsed.lineOf(path),
      field: fieldPath(path),
      message: issue.message,
      ...extra,
    };
  });
  return { ok: false, problems };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
