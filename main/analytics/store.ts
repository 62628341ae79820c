// The studio's analytics store: the runtime's transcripts imported into an embedded DuckDB database kept in the
// user's data folder, outside the project's git files (transcripts hold personal data even when redacted). DuckDB
// because the questions asked of it are aggregates over millions of turns (visits and failures per node, paths
// that end badly, per variant rates): a columnar engine answers them in milliseconds where a row store scans.
//
// Import streams the files (readTranscripts.ts) into staging tables through DuckDB's appender, then merges them:
// a turn already imported (same conversation and turn) is not imported twice, an erased conversation never comes
// back, and events older than the retention the user set are not kept. Malformed lines are counted and reported
// with file and line; they never stop an import.
import { DuckDBInstance, LIST, VARCHAR, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { TranscriptEvent } from '../../shared/transcripts/format';
import { STAGE, stageFile, unstageBad } from './bulkStage';
import {
  conversationRecord,
  multiTurnSample,
  rangeMetrics,
  type RangeMetrics,
  variantArms,
  type VariantArm,
  sampleConversations,
  type SampledConversation,
  dayBounds,
  unmatchedUtterances,
  refreshRollups,
  ROLLUP_TABLES,
  ROLLUP_VERSION,
  ROLLUPS,
  UTC_DAY,
  failurePaths,
  overlay,
  pathConversations,
  type ConversationRecord,
  type DateRange,
  type FailureEnding,
  type FailurePath,
  type Overlay,
} from './queries';
import { checkLine, MALFORMED_LISTED, readLines, transcriptFiles, type Malformed } from './readTranscripts';

const VARCHAR_LIST = LIST(VARCHAR);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS turns (
  conversation VARCHAR NOT NULL, turn INTEGER NOT NULL, at_utc TIMESTAMPTZ NOT NULL, bundle VARCHAR, version VARCHAR,
  input_type VARCHAR, input_text VARCHAR, says VARCHAR, path VARCHAR[], intent VARCHAR, confidence DOUBLE,
  variants VARCHAR, outcomes VARCHAR[], ended VARCHAR, ms DOUBLE);
CREATE TABLE IF NOT EXISTS abandoned (
  conversation VARCHAR NOT NULL, at_utc TIMESTAMPTZ NOT NULL, bundle VARCHAR, version VARCHAR, last_turn INTEGER, waiting_at VARCHAR);
CREATE TABLE IF NOT EXISTS feedback (
  conversation VARCHAR NOT NULL, at_utc TIMESTAMPTZ NOT NULL, bundle VARCHAR, version VARCHAR, score INTEGER, comment VARCHAR);
CREATE TABLE IF NOT EXISTS erased (conversation VARCHAR PRIMARY KEY, at_utc TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
`;

/** Staged rows into the tables: new ones only, none of an erased conversation, none older than the retention. */
const MERGE = (cutoff: string | undefined, distinct: boolean) => {
  const keep = (kind: string) =>
    `s.kind = '${kind}' AND s.conversation NOT IN (SELECT conversation FROM erased)${cutoff ? ` AND s.at_utc::TIMESTAMPTZ >= '${cutoff}'::TIMESTAMPTZ` : ''}`;
  return `
INSERT INTO turns
  SELECT ${distinct ? 'DISTINCT ON (s.conversation, s.turn) ' : ''}s.conversation, s.turn, s.at_utc::TIMESTAMPTZ, s.bundle, s.version, s.input_type, s.input_text,
    s.says, s.path, s.intent, s.confidence, s.variants, s.outcomes, s.ended, s.ms
  FROM stage s ANTI JOIN turns t ON t.conversation = s.conversation AND t.turn = s.turn
  WHERE ${keep('turn')};
INSERT INTO abandoned
  SELECT DISTINCT ON (s.conversation) s.conversation, s.at_utc::TIMESTAMPTZ, s.bundle, s.version, s.last_turn, s.waiting_at
  FROM stage s ANTI JOIN abandoned a ON a.conversation = s.conversation
  WHERE ${keep('abandoned')};
INSERT INTO feedback
  SELECT DISTINCT ON (s.conversation, s.at_utc) s.conversation, s.at_utc::TIMESTAMPTZ, s.bundle, s.version, s.score, s.comment
  FROM stage s ANTI JOIN feedback f ON f.conversation = s.conversation AND f.at_utc = s.at_utc::TIMESTAMPTZ
  WHERE ${keep('feedback')};
DROP TABLE stage; DROP TABLE bad;`;
};

export interface ImportReport {
  files: number;
  /** Lines read (blank lines aside). */
  lines: number;
  /** Events read from well-formed lines. */
  events: number;
  /** New rows kept, by kind (an event already imported, erased or past the retention is not kept). */
  added: { turns: number; abandoned: number; feedback: number };
  malformed: { count: number; first: Malformed[] };
  /** Files DuckDB could not read in bulk (not UTF-8, say), read line by line instead: slower, same result. */
  readLineByLine: number;
}

export interface StoreCounts {
  conversations: number;
  turns: number;
  abandoned: number;
  feedback: number;
}

const nullable = (a: DuckDBAppender, v: string | number | undefined, kind: 'varchar' | 'double' | 'integer') => {
  if (v === undefined) a.appendNull();
  else if (kind === 'varchar') a.appendVarchar(String(v));
  else if (kind === 'double') a.appendDouble(Number(v));
  else a.appendInteger(Number(v));
};

/** One event checked in JavaScript into `stage` (the columns fastCheck.ts's STAGE declares and stageFile fills). */
function appendEvent(a: DuckDBAppender, file: number, e: TranscriptEvent): void {
  a.appendInteger(file);
  a.appendVarchar(e.type);
  a.appendVarchar(e.conversation);
  nullable(a, e.type === 'turn' ? e.turn : undefined, 'integer');
  a.appendVarchar(e.at);
  a.appendVarchar(e.bundle.name);
  a.appendVarchar(e.bundle.version);
  const turn = e.type === 'turn' ? e : undefined;
  const input = turn?.input;
  nullable(a, input?.type, 'varchar');
  nullable(a, input?.type === 'text' ? input.text : input?.type === 'button' ? input.payload : input?.type === 'event' ? input.name : undefined, 'varchar');
  nullable(a, turn ? JSON.stringify(turn.says) : undefined, 'varchar');
  if (turn) a.appendList(turn.path, VARCHAR_LIST);
  else a.appendNull();
  nullable(a, turn?.intent, 'varchar');
  nullable(a, turn?.confidence, 'double');
  nullable(a, turn?.variants ? JSON.stringify(turn.variants) : undefined, 'varchar');
  if (turn) a.appendList(turn.outcomes, VARCHAR_LIST);
  else a.appendNull();
  nullable(a, turn?.ended, 'varchar');
  nullable(a, turn?.ms, 'double');
  nullable(a, e.type === 'abandoned' ? e.lastTurn : undefined, 'integer');
  nullable(a, e.type === 'abandoned' ? e.waitingAt : undefined, 'varchar');
  nullable(a, e.type === 'feedback' ? e.score : undefined, 'integer');
  nullable(a, e.type === 'feedback' ? e.comment : undefined, 'varchar');
  a.appendNull();
  a.appendNull();
  a.endRow();
}

/** What one file's reading adds to the report. */
interface FileTally {
  lineByLine?: boolean;
  lines: number;
  events: number;
  malformed: Malformed[];
}

/** DuckDB's own memory (it spills to a temporary folder beyond it), so an import stays within the studio's means. */
const MEMORY_LIMIT = '160MB';

export class AnalyticsStore {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
  ) {}

  /** Opens (or creates) the database file; `:memory:` for one that is not kept. */
  static async open(file: string): Promise<AnalyticsStore> {
    const instance = await DuckDBInstance.create(file);
    const db = await instance.connect();
    // days are UTC days wherever the studio runs; nothing is ever fetched from the network (DuckDB would install
    // an extension a query names, from the internet)
    await db.run(
      `SET autoinstall_known_extensions = false; SET autoload_known_extensions = false; SET TimeZone = 'UTC'; SET memory_limit = '${MEMORY_LIMIT}'; ${SCHEMA} ${ROLLUPS}`,
    );
    const store = new AnalyticsStore(instance, db);
    await store.checkRollups();
    return store;
  }

  /** Roll-ups of another shape (an older studio's) are dropped and rebuilt from the tables. */
  private async checkRollups(): Promise<void> {
    const r = await this.db.runAndReadAll(`SELECT value FROM settings WHERE key = 'rollups'`);
    if (r.getRows()[0]?.[0] === ROLLUP_VERSION) return;
    for (const t of ROLLUP_TABLES) await this.db.run(`DROP TABLE IF EXISTS ${t}`);
    await this.db.run(ROLLUPS);
    await refreshRollups(this.db);
    await this.db.run(`INSERT OR REPLACE INTO settings VALUES ('rollups', '${ROLLUP_VERSION}')`);
  }

  private async scalar(sql: string): Promise<number> {
    const r = await this.db.runAndReadAll(sql);
    return Number(r.getRows()[0]?.[0] ?? 0);
  }

  /** How many days transcripts are kept (undefined: for ever). */
  async retentionDays(): Promise<number | undefined> {
    const r = await this.db.runAndReadAll(`SELECT value FROM settings WHERE key = 'retentionDays'`);
    const v = r.getRows()[0]?.[0];
    return v === undefined ? undefined : Number(v);
  }

  /** Sets the retention and deletes what is older now; returns the rows deleted. */
  async setRetention(days: number | undefined, now = new Date()): Promise<number> {
    if (days === undefined) {
      await this.db.run(`DELETE FROM settings WHERE key = 'retentionDays'`);
      return 0;
    }
    if (!Number.isInteger(days) || days < 1 || days > 36_500) throw new RangeError('the retention is a whole number of days, 1 to 36500');
    await this.db.run(`INSERT OR REPLACE INTO settings VALUES ('retentionDays', '${days}')`);
    return this.applyRetention(now);
  }

  private cutoff(days: number | undefined, now: Date): string | undefined {
    return days === undefined ? undefined : new Date(now.getTime() - days * 86_400_000).toISOString();
  }

  /** Deletes every event older than the retention; returns the rows deleted. */
  async applyRetention(now = new Date()): Promise<number> {
    const cutoff = this.cutoff(await this.retentionDays(), now);
    if (!cutoff) return 0;
    let deleted = 0;
    for (const table of ['turns', 'abandoned', 'feedback']) {
      const r = await this.db.run(`DELETE FROM ${table} WHERE at_utc < '${cutoff}'::TIMESTAMPTZ`);
      deleted += Number(r.rowsChanged);
    }
    if (deleted) {
      // the roll-ups of the days gone, and of the day the cutoff falls in (part of it went)
      const day = cutoff.slice(0, 10);
      await this.db.run(`CREATE OR REPLACE TEMP TABLE touched AS SELECT '${day}'::DATE AS day`);
      for (const t of ROLLUP_TABLES) await this.db.run(`DELETE FROM ${t} WHERE day < '${day}'::DATE`);
      await refreshRollups(this.db, 'touched');
    }
    return deleted;
  }

  /** Erases conversations by id, for good: a later import of the same files does not bring them back. */
  async erase(conversations: readonly string[], now = new Date()): Promise<number> {
    if (!conversations.length) return 0;
    await this.db.run('CREATE OR REPLACE TEMP TABLE to_erase (conversation VARCHAR)');
    const app = await this.db.createAppender('to_erase');
    for (const id of new Set(conversations)) {
      app.appendVarchar(id);
      app.endRow();
    }
    app.closeSync();
    const before = await this.scalar(`SELECT count(DISTINCT conversation) FROM turns WHERE conversation IN (SELECT conversation FROM to_erase)`);
    await this.db.run(`CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT ${UTC_DAY} AS day FROM (
      SELECT at_utc FROM turns WHERE conversation IN (SELECT conversation FROM to_erase)
      UNION ALL SELECT at_utc FROM abandoned WHERE conversation IN (SELECT conversation FROM to_erase))`);
    for (const table of ['turns', 'abandoned', 'feedback']) await this.db.run(`DELETE FROM ${table} WHERE conversation IN (SELECT conversation FROM to_erase)`);
    await refreshRollups(this.db, 'touched');
    await this.db.run(`INSERT OR IGNORE INTO erased SELECT conversation, '${now.toISOString()}'::TIMESTAMPTZ FROM to_erase`);
    await this.db.run(`DROP TABLE to_erase`);
    return before;
  }

  /** Imports JSONL files or folders of them. */
  async import(paths: readonly string[], now = new Date()): Promise<ImportReport> {
    const files = await transcriptFiles(paths);
    const report: ImportReport = {
      files: files.length,
      lines: 0,
      events: 0,
      added: { turns: 0, abandoned: 0, feedback: 0 },
      malformed: { count: 0, first: [] },
      readLineByLine: 0,
    };
    await this.db.run(STAGE);
    for (const [i, file] of files.entries()) {
      const tally = await this.stage(file, i);
      if (tally.lineByLine) report.readLineByLine++;
      report.lines += tally.lines;
      report.events += tally.events;
      report.malformed.count += tally.malformed.length;
      report.malformed.first.push(...tally.malformed.slice(0, MALFORMED_LISTED - report.malformed.first.length));
    }
    const counts = async () => [
      await this.scalar('SELECT count(*) FROM turns'),
      await this.scalar('SELECT count(*) FROM abandoned'),
      await this.scalar('SELECT count(*) FROM feedback'),
    ];
    const [t0, a0, f0] = await counts();
    await this.db.run(
      `CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT ${UTC_DAY} AS day FROM (SELECT TRY_CAST(at_utc AS TIMESTAMPTZ) AS at_utc FROM stage) WHERE at_utc IS NOT NULL`,
    );
    // DISTINCT ON costs a third of the merge: only when the files repeat a turn
    const repeats = await this.scalar(`SELECT count(*) - count(DISTINCT (conversation, turn)) FROM stage WHERE kind = 'turn'`);
    await this.db.run(MERGE(this.cutoff(await this.retentionDays(), now), repeats > 0));
    const [t1, a1, f1] = await counts();
    if (t1! !== t0! || a1! !== a0!) await refreshRollups(this.db, 'touched');
    report.added = { turns: t1! - t0!, abandoned: a1! - a0!, feedback: f1! - f0! };
    return report;
  }

  /**
   * One file into `stage`: every line checked in JavaScript (the schema decides), then the good ones read and
   * staged by DuckDB in bulk (bulkStage.ts). The few lines DuckDB may read differently are staged exactly, and when
   * the two readings do not account for the same events, or DuckDB cannot read the file, the whole file is.
   */
  private async stage(file: string, index: number): Promise<FileTally> {
    const tally: FileTally = { lines: 0, events: 0, malformed: [] };
    const bad = new Set<string>();
    // DuckDB reads on its own threads while this one checks the lines.
    const bulk = this.db.run(`SET threads = 1; ${stageFile(file, index)} RESET threads;`).then(
      () => undefined,
      (e: unknown) => e,
    );
    for await (const { line, text } of readLines(file)) {
      tally.lines++;
      const item = checkLine(text, file, line);
      if ('event' in item) tally.events++;
      else {
        tally.malformed.push(item.malformed);
        bad.add(text);
      }
    }
    try {
      const failed = await bulk;
      if (failed) throw failed;
      const untrusted = (await this.db.runAndReadAll(`SELECT DISTINCT text FROM stage WHERE file = ${index} AND kind IS NULL`)).getRows();
      await this.db.run('DELETE FROM bad');
      if (bad.size) {
        const a = await this.db.createAppender('bad');
        for (const text of bad) {
          a.appendVarchar(text);
          a.endRow();
        }
        a.closeSync();
      }
      await this.db.run(unstageBad(index));
      const staged = await this.scalar(`SELECT count(*) FROM stage WHERE file = ${index}`);
      const exact = untrusted.length ? await this.stageExact(file, index, new Set(untrusted.map(([t]) => String(t)))) : 0;
      if (staged + exact !== tally.events) throw new Error(`DuckDB staged ${staged + exact} events, JavaScript found ${tally.events}`);
    } catch {
      // Not UTF-8, say, or read otherwise than readline reads it: the whole file line by line.
      await this.db.run(`DELETE FROM stage WHERE file = ${index}`);
      await this.stageExact(file, index);
      tally.lineByLine = true;
    }
    return tally;
  }

  /** Good lines staged from JavaScript's reading: a file's, or those whose text is in `only`. Returns how many. */
  private async stageExact(file: string, index: number, only?: ReadonlySet<string>): Promise<number> {
    const a = await this.db.createAppender('stage');
    let staged = 0;
    try {
      for await (const { line, text } of readLines(file)) {
        if (only && !only.has(text)) continue;
        const item = checkLine(text, file, line);
        if ('event' in item) {
          appendEvent(a, index, item.event);
          staged++;
        }
      }
    } finally {
      a.closeSync();
    }
    return staged;
  }

  /** Per node and edge traffic and outcomes in a date range (queries.ts). */
  overlay(range: DateRange): Promise<Overlay> {
    return overlay(this.db, range);
  }

  /** The paths that end in fallback, handoff or abandonment, against the period before (queries.ts). */
  failurePaths(range: DateRange, limit?: number): Promise<FailurePath[]> {
    return failurePaths(this.db, range, limit);
  }

  /** Conversations that took a failure path. */
  pathConversations(range: DateRange, path: readonly string[], ending: FailureEnding, limit?: number): Promise<string[]> {
    return pathConversations(this.db, range, path, ending, limit);
  }

  /** Utterances the bot did not understand in a range, each distinct text with its count. */
  unmatched(range: DateRange, maxConfidence: number): Promise<{ text: string; count: number; at: string }[]> {
    return unmatchedUtterances(this.db, range, maxConfidence);
  }

  /** The first and last day with turns. */
  days(): Promise<{ firstDay: string | null; lastDay: string | null }> {
    return dayBounds(this.db);
  }

  /** A random, optionally stratified, sample of a range's conversations. */
  sample(range: DateRange, o: Parameters<typeof sampleConversations>[2]): Promise<SampledConversation[]> {
    return sampleConversations(this.db, range, o);
  }

  /** Per node with variants and per variant: conversations, escalations, completions, CSAT. */
  variantArms(range: DateRange): Promise<VariantArm[]> {
    return variantArms(this.db, range);
  }

  /** Containment, escalation, resolution and CSAT over a range. */
  metrics(range: DateRange): Promise<RangeMetrics> {
    return rangeMetrics(this.db, range);
  }

  /** A seeded sample of multi-turn conversations (for the coherence judge). */
  multiTurnSample(range: DateRange, size: number, seed: number): Promise<string[]> {
    return multiTurnSample(this.db, range, size, seed);
  }

  /** One conversation turn by turn. */
  conversation(id: string): Promise<ConversationRecord | undefined> {
    return conversationRecord(this.db, id);
  }

  async counts(): Promise<StoreCounts> {
    return {
      conversations: await this.scalar(
        'SELECT count(*) FROM (SELECT conversation FROM turns UNION SELECT conversation FROM abandoned UNION SELECT conversation FROM feedback)',
      ),
      turns: await this.scalar('SELECT count(*) FROM turns'),
      abandoned: await this.scalar('SELECT count(*) FROM abandoned'),
      feedback: await this.scalar('SELECT count(*) FROM feedback'),
    };
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }
}
