/** Where a piece of indexed text comes from; also the order in which snippets prefer fields. */
export type SearchGroup = 'copy' | 'title' | 'ids' | 'vars' | 'intents' | 'ops' | 'text' | 'code' | 'examples' | 'flow';

export const GROUPS: readonly SearchGroup[] = ['copy', 'title', 'ids', 'vars', 'intents', 'ops', 'text', 'code', 'examples', 'flow'];

export const BOOST: Record<SearchGroup, number> = {
  copy: 3,
  title: 2.5,
  ids: 2,
  vars: 2,
  intents: 2,
  ops: 2,
  text: 1,
  code: 1,
  examples: 0.4,
  flow: 0.3,
};

/** Fields whose whole value is a name: typing exactly that name is the best possible match. */
export const NAME_GROUPS = new Set<SearchGroup>(['ids', 'vars', 'intents', 'ops']);
