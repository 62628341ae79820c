// The one place in main that makes the engine's ports for a project: the model through the trust record, the
// key store and the outbound policy; HTTP for `api` nodes through the outbound policy (the hosts parley.yaml's
// environment lists), with the project's secrets for the hosts each is declared and approved for; retrieval from the knowledge files (through the path helper, within the size limits);
// the rule guardrail, agent availability and the clock. The studio simulator asks it before every turn, so
// trusting a project (or an edit to parley.yaml) applies to the next turn; the story runner takes its
// knowledge index and its live model here (its other ports are the story's fixtures, shared/runtime/fixtures.ts).
import type { EnginePorts } from '../../shared/engine/engine';
import { LlmError, type ClockPort, type HttpPort, type LlmPort, type RetrievalPort } from '../../shared/engine/ports';
import { ruleGuardrail } from '../../shared/engine/simple/guardrail';
import type { FileLimits } from '../../shared/project/files';
import type { ProjectManifest } from '../../shared/schema/project';
import type { KeyStore } from '../llm/keys';
import { createPolicyLlm, createProjectLlm, type OutboundSeam } from '../llm/projectLlm';
import { withContextWindow } from '../llm/windowed';
import { createPolicyHttpPort, type PolicyHttpPort, type SecretSource } from '../net/httpPort';
import type { OutboundPolicy } from '../net/outbound';
import type { ProjectSecretValues } from '../secrets/secretStore';
import { projectKnowledge } from '../services/projectEngine';
import { cliPolicy, type TrustPolicy } from '../trust/trustStore';

/** What the user allowed this project to do, and the keys bound to its model's origin (main/trust). */
export interface ProjectAccess {
  policy: TrustPolicy;
  keys: KeyStore;
  /** The values of the project's `api` secrets (main/secrets); without it a request naming a secret is refused. */
  secrets?: ProjectSecretValues;
}

/** The project the ports are for: its folder and parley.yaml (a studio snapshot fits). */
export interface PortsProject {
  dir: string;
  manifest: ProjectManifest;
}

export interface ProjectPortsOptions<P extends PortsProject> {
  /** Replaces the model client (tests). Trust still applies: an untrusted project gets no model. */
  llmFactory?: (project: P) => LlmPort | undefined;
  /** Replaces HTTP for `api` nodes (tests). Trust still applies: an untrusted project makes no call. */
  http?: HttpPort;
  /** Size limits for the knowledge files (the user settings). */
  limits?: FileLimits;
  /** Tests: DNS for the outbound policy, and the 127.0.0.1 addresses of test servers. */
  outbound?: OutboundSeam;
  /** Default: the system clock. */
  clock?: ClockPort;
}

export interface ProjectPorts<P extends PortsProject> {
  /** Every port for one turn. `llm` replaces the model (the simulator's Wizard of Oz); trust still governs HTTP. */
  portsFor(project: P, access: ProjectAccess, o?: { llm?: LlmPort }): Promise<EnginePorts>;
  /** The model for the project as the user trusts it: undefined when none is configured, a refusing port when untrusted. */
  llmFor(project: P, access: ProjectAccess): LlmPort | undefined;
  httpFor(access: ProjectAccess): HttpPort;
  retrievalFor(dir: string): Promise<RetrievalPort>;
  /** Closes the HTTP connection pools (those replaced when the policy changed included). */
  close(): Promise<void>;
}

/** An untrusted project's `api` nodes: no call is made; the trace says why. */
const refusingHttp = (reason: string): HttpPort => ({
  request: () => ({ ok: false, reason: 'blocked', message: `not called: ${reason}`, ms: 0 }),
});

/** An untrusted project's model: no key is read and nothing is sent. */
const refusingLlm = (reason: string): LlmPort => ({
  complete: () => Promise.reject(new LlmError(`the model was not called: ${reason}`, 'not_configured')),
});

const systemClock: ClockPort = { now: () => Date.now() };

