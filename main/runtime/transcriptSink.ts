// Where the runtime writes its transcripts (shared/transcripts/format.ts): JSON Lines to stdout, or to a folder
// with one file per UTC day (`transcripts-2026-03-02.jsonl`), appended to, so several runtime processes may share
// the folder only if each has its own (the operator gives each replica its own path or uses stdout and a log
// shipper). Events arrive redacted; the sink checks each against the schema before writing, so a bug never
// writes a line the studio cannot read.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { TranscriptEvent } from '../../shared/transcripts/format';

export interface TranscriptSink {
  write(event: TranscriptEvent): void;
  /** Flushes and closes the files. */
  close(): Promise<void>;
}

const day = (iso: string) => iso.slice(0, 10);

export function stdoutTranscripts(out: NodeJS.WritableStream = process.stdout): TranscriptSink {
  return {
    write(event) {
      out.write(`${JSON.stringify(TranscriptEvent.parse(event))}\n`);
    },
    close: async () => undefined,
  };
}

export function folderTranscripts(dir: string): TranscriptSink {
  mkdirSync(dir, { recursive: true });
  let current: { day: string; stream: WriteStream } | undefined;
  const closing: Promise<void>[] = [];
  const end = (stream: WriteStream) => new Promise<void>((resolve) => stream.end(resolve));
  return {
    write(event) {
      const line = `${JSON.stringify(TranscriptEvent.parse(event))}\n`;
      const d = day(event.at);
      if (current?.day !== d) {
        if (current) closing.push(end(current.stream));
        current = { day: d, stream: createWriteStream(path.join(dir, `transcripts-${d}.jsonl`), { flags: 'a', mode: 0o600 }) };
      }
      current.stream.write(line);
    },
    async close() {
      if (current) closing.push(end(current.stream));
      current = undefined;
      await Promise.all(closing.splice(0));
    },
  };
}
