// The questions the Insights panel asks of the analytics store (store.ts). The canvas overlay and the failure paths
// read daily roll-ups (per UTC day: visits and outcomes per node, traffic per edge, abandonments per node, failing
// paths and the turns per start node), kept up to date by the store whenever turns come or go, so their cost
// depends on the days and nodes shown, not on the millions of turns behind them. Ranges are whole UTC days,
// `from` and `to` both included, passed as parameters, never spliced into the SQL.
//
// Definitions (docs/ARCHITECTURE.md, "Insights"):
// - A node's *visits* are the times a turn's path entered it; its fallback, not-sure, handoff and guardrail counts
//   are the visits in turns with that outcome, so a rate is a share of visits.
// - A node's *abandoned* count is the conversations abandoned while waiting there (its drop-off rate: over visits).
// - An edge's traffic is how often a path went from one node straight to the other; its failing count, how many of
//   those turns fell back, were not sure or were handed over.
// - A *failure path* is the path of a turn that ended in fallback or handoff, or of the last turn before a
//   conversation was abandoned, with that ending. Its rate is its count over all the turns that started where it
//   starts (the node that took the customer's message), so "at card_lost/ask_type, 12% of replies end in fallback
//   by this way" reads as it should; the interval is Wilson's; the previous period is as many days just before.
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { wilsonInterval, type Interval } from '../../shared/insights/abtest';

export interface DateRange {
  /** UTC days, YYYY-MM-DD, both included. */
  from: string;
  to: string;
}

export interface NodeStats {
  node: string;
  visits: number;
  /** Visits in turns that fell back, were not sure or were handed over (any of them). */
  failing: number;
  fallback: number;
  notSure: number;
  handoff: number;
  guardrail: number;
  /** Conversations abandoned while waiting at this node. */
  abandoned: number;
}

export interface EdgeStats {
  from: string;
  to: string;
  turns: number;
  /** Of them, turns that fell back, were not sure or were handed over. */
  failing: number;
}

export interface Overlay {
  range: DateRange;
  turns: number;
  conversations: number;
  nodes: NodeStats[];
  edges: EdgeStats[];
}

export type FailureEnding = 'fallback' | 'handoff' | 'abandoned';

export interface FailurePath {
  path: string[];
  ending: FailureEnding;
  count: number;
  /** Turns that started where this path starts. */
  base: number;
  rate: number;
  interval: Interval;
  previous: { count: number; base: number; rate: number } | null;
  /** rate minus the previous period's rate (null when the start node had no turns then). */
  change: number | null;
}

const rows = async (db: DuckDBConnection, sql: string, values: DuckDBValue[] = []) => (await db.runAndReadAll(sql, values)).getRowObjectsJS();
const num = (v: unknown) => Number(v ?? 0);
const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

/** Bumped when the roll-ups change shape: a store with others drops and rebuilds them from its tables. */
export const ROLLUP_VERSION = '3';
export const ROLLUP_TABLES = ['node_day', 'edge_day', 'start_day', 'abandon_day', 'failure_day'] as const;

export const ROLLUPS = `
CREATE TABLE IF NOT EXISTS node_day (day DATE, node VARCHAR, visits BIGINT, failing BIGINT, fallback BIGINT, not_sure BIGINT, handoff BIGINT, guardrail BIGINT);
CREATE TABLE IF NOT EXISTS edge_day (day DATE, "from" VARCHAR, "to" VARCHAR, turns BIGINT, failing BIGINT);
CREATE TABLE IF NOT EXISTS start_day (day DATE, node VARCHAR, turns BIGINT);
CREATE TABLE IF NOT EXISTS abandon_day (day DATE, node VARCHAR, conversations BIGINT);
CREATE TABLE IF NOT EXISTS failure_day (day DATE, path VARCHAR[], ending VARCHAR, count BIGINT);
`;

