// Where an api node's `assign` reads the response: a dot path (`data.balance`, own properties only) or a JSONPath
// (`$.data.accounts[0].balance`, `$..balance`, `$.items[*].id`, `$.items[-1:]`), read by jsonpath-plus with
// script evaluation off (`eval: false`): a filter or script segment (`[?(...)]`, `[(...)]`) is refused when the
// project is validated, and would throw here rather than run. A path that names one value gives that value; a
// wildcard, slice or recursive descent gives the list of what it matched. Only JSON data comes back.
import { JSONPath } from 'jsonpath-plus';
import { getPath, type Vars } from './vars';

export const isJsonPath = (path: string): boolean => path.trimStart().startsWith('$');

const isRecord = (v: unknown): v is Vars => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at `path` in a response body; undefined when there is none (or the path cannot be read). */
export function readResponse(body: unknown, path: string): unknown {
  if (!isJsonPath(path)) return getPath(isRecord(body) ? body : {}, path);
  if (responsePathProblem(path)) return undefined;
  try {
    const v: unknown = JSONPath({ path: path.trim(), json: body as object, wrap: false, eval: false });
    return typeof v === 'function' ? undefined : v;
  } catch {
    return undefined;
  }
}

/** Why `path` cannot be used to read a response, or undefined when it can. */
export function responsePathProblem(path: string): string | undefined {
  if (!isJsonPath(path)) {
    return path.split('.').some((k) => !k) ? `"${path}" has an empty segment (write data.balance, or a JSONPath starting with $)` : undefined;
  }
  const p = path.trim();
  if (/\[\s*\??\s*\(/.test(p))
    return `"${path}": filter and script expressions ([?(...)], [(...)]) are off in response paths; map the list and filter it in a set node`;
  let depth = 0;
  let quote = '';
  for (const c of p) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth < 0) break;
  }
  if (quote) return `"${path}": a quote is not closed`;
  if (depth !== 0) return `"${path}": the brackets do not match`;
  if (/^\$(\.\.?)?$/.test(p) && p !== '$') return `"${path}": the path ends before naming anything`;
  return undefined;
}
