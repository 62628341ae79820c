import { describe, expect, it } from 'vitest';
import { loadProject } from '../project/load';
import { serializeFlow, serializeManifest } from '../project/serialize';
import { SCHEMA_VERSION } from './common';
import { migrate } from './migrations';

// A project as Parley's first format wrote it: `type` instead of `kind`, single-locale `text` and `question`.
const V1_MANIFEST = `schema: 1
name: Old Bank
defaultLocale: en
startFlow: main
`;
const V1_FLOW = `name: Main
nodes:
  - id: start
    type: start
    next: hello
  - id: hello
    type: message
    text: Hello from 2025
    next: ask_name
  - id: ask_name
    type: ask
    slot: name
    slotType: text
    question: What is your name?
    next: bye
  - id: bye
    type: end
`;

describe('migrations', () => {
  it('opens a v1 project as the current version, in memory', () => {
    const r = loadProject({ manifest: { file: 'parley.yaml', text: V1_MANIFEST }, flows: [{ file: 'flows/main.yaml', text: V1_FLOW }] });
    expect(r.problems).toEqual([]);
    expect(r.migratedFrom).toBe(1);
    const flow = r.project!.flows.main!;
    expect(flow.nodes.map((n) => n.kind)).toEqual(['start', 'message', 'ask', 'end']);
    expect(flow.nodes[1]).toMatchObject({ kind: 'message', say: { en: 'Hello from 2025' } });
    expect(flow.nodes[2]).toMatchObject({ kind: 'ask', prompt: { en: 'What is your name?' }, type: 'text' } as never);
  });

  it('writes the migrated project in the current format', () => {
    const r = loadProject({ manifest: { file: 'parley.yaml', text: V1_MANIFEST }, flows: [{ file: 'flows/main.yaml', text: V1_FLOW }] });
    expect(serializeManifest(r.project!.manifest)).toContain(`schema: ${SCHEMA_VERSION}\n`);
    const text = serializeFlow(r.project!.flows.main!);
    expect(text).not.toMatch(/\btype: (start|message)|\btext:|\bquestion:/);
    expect(text).toContain('    say:\n      en: Hello from 2025\n');
  });

  it('refuses a version it has no migration for', () => {
    expect(migrate({ manifest: { schema: 0 }, nlu: undefined, flows: {} })).toMatchObject({ ok: false });
    expect(migrate({ manifest: { schema: 'one' }, nlu: undefined, flows: {} })).toMatchObject({ ok: false });
  });
});