const flag = (o: string) => `list_contains(outcomes, '${o}')::INTEGER`;
/** A row's UTC day. */
export const UTC_DAY = `(at_utc AT TIME ZONE 'UTC')::DATE`;
const DAY = UTC_DAY;

/** The failing turns with their path and ending (a turn both fallback and handoff counts as handoff). */
const FAILURES = (where: string) => `
  SELECT ${DAY} AS day, conversation, path, CASE WHEN list_contains(outcomes, 'handoff') THEN 'handoff' ELSE 'fallback' END AS ending
  FROM turns WHERE ${where} AND len(path) > 0 AND (list_contains(outcomes, 'handoff') OR list_contains(outcomes, 'fallback'))
  UNION ALL
  SELECT (a.at_utc AT TIME ZONE 'UTC')::DATE, t.conversation, t.path, 'abandoned' FROM abandoned a
  JOIN turns t ON t.conversation = a.conversation AND t.turn = a.last_turn
  WHERE ${where.replaceAll('at_utc', 'a.at_utc')} AND len(t.path) > 0`;

/**
 * Rebuilds the roll-ups of the days in `days` (a temp table of DATEs; all days when undefined) from the tables.
 * An abandonment or failure counts on its own day.
 */
export async function refreshRollups(db: DuckDBConnection, days?: string): Promise<void> {
  const onDays = days ? `${DAY} IN (SELECT day FROM ${days})` : 'true';
  const clear = days ? `WHERE day IN (SELECT day FROM ${days})` : '';
  await db.run(`
    DELETE FROM node_day ${clear}; DELETE FROM edge_day ${clear}; DELETE FROM start_day ${clear};
    DELETE FROM abandon_day ${clear}; DELETE FROM failure_day ${clear};
    INSERT INTO node_day SELECT day, node, count(*), sum(x), sum(f), sum(n), sum(h), sum(g)
      FROM (SELECT ${DAY} AS day, unnest(path) AS node, list_has_any(outcomes, ['fallback', 'not_sure', 'handoff'])::INTEGER AS x, ${flag('fallback')} AS f, ${flag('not_sure')} AS n, ${flag('handoff')} AS h,
        ${flag('guardrail')} AS g FROM turns WHERE ${onDays}) GROUP BY day, node;
    INSERT INTO edge_day SELECT day, path[i], path[i + 1], count(*), sum(x)
      FROM (SELECT ${DAY} AS day, path, list_has_any(outcomes, ['fallback', 'not_sure', 'handoff'])::INTEGER AS x,
        unnest(generate_series(1, len(path) - 1)) AS i FROM turns WHERE ${onDays} AND len(path) > 1) GROUP BY day, path[i], path[i + 1];
    INSERT INTO start_day SELECT ${DAY} AS day, path[1], count(*) FROM turns WHERE ${onDays} AND len(path) > 0 GROUP BY ALL;
    INSERT INTO abandon_day SELECT ${DAY} AS day, waiting_at, count(*) FROM abandoned WHERE ${onDays} AND waiting_at IS NOT NULL GROUP BY ALL;
    INSERT INTO failure_day SELECT day, path, ending, count(*) FROM (${FAILURES(onDays)}) GROUP BY ALL;`);
}

const IN_DAYS = `day BETWEEN $1::DATE AND $2::DATE`;
const IN_RANGE = `at_utc >= $1::DATE::TIMESTAMPTZ AND at_utc < ($2::DATE + 1)::TIMESTAMPTZ`;