export function createProjectPorts<P extends PortsProject>(opts: ProjectPortsOptions<P> = {}): ProjectPorts<P> {
  let httpPort: { key: string; port: PolicyHttpPort } | undefined;
  const retiredPorts: PolicyHttpPort[] = [];
  const clock = opts.clock ?? systemClock;

  const llmFor = (project: P, access: ProjectAccess): LlmPort | undefined => {
    const settings = project.manifest.llm;
    if (!access.policy.trusted) return settings || opts.llmFactory ? refusingLlm(access.policy.untrustedReason) : undefined;
    if (opts.llmFactory) return opts.llmFactory(project);
    if (!settings) return undefined;
    return withContextWindow(createPolicyLlm(settings, access, opts.outbound));
  };

  const httpFor = (access: ProjectAccess): HttpPort => {
    const { policy } = access;
    if (!policy.trusted) return refusingHttp(policy.untrustedReason);
    if (opts.http) return opts.http;
    const env = policy.environment;
    const max = policy.maxResponseBytes(env);
    const outbound: OutboundPolicy = {
      allowHosts: [...policy.apiHosts(env), ...(opts.outbound?.allowAddresses ?? [])],
      describe: env ? `environment ${env} (parley.yaml environments.${env}.hosts)` : 'parley.yaml (it has no environments with hosts)',
      ...(max !== undefined ? { maxResponseBytes: max } : {}),
      ...(opts.outbound?.lookup ? { lookup: opts.outbound.lookup } : {}),
    };
    // One port (and connection pool) per policy, replaced when the policy changes. A replaced port stays open
    // until close: a turn of another conversation may still hold it, and a closed pool would fail its call.
    const key = JSON.stringify([outbound.allowHosts, outbound.describe, max]);
    if (httpPort?.key !== key) {
      if (httpPort) retiredPorts.push(httpPort.port);
      httpPort = { key, port: createPolicyHttpPort(outbound) };
    }
    // secrets per call, not per port: two projects with the same hosts share a pool, never each other's values
    const values = access.secrets;
    const secrets: SecretSource | undefined = values && {
      hosts: (name) => policy.secretHosts(name),
      value: (name) => values.value(name),
      hint: (name) => values.hint(name),
    };
    return secrets ? httpPort.port.withSecrets(secrets) : httpPort.port;
  };

  const retrievalFor = (dir: string) => projectKnowledge(dir, opts.limits);

  return {
    llmFor,
    httpFor,
    retrievalFor,
    async portsFor(project, access, o = {}) {
      const llm = o.llm ?? llmFor(project, access);
      return {
        ...(llm ? { llm } : {}),
        retrieval: await retrievalFor(project.dir),
        http: httpFor(access),
        guardrail: ruleGuardrail,
        handoff: { available: () => true },
        clock,
      };
    },
    async close() {
      const ports = [...retiredPorts.splice(0), ...(httpPort ? [httpPort.port] : [])];
      httpPort = undefined;
      await Promise.all(ports.map((p) => p.close().catch(() => undefined)));
    },
  };
}

export interface LiveLlmOptions {
  dir: string;
  manifest: ProjectManifest;
  /** `--trust`: trust the project for this run; otherwise the user's trust record (in `userDataDir`) decides. */
  trust: boolean;
  userDataDir: string;
  env?: Record<string, string | undefined>;
}

/** The project's live model for a command-line run (`parley test --llm live`, `--record`), or why there is none. */
export async function liveProjectLlm(o: LiveLlmOptions): Promise<{ llm: LlmPort } | { refused: string }> {
  const settings = o.manifest.llm;
  if (!settings) return { refused: 'no model is configured: add an llm section to parley.yaml' };
  const policy = await cliPolicy(o.dir, o.manifest, { trust: o.trust, userDataDir: o.userDataDir });
  if (!policy.trusted) return { refused: policy.untrustedReason };
  return { llm: createProjectLlm({ settings, policy, ...(o.env ? { env: o.env } : {}) }).llm };
}
