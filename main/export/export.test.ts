import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copySample, makeTinyProject, SAMPLE_DIR } from '../../test/fixtures/tinyProject';
import { createEngine } from '../../shared/engine/engine';
import { runTurn } from '../../shared/engine/engine/drivers';
import { initialState } from '../../shared/engine/engine/state';
import type { Engine } from '../../shared/engine/engine';
import { extractSlotValue } from '../../shared/nlu/entities';
import { createProjectEngine, projectNlu } from '../services/projectEngine';
import { loadTestProject } from '../stories/runner';
import { exportBundle } from './export';
import { generateSigningKeys } from './keys';
import { listTree } from './outDir';
import { verifyBundle } from './verify';

const tmp = (prefix = 'parley-export-') => mkdtempSync(path.join(os.tmpdir(), prefix));
let keys: { privateKeyFile: string; publicKeyFile: string };
let publicPem: string;
beforeAll(async () => {
  keys = await generateSigningKeys(path.join(tmp(), 'keys'));
  publicPem = readFileSync(keys.publicKeyFile, 'utf8');
});

const filesOf = (dir: string): Map<string, Buffer> => {
  const out = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else out.set(rel, readFileSync(path.join(dir, rel)));
    }
  };
  walk('');
  return out;
};

describe('exportBundle', () => {
  it('exports the sample twice into two folders with every byte the same, and the bundle verifies', async () => {
    const [a, b] = [path.join(tmp(), 'a'), path.join(tmp(), 'b')];
    const ra = await exportBundle({ projectDir: SAMPLE_DIR, outDir: a, signingKey: keys.privateKeyFile, notes: 'First release' });
    const rb = await exportBundle({ projectDir: SAMPLE_DIR, outDir: b, signingKey: keys.privateKeyFile, notes: 'First release' });
    expect(ra.ok && rb.ok).toBe(true);
    const fa = filesOf(a);
    const fb = filesOf(b);
    expect([...fa.keys()].sort()).toEqual([...fb.keys()].sort());
    for (const [rel, bytes] of fa) expect(bytes.equals(fb.get(rel)!), rel).toBe(true);
    expect([...fa.keys()].sort()).toEqual(
      [
        'Dockerfile',
        'README.md',
        'copy/en.json',
        'copy/es.json',
        'docker-compose.yml',
        'haproxy.cfg',
        'knowledge.json',
        'manifest.json',
        'manifest.sig',
        'nlu/models.json',
        'project/nlu.json',
        'project/parley.json',
        'project/guardrails.json',
        ...['balance', 'card_lost', 'dispute', 'help', 'hours', 'human', 'main', 'payment', 'sensitive', 'transactions'].map((f) => `project/flows/${f}.json`),
      ].sort(),
    );
    const manifest = JSON.parse(fa.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({
      format: 'parley-bundle',
      formatVersion: 1,
      name: 'Acme Bank Support',
      version: '0.1.0',
      schemaVersion: 2,
      notes: 'First release',
    });
    expect(fa.get('manifest.json')!.toString()).not.toMatch(/\d{4}-\d\d-\d\dT/); // no timestamps
    expect(fa.get('manifest.sig')!.length).toBe(64);
    const bundle = await verifyBundle(a, publicPem);
    const sampleDocs = readdirSync(path.join(SAMPLE_DIR, 'knowledge'))
      .filter((f) => f.endsWith('.md'))
      .sort();
    expect(bundle.knowledge.map((d) => d.source)).toEqual(sampleDocs);
    expect(Object.keys(bundle.copy)).toEqual(['en', 'es']);
    expect(statSync(a).mode & 0o777).toBe(0o755);
  });

  it('runs a conversation from the bundle exactly as the studio engine does (trained NLU included)', async () => {
    const out = path.join(tmp(), 'b');
    expect((await exportBundle({ projectDir: SAMPLE_DIR, outDir: out, signingKey: keys.privateKeyFile })).ok).toBe(true);
    const bundle = await verifyBundle(out, publicPem);
    const entities = bundle.project.nlu.entities ?? [];
    const fromBundle = createEngine(bundle.project, { nlu: bundle.nlu, extractSlot: (t, x, c) => extractSlotValue(t, x, { entities, ...c }) });
    const studio = createProjectEngine(await loadTestProject(SAMPLE_DIR));
    const talk = async (engine: Engine, locale: string, texts: string[]) => {
      let state = initialState(engine, { locale });
      const said: unknown[] = [];
      for (const input of [{ type: 'start' as const }, ...texts.map((text) => ({ type: 'text' as const, text }))]) {
        const r = await runTurn(engine, state, input);
        said.push(
          r.outputs,
          r.trace.filter((t) => t.kind === 'nlu'),
        );
        state = r.state;
      }
      return said;
    };
    for (const [locale, texts] of [
      ['en', ['I lost my card', '4821', 'what are your opening hours', 'blah blah']],
      ['es', ['he perdido mi tarjeta', 'cuál es mi saldo']],
    ] as const) {
      const a = await talk(fromBundle, locale, [...texts]);
      expect(a).toEqual(await talk(studio, locale, [...texts]));
    }
    for (const text of ['I lost my card', 'quiero hablar con una persona', 'dispute a charge of $40']) {
      expect(bundle.nlu.parse(text, 'en', { now: 0 })).toEqual(projectNlu(bundle.project.nlu).parse(text, 'en', { now: 0 }));
    }
  });

  it('leaves the canvas layout out: moving a node changes no file of the bundle', async () => {
    const dir = makeTinyProject();
    const first = await exportBundle({ projectDir: dir, outDir: path.join(tmp(), 'x'), signingKey: keys.privateKeyFile });
    writeFileSync(path.join(dir, 'flows/main.yaml'), readFileSync(path.join(dir, 'flows/main.yaml'), 'utf8').replace('{ x: 320, y: 0 }', '{ x: 999, y: 40 }'));
    const second = await exportBundle({ projectDir: dir, outDir: path.join(tmp(), 'y'), signingKey: keys.privateKeyFile });
    expect(first.ok && second.ok && second.manifest.files).toEqual(first.ok && first.manifest.files);
  });

  it('refuses a project with errors and lists them as parley validate does, writing nothing', async () => {
    const dir = copySample();
    const file = path.join(dir, 'flows/main.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => /^ {4}next: \w+$/.test(l));
    lines[i] = '    next: no_such_node';
    writeFileSync(file, lines.join('\n'));
    const out = path.join(tmp(), 'out');
    const r = await exportBundle({ projectDir: dir, outDir: out, signingKey: keys.privateKeyFile });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.report.problems).toContainEqual(expect.objectContaining({ file: 'flows/main.yaml', line: i + 1, message: 'edge to missing node "no_such_node"' }));
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out))).toEqual([]);
  });

  it('replaces an earlier bundle and reports what changed; takes the version from parley.yaml', async () => {
    const dir = makeTinyProject();
    const out = path.join(tmp(), 'bundle');
    expect((await exportBundle({ projectDir: dir, outDir: out, signingKey: keys.privateKeyFile })).ok).toBe(true);
    writeFileSync(
      path.join(dir, 'flows/main.yaml'),
      readFileSync(path.join(dir, 'flows/main.yaml'), 'utf8').replace('Hi! How can I help?', 'Hello! How can I help?'),
    );
    writeFileSync(path.join(dir, 'flows/extra.yaml'), 'name: Extra\nnodes:\n  - id: start\n    kind: start\n    next: bye\n  - id: bye\n    kind: end\n');
    writeFileSync(path.join(dir, 'parley.yaml'), readFileSync(path.join(dir, 'parley.yaml'), 'utf8') + 'version: 1.4.0\n');
    const r = await exportBundle({ projectDir: dir, outDir: out, signingKey: keys.privateKeyFile });
    if (!r.ok) throw new Error('not exported');
    expect(r.manifest.version).toBe('1.4.0');
    expect(r.changes).toMatchObject({ fromVersion: '0.1.0', toVersion: '1.4.0', added: ['project/flows/extra.json'], removed: [] });
    expect(r.changes!.changed).toEqual(expect.arrayContaining(['copy/en.json', 'project/flows/main.json', 'project/parley.json']));
    expect(r.changes!.changed).not.toContain('nlu/models.json');
    expect((await verifyBundle(out, publicPem)).manifest.version).toBe('1.4.0');
    expect(readdirSync(path.dirname(out))).toEqual(['bundle']); // no temp or old folder left behind
    // --since another bundle, and an explicit --version over parley.yaml's
    const r2 = await exportBundle({ projectDir: dir, outDir: path.join(tmp(), 'other'), signingKey: keys.privateKeyFile, since: out, version: '2.0.0' });
    expect(r2.ok && r2.changes).toEqual({ fromVersion: '1.4.0', toVersion: '2.0.0', added: [], removed: [], changed: ['README.md', 'docker-compose.yml'] });
  });

  it('never replaces a folder that is not an earlier bundle, or a bundle holding files of its own', async () => {
    const dir = makeTinyProject();
    const notBundle = tmp();
    writeFileSync(path.join(notBundle, 'thesis.txt'), 'years of work');
    await expect(exportBundle({ projectDir: dir, outDir: notBundle, signingKey: keys.privateKeyFile })).rejects.toThrow(
      /is not a Parley bundle .*not replacing it/,
    );
    expect(readFileSync(path.join(notBundle, 'thesis.txt'), 'utf8')).toBe('years of work');

    const out = path.join(tmp(), 'bundle');
    expect((await exportBundle({ projectDir: dir, outDir: out, signingKey: keys.privateKeyFile })).ok).toBe(true);
    writeFileSync(path.join(out, '.env'), 'PARLEY_RUNTIME_TOKEN=t\n');
    await expect(exportBundle({ projectDir: dir, outDir: out, signingKey: keys.privateKeyFile })).rejects.toThrow(
      /holds \.env, which is not part of the earlier bundle/,
    );
    expect(existsSync(path.join(out, '.env'))).toBe(true);

    const empty = tmp();
    expect((await exportBundle({ projectDir: dir, outDir: empty, signingKey: keys.privateKeyFile })).ok).toBe(true);
    expect((await listTree(empty)).some((e) => e.rel === 'manifest.json')).toBe(true);

    await expect(exportBundle({ projectDir: dir, outDir: path.join(dir, 'dist'), signingKey: keys.privateKeyFile })).rejects.toThrow(/inside the project/);
    await expect(exportBundle({ projectDir: dir, outDir: path.dirname(dir), signingKey: keys.privateKeyFile })).rejects.toThrow(
      /would replace the project folder/,
    );
  });

  it('needs a key from --key or PARLEY_SIGNING_KEY_FILE, outside the project, and never prints it', async () => {
    const dir = makeTinyProject();
    const out = path.join(tmp(), 'b');
    await expect(exportBundle({ projectDir: dir, outDir: out, env: {} })).rejects.toThrow(/pass --key <file> or set PARLEY_SIGNING_KEY_FILE/);
    expect((await exportBundle({ projectDir: dir, outDir: out, env: { PARLEY_SIGNING_KEY_FILE: keys.privateKeyFile } })).ok).toBe(true);

    const pem = readFileSync(keys.privateKeyFile, 'utf8');
    mkdirSync(path.join(dir, 'secrets'));
    writeFileSync(path.join(dir, 'secrets/k.pem'), pem, { mode: 0o600 });
    const inside = await exportBundle({ projectDir: dir, outDir: out, signingKey: path.join(dir, 'secrets/k.pem') }).catch((e: Error) => e);
    expect(String(inside)).toMatch(/is inside the project .*keep the key outside the project/);

    const bad = path.join(tmp(), 'rsa.pem');
    const { generateKeyPairSync } = await import('node:crypto');
    writeFileSync(bad, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    await expect(exportBundle({ projectDir: dir, outDir: out, signingKey: bad })).rejects.toThrow(/an rsa key; bundles are signed with Ed25519/);
    const garbage = path.join(tmp(), 'garbage.pem');
    writeFileSync(garbage, pem.replace(/[A-Za-z0-9]{20}/, 'AAAAAAAAAAAAAAAAAAAA').slice(0, 90));
    const err = await exportBundle({ projectDir: dir, outDir: out, signingKey: garbage }).catch((e: Error) => e);
    expect(String(err)).toMatch(/not a PEM private key/);
    const body = pem.split('\n')[1]!;
    for (const e of [inside, err]) expect(String(e)).not.toContain(body.slice(0, 16));

    const loose = path.join(tmp(), 'loose.key');
    writeFileSync(loose, pem, { mode: 0o644 });
    const r = await exportBundle({ projectDir: dir, outDir: out, signingKey: loose });
    expect(r.ok && r.warnings).toEqual([expect.stringMatching(/can be read by other users; make it private with chmod 600/)]);
  });

  it('ships server.mjs when given one (the hook for the runtime), listed and hashed', async () => {
    const server = path.join(tmp(), 'server.mjs');
    writeFileSync(server, 'console.log("runtime")\n');
    const out = path.join(tmp(), 'b');
    const r = await exportBundle({ projectDir: makeTinyProject(), outDir: out, signingKey: keys.privateKeyFile, serverFile: server });
    expect(r.ok && r.manifest.files['server.mjs']).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(out, 'server.mjs'), 'utf8')).toBe('console.log("runtime")\n');
    await verifyBundle(out, publicPem);
  });

  it('refuses a version that is not semver, from --version or parley.yaml', async () => {
    const dir = makeTinyProject();
    await expect(exportBundle({ projectDir: dir, outDir: path.join(tmp(), 'b'), signingKey: keys.privateKeyFile, version: '1.0' })).rejects.toThrow(
      '--version: "1.0" is not a semantic version such as 1.2.0',
    );
    writeFileSync(path.join(dir, 'parley.yaml'), readFileSync(path.join(dir, 'parley.yaml'), 'utf8') + 'version: 2\n');
    await expect(exportBundle({ projectDir: dir, outDir: path.join(tmp(), 'b'), signingKey: keys.privateKeyFile })).rejects.toThrow(
      'parley.yaml: version: "2" is not a semantic version such as 1.2.0',
    );
  });
});
