// zod's issues as people read them. A field that takes one of several shapes (a validation rule or a list of
// them, copy text or its variants) fails as "Invalid input" at the field; when exactly one shape matches what was
// written (every other shape failed on the type of the value itself), its own issues are the ones to report:
// `validation.expr: required`, not `validation: Invalid input`.

interface IssueLike {
  code?: string;
  path: PropertyKey[];
  message: string;
  errors?: IssueLike[][];
}

/** The issues with each union's replaced by the issues of the one shape that matches the value, where there is one. */
export function unionIssues<I extends IssueLike>(issues: readonly I[]): I[] {
  const out: I[] = [];
  for (const issue of issues) {
    const branches = issue.code === 'invalid_union' ? issue.errors : undefined;
    const shaped = branches?.filter((b) => !b.some((i) => i.path.length === 0 && i.code === 'invalid_type'));
    if (!shaped || shaped.length !== 1) {
      out.push(issue);
      continue;
    }
    for (const inner of unionIssues(shaped[0]!)) out.push({ ...(inner as I), path: [...issue.path, ...inner.path] });
  }
  return out;
}
