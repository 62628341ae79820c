// A one-flow "block my card" project for the tests of exported bundles, the bank's API it calls on loopback, and
// a client of the runtime's HTTP API.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTinyProject } from '../fixtures/tinyProject';
import type { RunningServer } from '../support/bundleRuntime';

/** Starts `bank` on a free loopback port; returns the port. */
export async function listenOnLoopback(bank: Server): Promise<number> {
  await new Promise<void>((r) => bank.listen(0, '127.0.0.1', r));
  return (bank.address() as AddressInfo).port;
}

/** Returns a POST of a JSON body to a runtime with `token` as its bearer token. */
export const poster = (token: string) => (s: RunningServer, p: string, body: unknown) =>
  fetch(`${s.url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * Builds the project: "block my card" POSTs to the bank at `bankPort` and says the reference it answers, or that it
 * could not. `manifest` is YAML added to parley.yaml, `afterRoutes` to the menu node after its routes (more nodes may
 * follow), `apiFields` to the api node after its url.
 */
export const blockCardProject = (bankPort: number, o: { name: string; manifest?: string; afterRoutes?: string; apiFields?: string }) =>
  makeTinyProject({
    'parley.yaml': `schema: 2
name: ${o.name}
defaultLocale: en
locales: [en]
startFlow: main
environments:
  test:
    hosts: ["127.0.0.1:${bankPort}"]
${o.manifest ?? ''}`,
    'nlu.yaml': `intents:
  - id: block_card
    examples:
      en: [block my card, freeze my card, I lost my card please block it, stop my card, my card was stolen]
  - id: greet
    examples:
      en: [hello, hi there, good morning, hey]
`,
    'flows/main.yaml': `name: Main
nodes:
  - id: start
    kind: start
    next: welcome
  - id: welcome
    kind: message
    say: { en: "Hi! I can block a card." }
    next: menu
  - id: menu
    kind: listen
    routes:
      - intent: block_card
        next: block
      - intent: greet
        next: welcome
${o.afterRoutes ?? ''}  - id: block
    kind: api
    operation: block_card
    method: POST
    url: "http://127.0.0.1:${bankPort}/cards/block"
${o.apiFields ?? ''}    assign:
      - { var: reference, path: reference }
    next: blocked
    error: failed
  - id: blocked
    kind: message
    say: { en: "Your card is blocked (reference {{reference}})." }
    next: menu
  - id: failed
    kind: message
    say: { en: "I could not block it." }
    next: menu
`,
  });
