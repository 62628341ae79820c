// The copy lint and what its placeholder rule needs, in their own chunk: the retext plugins and their word lists
// load when a writer first opens a line of copy (inspector) or the copy deck, never with the canvas.
import { lintCopy, type CopyLintFinding } from '../../../shared/copy/lint';
import { variableChecker } from '../../../shared/engine/check';
import type { ProjectModel } from '../../../shared/project/validate';
import type { CopyLintSettings } from '../../../shared/schema/copyLint';

const checkers = new WeakMap<object, ReturnType<typeof variableChecker>>();

/** The findings of a line's text in a locale, with the project's settings and variables. */
export function lintLine(
  text: string | readonly string[],
  locale: string,
  model: ProjectModel,
  extraNames: readonly string[] = [],
): (CopyLintFinding & { variant: number })[] {
  let isKnown = checkers.get(model.flows);
  if (!isKnown) checkers.set(model.flows, (isKnown = variableChecker(model)));
  const settings: CopyLintSettings | undefined = model.manifest.copyLint;
  return lintCopy(text, locale, { settings, isKnownVariable: isKnown, extraNames });
}

export { ruleDescription, ruleTitle } from '../../../shared/copy/lint';
