import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySample } from '../../test/fixtures/tinyProject';
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
});
