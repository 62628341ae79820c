// New-intent discovery for Insights: the utterances that matched no intent (or matched one with low confidence)
// grouped into clusters of what customers ask for, each with its size, a few utterances near its centre, its top
// terms, a suggested intent name and the existing intent it is nearest to (for "add to an existing intent").
//
// Features are the classifier's own (shared/nlu/features.ts: character 3-5-grams inside words and word 1-2-grams,
// TF-IDF, L2-normalised) computed on each utterance's content words as the knowledge index reads them
// (shared/knowledge/text.ts: stop words dropped, stemmed), so "How can I buy bitcoin?" and "buying bitcoins" are
// one form. Clustering is ml-hclust's agglomerative clustering (AGNES, average linkage) on cosine distances, cut at
// a distance threshold: no k to choose, and what joins nothing stays noise. AGNES costs O(n³), so it runs on a
// count-weighted, seeded sample of at most `maxClusterTexts` distinct forms; every other form joins the sampled
// cluster whose members it is, on average, as close to as the cut allows (the same average-linkage rule), or is
// noise. Forms are sorted before anything else, so the result depends on the multiset of utterances only.

import { agnes } from 'ml-hclust';
import { Analyzer, languagesFor, tokens } from '../../shared/knowledge/text';
import { DEFAULT_FEATURES, fitVectorizer, type FeatureOptions, type SparseMatrix } from '../../shared/nlu/features';
import { hash64Hex } from '../../shared/util/hash';
import { seededRandom } from '../../shared/util/random';

/** An utterance, or a distinct utterance with how many times it was said. */
export type UtteranceInput = string | { text: string; count?: number };

/** An intent the project already has, with its training examples. */
export interface ExistingIntent {
  id: string;
  examples: readonly string[];
}

export interface DiscoverOptions {
  /** The project's intents: each cluster names the one nearest to it. */
  intents?: readonly ExistingIntent[];
  /** Locale of the utterances (stop words and stemmer: en, es; others as written). Default `en`. */
  locale?: string;
  /**
   * Average-linkage cosine distance at which the tree is cut (0..1; lower: tighter, smaller clusters). Default 0.9:
   * short utterances share few n-grams, so even one intent's utterances are on average only ~0.1-0.3 similar.
   */
  distanceThreshold?: number;
  /** Smallest cluster reported, in utterances (counts included). Default max(3, 0.2% of the utterances). */
  minClusterSize?: number;
  /** Distinct forms clustered at most (AGNES is cubic); the others join the nearest cluster. Default 600. */
  maxClusterTexts?: number;
  /** Sample utterances per cluster. Default 5. */
  samples?: number;
  /** Top terms per cluster. Default 5. */
  topTerms?: number;
  /** Feature options over the classifier's (shared/nlu/features.ts). */
  features?: Partial<FeatureOptions>;
  /** Seed of the sample drawn when there are more forms than `maxClusterTexts`. Default 1. */
  seed?: number;
}

export interface DiscoveredCluster {
  /** `c_` and a fingerprint of the cluster's most central form: the same for the same input. */
  id: string;
  /** Utterances in the cluster, counts included. */
  size: number;
  /** Distinct utterances (case and punctuation ignored). */
  distinct: number;
  /** Utterances nearest the cluster's centre, most central first, one per form. */
  samples: string[];
  /** Words that set the cluster apart (as customers wrote them), best first. */
  topTerms: string[];
  /** snake_case name from the top terms, unique among the clusters and the existing intents. */
  suggestedName: string;
  /** Mean cosine similarity of the cluster's utterances to its centre (0..1). */
  cohesion: number;
  /** The existing intent whose examples' centre is nearest (cosine, 0..1); absent without intents. */
  nearestIntent?: { id: string; similarity: number };
}

export interface DiscoveryResult {
  /** Largest first. */
  clusters: DiscoveredCluster[];
  /** Utterances in no cluster (too far from any, in a cluster below the minimum size, or without content words). */
  noise: number;
  /** Utterances read (counts included). */
  total: number;
  /** Distinct utterances read. */
  distinct: number;
  /** Distinct forms (content-word stems) and how many of them the hierarchical clustering saw. */
  forms: number;
  sampled: number;
  /** Per input utterance, in input order: the index of its cluster in `clusters`, or -1 (noise, or not read). */
  labels: number[];
}

const DEFAULT_THRESHOLD = 0.9;

