// The import's bulk road: while JavaScript checks every line of a file against the transcript schema
// (readTranscripts.ts, zod: the one definition of a good line), DuckDB reads the same file natively, on its own
// threads, and extracts every line's columns, which is several times faster than handing each event's fields to
// DuckDB one call at a time. Afterwards the lines JavaScript rejected are deleted by the hash of their text
// (`bad`), and the caller checks that what is left accounts for exactly the events JavaScript found.
//
// The two readings must agree. DuckDB reads a file with `read_csv`, no quoting and a NUL delimiter, so a row is a
// line split where readline splits (\n, \r\n, \r) and a blank line is a row too (NULL: a line of spaces is not JSON, so it is left to the exact road,
// which skips it). The lines JavaScript rejected are
// passed in by text (`bad`) and left out. A line DuckDB cannot be trusted to read as JSON.parse does (a NUL in it
// spills into `extra`; a key written twice, where JSON.parse keeps the last and DuckDB's json_extract the first)
// is staged with kind NULL and its text, and the caller stages those lines exactly instead. The caller also checks
// that DuckDB staged as many events as JavaScript found (which also catches a hash shared by a good and a bad line), and
// falls back to the exact road for the file when not (or when
// DuckDB cannot read it at all, say because it is not UTF-8).

/**
 * The shape DuckDB reads each line into (json_transform: one parse, typed). JavaScript has checked the types
 * already; this only says where each field goes.
 */
const SHAPE = JSON.stringify({
  type: 'VARCHAR',
  conversation: 'VARCHAR',
  turn: 'INTEGER',
  at: 'VARCHAR',
  bundle: { name: 'VARCHAR', version: 'VARCHAR' },
  input: { type: 'VARCHAR', text: 'VARCHAR', payload: 'VARCHAR', name: 'VARCHAR' },
  says: 'JSON',
  path: ['VARCHAR'],
  intent: 'VARCHAR',
  confidence: 'DOUBLE',
  variants: 'JSON',
  outcomes: ['VARCHAR'],
  ended: 'VARCHAR',
  ms: 'DOUBLE',
  lastTurn: 'INTEGER',
  waitingAt: 'VARCHAR',
  score: 'INTEGER',
  comment: 'VARCHAR',
});
const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The columns of the `stage` table, in order (the exact road appends the same). */
export const STAGE = `
CREATE OR REPLACE TEMP TABLE stage (
  file INTEGER, kind VARCHAR, conversation VARCHAR, turn INTEGER, at_utc VARCHAR, bundle VARCHAR, version VARCHAR,
  input_type VARCHAR, input_text VARCHAR, says VARCHAR, path VARCHAR[], intent VARCHAR, confidence DOUBLE, variants VARCHAR,
  outcomes VARCHAR[], ended VARCHAR, ms DOUBLE, last_turn INTEGER, waiting_at VARCHAR, score INTEGER, comment VARCHAR,
  h UBIGINT, text VARCHAR);
CREATE OR REPLACE TEMP TABLE bad (text VARCHAR);`;

/** A file's lines as DuckDB reads them (see above). */
const lines = (file: string) => `
SELECT column0 AS text, column1 AS extra
FROM read_csv(${sqlString(file)}, columns = {'column0': 'VARCHAR', 'column1': 'VARCHAR'}, header = false, delim = chr(0), quote = '',
  escape = '', auto_detect = false, strict_mode = false, null_padding = true)`;

/**
 * No top-level key written twice (JSON.parse keeps the last, json_transform the first). Inside the bundle and the
 * input DuckDB would read the first of a key written twice; JavaScript has checked both values' types, so that
 * line's stored figures could differ, never break the import; checking them too cost a fifth of the reading.
 */

/**
 * The lines of one file into `stage` (blank ones aside), each with the hash of its text. A line DuckDB may read
 * otherwise than JSON.parse gets kind NULL and keeps its text, for the caller to stage exactly.
 */
export const stageFile = (file: string, index: number) => `
INSERT INTO stage
WITH r AS (${lines(file)}),
x AS (SELECT text, CASE WHEN extra IS NULL THEN TRY(json_transform(text, ${sqlString(SHAPE)})) END AS e,
  CASE WHEN extra IS NULL THEN TRY(json_keys(text)) END AS k FROM r WHERE text IS NOT NULL),
y AS (SELECT text, e, coalesce(e.type IS NOT NULL AND len(k) = len(list_distinct(k)), false) AS trusted FROM x)
SELECT ${index}, CASE WHEN trusted THEN e.type END, e.conversation, e.turn, e.at, e.bundle.name, e.bundle.version, e.input.type,
  coalesce(e.input.text, e.input.payload, e.input.name), e.says, e.path, e.intent, e.confidence, e.variants, e.outcomes, e.ended, e.ms,
  e.lastTurn, e.waitingAt, e.score, e.comment, hash(text), CASE WHEN NOT trusted THEN text END
FROM y;`;

/** After the JavaScript check: one file's staged lines that it rejected (by hash), and those DuckDB left to it. */
export const unstageBad = (index: number) => `DELETE FROM stage WHERE file = ${index} AND (kind IS NULL OR h IN (SELECT hash(text) FROM bad));`;
