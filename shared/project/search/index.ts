import type { Flow, Intent } from '../../schema/project';
import { SearchIndex } from './searchIndex';
import type { SearchOptions, SearchResult, UpdateStats } from './types';

/**
 * Search across every flow of a project: one document per node, indexed with MiniSearch (BM25, prefix and
 * fuzzy matching), then re-ranked so that what a writer means comes first: the node whose copy contains the
 * exact phrase, or whose id / variable / intent is exactly what was typed.
 *
 * The index is incremental. `updateSearchIndex` compares flows and nodes by identity (flows are immutable and
 * `applyChanges` keeps untouched nodes), so after an edit only the changed nodes are re-indexed; nothing needs
 * to run on each keystroke of an edit. Call it when the search opens (and while it is open).
 */

export { SearchIndex } from './searchIndex';
export type { SearchOptions, SearchResult, Snippet, UpdateStats } from './types';

export function createSearchIndex(): SearchIndex {
  return new SearchIndex();
}

/** Updates `index` in place to these flows and intents; cheap when little changed (see `SearchIndex.update`). */
export function updateSearchIndex(index: SearchIndex, flows: Readonly<Record<string, Flow>>, intents?: readonly Intent[]): UpdateStats {
  return index.update(flows, intents);
}

export function buildSearchIndex(flows: Readonly<Record<string, Flow>>, intents?: readonly Intent[]): SearchIndex {
  const index = new SearchIndex();
  index.update(flows, intents);
  return index;
}

/**
 * Nodes matching every word of `query` (as typed: the last word may be unfinished, small typos are forgiven),
 * best first: the exact phrase in copy, then exact names, then the rest by relevance.
 */
export function search(index: SearchIndex, query: string, options: SearchOptions = {}): SearchResult[] {
  return index.search(query, options);
}
