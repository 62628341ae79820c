import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ProjectManifest } from '../../shared/schema/project';
import { openApiDocument } from '../runtime/http/openapi';
import { dockerCompose, dockerfile, haproxyCfg, readme, RUNTIME_CONTRACT } from './deployFiles';

const settings = { schema: 2, name: 'Acme Bank Support', defaultLocale: 'en', locales: ['en'], startFlow: 'main', llm: { model: 'claude' } } as ProjectManifest;
const head = { name: 'Acme Bank Support', version: '1.2.0' };

describe('the deployment files', () => {
  it('Dockerfile: node:20-slim, a non-root user, a health check on /health, and node server.mjs on the runtime port', () => {
    const d = dockerfile(head);
    expect(d).toMatch(/^FROM node:20-slim$/m);
    expect(d).toMatch(/^USER node$/m);
    const user = d.indexOf('USER node');
    expect(d.indexOf('CMD ["node","server.mjs"')).toBeGreaterThan(user);
    expect(d).toMatch(new RegExp(`^HEALTHCHECK .*http://127\\.0\\.0\\.1:${RUNTIME_CONTRACT.port}/health`, 'm'));
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(d)![1]!) as string[];
    expect(cmd).toEqual(['node', 'server.mjs', '--host', '0.0.0.0', '--port', String(RUNTIME_CONTRACT.port)]);
    expect(d).toMatch(new RegExp(`^EXPOSE ${RUNTIME_CONTRACT.port}$`, 'm'));
  });

  it('docker-compose.yml: three runtime replicas with REDIS_URL and PARLEY_RUNTIME_TOKEN from the environment, haproxy and redis', () => {
    const c = parse(dockerCompose(head, settings), { merge: true }) as {
      services: Record<
        string,
        { environment?: Record<string, string>; build?: string; image?: string; depends_on?: unknown; volumes?: string[]; ports?: string[] }
      >;
    };
    const runtimes = Object.keys(c.services).filter((s) => s.startsWith('runtime-'));
    expect(runtimes).toEqual(['runtime-1', 'runtime-2', 'runtime-3']);
    for (const r of runtimes) {
      const s = c.services[r]!;
      expect(s.build).toBe('.');
      expect(s.image).toBe('parley-acme-bank-support:1.2.0');
      expect(s.environment).toMatchObject({
        PARLEY_RUNTIME_TOKEN: expect.stringMatching(/^\$\{PARLEY_RUNTIME_TOKEN:\?/),
        REDIS_URL: '${REDIS_URL:-redis://redis:6379}',
        PARLEY_PUBLIC_KEY_FILE: '/etc/parley/parley-signing.pub',
        ANTHROPIC_API_KEY: '${ANTHROPIC_API_KEY:-}',
      });
      expect(s.volumes![0]).toMatch(/^\$\{PARLEY_PUBLIC_KEY_FILE:\?[^}]*\}:\/etc\/parley\/parley-signing\.pub:ro$/);
    }
    expect(c.services.haproxy).toMatchObject({ image: expect.stringMatching(/^haproxy:/), ports: [`\${PARLEY_PORT:-8787}:8787`] });
    expect(c.services.haproxy!.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    expect(c.services.redis).toMatchObject({ image: expect.stringMatching(/^redis:/) });
    // the key variable the project names, and none when it uses no model
    const own = parse(dockerCompose(head, { ...settings, llm: { model: 'm', baseUrl: 'http://127.0.0.1:11434', apiKeyEnv: 'LOCAL_LLM_KEY' } }), {
      merge: true,
    }) as typeof c;
    expect(Object.keys(own.services['runtime-1']!.environment!)).toContain('LOCAL_LLM_KEY');
    const none = parse(dockerCompose(head, { ...settings, llm: undefined }), { merge: true }) as typeof c;
    expect(Object.keys(none.services['runtime-1']!.environment!)).toEqual(['PARLEY_RUNTIME_TOKEN', 'REDIS_URL', 'PARLEY_PUBLIC_KEY_FILE']);
  });

  it('haproxy.cfg: round robin over the three replicas, checked on /ready', () => {
    const h = haproxyCfg(head);
    expect(h).toMatch(/^\s+balance roundrobin$/m);
    expect(h).toMatch(/^\s+option httpchk GET \/ready$/m);
    expect(h).toMatch(/^\s+default-server check /m);
    expect([...h.matchAll(/^\s+server (runtime-\d) \1:8787$/gm)].map((m) => m[1])).toEqual(['runtime-1', 'runtime-2', 'runtime-3']);
    expect(h).toMatch(/^\s+bind :8787$/m);
  });

  it('README: how to run, the variables and flags, and how to verify the signature', () => {
    const r = readme(
      { ...head, format: 'parley-bundle', formatVersion: 1, schemaVersion: 2, studioVersion: '0.1.0', notes: 'Fixes the PIN flow', files: {} },
      settings,
      false,
    );
    for (const s of [
      'PARLEY_RUNTIME_TOKEN',
      'REDIS_URL',
      'PARLEY_PUBLIC_KEY_FILE',
      'ANTHROPIC_API_KEY',
      '--port',
      '--host',
      '--fixtures',
      'docker compose up',
      '/health',
      '/ready',
    ]) {
      expect(r).toContain(s);
    }
    // how to talk to it: an example, and every route the runtime documents (the OpenAPI document it serves)
    expect(r).toContain(`-d '{"locale":"${settings.defaultLocale}"}' http://127.0.0.1:8787/v1/conversations`);
    expect(r).toContain('-d \'{"text":"Hello"}\' http://127.0.0.1:8787/v1/conversations/<conversationId>/messages');
    for (const [p, ops] of Object.entries(openApiDocument(head).paths))
      for (const method of Object.keys(ops)) expect(r).toMatch(new RegExp(`^\\| \`${method.toUpperCase()} ${p.replace(/[{}]/g, '\\$&')}\` \\| \\S`, 'm'));
    expect(r).toContain('`{"locale":"en","vars":{"customer":{"first_name":"Sam"}}}`');
    expect(r).toContain('| `POST /v1/conversations/{id}/messages` | Send a message, a button payload or an event;');
    expect(r).toContain('openssl pkeyutl -verify -pubin -inkey parley-signing.pub -rawin -in manifest.json -sigfile manifest.sig');
    expect(r).toContain('## Release notes\n\nFixes the PIN flow');
    expect(r).toContain('not in this bundle');
    expect(readme({ ...head, format: 'parley-bundle', formatVersion: 1, schemaVersion: 2, studioVersion: '0.1.0', files: {} }, settings, true)).not.toContain(
      'not in this bundle',
    );
  });
});
