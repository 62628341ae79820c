// Wiring: the LLM port for a project's `llm` settings, under the project's trust policy. The key comes from a
// key store bound to the model's origin (main/llm/keys.ts), and every request goes through the outbound policy
// (main/net/outbound.ts) allowing only that origin's host, so a project can name a base URL but never which
// secret goes there, and a name that resolves to a private address is refused.
import type { LlmSettings } from '../../shared/schema/project';
import { LlmError, type LlmPort } from '../../shared/engine/ports';
import { createOutboundFetch, type LookupFunction } from '../net/outbound';

/** Test seam: DNS for the outbound policy, and addresses it may reach besides the allowed hosts. */
export interface OutboundSeam {
  lookup?: LookupFunction;
  /** Allow-list entries for the addresses test servers listen on (`127.0.0.1:4010`). */
  allowAddresses?: string[];
}
import type { TrustPolicy } from '../trust/trustStore';
import { anthropicLlmOptions, createAnthropicLlm, type AnthropicLlmOptions } from './anthropicLlm';
import { createKeyStore, defaultCredentialsFile, takesProviderKey, type KeyStore, type KeyStoreOptions } from './keys';

/** The port for a trusted project: its key store's key, sent only to the model's host. */
export function createPolicyLlm(
  settings: LlmSettings,
  access: { policy: Pick<TrustPolicy, 'llm' | 'approvedKeyEnv'>; keys: KeyStore },
  seam: OutboundSeam = {},
  port: Partial<Omit<AnthropicLlmOptions, 'apiKey'>> = {},
): LlmPort {
  const req = access.policy.llm;
  if (!req) throw new Error('createPolicyLlm: the project has no llm settings');
  const host = req.host;
  // Another host never gets the user's Anthropic key, so the hint must not suggest ANTHROPIC_API_KEY there.
  const env = access.policy.approvedKeyEnv;
  const hint = takesProviderKey(req.origin)
    ? `save a key in Settings, set the environment variable ${env ?? 'ANTHROPIC_API_KEY'}, or put it in ~/.config/parley/credentials.json (chmod 600)`
    : `paste a key for ${req.origin} in the simulator panel (it is kept for that host only)${env ? `, or set the environment variable ${env}` : ''}`;
  const fetch = createOutboundFetch({
    allowHosts: [host, ...(seam.allowAddresses ?? [])],
    describe: 'the model host of parley.yaml (llm.baseUrl)',
    // model replies stream and can be long; the cap is for runaway responses
    maxResponseBytes: 50_000_000,
    ...(seam.lookup ? { lookup: seam.lookup } : {}),
  });
  return createAnthropicLlm(anthropicLlmOptions(settings, () => access.keys.resolveApiKey(), { fetch, missingKeyHint: hint, ...port }));
}

export interface ProjectLlmOptions extends Omit<KeyStoreOptions, 'apiKeyEnv' | 'origin'> {
  /** The project's `llm` settings (parley.yaml). */
  settings: LlmSettings;
  /** What the user allowed (main/trust): nothing is read or sent for an untrusted project. */
  policy: Pick<TrustPolicy, 'trusted' | 'untrustedReason' | 'llm' | 'approvedKeyEnv'>;
  outbound?: OutboundSeam;
  /** Anything else for the port: clock, maxRetries, logLevel. */
  port?: Partial<Omit<AnthropicLlmOptions, 'apiKey'>>;
}

export function createProjectLlm(options: ProjectLlmOptions): { llm: LlmPort; keys: KeyStore } {
  const { settings, port, policy, outbound, ...keyOptions } = options;
  const configFile = keyOptions.configFile ?? defaultCredentialsFile(keyOptions.env ?? process.env);
  const keys = createKeyStore({
    ...keyOptions,
    configFile,
    ...(policy.llm ? { origin: policy.llm.origin } : {}),
    ...(policy.trusted && policy.approvedKeyEnv ? { apiKeyEnv: policy.approvedKeyEnv } : {}),
  });
  if (!policy.trusted) {
    const reason = policy.untrustedReason;
    return { llm: { complete: () => Promise.reject(new LlmError(`the model was not called: ${reason}`, 'not_configured')) }, keys };
  }
  return { llm: createPolicyLlm(settings, { policy, keys }, outbound, port), keys };
}