/** Per node and per edge traffic and outcomes over a range of days. */
export async function overlay(db: DuckDBConnection, range: DateRange): Promise<Overlay> {
  const values = [range.from, range.to];
  const [totals] = await rows(db, `SELECT count(*) AS turns, count(DISTINCT conversation) AS conversations FROM turns WHERE ${IN_RANGE}`, values);
  const nodeRows = await rows(
    db,
    `WITH n AS (SELECT node, sum(visits) AS visits, sum(failing) AS failing, sum(fallback) AS fallback, sum(not_sure) AS not_sure, sum(handoff) AS handoff,
       sum(guardrail) AS guardrail FROM node_day WHERE ${IN_DAYS} GROUP BY node),
     a AS (SELECT node, sum(conversations) AS abandoned FROM abandon_day WHERE ${IN_DAYS} GROUP BY node)
     SELECT n.*, coalesce(a.abandoned, 0) AS abandoned FROM n LEFT JOIN a USING (node) ORDER BY n.visits DESC, n.node`,
    values,
  );
  const edgeRows = await rows(
    db,
    `SELECT "from", "to", sum(turns) AS turns, sum(failing) AS failing FROM edge_day WHERE ${IN_DAYS} GROUP BY ALL ORDER BY turns DESC, "from", "to"`,
    values,
  );
  return {
    range,
    turns: num(totals?.turns),
    conversations: num(totals?.conversations),
    nodes: nodeRows.map((r) => ({
      node: String(r.node),
      visits: num(r.visits),
      failing: num(r.failing),
      fallback: num(r.fallback),
      notSure: num(r.not_sure),
      handoff: num(r.handoff),
      guardrail: num(r.guardrail),
      abandoned: num(r.abandoned),
    })),
    edges: edgeRows.map((r) => ({ from: String(r.from), to: String(r.to), turns: num(r.turns), failing: num(r.failing) })),
  };
}

const PATH_COUNTS = `
  WITH c AS (SELECT path, ending, sum(count) AS count FROM failure_day WHERE ${IN_DAYS} GROUP BY path, ending),
  b AS (SELECT node, sum(turns) AS base FROM start_day WHERE ${IN_DAYS} GROUP BY node)
  SELECT c.path, c.ending, c.count, b.base FROM c JOIN b ON b.node = c.path[1]`;

const key = (path: readonly string[], ending: string) => `${ending}\u001f${path.join('\u001f')}`;
const dayOffset = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The paths that end in fallback, handoff or abandonment, most frequent first, against the period before. */
export async function failurePaths(db: DuckDBConnection, range: DateRange, limit = 50): Promise<FailurePath[]> {
  const days = Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1;
  const previous = [dayOffset(range.from, -days), dayOffset(range.from, -1)];
  const now = await rows(db, `${PATH_COUNTS} ORDER BY c.count DESC, c.ending, c.path LIMIT ${Math.max(1, Math.floor(limit))}`, [range.from, range.to]);
  const before = new Map((await rows(db, PATH_COUNTS, previous)).map((r) => [key(strings(r.path), String(r.ending)), num(r.count)]));
  const baseBefore = new Map(
    (await rows(db, `SELECT node, sum(turns) AS base FROM start_day WHERE ${IN_DAYS} GROUP BY node`, previous)).map((r) => [String(r.node), num(r.base)]),
  );
  return now.map((r) => {
    const path = strings(r.path);
    const ending = String(r.ending) as FailureEnding;
    const count = num(r.count);
    const base = num(r.base);
    const rate = base ? count / base : 0;
    const wasBase = baseBefore.get(path[0]!) ?? 0;
    const wasCount = before.get(key(path, ending)) ?? 0;
    const prev = wasBase ? { count: wasCount, base: wasBase, rate: wasCount / wasBase } : null;
    return { path, ending, count, base, rate, interval: wilsonInterval(count, base), previous: prev, change: prev ? rate - prev.rate : null };
  });
}

/** Conversations that took a failure path in a range of days, in id order. */
export async function pathConversations(
  db: DuckDBConnection,
  range: DateRange,
  path: readonly string[],
  ending: FailureEnding,
  limit = 100,
): Promise<string[]> {
  const r = await rows(
    db,
    `WITH f AS (${FAILURES(IN_RANGE)}) SELECT DISTINCT conversation FROM f WHERE path = $3 AND ending = $4 ORDER BY conversation LIMIT ${Math.max(1, Math.floor(limit))}`,
    [range.from, range.to, listValue([...path]), ending],
  );
  return r.map((x) => String(x.conversation));
}

