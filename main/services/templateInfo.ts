// What each project template is (templates/<id>/README.md says more), with no imports, so the CLI's help can
// show it without loading anything.
export const TEMPLATE_DESCRIPTIONS = {
  blank: 'one flow that greets, understands help and goodbye, and falls back; one story',
  faq: 'answers questions from documents in knowledge/ with citations, and is not sure when they do not answer',
  banking: 'a balance from a backend API (mocked for design, with error and timeout exits) and a lost card handed to a person',
} as const;

export const templateHelp = (): string =>
  Object.entries(TEMPLATE_DESCRIPTIONS)
    .map(([id, d]) => `  ${id.padEnd(8)} ${d}`)
    .join('\n');
