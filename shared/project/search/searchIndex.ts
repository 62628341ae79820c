import MiniSearch from 'minisearch';
import type { FlowNode } from '../../schema/nodes';
import type { Flow, Intent } from '../../schema/project';
import { BOOST, GROUPS, type SearchGroup } from './groups';
import { rankOf } from './rank';
import { segmentsOf, type NodeDoc, type Segment } from './segments';
import { bestSegment, snippetOf } from './snippet';
import { indexTokens, phraseOf, queryTerms } from './terms';
import type { SearchOptions, SearchResult, UpdateStats } from './types';

// The incremental index: one MiniSearch document per node, kept in step with the flows by identity, and the
// search over it (MiniSearch's hits re-ranked by match quality, each with the snippet to show).

interface IndexedDoc {
  key: number;
  fields: Record<SearchGroup, string>;
}

interface FlowEntry {
  flow: Flow;
  docs: Map<FlowNode, number>;
}

/** Garbage (discarded documents) tolerated before the MiniSearch is rebuilt, if there is also more of it than live documents. */
const REBUILD_MIN_DIRT = 500;

/**
 * MiniSearch without auto-vacuum: its vacuum runs in timed batches, and changing the index between two batches
 * crashes it (minisearch 7.2.0, `TreeIterator.dive`: reading 'keys' of undefined). The index is rebuilt
 * synchronously instead when discarded documents pile up (`SearchIndex.update`).
 */
function newMiniSearch(): MiniSearch<IndexedDoc> {
  return new MiniSearch<IndexedDoc>({
    idField: 'key',
    fields: [...GROUPS],
    extractField: (doc, field) => (field === 'key' ? doc.key : doc.fields[field as SearchGroup]) as unknown as string,
    tokenize: indexTokens,
    processTerm: (term) => term,
    autoVacuum: false,
  });
}

export class SearchIndex {
  private mini = newMiniSearch();
  /** Documents discarded from `mini` since it was built; their terms stay in its tree until a rebuild. */
  private dirt = 0;
  private readonly docs = new Map<number, NodeDoc>();
  private readonly flows = new Map<string, FlowEntry>();
  private intents: readonly Intent[] | undefined;
  private intentMap: ReadonlyMap<string, Intent> = new Map();
  private nextId = 1;

  /** Number of nodes indexed. */
  get size(): number {
    return this.docs.size;
  }

  /**
   * Brings the index up to date with these flows (every flow of the project, by id) and intents. Flows and
   * nodes that kept their identity are not touched; a renamed flow is re-indexed whole.
   */
  update(flows: Readonly<Record<string, Flow>>, intents?: readonly Intent[]): UpdateStats {
    const stats: UpdateStats = { added: 0, removed: 0, kept: 0 };
    const intentsChanged = intents !== this.intents;
    if (intentsChanged) {
      this.intents = intents;
      this.intentMap = new Map((intents ?? []).map((i) => [i.id, i]));
    }
    const removed: number[] = [];
    const added: number[] = [];
    for (const [flowId, entry] of this.flows) {
      if (!Object.hasOwn(flows, flowId)) {
        removed.push(...entry.docs.values());
        this.flows.delete(flowId);
      }
    }
    for (const [flowId, flow] of Object.entries(flows)) {
      const entry = this.flows.get(flowId);
      if (entry && entry.flow === flow && !intentsChanged) {
        stats.kept += entry.docs.size;
        continue;
      }
      // Nodes that kept their identity keep their document, unless the flow was renamed (every document names it).
      const reuse = entry && entry.flow.name === flow.name ? entry.docs : new Map<FlowNode, number>();
      const docs = new Map<FlowNode, number>();
      for (const node of flow.nodes) {
        if (docs.has(node)) continue; // the same object twice: indexed once
        const old = reuse.get(node);
        const stale = intentsChanged && (node.kind === 'listen' || node.kind === 'start');
        if (old !== undefined && !stale) {
          docs.set(node, old);
          reuse.delete(node);
          stats.kept++;
          continue;
        }
        const id = this.nextId++;
        this.docs.set(id, { flowId, flowName: flow.name, node, segments: segmentsOf(flowId, flow.name, node, this.intentMap) });
        docs.set(node, id);
        added.push(id);
      }
      // Left in the old map: nodes that are gone or changed (after a rename, all of them: `reuse` was a fresh map).
      if (entry) removed.push(...entry.docs.values());
      this.flows.set(flowId, { flow, docs });
    }
    for (const id of removed) this.docs.delete(id);
    stats.added = added.length;
    stats.removed = removed.length;
    if (this.dirt + removed.length > Math.max(REBUILD_MIN_DIRT, this.docs.size)) {
      this.rebuild();
    } else {
      for (const id of removed) this.mini.discard(id);
      this.dirt += removed.length;
      this.mini.addAll(added.map((key) => ({ key, fields: fieldsOf((this.docs.get(key) as NodeDoc).segments) })));
    }
    return stats;
  }