export interface ConversationTurn {
  turn: number;
  at: string;
  input: { type: string; text?: string };
  says: { text: string; copyId?: string }[];
  path: string[];
  intent?: string;
  confidence?: number;
  outcomes: string[];
  ended?: string;
  variants?: Record<string, string>;
}

export interface ConversationRecord {
  conversation: string;
  bundle?: { name: string; version: string };
  turns: ConversationTurn[];
  abandoned?: { at: string; lastTurn: number; waitingAt?: string };
  feedback: { at: string; score: number; comment?: string }[];
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const parseJson = <T>(v: unknown, fallback: T): T => {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
};

/** One conversation as stored, turn by turn (undefined when there is none by that id). */
export async function conversationRecord(db: DuckDBConnection, id: string): Promise<ConversationRecord | undefined> {
  const turns = await rows(
    db,
    `SELECT turn, at_utc, bundle, version, input_type, input_text, says, path, intent, confidence, outcomes, ended, variants
     FROM turns WHERE conversation = $1 ORDER BY turn`,
    [id],
  );
  const [abandoned] = await rows(db, `SELECT at_utc, last_turn, waiting_at FROM abandoned WHERE conversation = $1`, [id]);
  const feedback = await rows(db, `SELECT at_utc, score, comment FROM feedback WHERE conversation = $1 ORDER BY at_utc`, [id]);
  if (!turns.length && !abandoned && !feedback.length) return undefined;
  const first = turns[0];
  return {
    conversation: id,
    ...(first ? { bundle: { name: String(first.bundle), version: String(first.version) } } : {}),
    turns: turns.map((t) => ({
      turn: num(t.turn),
      at: iso(t.at_utc),
      input: { type: String(t.input_type), ...(t.input_text != null ? { text: String(t.input_text) } : {}) },
      says: parseJson(t.says, []),
      path: strings(t.path),
      ...(t.intent != null ? { intent: String(t.intent) } : {}),
      ...(t.confidence != null ? { confidence: num(t.confidence) } : {}),
      outcomes: strings(t.outcomes),
      ...(t.ended != null ? { ended: String(t.ended) } : {}),
      ...(t.variants != null ? { variants: parseJson(t.variants, {}) } : {}),
    })),
    ...(abandoned
      ? {
          abandoned: {
            at: iso(abandoned.at_utc),
            lastTurn: num(abandoned.last_turn),
            ...(abandoned.waiting_at != null ? { waitingAt: String(abandoned.waiting_at) } : {}),
          },
        }
      : {}),
    feedback: feedback.map((f) => ({ at: iso(f.at_utc), score: num(f.score), ...(f.comment != null ? { comment: String(f.comment) } : {}) })),
  };
}

/**
 * What customers typed in a range that the bot did not understand: turns with a fallback or not-sure outcome, or
 * an intent under `maxConfidence`; each distinct text with how often, and where it was said most (the node that
 * took it), most often first.
 */
export async function unmatchedUtterances(
  db: DuckDBConnection,
  range: DateRange,
  maxConfidence: number,
  limit = 20_000,
): Promise<{ text: string; count: number; at: string }[]> {
  const r = await rows(
    db,
    `SELECT input_text AS text, count(*) AS count, mode(path[1]) AS at FROM turns
     WHERE ${IN_RANGE} AND input_type = 'text' AND input_text IS NOT NULL
       AND (list_contains(outcomes, 'fallback') OR list_contains(outcomes, 'not_sure') OR confidence < $3)
     GROUP BY input_text ORDER BY count DESC, text LIMIT ${Math.max(1, Math.floor(limit))}`,
    [range.from, range.to, maxConfidence],
  );
  return r.map((x) => ({ text: String(x.text), count: num(x.count), at: String(x.at ?? '') }));
}

/** The first and last day with turns (null when there are none). */
export async function dayBounds(db: DuckDBConnection): Promise<{ firstDay: string | null; lastDay: string | null }> {
  const [r] = await rows(db, `SELECT min(${DAY})::VARCHAR AS first, max(${DAY})::VARCHAR AS last FROM turns`);
  return { firstDay: r?.first ? String(r.first) : null, lastDay: r?.last ? String(r.last) : null };
}

export type SampleStratum = 'handoff' | 'abandoned' | 'fallback' | 'resolved' | 'other';
export interface SampledConversation {
  conversation: string;
  stratum: SampleStratum;
  turns: number;
  started: string;
}

/**
 * A random sample of the range's conversations (the same for the same seed): of one kind (`only`), or across all,
 * stratified so each kind gets an equal share. A conversation's kind is how it went: handed over, abandoned, fell
 * back at least once, resolved, or other, in that order.
 */
export async function sampleConversations(
  db: DuckDBConnection,
  range: DateRange,
  o: { size: number; only?: SampleStratum; stratify?: boolean; seed?: number },
): Promise<SampledConversation[]> {
  const size = Math.max(1, Math.floor(o.size));
  const kinds = `WITH c AS (
       SELECT conversation, bool_or(list_contains(outcomes, 'handoff')) AS handoff, bool_or(list_contains(outcomes, 'fallback')) AS fallback,
         bool_or(ended = 'resolved') AS resolved, count(*) AS turns, min(at_utc) AS started
       FROM turns WHERE ${IN_RANGE} GROUP BY conversation),
     x AS (
       SELECT c.*, CASE WHEN handoff THEN 'handoff' WHEN a.conversation IS NOT NULL THEN 'abandoned' WHEN fallback THEN 'fallback'
         WHEN resolved THEN 'resolved' ELSE 'other' END AS stratum, hash(c.conversation || $3) AS h
       FROM c LEFT JOIN (SELECT DISTINCT conversation FROM abandoned) a USING (conversation))`;
  const values = [range.from, range.to, String(o.seed ?? 1)];
  // how many of each kind to draw: an equal share of the size for each kind the range has, what a small kind
  // cannot fill going to the others
  let quota: Record<string, number>;
  if (o.only) quota = { [o.only]: size };
  else if (!o.stratify) quota = {};
  else {
    const counts = new Map(
      (await rows(db, `${kinds} SELECT stratum, count(*) AS n FROM x GROUP BY stratum ORDER BY stratum`, values)).map((r) => [String(r.stratum), num(r.n)]),
    );
    quota = Object.fromEntries([...counts.keys()].map((k) => [k, 0]));
    for (let left = size; left > 0;) {
      const open = [...counts].filter(([k, n]) => quota[k]! < n);
      if (!open.length) break;
      const share = Math.max(1, Math.floor(left / open.length));
      for (const [k, n] of open) {
        const add = Math.min(share, n - quota[k]!, left);
        quota[k]! += add;
        left -= add;
      }
    }
  }
  const limitOf = Object.keys(quota).length
    ? `CASE stratum ${Object.entries(quota)
        .map(([k, n]) => `WHEN '${k.replaceAll("'", "''")}' THEN ${n}`)
        .join(' ')} ELSE 0 END`
    : String(size);
  const r = await rows(
    db,
    `${kinds} SELECT conversation, stratum, turns, started FROM x
     QUALIFY row_number() OVER (PARTITION BY ${Object.keys(quota).length ? 'stratum' : "''"} ORDER BY h) <= ${limitOf}
     ORDER BY h LIMIT ${size}`,
    values,
  );
  return r.map((x) => ({ conversation: String(x.conversation), stratum: String(x.stratum) as SampleStratum, turns: num(x.turns), started: iso(x.started) }));
}

export interface VariantArm {
  /** `flow/node`. */
  node: string;
  variant: string;
  conversations: number;
  escalated: number;
  completed: number;
  csat: { count: number; sum: number; sumOfSquares: number };
}

/**
 * Per node with A/B variants and per variant: the range's conversations that got it, how many were escalated (a
 * handoff, or ended escalated), completed (ended resolved), and their CSAT (a conversation's mean score).
 */
export async function variantArms(db: DuckDBConnection, range: DateRange): Promise<VariantArm[]> {
  const r = await rows(
    db,
    `WITH v AS (
       SELECT DISTINCT conversation, e.key AS node, e.value AS variant
       FROM (SELECT conversation, unnest(map_entries(CAST(variants::JSON AS MAP(VARCHAR, VARCHAR)))) AS e FROM turns WHERE ${IN_RANGE} AND variants IS NOT NULL)),
     c AS (
       SELECT conversation, bool_or(list_contains(outcomes, 'handoff') OR ended = 'escalated') AS escalated, bool_or(ended = 'resolved') AS completed
       FROM turns WHERE conversation IN (SELECT conversation FROM v) GROUP BY conversation),
     f AS (SELECT conversation, avg(score) AS score FROM feedback WHERE conversation IN (SELECT conversation FROM v) GROUP BY conversation)
     SELECT v.node, v.variant, count(*) AS n, sum(c.escalated::INTEGER) AS escalated, sum(c.completed::INTEGER) AS completed,
       count(f.score) AS csat_n, coalesce(sum(f.score), 0) AS csat_sum, coalesce(sum(f.score * f.score), 0) AS csat_sq
     FROM v JOIN c USING (conversation) LEFT JOIN f USING (conversation)
     GROUP BY ALL ORDER BY v.node, v.variant`,
    [range.from, range.to],
  );
  return r.map((x) => ({
    node: String(x.node),
    variant: String(x.variant),
    conversations: num(x.n),
    escalated: num(x.escalated),
    completed: num(x.completed),
    csat: { count: num(x.csat_n), sum: num(x.csat_sum), sumOfSquares: num(x.csat_sq) },
  }));
}

export interface RangeMetrics {
  conversations: number;
  /** Conversations never handed over to a person. */
  contained: number;
  escalated: number;
  /** Conversations that ended resolved. */
  resolved: number;
  csat: { responses: number; mean: number | null; sd: number | null };
}

/** Containment, escalation, resolution and CSAT over a range's conversations. */
export async function rangeMetrics(db: DuckDBConnection, range: DateRange): Promise<RangeMetrics> {
  const [c] = await rows(
    db,
    `WITH c AS (SELECT conversation, bool_or(list_contains(outcomes, 'handoff') OR ended = 'escalated') AS esc, bool_or(ended = 'resolved') AS res
       FROM turns WHERE ${IN_RANGE} GROUP BY conversation)
     SELECT count(*) AS n, coalesce(sum(esc::INTEGER), 0) AS esc, coalesce(sum(res::INTEGER), 0) AS res FROM c`,
    [range.from, range.to],
  );
  const [f] = await rows(db, `SELECT count(*) AS n, avg(score) AS mean, stddev_samp(score) AS sd FROM feedback WHERE ${IN_RANGE}`, [range.from, range.to]);
  const n = num(c?.n);
  const esc = num(c?.esc);
  return {
    conversations: n,
    contained: n - esc,
    escalated: esc,
    resolved: num(c?.res),
    csat: { responses: num(f?.n), mean: f?.mean == null ? null : num(f.mean), sd: f?.sd == null ? null : num(f.sd) },
  };
}

/** A seeded random sample of the range's conversations where the customer wrote at least `minTurns` messages. */
export async function multiTurnSample(db: DuckDBConnection, range: DateRange, size: number, seed: number, minTurns = 2): Promise<string[]> {
  const r = await rows(
    db,
    `SELECT conversation FROM turns WHERE ${IN_RANGE} GROUP BY conversation HAVING count(*) FILTER (WHERE input_type = 'text') >= $3
     ORDER BY hash(conversation || $4) LIMIT ${Math.max(1, Math.floor(size))}`,
    [range.from, range.to, minTurns, String(seed)],
  );
  return r.map((x) => String(x.conversation));
}
