import { describe, expect, it } from 'vitest';
import { addressAllowed, entryFor, matchUrl, parseHostEntry } from './hosts';

const allows = (entries: string[], url: string) => matchUrl(entries.map(parseHostEntry), new URL(url)) !== undefined;

describe('allowHosts entries', () => {
  it('a name without a port allows the default ports only; with a port, that port only', () => {
    expect(allows(['api.acme-bank.example'], 'https://api.acme-bank.example/v1')).toBe(true);
    expect(allows(['api.acme-bank.example'], 'http://API.acme-bank.example./v1')).toBe(true);
    expect(allows(['api.acme-bank.example'], 'https://api.acme-bank.example:8443/')).toBe(false);
    expect(allows(['api.acme-bank.example'], 'https://evil.example/?api.acme-bank.example')).toBe(false);
    expect(allows(['api.acme-bank.example'], 'https://api.acme-bank.example.evil.example/')).toBe(false);
    expect(allows(['localhost:4010'], 'http://localhost:4010/x')).toBe(true);
    expect(allows(['localhost:4010'], 'http://localhost:4011/x')).toBe(false);
    expect(allows(['localhost:4010'], 'http://localhost/x')).toBe(false);
    expect(allows(['localhost:80'], 'http://localhost/x')).toBe(true);
  });

  it('*.domain allows its subdomains, not the domain itself or look-alikes', () => {
    expect(allows(['*.acme-bank.example'], 'https://api.acme-bank.example/')).toBe(true);
    expect(allows(['*.acme-bank.example'], 'https://a.b.acme-bank.example/')).toBe(true);
    expect(allows(['*.acme-bank.example'], 'https://acme-bank.example/')).toBe(false);
    expect(allows(['*.acme-bank.example'], 'https://evilacme-bank.example/')).toBe(false);
  });

  it('IP literal entries allow that address, in any spelling the URL parser accepts', () => {
    expect(allows(['127.0.0.1:8080'], 'http://127.0.0.1:8080/')).toBe(true);
    expect(allows(['127.0.0.1:8080'], 'http://2130706433:8080/')).toBe(true);
    expect(allows(['127.0.0.1:8080'], 'http://[::ffff:127.0.0.1]:8080/')).toBe(true);
    expect(allows(['127.0.0.1:8080'], 'http://127.0.0.2:8080/')).toBe(false);
    expect(allows(['[::1]:11434'], 'http://[::1]:11434/api')).toBe(true);
    expect(allows(['[::1]:11434'], 'http://[0:0:0:0:0:0:0:1]:11434/api')).toBe(true);
    expect(allows(['10.0.0.5'], 'https://10.0.0.5/')).toBe(true);
    expect(allows(['10.0.0.0/8'], 'https://10.9.8.7/')).toBe(true);
    expect(allows(['10.0.0.0/8'], 'https://11.0.0.1/')).toBe(false);
    // an IP entry never allows a name, nor a name entry an IP
    expect(allows(['127.0.0.1:8080'], 'http://localhost:8080/')).toBe(false);
    expect(allows(['localhost:8080'], 'http://127.0.0.1:8080/')).toBe(false);
  });

  it('refuses entries that are not hosts, naming the entry', () => {
    expect(() => parseHostEntry('https://api.example/v1')).toThrow(/allowed host "https:\/\/api.example\/v1"/);
    expect(() => parseHostEntry('user@api.example')).toThrow(/not a URL|a host/);
    expect(() => parseHostEntry('')).toThrow(/empty/);
    expect(() => parseHostEntry('*.10.0.0.1')).toThrow(/wildcard/);
  });

  it('suggests the entry to add', () => {
    expect(entryFor(new URL('https://api.evil.example/x'))).toBe('api.evil.example');
    expect(entryFor(new URL('http://api.evil.example:8080/x'))).toBe('api.evil.example:8080');
  });
});

describe('resolved addresses', () => {
  const none = [parseHostEntry('api.acme-bank.example')];
  it('public addresses pass; loopback, private, link-local, unique-local, CGNAT, unspecified and mapped forms do not', () => {
    expect(addressAllowed(none, 'api.acme-bank.example', '93.184.216.34', 443, 'https:')).toBe(true);
    expect(addressAllowed(none, 'api.acme-bank.example', '2606:2800:220:1:248:1893:25c8:1946', 443, 'https:')).toBe(true);
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::7f00:1',
      '224.0.0.1',
      'not-an-ip',
    ])
      expect(addressAllowed(none, 'api.acme-bank.example', a, 443, 'https:'), a).toBe(false);
  });

  it('an IP entry (with its port) allows a private address; localhost may be loopback', () => {
    const entries = ['127.0.0.1:4010', '10.0.0.0/8', 'localhost:4011'].map(parseHostEntry);
    expect(addressAllowed(entries, 'svc.example', '127.0.0.1', 4010, 'http:')).toBe(true);
    expect(addressAllowed(entries, 'svc.example', '::ffff:127.0.0.1', 4010, 'http:')).toBe(true);
    expect(addressAllowed(entries, 'svc.example', '127.0.0.1', 4012, 'http:')).toBe(false);
    expect(addressAllowed(entries, 'svc.example', '10.3.2.1', 443, 'https:')).toBe(true);
    expect(addressAllowed(entries, 'localhost', '127.0.0.1', 4011, 'http:')).toBe(true);
    expect(addressAllowed(entries, 'localhost', '::1', 4011, 'http:')).toBe(true);
    expect(addressAllowed(entries, 'localhost', '192.168.0.9', 4011, 'http:')).toBe(false);
  });
});
