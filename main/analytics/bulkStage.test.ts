// The bulk road (DuckDB reads the file) must store exactly what the line-by-line road (JSON.parse and the schema)
// accepts, on the lines where the two could part: keys written twice, a NUL, CRLF and lone CR line ends, blank
// and space-only lines, escapes, numbers written oddly, and a file that is not UTF-8.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptEvent } from '../../shared/transcripts/format';
import { checkLine } from './readTranscripts';
import { AnalyticsStore } from './store';

const bundle = { name: 'acme-bank', version: '1.0.0' };
const turn = (conversation: string, extra: object = {}) => ({
  v: 1,
  type: 'turn',
  conversation,
  bundle,
  at: '2026-12-06T10:00:00Z',
  turn: 1,
  input: { type: 'text', text: 'I lost my card' },
  says: [{ text: 'Sorry to hear that', copyId: 'c_1' }],
  path: ['main/listen', 'card_lost/intro'],
  intent: 'lost_card',
  confidence: 0.9,
  outcomes: [],
  ms: 12,
  ...extra,
});
const j = (o: object) => JSON.stringify(o);

const LINES: string[] = [
  j(turn('plain')),
  // a top-level key twice: JSON.parse keeps the last (DuckDB would read the first)
  j(turn('dup-top')).replace('"turn":1', '"turn":"one","turn":2'),
  // a NUL after the JSON: not JSON to JSON.parse, so it must not be stored
  `${j(turn('nul'))}\u0000trailing`,
  '   ',
  '\t',
  '',
  // escapes in keys and values, odd numbers, non-ASCII
  j(turn('escapes', { input: { type: 'text', text: 'Café "quoted" \\ back\nslash ✓ 🙂' } })).replace('"intent"', '"int\\u0065nt"'),
  j(turn('numbers')).replace('"turn":1', '"turn":1.0').replace('"ms":12', '"ms":1.2E1').replace('"confidence":0.9', '"confidence":9e-1'),
  // schema failures among good lines
  j(turn('bad-outcome', { outcomes: ['nope'] })),
  j({ ...turn('extra-key'), surprise: true }),
  j(turn('lone-cr-a')),
];

function write(lines: string[], ending = '\n', encoding: BufferEncoding = 'utf8'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-bulk-'));
  writeFileSync(path.join(dir, 't.jsonl'), Buffer.from(`${lines.join(ending)}${ending}`, encoding));
  return dir;
}

/** What the line-by-line road makes of the same lines. */
function expected(lines: string[]) {
  const events: TranscriptEvent[] = [];
  const malformed: number[] = [];
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    const r = checkLine(text, 'f', i + 1);
    if ('event' in r) events.push(r.event);
    else malformed.push(i + 1);
  });
  return { events, malformed };
}

let store: AnalyticsStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

async function expectSameAsLineByLine(dir: string, lines: string[], lineNumbers: number[]) {
  store = await AnalyticsStore.open(':memory:');
  const report = await store.import([dir]);
  const want = expected(lines);
  expect(report.events).toBe(want.events.length);
  expect(report.malformed.first.map((m) => m.line)).toEqual(want.malformed.map((n) => lineNumbers[n - 1]));
  for (const e of want.events) {
    if (e.type !== 'turn') continue;
    const got = await store.conversation(e.conversation);
    expect(got?.bundle, e.conversation).toEqual(e.bundle);
    expect(got?.turns[0], e.conversation).toMatchObject({
      turn: e.turn,
      at: new Date(e.at).toISOString(),
      input: e.input.type === 'text' ? { type: 'text', text: e.input.text } : { type: e.input.type },
      says: e.says,
      path: e.path,
      intent: e.intent,
      confidence: e.confidence,
      outcomes: e.outcomes,
    });
  }
  return report;
}

describe('the bulk import', () => {
  it('stores what the line-by-line reading accepts, on every line where the two could part', async () => {
    const lines = [...LINES];
    const report = await expectSameAsLineByLine(
      write(lines),
      lines,
      lines.map((_, i) => i + 1),
    );
    expect(report.readLineByLine).toBe(0);
    expect(report.malformed.count).toBe(3); // the NUL, the bad outcome, the extra key
    const dup = await store!.conversation('dup-top');
    expect(dup?.turns[0]?.turn).toBe(2);
  });

  it('reads the first of a key written twice inside the bundle or the input, and still imports the line', async () => {
    // JSON.parse keeps the last, DuckDB the first; both values passed the schema, so the figures may differ on
    // such a line but the import never breaks (bulkStage.ts says why this is not checked)
    const lines = [
      j(turn('dup-input')).replace('"input":{"type":"text","text":"I lost my card"}', '"input":{"type":"text","text":"first","text":"last"}'),
      j(turn('dup-bundle')).replace('"bundle":{"name":"acme-bank"', '"bundle":{"name":"first","name":"acme-bank"'),
    ];
    store = await AnalyticsStore.open(':memory:');
    const report = await store.import([write(lines)]);
    expect(report).toMatchObject({ events: 2, malformed: { count: 0 }, added: { turns: 2 } });
    expect((await store.conversation('dup-input'))?.turns[0]?.input.text).toBe('first');
    expect((await store.conversation('dup-bundle'))?.bundle?.name).toBe('first');
  });

  it('numbers lines as readline does with CRLF and lone CR line ends', async () => {
    const crlf = [...LINES];
    await expectSameAsLineByLine(
      write(crlf, '\r\n'),
      crlf,
      crlf.map((_, i) => i + 1),
    );
    store!.close();
    store = undefined;
    const cr = [j(turn('cr-a')), 'not json', j(turn('cr-b'))];
    const report = await expectSameAsLineByLine(write(cr, '\r'), cr, [1, 2, 3]);
    expect(report.malformed.first[0]).toMatchObject({ line: 2 });
  });

  it('reads a file that is not UTF-8 line by line, with the same result', async () => {
    const lines = [j(turn('latin', { input: { type: 'text', text: 'Café' } })), 'broken', j(turn('latin-2'))];
    const report = await (async () => {
      store = await AnalyticsStore.open(':memory:');
      return store.import([write(lines, '\n', 'latin1')]);
    })();
    expect(report.readLineByLine).toBe(1);
    expect(report).toMatchObject({ events: 2, malformed: { count: 1 } });
    expect((await store!.conversation('latin'))?.turns[0]?.input.text).toBe('Caf\uFFFD');
  });
});
