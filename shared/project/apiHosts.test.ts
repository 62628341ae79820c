import { describe, expect, it } from 'vitest';
import type { Flow, ProjectManifest } from '../schema/project';
import { hostAllows, literalOrigin } from './apiHosts';
import { validateProject } from './validate';

describe('api hosts', () => {
  it('reads the literal origin of a URL, or none when a template decides it', () => {
    expect(literalOrigin('https://API.Bank.example/v1/{{x}}')).toEqual({ scheme: 'https', host: 'api.bank.example', port: 443 });
    expect(literalOrigin('http://127.0.0.1:4010/x')).toEqual({ scheme: 'http', host: '127.0.0.1', port: 4010 });
    expect(literalOrigin('http://[::1]:4010')).toEqual({ scheme: 'http', host: '[::1]', port: 4010 });
    expect(literalOrigin('https://{{env.host}}/x')).toBeNull();
    expect(literalOrigin('https://user@evil.example/')).toBeNull();
    expect(literalOrigin('{{base}}/x')).toBeNull();
  });

  it('matches entries as main does: ports, subdomains, default ports', () => {
    const o = literalOrigin('https://api.bank.example/x')!;
    expect(hostAllows('api.bank.example', o)).toBe(true);
    expect(hostAllows('api.bank.example:443', o)).toBe(true);
    expect(hostAllows('api.bank.example:8443', o)).toBe(false);
    expect(hostAllows('*.bank.example', o)).toBe(true);
    expect(hostAllows('*.api.bank.example', o)).toBe(false);
    expect(hostAllows('bank.example', o)).toBe(false);
    expect(hostAllows('api.bank.example', literalOrigin('https://api.bank.example:8443/')!)).toBe(false);
    expect(hostAllows('localhost:4010', literalOrigin('http://localhost:4010/')!)).toBe(true);
  });
});

describe('the validator on environments', () => {
  const flow = (url: string): Flow => ({
    name: 'Main',
    nodes: [
      { id: 'start', kind: 'start', position: { x: 0, y: 0 }, next: 'call' },
      { id: 'call', kind: 'api', position: { x: 1, y: 0 }, operation: 'op', url },
    ],
  });
  const manifest = (over: Partial<ProjectManifest>): ProjectManifest => ({
    schema: 2,
    name: 'p',
    defaultLocale: 'en',
    locales: ['en'],
    startFlow: 'main',
    ...over,
  });
  const check = (m: ProjectManifest, url: string) =>
    validateProject({ manifest: m, nlu: { intents: [] }, flows: { main: flow(url) } }).map((p) => `${p.severity} ${p.file} ${p.field}: ${p.message}`);

  it('warns on an api host no environment lists, and not on a listed or templated one', () => {
    const m = manifest({ environments: { sandbox: { hosts: ['api.sandbox.example'] } } });
    expect(check(m, 'https://api.sandbox.example/v1')).toEqual([]);
    expect(check({ ...m, variables: { base: 'x' } }, 'https://{{base}}/v1')).toEqual([]);
    expect(check(m, 'https://collector.example:8080/v1')).toEqual([
      'warning flows/main.yaml nodes[1].url: collector.example:8080 is not in the hosts of any environment, so the call will be refused; add it to environments.<id>.hosts in parley.yaml',
    ]);
  });

  it('the environment the simulator uses must exist', () => {
    expect(check(manifest({ environment: 'prod', environments: { sandbox: { hosts: ['a.example'] } } }), 'https://a.example/')).toEqual([
      'error parley.yaml environment: no environment "prod" (environments: sandbox)',
    ]);
  });

  it('a URL per environment names an environment parley.yaml declares, and a host that environment lists', () => {
    const m = manifest({ environments: { staging: { hosts: ['api.staging.example'] }, production: { hosts: ['api.bank.example'] } } });
    const withUrls = (urls: Record<string, string>) =>
      validateProject({
        manifest: m,
        nlu: { intents: [] },
        flows: {
          main: {
            name: 'Main',
            nodes: [{ ...flow('https://api.staging.example/v1').nodes[0]! }, { ...flow('https://api.staging.example/v1').nodes[1]!, urls } as never],
          },
        },
      }).map((p) => `${p.severity} ${p.field}: ${p.message}`);
    expect(withUrls({ staging: 'https://api.staging.example/v1', production: 'https://api.bank.example/v1' })).toEqual([]);
    expect(withUrls({ prod: 'https://api.bank.example/v1' })).toEqual([
      'error nodes[1].urls.prod: no environment "prod" in parley.yaml (it has staging, production)',
    ]);
    // the production URL pointed at staging's host: production's policy would refuse the call
    expect(withUrls({ production: 'https://api.staging.example/v1' })).toEqual([
      'warning nodes[1].urls.production: api.staging.example is not in the hosts of environment production, so the call will be refused there; add it to environments.production.hosts',
    ]);
  });
});
