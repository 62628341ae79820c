import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { feesPdf } from '../../test/fixtures/minimalPdf';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { buildCli } from './cli';
import { runKnowledgeImport } from './knowledgeImport';

const userData = (settings?: object) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-ud-'));
  if (settings) writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings));
  return dir;
};
const inputs = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-docs-'));
  writeFileSync(path.join(dir, 'Card Guide.pdf'), feesPdf());
  writeFileSync(path.join(dir, 'broken.pdf'), '%PDF-1.7\nnot really\n');
  writeFileSync(path.join(dir, 'faq.md'), '# FAQ\n\nAnswers.\n');
  return dir;
};
const run = async (project: string, files: string[], o: { replace?: boolean; userDataDir?: string } = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKnowledgeImport(project, files, { userDataDir: userData(), ...o }, { write: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join(''), err: err.join('') };
};

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('parley knowledge import', () => {
  it('prints where each file was written or why it was skipped, and exits 1 when any was skipped', async () => {
    const project = makeTinyProject();
    const docs = inputs();
    const r = await run(project, [path.join(docs, 'Card Guide.pdf'), path.join(docs, 'broken.pdf'), path.join(docs, 'faq.md'), path.join(docs, 'missing.txt')]);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      'written  Card Guide.pdf as knowledge/card_guide.md: "Card replacement guide"',
      expect.stringMatching(/^skipped {2}broken\.pdf: not a readable PDF/),
      'written  faq.md as knowledge/faq.md: "FAQ"',
      `skipped  ${path.join(docs, 'missing.txt')}: no such file`,
      '2 of 4 imported, 2 skipped',
      '',
    ]);
    expect(readdirSync(path.join(project, 'knowledge')).sort()).toEqual(['card_guide.md', 'faq.md']);
    // again: the names are taken, so the copies are numbered; with --replace they replace
    expect((await run(project, [path.join(docs, 'faq.md')])).out).toBe('written  faq.md as knowledge/faq_2.md (the name was taken): "FAQ"\n');
    const again = await run(project, [path.join(docs, 'faq.md')], { replace: true });
    expect(again).toEqual({ code: 0, out: 'written  faq.md as knowledge/faq.md (replaced the earlier one): "FAQ"\n', err: '' });
  });

  it("refuses a file over the user's limit before reading it", async () => {
    const project = makeTinyProject();
    const docs = inputs();
    const r = await run(project, [path.join(docs, 'Card Guide.pdf')], { userDataDir: userData({ limits: { binary: 0.001 } }) });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^skipped {2}Card Guide\.pdf: 1\.\d KB is over the limit of 1 KB for PDF documents\n$/);
  });

  it('says when the folder is not a project (exit 2)', async () => {
    const r = await run(mkdtempSync(path.join(os.tmpdir(), 'parley-none-')), [path.join(inputs(), 'faq.md')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not a Parley project \(no parley\.yaml\)/);
  });

  it('is registered as a command of the knowledge group', async () => {
    const project = makeTinyProject();
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    await buildCli().parseAsync(['node', 'parley', 'knowledge', 'import', project, path.join(inputs(), 'faq.md')]);
    expect(out.join('')).toBe('written  faq.md as knowledge/faq.md: "FAQ"\n');
    expect(process.exitCode).toBe(0);
  });
});
