import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateFiles, evaluateOpenIntentFiles, formatEvaluation, formatOpenIntents } from '../../main/cli/nluEvaluate';
import { parseCsv } from '../../shared/nlu/csv';

const root = path.resolve(import.meta.dirname, '../..');
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(root, 'bin/parley.mjs'), ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const dir = mkdtempSync(path.join(tmpdir(), 'parley-nlu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
function writeCsv(name: string, rows: [string, string][], header = 'text,category'): string {
  const file = path.join(dir, name);
  writeFileSync(file, [header, ...rows.map((r) => r.map(csvField).join(','))].join('\r\n') + '\r\n');
  return file;
}

// A small task with an out-of-scope class; texts with commas and quotes exercise the CSV reader.
const TEMPLATES: Record<string, string[]> = {
  balance: [
    'what is my balance',
    'how much money do I have',
    'check my balance, please',
    'show my "available" balance',
    'balance in my savings account',
    'how much is left in my account',
  ],
  lost_card: [
    'I lost my card',
    'my card was stolen',
    'block my card, it is missing',
    'someone took my wallet',
    'freeze my stolen card',
    'I cannot find my debit card',
  ],
  transfer: [
    'send money to my friend',
    'transfer 50 dollars to savings',
    'wire money abroad',
    'make a transfer, please',
    'move money between accounts',
    'pay my friend back',
  ],
  oos: [
    'what is the weather tomorrow',
    'tell me a joke',
    'who won the football game',
    'play some music',
    'recommend a pizza place',
    'how tall is mount everest',
  ],
};
const PREFIXES = ['', 'hi, ', 'please ', 'hey there, ', 'quick question: '];
const rowsFor = (prefixes: string[]): [string, string][] =>
  Object.entries(TEMPLATES).flatMap(([label, texts]) => texts.flatMap((t) => prefixes.map((p): [string, string] => [p + t, label])));

// The CLI starts in seconds and trains in-process: time limits are for the bench, not for a loaded machine.
describe('parley nlu evaluate', { timeout: 60_000 }, () => {
  const train = writeCsv('train.csv', rowsFor(PREFIXES.slice(0, 3)));
  const test = writeCsv('test.csv', rowsFor(PREFIXES.slice(3)));

  it('reads quoted CSV fields with commas, quotes and line breaks', () => {
    expect(parseCsv('text,category\r\n"a, ""b""\nc",x\r\nplain,y\n')).toEqual([
      ['text', 'category'],
      ['a, "b"\nc', 'x'],
      ['plain', 'y'],
    ]);
    expect(() => parseCsv('text,category\n"open,x\n')).toThrow(/unterminated quoted field starting on line 2/);
    // a byte-order mark, a lone CR and blank lines, as spreadsheets write them
    expect(parseCsv('\ufefftext,category\rhi,a\r\n\r\nb,\n')).toEqual([
      ['text', 'category'],
      ['hi', 'a'],
      ['b', ''],
    ]);
  });

  it('--json prints exactly the metric keys, with out-of-scope recall and precision when the test set has oos rows', async () => {
    const r = await run('nlu', 'evaluate', '--train', train, '--test', test, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number | null>;
    expect(Object.keys(out).sort()).toEqual(['accuracy', 'ece', 'inScopeAccuracy', 'macroF1', 'oosPrecision', 'oosRecall', 'trainSeconds']);
    // measured: every one of the 48 test rows right (one error would be 0.979; an oos miss 0.917)
    expect(out.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(out.inScopeAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(out.macroF1).toBeGreaterThanOrEqual(0.97);
    expect(out.oosRecall).toBeGreaterThanOrEqual(0.9);
    expect(out.oosPrecision).toBeGreaterThanOrEqual(0.9);
    expect(out.ece).toBeGreaterThanOrEqual(0);
    expect(out.ece).toBeLessThan(0.02);
    expect(out.trainSeconds).toBeGreaterThan(0); // how long is for `npm run bench -- nlu`
  });

  it('without oos rows in the test set, oos metrics are null (n/a in the table)', async () => {
    const inScope = writeCsv(
      'test-in-scope.csv',
      rowsFor(PREFIXES.slice(3)).filter(([, l]) => l !== 'oos'),
    );
    const e = await evaluateFiles(train, inScope);
    expect(e.report.oosRecall).toBeNull();
    expect(e.report.oosPrecision).toBeNull();
    const table = formatEvaluation(e);
    expect(table).toMatch(/^accuracy +\d\.\d{4}$/m);
    expect(table).toMatch(/^oos recall +n\/a/m);
    expect(table).toMatch(/^training +\d+\.\d\d s$/m);
    expect(table).toMatch(/^train: 72 rows, 4 intents \(train\.csv\)$/m);
  });

  it('bad input: a clear message naming the file, and a non-zero exit', async () => {
    const missing = path.join(dir, 'nope.csv');
    const r = await run('nlu', 'evaluate', '--train', missing, '--test', test);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`cannot read --train file ${missing}: no such file`);
    expect(r.stdout).toBe('');

    const empty = path.join(dir, 'empty.csv');
    writeFileSync(empty, '\n');
    await expect(evaluateFiles(train, empty)).rejects.toThrow(`--test file ${empty} is empty`);
    const noLabel = writeCsv('no-label.csv', [['hello', 'x']], 'text,intent');
    await expect(evaluateFiles(noLabel, test)).rejects.toThrow(`--train file ${noLabel} has no "category" column (header: text,intent)`);
    const headerOnly = path.join(dir, 'header.csv');
    writeFileSync(headerOnly, 'text,category\n');
    await expect(evaluateFiles(train, headerOnly)).rejects.toThrow(`--test file ${headerOnly} has a header but no rows`);
    const blankLabel = writeCsv('blank.csv', [['hello', '']]);
    await expect(evaluateFiles(blankLabel, test)).rejects.toThrow(`--train file ${blankLabel} row 2 has an empty category`);
    await expect(evaluateFiles(dir, test)).rejects.toThrow(`cannot read --train file ${dir}: it is a folder`);

    const usage = await run('nlu', 'evaluate', '--train', train);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toMatch(/required option '--test <file>' not specified/);
  });

  it('BANKING77, 20 intents, through the CLI', async () => {
    const dir = path.join(root, 'test/fixtures/banking77-20');
    const tr = path.join(dir, 'train.csv');
    const te = path.join(dir, 'test.csv');
    const r = await run('nlu', 'evaluate', '--train', tr, '--test', te, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number | null>;
    // measured: accuracy 0.975, macro-F1 0.975, ECE 0.019
    expect(out.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(out.macroF1).toBeGreaterThanOrEqual(0.97);
    expect(out.oosRecall).toBeNull();
    expect(out.ece).toBeLessThan(0.03);
  });

  it('--open-intents 0.75 --seeds 2: out-of-scope detection averaged over seeds, as a table or JSON', async () => {
    const dir = path.join(root, 'test/fixtures/banking77-20');
    const tr = path.join(dir, 'train.csv');
    const te = path.join(dir, 'test.csv');
    const r = await run('nlu', 'evaluate', '--train', tr, '--test', te, '--open-intents', '0.75', '--seeds', '2', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { knownShare: number; seeds: { seed: number; knownIntents: number }[]; mean: Record<string, unknown> };
    expect(out.knownShare).toBe(0.75);
    expect(out.seeds.map((s) => [s.seed, s.knownIntents])).toEqual([
      [1, 15],
      [2, 15],
    ]);
    const mean = out.mean as {
      unseen: { recall: number; auroc: number; rows: number };
      gibberish: { recall: number; rows: number };
      accuracyLost: number;
      baseline: object;
    };
    expect(Object.keys(mean).sort()).toEqual(['accuracyLost', 'accuracyNoReject', 'baseline', 'gibberish', 'inScopeAccuracy', 'trainSeconds', 'unseen']);
    expect(mean.gibberish.rows).toBe(1000);
    // measured: unseen recall 0.285 and 0.235 (AUROC 0.95, 0.93), gibberish recall 0.999 and 0.991, 0.7 and 0.3
    // points of accuracy lost
    expect(mean.unseen.recall).toBeGreaterThanOrEqual(0.2);
    expect(mean.unseen.auroc).toBeGreaterThanOrEqual(0.9);
    expect(mean.gibberish.recall).toBeGreaterThanOrEqual(0.95);
    expect(mean.accuracyLost).toBeLessThanOrEqual(0.02);

    const e = await evaluateOpenIntentFiles(tr, te, { knownShare: 0.5, seeds: 1 });
    const table = formatOpenIntents(e);
    expect(table).toMatch(/^open intents: trained on 10 intents \(50%\), the other 10 out of scope; seeds 1; means:$/m);
    expect(table).toMatch(/^unseen intents +\d\.\d{3} +\d\.\d{3} +\d\.\d{3} +\(\d+ rows a seed\)$/m);
    expect(table).toMatch(/^gibberish, off-topic +\d\.\d{3} +\d\.\d{3} +\d\.\d{3} +\(1000 rows a seed\)$/m);
    expect(table).toMatch(/^without the detector +unseen recall \d\.\d{3} at \d\.\d points lost/m);
  });

  it('--open-intents: bad values and options that need it are refused', async () => {
    const bad = await run('nlu', 'evaluate', '--train', train, '--test', test, '--open-intents', '1.5');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/'--open-intents <share>' argument '1.5' is invalid\. a share between 0 and 1/);
    const alone = await run('nlu', 'evaluate', '--train', train, '--test', test, '--seeds', '3');
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toContain('--seeds and --max-accuracy-loss go with --open-intents');
    const two = writeCsv(
      'two-intents.csv',
      rowsFor(PREFIXES.slice(0, 3)).filter(([, l]) => l === 'balance' || l === 'transfer'),
    );
    await expect(evaluateOpenIntentFiles(two, test, { knownShare: 0.75, seeds: 1 })).rejects.toThrow(
      `--train file ${two} has 2 intents: the open-intent evaluation needs at least 3`,
    );
  });
});
