// The engine's ports in an exported bundle's runtime. The operator, not the project, decides: the model key comes
// from the variable the signed bundle names (or PARLEY_LLM_API_KEY) and goes only to the model's host; `api`
// nodes reach only the hosts of the chosen environment of parley.yaml, and their secrets come from
// PARLEY_SECRET_<NAME> and go only to the hosts each is declared for; knowledge is the bundle's documents in a
// search index built at start; agents are reported available (a handoff platform would answer here).
import type { EnginePorts } from '../../shared/engine/engine';
import { LlmError, type HttpPort, type LlmPort, type RetrievalPort } from '../../shared/engine/ports';
import { secretEnvVar } from '../../shared/engine/secrets';
import { ruleGuardrail } from '../../shared/engine/simple/guardrail';
import { KnowledgeIndex } from '../../shared/knowledge/index';
import type { ProjectManifest } from '../../shared/schema/project';
import { anthropicLlmOptions, createAnthropicLlm } from '../llm/anthropicLlm';
import { DEFAULT_API_KEY_ENV } from '../llm/keys';
import { withContextWindow } from '../llm/windowed';
import { createPolicyHttpPort, type PolicyHttpPort, type SecretSource } from '../net/httpPort';
import { createOutboundFetch, type LookupFunction } from '../net/outbound';
import { llmRequirement } from '../trust/requirements';

export interface BundlePortsOptions {
  manifest: ProjectManifest;
  knowledge: { source: string; text: string }[];
  env: Record<string, string | undefined>;
  /** The operator's choice of environment (`--environment`); default the manifest's, else its first. */
  environment?: string;
  /** The operator's model base URL (PARLEY_LLM_BASE_URL) instead of the bundle's. */
  llmBaseUrl?: string;
  /** Tests: DNS and the loopback addresses of test servers the outbound policy may reach. */
  outbound?: { lookup?: LookupFunction; allowAddresses?: string[] };
}

/** A secret as the start-up log names it: its variable, its hosts and whether it is set; never its value. */
export interface SecretDescription {
  name: string;
  envVar: string;
  hosts: string[];
  set: boolean;
}

export interface BundlePortsDescription {
  llmOrigin?: string;
  llmKeyVar?: string;
  environment?: string;
  apiHosts: string[];
  secrets: SecretDescription[];
}

export interface BundlePorts {
  ports: EnginePorts;
  /** For the start-up log: names only. */
  describe: BundlePortsDescription;
  close(): Promise<void>;
}

export class BundlePortsError extends Error {}

function modelPort(o: BundlePortsOptions): { llm?: LlmPort; llmOrigin?: string; llmKeyVar?: string } {
  const settings = o.manifest.llm && (o.llmBaseUrl ? { ...o.manifest.llm, baseUrl: o.llmBaseUrl } : o.manifest.llm);
  if (!settings) return {};
  const req = llmRequirement({ llm: settings });
  if (!req) return {};
  const keyVar = o.env.PARLEY_LLM_API_KEY ? 'PARLEY_LLM_API_KEY' : (settings.apiKeyEnv ?? DEFAULT_API_KEY_ENV);
  const key = o.env[keyVar];
  const fetch = createOutboundFetch({
    allowHosts: [req.host, ...(o.outbound?.allowAddresses ?? [])],
    describe: 'the model host of the bundle (llm.baseUrl, or PARLEY_LLM_BASE_URL)',
    maxResponseBytes: 50_000_000,
    ...(o.outbound?.lookup ? { lookup: o.outbound.lookup } : {}),
  });
  const missing = `no key for the model: set ${keyVar} in the runtime's environment`;
  const llm =
    key || req.loopback
      ? withContextWindow(createAnthropicLlm(anthropicLlmOptions(settings, () => key ?? null, { fetch, missingKeyHint: missing })))
      : ({ complete: () => Promise.reject(new LlmError(missing, 'not_configured')) } satisfies LlmPort);
  return { llm, llmOrigin: req.origin, llmKeyVar: key ? keyVar : undefined };
}

/**
 * The bundle's secrets from the operator's environment: each from PARLEY_SECRET_<NAME>, a variable the bundle
 * cannot choose (a fixed prefix and the declared name), sent only to the hosts it is declared for.
 */
export function envSecrets(manifest: ProjectManifest, env: Record<string, string | undefined>): SecretSource {
  const declared = manifest.secrets ?? {};
  return {
    hosts: (name) => (Object.hasOwn(declared, name) ? declared[name]!.hosts : undefined),
    value: (name) => (Object.hasOwn(declared, name) ? env[secretEnvVar(name)] || undefined : undefined),
    hint: (name) => `${secretEnvVar(name)} in the runtime's environment`,
  };
}

/** Each declared secret's variable, hosts and whether it is set (never its value). */
export function describeSecrets(manifest: ProjectManifest, env: Record<string, string | undefined>): SecretDescription[] {
  return Object.entries(manifest.secrets ?? {}).map(([name, s]) => ({
    name,
    envVar: secretEnvVar(name),
    hosts: [...s.hosts],
    set: Boolean(env[secretEnvVar(name)]),
  }));
}

export function createBundlePorts(o: BundlePortsOptions): BundlePorts {
  const environments = o.manifest.environments ?? {};
  const environment = o.environment ?? o.manifest.environment ?? Object.keys(environments)[0];
  if (o.environment && !environments[o.environment]) {
    throw new BundlePortsError(`--environment ${o.environment}: the bundle has no such environment (it has ${Object.keys(environments).join(', ') || 'none'})`);
  }
  const env = environment ? environments[environment] : undefined;
  const apiHosts = [...(env?.hosts ?? [])];
  const http: PolicyHttpPort = createPolicyHttpPort(
    {
      allowHosts: [...apiHosts, ...(o.outbound?.allowAddresses ?? [])],
      describe: environment
        ? `environment ${environment} of the bundle (parley.yaml environments.${environment}.hosts)`
        : 'the bundle (it has no environments)',
      ...(env?.maxResponseBytes !== undefined ? { maxResponseBytes: env.maxResponseBytes } : {}),
      ...(o.outbound?.lookup ? { lookup: o.outbound.lookup } : {}),
    },
    { secrets: envSecrets(o.manifest, o.env) },
  );
  const retrieval: RetrievalPort = KnowledgeIndex.build(o.knowledge, { locales: o.manifest.locales, synonyms: o.manifest.knowledge?.synonyms ?? [] });
  const { llm, llmOrigin, llmKeyVar } = modelPort(o);
  const ports: EnginePorts = {
    ...(llm ? { llm } : {}),
    retrieval,
    http: http satisfies HttpPort,
    guardrail: ruleGuardrail,
    handoff: { available: () => true },
    clock: { now: () => Date.now() },
  };
  return {
    ports,
    describe: {
      ...(llmOrigin ? { llmOrigin } : {}),
      ...(llmKeyVar ? { llmKeyVar } : {}),
      ...(environment ? { environment } : {}),
      apiHosts,
      secrets: describeSecrets(o.manifest, o.env),
    },
    close: () => http.close(),
  };
}
