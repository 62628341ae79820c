import MiniSearch from 'minisearch';
import type { LocalizedText } from '../schema/common';
import type { FlowNode, NodeKind } from '../schema/nodes';
import type { Flow, Intent } from '../schema/project';
import { fieldPath } from './problems';
import { forEachCopy } from './validate';

/**
 * Search across every flow of a project: one document per node, indexed with MiniSearch (BM25, prefix and
 * fuzzy matching), then re-ranked so that what a writer means comes first: the node whose copy contains the
 * exact phrase, or whose id / variable / intent is exactly what was typed.
 *
 * The index is incremental. `updateSearchIndex` compares flows and nodes by identity (flows are immutable and
 * `applyChanges` keeps untouched nodes), so after an edit only the changed nodes are re-indexed; nothing needs
 * to run on each keystroke of an edit. Call it when the search opens (and while it is open).
 */

/** Where a piece of indexed text comes from; also the order in which snippets prefer fields. */
export type SearchGroup = 'copy' | 'title' | 'ids' | 'vars' | 'intents' | 'ops' | 'text' | 'code' | 'examples' | 'flow';

const GROUPS: readonly SearchGroup[] = ['copy', 'title', 'ids', 'vars', 'intents', 'ops', 'text', 'code', 'examples', 'flow'];

const BOOST: Record<SearchGroup, number> = {
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
const NAME_GROUPS = new Set<SearchGroup>(['ids', 'vars', 'intents', 'ops']);

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

interface Segment {
  group: SearchGroup;
  /** A variable read here (a placeholder or an expression), not set. */
  use?: boolean;
  field: string;
  label: string;
  text: string;
  folded?: Folded;
}

interface NodeDoc {
  flowId: string;
  flowName: string;
  node: FlowNode;
  segments: Segment[];
}

interface IndexedDoc {
  key: number;
  fields: Record<SearchGroup, string>;
}

interface FlowEntry {
  flow: Flow;
  docs: Map<FlowNode, number>;
}

// ---------------------------------------------------------------------------------------------------------
// Text folding and tokens

/** Text lower-cased with accents, typographic quotes and whitespace normalised; `map` leads back to the source. */
interface Folded {
  text: string;
  /** `map[i]` is the offset in the source of folded char `i` (length + 1); absent when offsets are unchanged. */
  map?: number[];
}

const SPECIAL: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '.' };
const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  let f = foldCache.get(ch);
  if (f === undefined) {
    f = /\s/u.test(ch) ? ' ' : (SPECIAL[ch] ?? ch.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase());
    foldCache.set(ch, f);
  }
  return f;
}

function fold(text: string): Folded {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return { text: text.toLowerCase().replace(/\s/g, ' ') };
  let out = '';
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    out += f;
    for (let k = 0; k < f.length; k++) map.push(i);
    i += ch.length;
  }
  map.push(text.length);
  return { text: out, map };
}

const toSource = (f: Folded, i: number): number => (f.map ? (f.map[i] ?? f.map[f.map.length - 1] ?? i) : i);

/** A word, or an identifier such as `card_last4` or `slots.card_type`. */
const WORD_RUN = /[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*/gu;
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

interface Span {
  term: string;
  start: number;
  end: number;
}

/**
 * Terms of folded text with their offsets. An identifier yields itself and its parts, so `slots.card_last4`
 * is found by `slots.card_last4`, `card_last4`, `card` and `last4`.
 */
function spans(folded: string): Span[] {
  const out: Span[] = [];
  for (const m of folded.matchAll(WORD_RUN)) {
    const word = m[0];
    const at = m.index;
    if (!HAS_WORD_CHAR.test(word)) continue;
    out.push({ term: word, start: at, end: at + word.length });
    if (!/[._]/.test(word)) continue;
    const seen = new Set([word]);
    const push = (term: string, start: number) => {
      if (!term || seen.has(term) || !HAS_WORD_CHAR.test(term)) return;
      seen.add(term);
      out.push({ term, start, end: start + term.length });
    };
    let offset = 0;
    for (const seg of word.split('.')) {
      push(seg, at + offset);
      let inner = 0;
      for (const part of seg.split('_')) {
        push(part, at + offset + inner);
        inner += part.length + 1;
      }
      offset += seg.length + 1;
    }
  }
  return out;
}

/** The terms of `spans`, without offsets (indexing). */
function indexTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of fold(text).text.matchAll(WORD_RUN)) {
    const word = m[0];
    if (!HAS_WORD_CHAR.test(word)) continue;
    out.push(word);
    if (!word.includes('.') && !word.includes('_')) continue;
    const seen = new Set([word]);
    for (const seg of word.split('.')) {
      for (const term of [seg, ...seg.split('_')]) {
        if (term && !seen.has(term) && HAS_WORD_CHAR.test(term)) {
          seen.add(term);
          out.push(term);
        }
      }
    }
  }
  return out;
}

