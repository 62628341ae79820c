// `parley knowledge evaluate` on a tiny project: the figures, the JSON, and a questions file with a mistake.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { runKnowledgeEvaluate } from './knowledgeEvaluate';

const QUESTIONS = `questions:
  - question: how much is an overdraft
    source: fees.md
    passage: Overdrafts
  - question: when do branches open
    source: hours.md
  - question: what is the share price
    unanswerable: true
`;

function project(questions = QUESTIONS) {
  const dir = makeTinyProject({
    'knowledge/fees.md': '# Fees\n\n## Overdrafts\n\nAn overdraft costs $29.\n\n## ATMs\n\nOther ATMs cost $2.50.\n',
    'knowledge/hours.md': '# Hours\n\nBranches open at 9 am.\n',
    'evaluation/knowledge-questions.yaml': questions,
  });
  return { dir, cacheDir: mkdtempSync(path.join(os.tmpdir(), 'parley-kcache-')) };
}

async function run(dir: string, o: Record<string, unknown>) {
  let out = '';
  let err = '';
  const code = await runKnowledgeEvaluate(dir, o, { write: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('parley knowledge evaluate', () => {
  it('prints recall@1, recall@5, MRR, nDCG@10 and the unanswerable questions sent to not-sure', async () => {
    const { dir, cacheDir } = project();
    const { code, out } = await run(dir, { cacheDir });
    expect(code).toBe(0);
    expect(out).toContain('evaluation/knowledge-questions.yaml: 3 questions (2 answerable, 1 unanswerable) against 2 documents, 3 passages');
    expect(out).toMatch(/recall@1 {3}1\.000/);
    expect(out).toMatch(/recall@5 {3}1\.000/);
    expect(out).toMatch(/MRR {8}1\.000/);
    expect(out).toMatch(/nDCG@10 {4}1\.000/);
    expect(out).toContain('unanswerable sent to not-sure  1.000 (1 of 1, top score under 0.35)');
    expect(out).not.toContain('misses:');
  });

  it('--json prints the figures and each question', async () => {
    const { dir, cacheDir } = project();
    const { code, out } = await run(dir, { cacheDir, json: true, minScore: 0.9 });
    expect(code).toBe(0);
    const json = JSON.parse(out) as { recallAt5: number; minScore: number; results: { question: string; rank?: number }[] };
    expect(json).toMatchObject({ recallAt5: 1, minScore: 0.9, documents: 2, passages: 3 });
    expect(json.results.map((r) => r.rank)).toEqual([1, 1, undefined]);
  });

  it('a questions file with a mistake is named with its line and field, exit 2', async () => {
    const { dir, cacheDir } = project('questions:\n  - question: what is the share price\n  - question: fine\n    source: nowhere.md\n');
    const first = await run(dir, { cacheDir });
    expect(first.code).toBe(2);
    expect(first.err).toContain('evaluation/knowledge-questions.yaml:2: questions.0.source: name the document (source) or passage');
    const other = path.join(dir, 'q.yaml');
    writeFileSync(other, 'questions:\n  - question: fine\n    source: nowhere.md\n');
    const second = await run(dir, { cacheDir, questions: other });
    expect(second.code).toBe(2);
    expect(second.err).toContain('questions.0.source: nowhere.md is not a document in knowledge/ (fees.md, hours.md)');
    expect((await run(dir, { cacheDir, questions: path.join(dir, 'missing.yaml') })).err).toMatch(/missing\.yaml: cannot be read \(ENOENT\)/);
  });
});
