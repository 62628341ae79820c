import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseTranscriptLines, type TranscriptEvent } from '../../shared/transcripts/format';
import { folderTranscripts, stdoutTranscripts } from './transcriptSink';

const feedback = (at: string, score: number): TranscriptEvent => ({
  v: 1,
  type: 'feedback',
  conversation: 'c-1',
  bundle: { name: 'acme-bank', version: '1.0.0' },
  at,
  score,
});

describe('transcript sinks', () => {
  it('append one file per UTC day, readable by the transcript reader', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-transcripts-'));
    const sink = folderTranscripts(dir);
    sink.write(feedback('2026-03-02T23:59:59.000Z', 5));
    sink.write(feedback('2026-03-03T00:00:01.000Z', 2));
    sink.write(feedback('2026-03-03T08:00:00.000Z', 3));
    await sink.close();
    // a second process run appends to the day's file
    const again = folderTranscripts(dir);
    again.write(feedback('2026-03-03T09:00:00.000Z', 4));
    await again.close();
    expect(readdirSync(dir).sort()).toEqual(['transcripts-2026-03-02.jsonl', 'transcripts-2026-03-03.jsonl']);
    const second = parseTranscriptLines(readFileSync(path.join(dir, 'transcripts-2026-03-03.jsonl'), 'utf8'));
    expect(second.problems).toEqual([]);
    expect(second.events.map((e) => (e.type === 'feedback' ? e.score : 0))).toEqual([2, 3, 4]);
    expect(statSync(path.join(dir, 'transcripts-2026-03-02.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('refuse an event that does not match the format, writing nothing', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const sink = stdoutTranscripts(out);
    expect(() => sink.write({ ...feedback('2026-03-02T10:00:00.000Z', 4), score: 7 } as TranscriptEvent)).toThrow();
    sink.write(feedback('2026-03-02T10:00:00.000Z', 4));
    await sink.close();
    expect(chunks.join('').trim().split('\n')).toHaveLength(1);
  });
});
