// The sample's own stories through `parley test`: they all pass; rewording a line that a story checks by copy id
// keeps them passing; changing a route makes the story that goes through it fail, naming the story, the turn and
// the node (exit 1).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';

const root = path.resolve(import.meta.dirname, '../..');
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(root, 'bin/parley.mjs'), 'test', ...args], {
    cwd: root,
    env: { ...process.env, ANTHROPIC_API_KEY: '' },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

describe('the acme-bank sample stories', () => {
  it('pass; survive rewording checked by copy id; catch a changed route', async () => {
    const dir = copySample();
    const all = await run(dir, '--junit', path.join(dir, 'junit.xml'));
    expect(all.code).toBe(0);
    const [, passed] = /(\d+) passed, 0 failed/.exec(all.stdout) ?? [];
    expect(Number(passed)).toBeGreaterThanOrEqual(25);
    expect(all.stdout).toMatch(/Coverage: nodes \d+\/\d+ \((9\d|100)%\)/);
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toMatch(/<testsuite name="stories" tests="\d+" failures="0"/);

    // reword the last-4-digits question, which lost_card_happy checks by copy id
    const file = path.join(dir, 'flows/card_lost.yaml');
    const flow = readFileSync(file, 'utf8');
    const reworded = flow.replace('What are the last 4 digits of the card?', 'Which 4 digits does the card end with?');
    expect(reworded).not.toBe(flow);
    writeFileSync(file, reworded);
    const same = await run(dir, '--grep', 'Lost card, happy path');
    expect(same.code).toBe(0);

    // send "lost card" somewhere else from the main menu
    const main = path.join(dir, 'flows/main.yaml');
    writeFileSync(main, readFileSync(main, 'utf8').replace(/- intent: lost_card\n(\s+)next: go_card_lost/, '- intent: lost_card\n$1next: go_balance'));
    const broken = await run(dir, '--grep', 'Lost card, happy path');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/stories\/lost_card_happy\.yaml:\d+: Lost card, happy path: turn 1 "I lost my credit card": .*at node /);
  }, 60_000);
});
