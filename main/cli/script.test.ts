import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySample } from '../../test/fixtures/tinyProject';
import { convertPdf } from '../knowledge/pdf';
import { runScript } from './script';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { write: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

describe('parley script', () => {
  it('prints one flow in a locale, writes all of them to a file, and refuses an unknown flow or locale', async () => {
    const dir = copySample();
    const one = io();
    expect(await runScript(dir, { flow: 'card_lost', locale: 'es' }, one.io)).toBe(0);
    expect(one.out.join('')).toMatch(/^# Lost or stolen card\n\nFlow `card_lost`, \d+ scenes covering every reachable edge once or more \(es\)\./);
    const file = path.join(dir, '..', `${path.basename(dir)}-script.md`);
    const all = io();
    expect(await runScript(dir, { out: file }, all.io)).toBe(0);
    expect(all.out.join('')).toBe(`wrote the script of 10 flows to ${file}\n`);
    expect(readFileSync(file, 'utf8').match(/^# /gm)).toHaveLength(10);
    const bad = io();
    expect(await runScript(dir, { flow: 'nope' }, bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/^parley script: no flow nope/);
    expect(await runScript(dir, { locale: 'fr' }, io().io)).toBe(2);
  });

  it('writes a PDF when the file ends in .pdf: the scenes, who says what, accents and arrows, page numbers', async () => {
    const dir = copySample();
    const file = path.join(dir, '..', `${path.basename(dir)}-balance.pdf`);
    const r = io();
    expect(await runScript(dir, { flow: 'balance', locale: 'es', out: file }, r.io)).toBe(0);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // read back with pdf.js, as the knowledge import reads a PDF
    const { markdown } = await convertPdf(bytes, 'balance.pdf');
    const text = markdown.replace(/\s+/g, ' ');
    expect(text).toContain('Scene 3: timeout → retry');
    expect(text).toContain('Bot: Nuestros sistemas están tardando más de lo normal en responder.');
    expect(text).toContain('Customer: taps “Intentar de nuevo”');
    expect(text).toContain('— end of the conversation —');
    expect(text).toMatch(/Balance · page 1 of [2-9]/);
  });
});