  /** A fresh MiniSearch of the live documents (their segments are kept, so this is only the tokenizing). */
  private rebuild(): void {
    this.mini = newMiniSearch();
    this.mini.addAll([...this.docs].map(([key, doc]) => ({ key, fields: fieldsOf(doc.segments) })));
    this.dirt = 0;
  }

  search(query: string, options: SearchOptions = {}): SearchResult[] {
    const limit = options.limit ?? 50;
    const terms = queryTerms(query);
    if (terms.length === 0 || limit <= 0) return [];
    const phrase = phraseOf(query);
    const hits = this.mini.search(query, {
      tokenize: () => terms,
      processTerm: (t) => t,
      combineWith: 'AND',
      prefix: true,
      // Light: one typo from 4 letters, two from 8; identifiers (`card_last4`) one at most, they are typed with care.
      fuzzy: (term) => (term.length < 4 ? false : /[._]/.test(term) ? 1 : term.length >= 8 ? 2 : 1),
      boost: BOOST,
    });
    const ranked: { doc: NodeDoc; tier: number; score: number; phraseAt?: { seg: Segment; start: number; end: number }; terms: string[] }[] = [];
    for (const hit of hits) {
      const doc = this.docs.get(hit.id as number);
      if (!doc) continue;
      const rank = rankOf(doc, phrase);
      // Matched only through the flow's name or an intent's examples: after everything the node itself says.
      if (rank.tier === 3 && Object.values(hit.match).every((fields) => fields.every((f) => f === 'flow' || f === 'examples'))) rank.tier = 4;
      ranked.push({ doc, score: hit.score, terms: hit.terms, ...rank });
    }
    ranked.sort((a, b) => a.tier - b.tier || b.score - a.score);
    return ranked.slice(0, limit).map(({ doc, score, phraseAt, terms: matched }) => {
      const best: { seg: Segment; ranges: [number, number][] } = phraseAt
        ? { seg: phraseAt.seg, ranges: [[phraseAt.start, phraseAt.end]] }
        : bestSegment(doc, matched, terms);
      return {
        flowId: doc.flowId,
        flowName: doc.flowName,
        nodeId: doc.node.id,
        kind: doc.node.kind,
        title: doc.node.title ?? doc.node.id,
        field: best.seg.field,
        fieldLabel: best.seg.label,
        snippet: snippetOf(best.seg, best.ranges),
        score,
      };
    });
  }
}

/** A node's segments joined per group: the fields of its MiniSearch document. */
function fieldsOf(segments: readonly Segment[]): Record<SearchGroup, string> {
  const parts = Object.fromEntries(GROUPS.map((g) => [g, [] as string[]])) as Record<SearchGroup, string[]>;
  for (const s of segments) parts[s.group].push(s.text);
  return Object.fromEntries(GROUPS.map((g) => [g, parts[g].join('\n')])) as Record<SearchGroup, string>;
}
