// The knowledge panel's calls, through main's handler table and the contract's dispatcher (as both hosts call them)
// on a copy of the sample: import a Markdown and a PDF document, see them listed with their age, find a passage of
// the PDF and open it at its offsets, and list the questions a knowledge node could not answer.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../shared/api/dispatch';
import { copySample } from '../../test/fixtures/tinyProject';
import { feesPdf } from '../../test/fixtures/minimalPdf';
import { createMainServices, type MainServices } from '../services/mainServices';

let services: MainServices;
let project: string;
let call: (method: string, input: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;

beforeAll(async () => {
  project = copySample();
  process.env.PARLEY_CACHE_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'parley-cache-'));
  services = await createMainServices({
    mode: 'web',
    userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-ud-')),
    watch: false,
    env: {},
    projectDir: project,
  });
  const dispatch = createDispatcher(services.handlers, { checkOutput: true });
  call = async (m, i) => (await dispatch(m, i)) as Awaited<ReturnType<typeof call>>;
});
afterAll(async () => {
  await services?.dispose();
});

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('knowledge panel calls', { timeout: 60_000 }, () => {
  it('imports documents, lists them with their age, searches and opens a passage', async () => {
    const before = await call('knowledge.list', {});
    expect(before.ok).toBe(true);
    const docs0 = (before.value as { documents: { source: string; format: string | null; chunks: number; stale: boolean }[] }).documents;
    expect(docs0.map((d) => d.source)).toEqual(
      readdirSync(path.join(project, 'knowledge'))
        .filter((f) => f.endsWith('.md'))
        .sort(),
    );
    expect(docs0.every((d) => d.format === null && d.chunks > 0 && !d.stale)).toBe(true);

    const imported = await call('knowledge.import', {
      project,
      files: [
        { name: 'Savings FAQ.md', data: b64('# Savings FAQ\n\n## Interest\n\nThe Acme saver account pays 4.1% AER, paid monthly.\n') },
        { name: 'Card guide.pdf', data: b64(feesPdf()) },
        { name: 'broken.pdf', data: b64('%PDF-1.4\nnothing here\n') },
      ],
    });
    expect(imported.value).toEqual({
      results: [
        { name: 'Savings FAQ.md', ok: true, file: 'knowledge/savings_faq.md', title: 'Savings FAQ', format: 'markdown', renamed: false, replaced: false },
        { name: 'Card guide.pdf', ok: true, file: 'knowledge/card_guide.md', title: 'Card replacement guide', format: 'pdf', renamed: false, replaced: false },
        { name: 'broken.pdf', ok: false, error: expect.stringMatching(/^not a readable PDF/) },
      ],
    });

    const listed = (await call('knowledge.list', {})).value as { documents: Record<string, unknown>[] };
    const guide = listed.documents.find((d) => d.source === 'card_guide.md');
    expect(guide).toMatchObject({ title: 'Card replacement guide', importedFrom: 'Card guide.pdf', format: 'pdf', ageDays: 0, stale: false, chunks: 3 });

    const found = await call('knowledge.search', { query: 'how much does it cost to replace a metal card' });
    const hits = (found.value as { hits: { source: string; id: string; text: string; start: number; end: number; score: number }[]; minScore: number }).hits;
    expect(hits[0]).toMatchObject({ source: 'card_guide.md', id: 'card_guide.md#1', text: 'A metal Premier card costs 25 dollars to replace.' });
    expect((found.value as { minScore: number }).minScore).toBe(0.35);

    const doc = (await call('knowledge.read', { source: 'card_guide.md' })).value as { text: string; bodyStart: number; title: string };
    expect(doc.title).toBe('Card replacement guide');
    expect(doc.text.slice(0, doc.bodyStart)).toMatch(/^---\nimported_from: Card guide\.pdf\nformat: pdf\n/);
    expect(doc.text.slice(hits[0]!.start, hits[0]!.end)).toBe('A metal Premier card costs 25 dollars to replace.');
  });

  it('flags a document older than the chosen age as stale, counting from its review date', async () => {
    const old = '---\nimported_from: rates.html\nformat: html\nimported_at: 2020-01-01T00:00:00.000Z\n---\n\n# Rates\n\nOld rates.\n';
    writeFileSync(path.join(project, 'knowledge/rates.md'), old);
    writeFileSync(path.join(project, 'knowledge/reviewed.md'), old.replace('---\n\n#', 'reviewed_at: 2099-01-01T00:00:00.000Z\n---\n\n#'));
    const list = async (staleAfterDays?: number) =>
      ((await call('knowledge.list', staleAfterDays ? { staleAfterDays } : {})).value as { documents: { source: string; stale: boolean; ageDays: number }[] })
        .documents;
    writeFileSync(path.join(project, 'knowledge/brochure.pdf'), '%PDF-1.4');
    const listed = (await call('knowledge.list', {})).value as { problems: { file: string; severity: string; message: string }[] };
    expect(listed.problems).toEqual([
      expect.objectContaining({ file: 'knowledge/brochure.pdf', severity: 'warning', message: expect.stringMatching(/^not searched: /) }),
    ]);
    const rates = (await list()).find((d) => d.source === 'rates.md')!;
    expect(rates.stale).toBe(true);
    expect(rates.ageDays).toBeGreaterThan(365 * 6);
    expect((await list()).find((d) => d.source === 'reviewed.md')).toMatchObject({ stale: false, ageDays: 0 });
    expect((await list(10_000)).find((d) => d.source === 'rates.md')!.stale).toBe(false);
  });

  it('refuses bad input with a message naming the field', async () => {
    const bad = await call('knowledge.import', { project, files: [{ name: 'a.md', data: 'not base64!' }] });
    expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', message: 'knowledge.import: files[0].data: Invalid base64-encoded string' });
    const other = await call('knowledge.import', { project: '/elsewhere', files: [{ name: 'a.md', data: b64('# A') }] });
    expect(other.error?.code).toBe('CONFLICT');
    const escape = await call('knowledge.read', { source: '../parley.yaml' });
    expect(escape.error).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^knowledge\.read: source: must be the name of a Markdown file/),
    });
    expect((await call('knowledge.read', { source: 'gone.md' })).error?.code).toBe('NOT_FOUND');
  });

  it('lists the questions knowledge nodes sent to not-sure, in the simulator and the last story run', async () => {
    expect((await call('knowledge.unanswered', {})).value).toEqual({ questions: [] });
    const run = await call('stories.run', {
      project,
      files: ['stories/hours_not_sure_agent.yaml', 'stories/faq_not_in_sources.yaml', 'stories/hours_answer.yaml'],
    });
    expect(run.ok).toBe(true);
    // the report keeps its old shape: no traces
    expect(JSON.stringify(run.value)).not.toContain('"trace"');
    const h = services.handlers;
    const { sessionId } = await h['simulator.start']({ project });
    await h['simulator.send']({ sessionId, input: { type: 'text', text: 'what are the opening hours of your London branch' } });
    const { questions } = (await call('knowledge.unanswered', {})).value as {
      questions: { question: string; from: string; where: string; count: number; flow: string }[];
    };
    expect(questions).toEqual([
      expect.objectContaining({
        question: 'what are the opening hours of your London branch',
        from: 'story',
        where: 'stories/hours_not_sure_agent.yaml',
        count: 2,
      }),
      expect.objectContaining({
        question: 'Does Acme sponsor the local football club?',
        from: 'story',
        where: 'stories/faq_not_in_sources.yaml',
        count: 1,
        flow: 'main',
      }),
    ]);
  });
});
