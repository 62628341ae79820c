import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySample } from '../../test/fixtures/tinyProject';
import { runCopyExport, runCopyImport } from './copyDeck';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { write: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}
const flowsText = (dir: string) => ['main', 'card_lost', 'balance'].map((f) => readFileSync(path.join(dir, 'flows', `${f}.yaml`), 'utf8'));

describe('parley copy export / import', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`exports the sample as ${format.toUpperCase()} and reads it back with no change`, async () => {
      const dir = copySample();
      const file = path.join(dir, '..', `${path.basename(dir)}.${format}`);
      const a = io();
      expect(await runCopyExport(dir, { out: file }, a.io)).toBe(0);
      expect(a.out.join('')).toMatch(/^wrote \d+ lines in en, es to /);
      const before = flowsText(dir);
      const b = io();
      expect(await runCopyImport(dir, file, {}, b.io)).toBe(0);
      expect(b.out.join('')).toBe('0 changes\n');
      expect(flowsText(dir)).toEqual(before);
    });
  }

  it('prints every change, writes nothing on a dry run, then writes the flow and parley.yaml', async () => {
    const dir = copySample();
    const file = path.join(dir, '..', `${path.basename(dir)}.csv`);
    await runCopyExport(dir, { out: file }, io().io);
    const csv = readFileSync(file, 'utf8');
    const lines = csv.split('\r\n');
    const greet = lines.findIndex((l) => l.includes(',main,greet,Message,'));
    lines[greet] = lines[greet]!.replace('Te damos la bienvenida', 'Bienvenido');
    const back = lines.findIndex((l) => l.startsWith('builtin/back,'));
    lines[back] = 'builtin/back,,,,Bot\'s own: back,"Right, where were we?",Volvamos a lo que estábamos haciendo.';
    writeFileSync(file, lines.join('\r\n'));
    const before = flowsText(dir);

    const dry = io();
    expect(await runCopyImport(dir, file, { dryRun: true }, dry.io)).toBe(0);
    const printed = dry.out.join('');
    expect(printed).toMatch(/main\/greet Message \[es\] \(c_[0-9a-z]{10}\)\n {2}- .*Te damos la bienvenida.*\n {2}\+ .*Bienvenido/);
    expect(printed).toContain("Bot's own: back [en] (builtin/back)\n  - Now, back to where we were.\n  + Right, where were we?");
    expect(printed).toContain('2 changes (dry run: nothing written)');
    expect(flowsText(dir)).toEqual(before);

    const run = io();
    expect(await runCopyImport(dir, file, {}, run.io)).toBe(0);
    expect(run.out.at(-1)).toBe('wrote parley.yaml, flows/main.yaml\n');
    expect(readFileSync(path.join(dir, 'flows', 'main.yaml'), 'utf8')).toContain('Bienvenido');
    expect(readFileSync(path.join(dir, 'parley.yaml'), 'utf8')).toMatch(/builtinCopy:\n\s+back:\n\s+en: Right, where were we\?/);
    const again = io();
    expect(await runCopyImport(dir, file, {}, again.io)).toBe(0);
    expect(again.out.join('')).toBe('0 changes\n');
  });

  it('refuses a bad file with its row and column and writes nothing', async () => {
    const dir = copySample();
    const file = path.join(dir, '..', `${path.basename(dir)}-bad.csv`);
    writeFileSync(file, 'copy_id,variant,flow,node,field,en,es\r\nc_unknown0000,,,,,Hi,Hola\r\n');
    const before = flowsText(dir);
    const r = io();
    expect(await runCopyImport(dir, file, {}, r.io)).toBe(2);
    expect(r.err.join('')).toBe(
      `parley copy import: ${path.basename(file)}, row 2, column A: unknown copy id "c_unknown0000": no line of the project has it; nothing written\n`,
    );
    expect(flowsText(dir)).toEqual(before);
    const e = io();
    expect(await runCopyExport(dir, { out: path.join(dir, '..', 'x.csv'), locales: 'en,fr' }, e.io)).toBe(2);
    expect(e.err.join('')).toContain('fr is not a locale of the project (en, es)');
  });
});
