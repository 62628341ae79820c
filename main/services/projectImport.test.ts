import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { methods } from '../../shared/api/contract';
import { importProject } from './projectImport';

const root = path.resolve(__dirname, '../..');
const rasa = path.join(root, 'test/fixtures/rasa/pizzabot');
const salon = path.join(root, 'test/fixtures/dialogflow-cx/salonbot');
const parent = mkdtempSync(path.join(tmpdir(), 'parley-import-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('project.import (main/services/projectImport.ts)', () => {
  it('imports the Rasa pizzabot into a new folder: the project files, IMPORT.md and a summary the contract accepts', async () => {
    const dir = path.join(parent, 'pizza');
    const r = await importProject({ from: 'rasa', src: rasa, dir });
    expect(methods['project.import'].output.parse(r)).toEqual(r);
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.dir).toBe(dir);
    expect(r.counts.intents).toBeGreaterThan(0);
    expect(r.counts.flows).toBeGreaterThan(0);
    expect(r.files).toBe(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).length);
    expect(r.name).toBe('pizzabot');
    expect(readFileSync(path.join(dir, 'parley.yaml'), 'utf8')).toMatch(/^name: "?pizzabot"?$/m);
    expect(r.reportText).toBe(readFileSync(path.join(dir, 'IMPORT.md'), 'utf8'));
    expect(r.report.mapped).toBeGreaterThan(0);
    expect(readdirSync(path.join(dir, 'flows')).filter((f) => f.endsWith('.yaml'))).toHaveLength(r.counts.flows);
  });

  it('imports the Dialogflow CX salonbot export under the name given', async () => {
    const dir = path.join(parent, 'salon');
    const r = await importProject({ from: 'dialogflow-cx', src: salon, dir, name: 'Salon Desk' });
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.name).toBe('Salon Desk');
    expect(readFileSync(path.join(dir, 'parley.yaml'), 'utf8')).toMatch(/name: "?Salon Desk"?/);
    expect(r.counts.intents).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, 'IMPORT.md'))).toBe(true);
  });

  it('imports the same agent from the .zip the console exports', async () => {
    const zip = new ZipFile();
    for (const f of readdirSync(salon, { recursive: true, withFileTypes: true }))
      if (f.isFile()) {
        const abs = path.join(f.parentPath, f.name);
        zip.addFile(abs, path.relative(salon, abs).split(path.sep).join('/'));
      }
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const zipFile = path.join(parent, 'salonbot.zip');
    writeFileSync(zipFile, Buffer.concat(chunks));
    const fromFolder = await importProject({ from: 'dialogflow-cx', src: salon, dir: path.join(parent, 'salon-folder') });
    const fromZip = await importProject({ from: 'dialogflow-cx', src: zipFile, dir: path.join(parent, 'salon-zip') });
    if (!fromZip.ok || !fromFolder.ok) throw new Error('the import failed');
    expect(fromZip.counts).toEqual(fromFolder.counts);
    expect(fromZip.files).toBe(fromFolder.files);
  });

  it('a missing source, or a source of the other kind, is a list of problems and nothing is written', async () => {
    const dir = path.join(parent, 'nothing');
    const missing = await importProject({ from: 'rasa', src: path.join(parent, 'no-such-bot'), dir });
    expect(missing).toEqual({ ok: false, problems: [`${path.join(parent, 'no-such-bot')}: not a folder`] });
    const wrongKind = await importProject({ from: 'dialogflow-cx', src: rasa, dir });
    expect(wrongKind.ok).toBe(false);
    if (!wrongKind.ok) expect(wrongKind.problems.join('\n')).toMatch(/agent\.json.*not an exported Dialogflow CX agent/);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(parent).filter((f) => f.startsWith('nothing'))).toEqual([]);
  });

  it('a folder that is not empty is refused and left as it was', async () => {
    const dir = path.join(parent, 'taken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const r = await importProject({ from: 'rasa', src: rasa, dir });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/already exists and is not empty/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('a Rasa project with invalid YAML names the file and writes nothing', async () => {
    const bad = path.join(parent, 'bad-rasa');
    mkdirSync(path.join(bad, 'data'), { recursive: true });
    writeFileSync(path.join(bad, 'domain.yml'), 'version: "3.1"\nintents: [greet\n');
    const dir = path.join(parent, 'bad-out');
    const r = await importProject({ from: 'rasa', src: bad, dir });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toMatch(/domain\.yml:\d+: invalid YAML/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('project.import input (the contract both hosts check before the handler runs)', () => {
  const input = methods['project.import'].input;
  it('takes a kind of bot it knows, a source and a folder as strings of at most 1000 characters, and nothing else', () => {
    expect(input.safeParse({ from: 'rasa', src: '/a', dir: '/b' }).success).toBe(true);
    expect(input.safeParse({ from: 'botpress', src: '/a', dir: '/b' }).success).toBe(false);
    expect(input.safeParse({ from: 'rasa', src: '', dir: '/b' }).success).toBe(false);
    expect(input.safeParse({ from: 'rasa', src: '/a', dir: 'x'.repeat(1001) }).success).toBe(false);
    expect(input.safeParse({ from: 'rasa', src: '/a', dir: '/b', force: true }).success).toBe(false);
  });
});
