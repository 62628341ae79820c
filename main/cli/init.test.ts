// Every project template is a project `parley validate` and `parley test` accept at once; `parley init` refuses a
// folder that holds other things; the generated module is what scripts/templates.mjs makes from templates/.
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runTests } from '../stories/runner';
import { TEMPLATE_IDS } from '../services/projectTemplates';
import { runInit } from './init';
import { validateDir } from './validate';
// @ts-expect-error: a plain .mjs script without types
import { generate, GENERATED } from '../../scripts/templates.mjs';

const tmp = await mkdtemp(path.join(tmpdir(), 'parley-init-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('parley init', () => {
  it.each(TEMPLATE_IDS)('the %s template validates without problems and its stories pass', async (template) => {
    const dir = path.join(tmp, template);
    const out = await runInit(dir, { template, name: `My ${template} bot` });
    expect(out).toMatch(new RegExp(`Created "My ${template} bot" from the ${template} template`));
    const report = await validateDir(dir, { cache: false });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const tests = await runTests({ projectDir: dir, trust: true, userDataDir: path.join(tmp, 'user') });
    expect(tests.problems).toEqual([]);
    expect(tests.stories.length).toBeGreaterThan(0);
    expect(tests.stories.filter((s) => !s.passed).map((s) => s.name)).toEqual([]);
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toMatch(new RegExp(`^# My ${template} bot\\n`));
  });

  it('puts any name into parley.yaml as data: quotes, colons and a line break cannot change its YAML', async () => {
    const dir = path.join(tmp, 'odd');
    const name = 'Ace: "the" bot\nstartFlow: evil';
    await runInit(dir, { template: 'blank', name });
    const text = await readFile(path.join(dir, 'parley.yaml'), 'utf8');
    const parsed = parseYaml(text) as { name: string; startFlow: string };
    expect(parsed.name).toBe(name);
    expect(parsed.startFlow).toBe('main');
    expect((await validateDir(dir, { cache: false })).ok).toBe(true);
  });

  it('refuses a folder holding other files or a project, and names the template list for a bad template', async () => {
    const busy = path.join(tmp, 'busy');
    await mkdir(busy);
    await writeFile(path.join(busy, 'notes.txt'), 'mine');
    await expect(runInit(busy)).rejects.toThrow(/is not empty \(notes\.txt\)/);
    expect(await readdir(busy)).toEqual(['notes.txt']);
    await expect(runInit(path.join(tmp, 'blank'))).rejects.toThrow(/already holds a Parley project/);
    await expect(runInit(path.join(tmp, 'x'), { template: 'crm' })).rejects.toThrow('--template must be one of blank, faq, banking (not "crm")');
  });

  it('accepts a fresh repository (.git, README) and keeps its README', async () => {
    const repo = path.join(tmp, 'repo');
    await mkdir(path.join(repo, '.git'), { recursive: true });
    await writeFile(path.join(repo, 'README.md'), 'ours');
    await runInit(repo, { template: 'faq' });
    expect(await readFile(path.join(repo, 'README.md'), 'utf8')).toBe('ours');
    expect(await readdir(path.join(repo, 'knowledge'))).toEqual(['faq.md']);
  });

  it('the generated templates module is up to date with templates/ (run node scripts/templates.mjs)', async () => {
    expect(await readFile(GENERATED as string, 'utf8')).toBe((generate as () => string)());
  });
});