/** Query terms: each word or identifier as typed (an identifier is not split, so it matches as a whole). */
function queryTerms(query: string): string[] {
  const terms: string[] = [];
  for (const m of fold(query).text.matchAll(WORD_RUN)) {
    const term = m[0].replace(/^[._]+|[._]+$/g, '');
    if (HAS_WORD_CHAR.test(term) && !terms.includes(term)) terms.push(term);
  }
  return terms;
}

/** The query as a phrase: folded, single-spaced, without leading or trailing punctuation. */
const phraseOf = (query: string): string =>
  fold(query)
    .text.replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, '');

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/**
 * The best occurrence of `phrase` that starts a word, by `tierOf` (lower is better; `exact` when the phrase also
 * ends a word), earliest on a tie.
 */
function findPhrase(
  folded: string,
  phrase: string,
  tierOf: (exact: boolean, start: number) => number,
): { start: number; end: number; tier: number } | undefined {
  let best: { start: number; end: number; tier: number } | undefined;
  for (let i = folded.indexOf(phrase); i >= 0; i = folded.indexOf(phrase, i + 1)) {
    if (isWordChar(folded[i - 1])) continue;
    const end = i + phrase.length;
    const tier = tierOf(!isWordChar(folded[end]), i);
    if (!best || tier < best.tier) best = { start: i, end, tier };
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------
// What a node says and refers to

const TEMPLATE_VAR = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g;
const EXPR_WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(\s*\()?/g;
const EXPR_KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'in', 'value']);

const COPY_LABEL: Record<string, string> = { say: 'Bot says', prompt: 'Question', reprompt: 'Re-prompt', label: 'Button label', message: 'Validation message' };

/** Variable paths an expression reads (string literals and function names left out). */
function expressionVars(expr: string): string[] {
  const code = expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, ' ');
  const out = new Set<string>();
  for (const m of code.matchAll(EXPR_WORD)) {
    if (m[1] || EXPR_KEYWORDS.has(m[0])) continue;
    out.add(m[0]);
  }
  return [...out];
}

