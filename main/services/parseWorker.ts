// A worker thread of main/services/parallelParse.ts: reads YAML files with the fast reader and sends back the
// values it could read (the others are left to the main thread's full parse, which reports their problems).
import { parentPort } from 'node:worker_threads';
import { fastYamlValue } from '../../shared/project/fastYaml';

export interface ParseRequest {
  files: { file: string; text: string }[];
}
export type ParseReply = { file: string; ok: true; value: unknown }[];

parentPort?.on('message', ({ files }: ParseRequest) => {
  const out: ParseReply = [];
  for (const f of files) {
    const r = fastYamlValue(f.text);
    if (r.ok) out.push({ file: f.file, ok: true, value: r.value });
  }
  parentPort?.postMessage(out);
});