/** Dropped inside words, as the classifier does (shared/nlu/text.ts): "don't" is one word, "dont". */
const APOSTROPHES = /['’‘`´]/g;

/** Greetings and politeness, on top of the stop words: they say nothing of what the customer wants. */
const FILLER = new Set('hi hello hey hiya thanks thank thx cheers ok okay pls plz excuse'.split(' '));

/** The classifier's features; minDf 2 drops n-grams of a single form, which no two forms share. */
const FEATURES: FeatureOptions = { ...DEFAULT_FEATURES, minDf: 2 };

/** A distinct form: the stems of its content words; texts that read alike are one form. */
interface Form {
  key: string;
  stems: string[];
  count: number;
  /** Distinct texts (by their words) → count and a spelling. */
  texts: Map<string, { text: string; count: number }>;
  /** Stem → the words written for it, with counts (top terms show words, not stems). */
  surface: Map<string, Map<string, number>>;
}

/** Discovers clusters of new intents in `utterances` (see the file's header). */
export function discoverIntents(utterances: readonly UtteranceInput[], options: DiscoverOptions = {}): DiscoveryResult {
  const analyzer = new Analyzer(languagesFor([options.locale ?? 'en'])[0]!);
  const threshold = clamp(options.distanceThreshold ?? DEFAULT_THRESHOLD, 0, 1);
  const { forms, formOf, total, distinct, contentless } = readForms(utterances, analyzer);
  const minSize = options.minClusterSize ?? Math.max(3, Math.ceil(total * 0.002));
  const labels = formOf.map(() => -1);
  if (forms.length === 0) return { clusters: [], noise: total, total, distinct, forms: 0, sampled: 0, labels };

  const { matrix, vectorizer } = fitVectorizer(
    forms.map((f) => f.stems.join(' ')),
    { ...FEATURES, ...options.features },
  );
  const sample = sampleForms(forms, Math.max(1, options.maxClusterTexts ?? 600), options.seed ?? 1);

  // hierarchical clustering of the sample, cut at the threshold: candidate clusters of sample positions
  const candidates = cutSample(matrix, sample, threshold);
  // every form's candidate: its own for the sampled ones, the nearest on average (within the threshold) or none
  const label = assignForms(matrix, sample, candidates, 1 - threshold);

  const members: number[][] = candidates.map(() => []);
  label.forEach((c, f) => c >= 0 && members[c]!.push(f));
  const weight = (fs: number[]) => fs.reduce((s, f) => s + forms[f]!.count, 0);
  const kept = members.filter((fs) => fs.length > 0 && weight(fs) >= minSize);
  const clusterOfForm = new Int32Array(forms.length).fill(-1);

  const scratch = new Float64Array(matrix.cols);
  const intentCentres = (options.intents ?? [])
    .map((intent) => ({
      id: intent.id,
      centre: centreOf(
        intent.examples.map((e) => contentWords(e, analyzer).stems.join(' ')).filter((t) => t.length > 0),
        (t, acc) => addRow(vectorizer.transform(t), acc),
        scratch,
      ),
    }))
    .filter((i) => i.centre.norm > 0);
  const docFreq = stemFrequencies(forms);
  let clustered = 0;
  const built = kept.map((fs) => {
    clustered += weight(fs);
    return { fs, ...describe(fs, forms, matrix, scratch, docFreq, total - contentless, intentCentres, options) };
  });
  built.sort((a, b) => b.cluster.size - a.cluster.size || (a.cluster.id < b.cluster.id ? -1 : a.cluster.id > b.cluster.id ? 1 : 0));
  built.forEach((b, c) => b.fs.forEach((f) => (clusterOfForm[f] = c)));
  formOf.forEach((f, i) => (labels[i] = f >= 0 ? clusterOfForm[f]! : -1));
  nameClusters(built, options.intents ?? []);
  const clusters = built.map((b) => b.cluster);
  return { clusters, noise: total - clustered, total, distinct, forms: forms.length, sampled: sample.length, labels };
}

// ---- reading ------------------------------------------------------------------------------------------------

function readForms(utterances: readonly UtteranceInput[], analyzer: Analyzer) {
  const byKey = new Map<string, Form>();
  const seen = new Set<string>();
  const keyOf: (string | undefined)[] = [];
  let total = 0;
  let contentless = 0;
  for (const u of utterances) {
    const text = typeof u === 'string' ? u : u.text;
    const count = typeof u === 'string' ? 1 : (u.count ?? 1);
    keyOf.push(undefined);
    if (typeof text !== 'string' || !Number.isFinite(count) || count <= 0) continue;
    total += count;
    const { textKey, stems, words } = contentWords(text, analyzer);
    seen.add(textKey);
    if (stems.length === 0) {
      contentless += count;
      continue;
    }
    const key = stems.join(' ');
    keyOf[keyOf.length - 1] = key;
    let form = byKey.get(key);
    if (!form) byKey.set(key, (form = { key, stems, count: 0, texts: new Map(), surface: new Map() }));
    form.count += count;
    const t = form.texts.get(textKey);
    // the spelling shown: the first in code-unit order, whatever order the utterances came in
    if (!t) form.texts.set(textKey, { text: text.trim(), count });
    else {
      t.count += count;
      if (text.trim() < t.text) t.text = text.trim();
    }
    words.forEach((w, i) => {
      let ws = form.surface.get(stems[i]!);
      if (!ws) form.surface.set(stems[i]!, (ws = new Map()));
      ws.set(w, (ws.get(w) ?? 0) + count);
    });
  }
  const forms = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const index = new Map(forms.map((f, i) => [f.key, i]));
  const formOf = keyOf.map((k) => (k === undefined ? -1 : index.get(k)!));
  return { forms, formOf, total, distinct: seen.size, contentless };
}

/** A text's words (its key: case, punctuation and apostrophes ignored), and its content words and their stems. */
function contentWords(text: string, analyzer: Analyzer): { textKey: string; stems: string[]; words: string[] } {
  const toks = tokens(text.replace(APOSTROPHES, ''));
  const stems: string[] = [];
  const words: string[] = [];
  for (const tok of toks) {
    const s = FILLER.has(tok) ? null : analyzer.term(tok);
    if (s) {
      stems.push(s);
      words.push(tok);
    }
  }
  return { textKey: toks.join(' '), stems, words };
}

/** Positions of at most `max` forms, drawn without replacement with probability by count (Efraimidis–Spirakis). */
function sampleForms(forms: readonly Form[], max: number, seed: number): number[] {
  if (forms.length <= max) return forms.map((_, i) => i);
  const rand = seededRandom(seed);
  const keys = forms.map((f, i) => ({ i, k: Math.log(rand()) / f.count }));
  keys.sort((a, b) => b.k - a.k || a.i - b.i);
  return keys
    .slice(0, max)
    .map((x) => x.i)
    .sort((a, b) => a - b);
}

// ---- clustering ---------------------------------------------------------------------------------------------

/** The sample's clusters (lists of form indices) from AGNES with average linkage, cut at `threshold`. */
function cutSample(matrix: SparseMatrix, sample: readonly number[], threshold: number): number[][] {
  const m = sample.length;
  if (m === 1) return [[sample[0]!]];
  const dense = new Float64Array(matrix.cols);
  const distances: number[][] = sample.map(() => new Array<number>(m).fill(0));
  for (let a = 0; a < m; a++) {
    scatter(matrix, sample[a]!, dense, 1);
    for (let b = a + 1; b < m; b++) {
      const d = Math.max(0, 1 - dotRow(matrix, sample[b]!, dense));
      distances[a]![b] = d;
      distances[b]![a] = d;
    }
    scatter(matrix, sample[a]!, dense, 0);
  }
  const tree = agnes(distances, { isDistanceMatrix: true, method: 'average' });
  return tree.cut(threshold).map((node) => node.indices().map((p) => sample[p]!));
}

/**
 * Each form's candidate cluster (-1: none). A form outside the sample joins the cluster whose sampled members it
 * is most similar to on average, when that average is at least `minSimilarity` (what average linkage asks of
 * a merge); the average is over an inverted index of the sample's rows, so forms cost their n-grams, not the sample.
 */
function assignForms(matrix: SparseMatrix, sample: readonly number[], candidates: readonly number[][], minSimilarity: number): Int32Array {
  const label = new Int32Array(matrix.rows).fill(-1);
  const position = new Int32Array(matrix.rows).fill(-1);
  sample.forEach((f, p) => (position[f] = p));
  const clusterOf = new Int32Array(sample.length);
  candidates.forEach((fs, c) => fs.forEach((f) => (clusterOf[position[f]!] = c)));
  candidates.forEach((fs, c) => fs.forEach((f) => (label[f] = c)));
  if (sample.length === matrix.rows) return label;

  // inverted index of the sample: column → (sample position, value)
  const start = new Int32Array(matrix.cols + 1);
  for (const f of sample) for (let k = matrix.offsets[f]!; k < matrix.offsets[f + 1]!; k++) start[matrix.idx[k]! + 1]!++;
  for (let c = 0; c < matrix.cols; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, matrix.cols);
  const who = new Int32Array(start[matrix.cols]!);
  const val = new Float32Array(start[matrix.cols]!);
  sample.forEach((f, p) => {
    for (let k = matrix.offsets[f]!; k < matrix.offsets[f + 1]!; k++) {
      const at = fill[matrix.idx[k]!]!++;
      who[at] = p;
      val[at] = matrix.val[k]!;
    }
  });
  const sizes = candidates.map((fs) => fs.length);
  const dots = new Float64Array(sample.length);
  const sums = new Float64Array(candidates.length);
  for (let f = 0; f < matrix.rows; f++) {
    if (position[f]! >= 0) continue;
    dots.fill(0);
    for (let k = matrix.offsets[f]!; k < matrix.offsets[f + 1]!; k++) {
      const col = matrix.idx[k]!;
      const v = matrix.val[k]!;
      for (let at = start[col]!; at < start[col + 1]!; at++) dots[who[at]!]! += v * val[at]!;
    }
    sums.fill(0);
    for (let p = 0; p < sample.length; p++) sums[clusterOf[p]!]! += dots[p]!;
    let best = -1;
    let bestSim = minSimilarity;
    for (let c = 0; c < candidates.length; c++) {
      const sim = sums[c]! / sizes[c]!;
      if (sim >= bestSim && (best < 0 || sim > bestSim)) {
        best = c;
        bestSim = sim;
      }
    }
    label[f] = best;
  }
  return label;
}

// ---- describing ---------------------------------------------------------------------------------------------

/** The words a name is made of, with their mean relative position in the cluster's utterances (0 first, 1 last). */
type NameTerms = { word: string; position: number }[];

function describe(
  fs: readonly number[],
  forms: readonly Form[],
  matrix: SparseMatrix,
  scratch: Float64Array,
  docFreq: Map<string, number>,
  contentTotal: number,
  intents: readonly { id: string; centre: Sparse }[],
  options: DiscoverOptions,
): { cluster: DiscoveredCluster; nameTerms: NameTerms } {
  const size = fs.reduce((s, f) => s + forms[f]!.count, 0);
  // the centre weighs forms sublinearly by how often they were said (1 + ln count), as the features weigh n-grams
  const centre = centreOf(fs, (f, acc) => scatter(matrix, f, acc, 1 + Math.log(forms[f]!.count), true), scratch);
  // similarity of each form to the normalised centre
  spread(centre, scratch, 1);
  const sims = fs.map((f) => ({ f, sim: centre.norm > 0 ? dotRow(matrix, f, scratch) / centre.norm : 0 }));
  spread(centre, scratch, 0);
  sims.sort((a, b) => b.sim - a.sim || forms[b.f]!.count - forms[a.f]!.count || a.f - b.f);
  const cohesion = sims.reduce((s, x) => s + x.sim * forms[x.f]!.count, 0) / size;
  const samples = sims.slice(0, options.samples ?? 5).map((x) => mostSaid(forms[x.f]!));

  // top terms: share of the cluster's utterances using the stem × its inverse share overall (c-TF-IDF)
  const inCluster = new Map<string, { n: number; words: Map<string, number>; position: number }>();
  for (const f of fs) {
    const form = forms[f]!;
    const stems = new Set(form.stems);
    for (const s of stems) {
      let e = inCluster.get(s);
      if (!e) inCluster.set(s, (e = { n: 0, words: new Map(), position: 0 }));
      e.n += form.count;
      e.position += (form.stems.indexOf(s) / Math.max(1, form.stems.length - 1)) * form.count;
    }
    for (const [s, ws] of form.surface) {
      const e = inCluster.get(s)!;
      for (const [w, n] of ws) e.words.set(w, (e.words.get(w) ?? 0) + n);
    }
  }
  const scored = [...inCluster.entries()]
    .map(([stem, e]) => ({
      stem,
      share: e.n / size,
      score: (e.n / size) * Math.log(1 + contentTotal / (docFreq.get(stem) ?? 1)),
      word: best(e.words) ?? stem,
      position: e.position / e.n,
    }))
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score || (a.stem < b.stem ? -1 : 1));
  const topTerms = scored.slice(0, options.topTerms ?? 5).map((t) => t.word);
  const nameTerms = scored.filter((t, i) => i === 0 || (i < 3 && t.share >= 0.3)).map((t) => ({ word: t.word, position: t.position }));

  let nearestIntent: DiscoveredCluster['nearestIntent'];
  if (intents.length > 0) {
    spread(centre, scratch, 1);
    for (const intent of intents) {
      let dot = 0;
      for (let k = 0; k < intent.centre.idx.length; k++) dot += intent.centre.val[k]! * scratch[intent.centre.idx[k]!]!;
      const similarity = centre.norm > 0 && intent.centre.norm > 0 ? dot / (centre.norm * intent.centre.norm) : 0;
      if (!nearestIntent || similarity > nearestIntent.similarity) nearestIntent = { id: intent.id, similarity: round(similarity) };
    }
    spread(centre, scratch, 0);
  }
  const distinct = fs.reduce((s, f) => s + forms[f]!.texts.size, 0);
  const id = `c_${hash64Hex(forms[sims[0]!.f]!.key).slice(0, 10)}`;
  const cluster = { id, size, distinct, samples, topTerms, suggestedName: '', cohesion: round(cohesion), ...(nearestIntent ? { nearestIntent } : {}) };
  return { cluster, nameTerms };
}