function segmentsOf(flowId: string, flowName: string, node: FlowNode, intents: ReadonlyMap<string, Intent>): Segment[] {
  const segs: Segment[] = [];
  const add = (group: SearchGroup, path: PropertyKey[], label: string, text: string | undefined) => {
    if (text) segs.push({ group, field: fieldPath(path), label, text });
  };

  forEachCopy(node, (path, text: LocalizedText) => {
    const last = path[path.length - 1];
    const base = COPY_LABEL[String(last)] ?? 'Copy';
    for (const [loc, copy] of Object.entries(text)) {
      if (Array.isArray(copy)) copy.forEach((v, i) => add('copy', [...path, loc, i], `${base} (${loc}, variant ${i + 1})`, v));
      else add('copy', [...path, loc], `${base} (${loc})`, copy);
    }
  });
  add('title', ['title'], 'Title', node.title);
  add('ids', ['id'], 'Node id', node.id);
  add('text', ['notes'], 'Notes', node.notes);

  const exprVars = (path: PropertyKey[], expr: string) =>
    expressionVars(expr).forEach((v) => segs.push({ group: 'vars', use: true, field: fieldPath(path), label: 'Variable used', text: v }));

  switch (node.kind) {
    case 'start':
      (node.triggers ?? []).forEach((t, i) => add('intents', ['triggers', i], 'Started by intent', t));
      break;
    case 'message':
      (node.buttons ?? []).forEach((b, i) => {
        add('ids', ['buttons', i, 'id'], 'Button id', b.id);
        add('text', ['buttons', i, 'payload'], 'Button payload', b.payload);
      });
      break;
    case 'ask':
      add('vars', ['slot'], 'Saves the answer in', node.slot);
      add('text', ['entity'], 'Entity', node.entity);
      add('text', ['type'], 'Answer type', node.type);
      if (node.validation) {
        add('code', ['validation', 'expr'], 'Validation rule', node.validation.expr);
        exprVars(['validation', 'expr'], node.validation.expr);
      }
      break;
    case 'listen':
      (node.routes ?? []).forEach((r, i) => {
        add('intents', ['routes', i, 'intent'], 'Routes intent', r.intent);
        const intent = intents.get(r.intent);
        if (!intent) return;
        add('examples', ['routes', i, 'intent'], `Intent ${intent.id}: description`, intent.description);
        for (const [loc, examples] of Object.entries(intent.examples)) {
          examples.forEach((ex) => add('examples', ['routes', i, 'intent'], `Intent ${intent.id}: example (${loc})`, ex));
        }
      });
      break;
    case 'condition':
      node.branches.forEach((b, i) => {
        add('ids', ['branches', i, 'id'], 'Branch id', b.id);
        add('code', ['branches', i, 'when'], `Condition of ${b.id}`, b.when);
        exprVars(['branches', i, 'when'], b.when);
      });
      break;
    case 'set':
      node.assign.forEach((a, i) => {
        add('vars', ['assign', i, 'var'], 'Sets variable', a.var);
        add('code', ['assign', i, 'value'], `Value of ${a.var}`, a.value);
        exprVars(['assign', i, 'value'], a.value);
      });
      break;
    case 'llm':
      add('text', ['prompt'], 'LLM prompt', node.prompt);
      add('text', ['system'], 'System prompt', node.system);
      add('text', ['model'], 'Model', node.model);
      add('vars', ['saveAs'], 'Saves the reply in', node.saveAs);
      (node.extract ?? []).forEach((x, i) => {
        add('vars', ['extract', i, 'var'], 'Extracts variable', x.var);
        add('text', ['extract', i, 'description'], `Extraction of ${x.var}`, x.description);
      });
      break;
    case 'knowledge':
      add('text', ['query'], 'Knowledge query', node.query);
      (node.sources ?? []).forEach((s, i) => add('text', ['sources', i], 'Knowledge source', s));
      add('vars', ['saveAs'], 'Saves the answer in', node.saveAs);
      break;
    case 'api':
      add('ops', ['operation'], 'API operation', node.operation);
      add('code', ['url'], 'URL', node.url);
      add('code', ['body'], 'Request body', node.body === undefined || typeof node.body === 'string' ? node.body : JSON.stringify(node.body));
      for (const [name, value] of Object.entries(node.headers ?? {})) add('code', ['headers', name], `Header ${name}`, `${name}: ${value}`);
      (node.assign ?? []).forEach((a, i) => {
        add('vars', ['assign', i, 'var'], 'Sets variable from the response', a.var);
        add('code', ['assign', i, 'path'], `Response path for ${a.var}`, a.path);
      });
      break;
    case 'guardrail':
      add('text', ['checks'], 'Checks', node.checks.join(', '));
      (node.topics ?? []).forEach((t, i) => add('text', ['topics', i], 'Sensitive topic', t));
      break;
    case 'handoff':
      add('text', ['queue'], 'Queue', node.queue);
      add('text', ['reason'], 'Reason', node.reason);
      add('text', ['summary'], 'Summary for the agent', node.summary);
      break;
    case 'jump':
    case 'call':
      add('text', ['flow'], node.kind === 'jump' ? 'Jumps to flow' : 'Calls flow', node.flow);
      add('text', ['node'], 'Entry node', node.node);
      break;
    case 'end':
      add('text', ['outcome'], 'Outcome', node.outcome);
      break;
  }

  // Template variables (`{{slots.card_last4 | mask}}`) wherever text is written: copy, prompts, URLs, bodies.
  for (const s of segs.slice()) {
    if (s.group !== 'copy' && s.group !== 'text' && s.group !== 'code') continue;
    const seen = new Set<string>();
    for (const m of s.text.matchAll(TEMPLATE_VAR)) {
      const v = m[1] as string;
      if (seen.has(v)) continue;
      seen.add(v);
      segs.push({ group: 'vars', use: true, field: s.field, label: `Variable in ${s.label.charAt(0).toLowerCase()}${s.label.slice(1)}`, text: v });
    }
  }
  add('flow', [], 'Flow', flowName === flowId ? flowId : `${flowName} (${flowId})`);
  return segs;
}

// ---------------------------------------------------------------------------------------------------------
// The index

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

function fieldsOf(segments: readonly Segment[]): Record<SearchGroup, string> {
  const parts = Object.fromEntries(GROUPS.map((g) => [g, [] as string[]])) as Record<SearchGroup, string[]>;
  for (const s of segments) parts[s.group].push(s.text);
  return Object.fromEntries(GROUPS.map((g) => [g, parts[g].join('\n')])) as Record<SearchGroup, string>;
}

const foldedOf = (seg: Segment): Folded => (seg.folded ??= fold(seg.text));

/**
 * Match quality, best first: 0 the exact phrase in copy, or exactly the id of the node, a variable (or its
 * last part), an intent or an operation; 1 the phrase being typed in copy (`opening hou`), or the exact phrase
 * elsewhere (a title); 2 a phrase prefix elsewhere; 3 the words, not together (or only close to them); 4 only
 * in the flow's name or an intent's examples (set by the caller).
 */
