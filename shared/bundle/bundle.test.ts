import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical';
import { copyDeck } from './copy';
import { diffManifests, formatChanges } from './diff';
import { BundleError, parseBundleJson } from './load';
import { BundleManifest, Semver } from './schema';
import type { ProjectModel } from '../project/validate';

const HASH = 'a'.repeat(64);
const manifest = (files: Record<string, string>) => ({
  format: 'parley-bundle',
  formatVersion: 1,
  name: 'Tiny',
  version: '1.0.0',
  schemaVersion: 2,
  studioVersion: '0.1.0',
  files,
});

describe('canonical JSON', () => {
  it('sorts keys at every depth, whatever order they were written in, with no whitespace', () => {
    const a = canonicalJson({ b: 1, a: { z: [3, { y: 'x', c: null }], é: true, A: 0.5 } });
    const b = canonicalJson({ a: { A: 0.5, é: true, z: [3, { c: null, y: 'x' }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"A":0.5,"z":[3,{"c":null,"y":"x"}],"é":true},"b":1}');
    expect(JSON.parse(a)).toEqual({ a: { A: 0.5, z: [3, { c: null, y: 'x' }], é: true }, b: 1 });
  });

  it('refuses what JSON cannot hold exactly, naming where', () => {
    expect(() => canonicalJson({ a: { b: Number.NaN } })).toThrow(/a\.b is not a finite number/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/d is not plain JSON data/);
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });
});

describe('the bundle manifest schema', () => {
  it('accepts a manifest and refuses unknown fields, bad hashes and paths out of the bundle, naming the field', () => {
    expect(BundleManifest.safeParse(manifest({ 'copy/en.json': HASH })).success).toBe(true);
    const err = (value: unknown) => {
      try {
        parseBundleJson('manifest.json', JSON.stringify(value), BundleManifest);
      } catch (e) {
        expect(e).toBeInstanceOf(BundleError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(err(manifest({ 'copy/en.json': 'abc' }))).toMatch(/^manifest\.json: files\.copy\/en\.json: must be a SHA-256 digest/);
    expect(err(manifest({ '../etc/passwd': HASH }))).toBe(
      'manifest.json: files.../etc/passwd: a file path must be a relative path of plain names separated by / (no .., no dotfiles)',
    );
    expect(err(manifest({ '/abs': HASH }))).toMatch(/a file path must be a relative path/);
    expect(err(manifest({ '.env': HASH }))).toMatch(/a file path must be a relative path/);
    expect(err(manifest({ 'manifest.json': HASH }))).toMatch(/must not list manifest\.json/);
    expect(err({ ...manifest({}), createdAt: 'today' })).toMatch(/^manifest\.json: .*createdAt/);
    expect(err({ ...manifest({}), version: 'v1' })).toBe('manifest.json: version: must be a semantic version such as 1.2.0');
    expect(() => parseBundleJson('manifest.json', '{"format":', BundleManifest)).toThrow(/^manifest\.json: not valid JSON/);
  });

  it('knows semantic versions', () => {
    for (const v of ['0.1.0', '1.2.3-rc.1', '10.0.0+build.5']) expect(Semver.safeParse(v).success).toBe(true);
    for (const v of ['1.0', '01.0.0', 'v1.0.0', '1.0.0-']) expect(Semver.safeParse(v).success).toBe(false);
  });
});

describe('what changed between two bundles', () => {
  it('lists files added, removed and changed, and the version change', () => {
    const c = diffManifests({ version: '1.0.0', files: { a: '1', b: '2', c: '3' } }, { version: '1.1.0', files: { a: '1', b: '9', d: '4' } });
    expect(c).toEqual({ fromVersion: '1.0.0', toVersion: '1.1.0', added: ['d'], removed: ['c'], changed: ['b'] });
    expect(formatChanges(c)).toBe('version 1.0.0 → 1.1.0\n  added    d\n  removed  c\n  changed  b');
    const same = formatChanges(diffManifests({ version: '1.0.0', files: { a: '1' } }, { version: '1.0.0', files: { a: '2' } }));
    expect(same).toContain('version 1.0.0 (unchanged)');
    expect(same).toContain('warning: files changed but the version is still 1.0.0');
  });
});

describe('the copy deck', () => {
  it('holds every line by the copy id the engine emits, falling back to the default locale', () => {
    const model = {
      manifest: {
        schema: 2,
        name: 'T',
        defaultLocale: 'en',
        locales: ['en', 'es'],
        startFlow: 'main',
        globals: [{ id: 'cancel', intent: 'cancel', action: 'cancel', say: { en: 'Cancelled.', es: 'Cancelado.' } }],
      },
      nlu: { intents: [] },
      flows: {
        main: {
          name: 'Main',
          nodes: [
            {
              id: 'hi',
              kind: 'message',
              say: { en: ['Hi', 'Hello'] },
              buttons: [{ id: 'go', label: { en: 'Go', es: 'Vamos' } }],
              variants: [{ id: 'control' }, { id: 'warm', say: { en: 'Hi there!', es: '¡Hola!' } }],
            },
            { id: 'amount', kind: 'ask', slot: 'amount', type: 'amount', prompt: { en: 'How much?' }, reprompt: { en: 'Again?' } },
          ],
        },
      },
    } as unknown as ProjectModel;
    const es = copyDeck(model, 'es');
    expect(es['globals/cancel']).toBe('Cancelado.');
    expect(es['main/hi']).toEqual(['Hi', 'Hello']);
    expect(es['main/hi.buttons.go.label']).toBe('Vamos');
    // an A/B variant's own copy, under the id the engine says it with
    expect(es['main/hi@warm']).toBe('¡Hola!');
    expect(es['main/amount']).toBe('How much?');
    expect(es['main/amount.reprompt']).toBe('Again?');
    expect(es['builtin/clarify']).toBe('Perdona, ¿te refieres a "{{first}}" o a "{{second}}"?');
  });
});