/**
 * Names each cluster (largest first) in snake_case from its top terms in the order customers say them, unique
 * among the clusters and the existing intents (`_2`, `_3`, ... otherwise).
 */
function nameClusters(built: readonly { cluster: DiscoveredCluster; nameTerms: NameTerms }[], intents: readonly ExistingIntent[]): void {
  const taken = new Set(intents.map((i) => i.id));
  for (const { cluster, nameTerms } of built) {
    const words = [...nameTerms].sort((a, b) => a.position - b.position).map((t) => t.word);
    let base = snake(words.join('_')) || 'new_intent';
    if (/^[0-9]/.test(base)) base = `intent_${base}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    cluster.suggestedName = name;
  }
}

function snake(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

// ---- vectors ------------------------------------------------------------------------------------------------

/** A sparse vector with its norm. */
interface Sparse {
  idx: Int32Array;
  val: Float64Array;
  norm: number;
}

/** The sum of items' rows, accumulated by `add` into `acc` (all zeros, and left so): only its direction is used. */
function centreOf<T>(items: readonly T[], add: (item: T, acc: Float64Array) => void, acc: Float64Array): Sparse {
  for (const item of items) add(item, acc);
  const idx: number[] = [];
  const val: number[] = [];
  let norm = 0;
  for (let c = 0; c < acc.length; c++) {
    if (acc[c] !== 0) {
      const v = acc[c]!;
      acc[c] = 0;
      idx.push(c);
      val.push(v);
      norm += v * v;
    }
  }
  return { idx: Int32Array.from(idx), val: Float64Array.from(val), norm: Math.sqrt(norm) };
}

function addRow(row: { idx: Int32Array; val: Float32Array; length: number }, acc: Float64Array): void {
  for (let k = 0; k < row.length; k++) acc[row.idx[k]!]! += row.val[k]!;
}

/** Writes (or with `add`, adds) row f times `scale` into the dense buffer; scale 0 without add clears it. */
function scatter(matrix: SparseMatrix, f: number, dense: Float64Array, scale: number, add = false): void {
  for (let k = matrix.offsets[f]!; k < matrix.offsets[f + 1]!; k++) {
    const c = matrix.idx[k]!;
    dense[c] = (add ? dense[c]! : 0) + matrix.val[k]! * scale;
  }
}

function spread(v: Sparse, dense: Float64Array, on: 0 | 1): void {
  for (let k = 0; k < v.idx.length; k++) dense[v.idx[k]!] = on ? v.val[k]! : 0;
}

function dotRow(matrix: SparseMatrix, f: number, dense: Float64Array): number {
  let s = 0;
  for (let k = matrix.offsets[f]!; k < matrix.offsets[f + 1]!; k++) s += matrix.val[k]! * dense[matrix.idx[k]!]!;
  return s;
}

// ---- small helpers ------------------------------------------------------------------------------------------

/** Utterances (counts included) using each stem, over all forms. */
function stemFrequencies(forms: readonly Form[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const f of forms) for (const s of new Set(f.stems)) df.set(s, (df.get(s) ?? 0) + f.count);
  return df;
}

/** The form's most said text (ties: the first in text order). */
function mostSaid(form: Form): string {
  let bestText = '';
  let bestKey = '';
  let bestCount = -1;
  for (const [key, t] of form.texts) {
    if (t.count > bestCount || (t.count === bestCount && key < bestKey)) {
      bestText = t.text;
      bestKey = key;
      bestCount = t.count;
    }
  }
  return bestText;
}

function best(counts: Map<string, number>): string | undefined {
  let out: string | undefined;
  let n = -1;
  for (const [k, c] of counts) if (c > n || (c === n && out !== undefined && k < out)) [out, n] = [k, c];
  return out;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number) => Math.round(x * 1000) / 1000;