function rankOf(doc: NodeDoc, phrase: string): { tier: number; phraseAt?: { seg: Segment; start: number; end: number } } {
  let tier = 3;
  let phraseAt: { seg: Segment; start: number; end: number } | undefined;
  if (!phrase) return { tier };
  for (const seg of doc.segments) {
    if (seg.group === 'flow' || seg.group === 'examples') continue;
    const folded = foldedOf(seg).text;
    let t: number;
    let at: { start: number; end: number } | undefined;
    if (NAME_GROUPS.has(seg.group) && (folded === phrase || (seg.group === 'vars' && folded.endsWith(`.${phrase}`)))) {
      // `card_last4` names the variable `slots.card_last4`; where it is set beats where it is read.
      t = seg.use ? 1 : 0;
      at = { start: folded.length - phrase.length, end: folded.length };
    } else if (seg.group === 'title' && folded === phrase) {
      t = 1;
      at = { start: 0, end: folded.length };
    } else {
      // In copy, a phrase inside a placeholder (`{{slots.card_last4}}`) is a variable, not what the bot says.
      const prose = (start: number) => seg.group === 'copy' && !insidePlaceholder(folded, start);
      const found = findPhrase(folded, phrase, (exact, start) => (prose(start) ? (exact ? 0 : 1) : exact ? 1 : 2));
      if (!found) continue;
      at = found;
      t = found.tier;
    }
    if (t < tier) {
      tier = t;
      phraseAt = { seg, start: at.start, end: at.end };
      if (tier === 0) break;
    }
  }
  if (!phraseAt) return { tier };
  const f = foldedOf(phraseAt.seg);
  return { tier, phraseAt: { seg: phraseAt.seg, start: toSource(f, phraseAt.start), end: toSource(f, phraseAt.end) } };
}

function insidePlaceholder(text: string, at: number): boolean {
  const open = text.lastIndexOf('{{', at);
  return open >= 0 && text.lastIndexOf('}}', at) < open;
}

/** The query term a matched document term stands for: the one it equals or extends, else the closest (a typo). */
function queryTermOf(term: string, queryTerms: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const q of queryTerms) {
    if (term.startsWith(q)) return q;
    const d = editDistance(term, q);
    if (d < bestDistance) [best, bestDistance] = [q, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The segment that shows most of the query's words (copy first on a tie), with the ranges of the matching
 * terms in its text: a node matched by its copy and its flow's name shows the copy.
 */
function bestSegment(doc: NodeDoc, matched: readonly string[], queryTerms: readonly string[]): { seg: Segment; ranges: [number, number][] } {
  const want = new Map<string, string | undefined>(matched.map((t) => [t, queryTermOf(t, queryTerms)]));
  let best: { seg: Segment; count: number; ranges: [number, number][] } | undefined;
  for (const group of GROUPS) {
    for (const seg of doc.segments) {
      if (seg.group !== group) continue;
      const f = foldedOf(seg);
      const covered = new Set<string | undefined>();
      const ranges: [number, number][] = [];
      for (const s of spans(f.text)) {
        if (!want.has(s.term)) continue;
        covered.add(want.get(s.term));
        ranges.push([toSource(f, s.start), toSource(f, s.end)]);
      }
      if (covered.size > (best?.count ?? 0)) best = { seg, count: covered.size, ranges };
    }
  }
  const seg = best?.seg ?? doc.segments[0] ?? { group: 'ids' as const, field: 'id', label: 'Node id', text: doc.node.id };
  return { seg, ranges: mergeRanges(best?.ranges ?? []) };
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

const SNIPPET_MAX = 140;
const SNIPPET_LEAD = 40;

/** A window of the segment's text around the first range; ranges are moved into the window. */
function snippetOf(seg: Segment, ranges: [number, number][]): Snippet {
  const full = seg.text.replace(/\s/g, ' ');
  const valid = mergeRanges(ranges);
  if (full.length <= SNIPPET_MAX) return { text: full, ranges: valid };
  const [first0, first1] = valid[0] ?? [0, 0];
  let start = Math.max(0, first0 - SNIPPET_LEAD);
  if (start > 0) {
    const space = full.indexOf(' ', start);
    if (space >= 0 && space < first0) start = space + 1;
  }
  let end = Math.min(full.length, Math.max(start + SNIPPET_MAX, first1));
  if (end < full.length) {
    const space = full.lastIndexOf(' ', end);
    if (space > first1) end = space;
  }
  const lead = start > 0 ? '…' : '';
  const text = `${lead}${full.slice(start, end)}${end < full.length ? '…' : ''}`;
  const shift = lead.length - start;
  const moved = valid
    .filter(([a, b]) => b > start && a < end)
    .map(([a, b]): [number, number] => [Math.max(a, start) + shift, Math.min(b, end) + shift]);
  return { text, ranges: moved };
}

// ---------------------------------------------------------------------------------------------------------
// Functional API

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
