import type { NodeKind } from '../../schema/nodes';

// What a search returns, and its options (the public types of the search API besides `SearchGroup`).

export interface Snippet {
  /** A window of the matching text (newlines as spaces), with `…` where it was cut. */
  text: string;
  /** `[start, end)` ranges of `text` to highlight (the phrase, or each matching word), in order, not overlapping. */
  ranges: [number, number][];
}

export interface SearchResult {
  flowId: string;
  flowName: string;
  nodeId: string;
  kind: NodeKind;
  /** The node's title, or its id when it has none. */
  title: string;
  /**
   * Path of the matching field in the node, as in problems: `say.en`, `buttons[1].label.es`, `assign[0].var`
   * (`say.en[1]` for a variant); empty when only the flow's name matched.
   */
  field: string;
  /** The same for people: `Bot says (en)`, `Button label (es)`, `Sets variable`. */
  fieldLabel: string;
  snippet: Snippet;
  /** Relevance: higher is better; results are sorted by match quality first, then by this. */
  score: number;
}

export interface SearchOptions {
  /** Maximum number of results (default 50). */
  limit?: number;
}

export interface UpdateStats {
  added: number;
  removed: number;
  kept: number;
}
