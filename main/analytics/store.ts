// The studio's analytics store: the runtime's transcripts imported into an embedded DuckDB database kept in the
// user's data folder, outside the project's git files (transcripts hold personal data even when redacted). DuckDB
// because the questions asked of it are aggregates over millions of turns (visits and failures per node, paths
// that end badly, per variant rates): a columnar engine answers them in milliseconds where a row store scans.
//
// Import streams the files (readTranscripts.ts) into staging tables through DuckDB's appender, then merges them:
// a turn already imported (same conversation and turn) is not imported twice, an erased conversation never comes
// back, and events older than the retention the user set are not kept. Malformed lines are counted and reported
// with file and line; they never stop an import.
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { MALFORMED_LISTED, readTranscriptFile, transcriptFiles, type Malformed } from './readTranscripts';

/** Between path entries in the staging table (`flow/node` never holds it). */
const SEP = '\u001f';

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

const STAGING = `
CREATE OR REPLACE TEMP TABLE stage_turns (
  conversation VARCHAR, turn INTEGER, at_utc VARCHAR, bundle VARCHAR, version VARCHAR, input_type VARCHAR, input_text VARCHAR,
  says VARCHAR, path VARCHAR, intent VARCHAR, confidence DOUBLE, variants VARCHAR, outcomes VARCHAR, ended VARCHAR, ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_abandoned (conversation VARCHAR, at_utc VARCHAR, bundle VARCHAR, version VARCHAR, last_turn INTEGER, waiting_at VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_feedback (conversation VARCHAR, at_utc VARCHAR, bundle VARCHAR, version VARCHAR, score INTEGER, comment VARCHAR);
`;

/** Staged rows into the tables: new ones only, none of an erased conversation, none older than the retention. */
const MERGE = (cutoff: string | undefined) => {
  const keep = (alias: string) =>
    `${alias}.conversation NOT IN (SELECT conversation FROM erased)${cutoff ? ` AND ${alias}.at_utc::TIMESTAMPTZ >= '${cutoff}'::TIMESTAMPTZ` : ''}`;
  return `
INSERT INTO turns
  SELECT DISTINCT ON (s.conversation, s.turn) s.conversation, s.turn, s.at_utc::TIMESTAMPTZ, s.bundle, s.version, s.input_type, s.input_text,
    s.says, CASE WHEN s.path = '' THEN []::VARCHAR[] ELSE string_split(s.path, chr(31)) END, s.intent, s.confidence, s.variants,
    CASE WHEN s.outcomes = '' THEN []::VARCHAR[] ELSE string_split(s.outcomes, chr(31)) END, s.ended, s.ms
  FROM stage_turns s ANTI JOIN turns t ON t.conversation = s.conversation AND t.turn = s.turn
  WHERE ${keep('s')};
INSERT INTO abandoned
  SELECT DISTINCT ON (s.conversation) s.conversation, s.at_utc::TIMESTAMPTZ, s.bundle, s.version, s.last_turn, s.waiting_at
  FROM stage_abandoned s ANTI JOIN abandoned a ON a.conversation = s.conversation
  WHERE ${keep('s')};
INSERT INTO feedback
  SELECT DISTINCT ON (s.conversation, s.at_utc) s.conversation, s.at_utc::TIMESTAMPTZ, s.bundle, s.version, s.score, s.comment
  FROM stage_feedback s ANTI JOIN feedback f ON f.conversation = s.conversation AND f.at_utc = s.at_utc::TIMESTAMPTZ
  WHERE ${keep('s')};
DROP TABLE stage_turns; DROP TABLE stage_abandoned; DROP TABLE stage_feedback;`;
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

export class AnalyticsStore {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
  ) {}

  /** Opens (or creates) the database file; `:memory:` for one that is not kept. */
  static async open(file: string): Promise<AnalyticsStore> {
    const instance = await DuckDBInstance.create(file);
    const db = await instance.connect();
    await db.run(SCHEMA);
    return new AnalyticsStore(instance, db);
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
    for (const table of ['turns', 'abandoned', 'feedback']) await this.db.run(`DELETE FROM ${table} WHERE conversation IN (SELECT conversation FROM to_erase)`);
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
    };
    await this.db.run(STAGING);
    const turns = await this.db.createAppender('stage_turns');
    const abandoned = await this.db.createAppender('stage_abandoned');
    const feedback = await this.db.createAppender('stage_feedback');
    try {
      for (const file of files) {
        for await (const item of readTranscriptFile(file)) {
          report.lines++;
          if ('malformed' in item) {
            report.malformed.count++;
            if (report.malformed.first.length < MALFORMED_LISTED) report.malformed.first.push(item.malformed);
            continue;
          }
          const e = item.event;
          report.events++;
          const a = e.type === 'turn' ? turns : e.type === 'abandoned' ? abandoned : feedback;
          a.appendVarchar(e.conversation);
          if (e.type === 'turn') a.appendInteger(e.turn);
          a.appendVarchar(e.at);
          a.appendVarchar(e.bundle.name);
          a.appendVarchar(e.bundle.version);
          if (e.type === 'turn') {
            const input = e.input;
            a.appendVarchar(input.type);
            nullable(
              a,
              input.type === 'text' ? input.text : input.type === 'button' ? input.payload : input.type === 'event' ? input.name : undefined,
              'varchar',
            );
            a.appendVarchar(JSON.stringify(e.says));
            a.appendVarchar(e.path.join(SEP));
            nullable(a, e.intent, 'varchar');
            nullable(a, e.confidence, 'double');
            nullable(a, e.variants ? JSON.stringify(e.variants) : undefined, 'varchar');
            a.appendVarchar(e.outcomes.join(SEP));
            nullable(a, e.ended, 'varchar');
            a.appendDouble(e.ms);
          } else if (e.type === 'abandoned') {
            a.appendInteger(e.lastTurn);
            nullable(a, e.waitingAt, 'varchar');
          } else {
            a.appendInteger(e.score);
            nullable(a, e.comment, 'varchar');
          }
          a.endRow();
        }
      }
    } finally {
      turns.closeSync();
      abandoned.closeSync();
      feedback.closeSync();
    }
    const counts = async () => [
      await this.scalar('SELECT count(*) FROM turns'),
      await this.scalar('SELECT count(*) FROM abandoned'),
      await this.scalar('SELECT count(*) FROM feedback'),
    ];
    const [t0, a0, f0] = await counts();
    await this.db.run(MERGE(this.cutoff(await this.retentionDays(), now)));
    const [t1, a1, f1] = await counts();
    report.added = { turns: t1! - t0!, abandoned: a1! - a0!, feedback: f1! - f0! };
    return report;
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
