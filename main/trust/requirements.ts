// What a project would do with the user's machine and secrets if it were trusted: the model host it calls, the
// environment variables it reads, the hosts its `api` nodes call and the secrets they send (with their hosts). Computed from parley.yaml alone (never from
// anything the project runs), shown in the trust dialog, and compared with what the user approved.
import { secretEnvVar } from '../../shared/engine/secrets';
import type { ProjectManifest } from '../../shared/schema/project';
import { DEFAULT_API_KEY_ENV, isLoopbackUrl } from '../llm/keys';

export const ANTHROPIC_ORIGIN = 'https://api.anthropic.com';

export interface LlmRequirement {
  /** The base URL as written (or Anthropic's when none is). */
  baseUrl: string;
  /** scheme://host[:port]: what a key is bound to. */
  origin: string;
  /** host[:port], for the outbound allow-list. */
  host: string;
  /** Anthropic's own API (no baseUrl, or one on api.anthropic.com over https). */
  provider: boolean;
  loopback: boolean;
}

export interface TrustRequirements {
  llm: LlmRequirement | null;
  /** Environment variables the project asks to read, with the origin each would be sent to. */
  envVars: { name: string; origin: string }[];
  /** Hosts the `api` nodes may call, per environment. */
  apiHosts: { environment: string; host: string }[];
  /**
   * Secrets the `api` nodes send, each with the only hosts it may go to and the variable it may also be read from
   * (PARLEY_SECRET_<NAME>; its value is otherwise the one the user set for this project, main/secrets).
   */
  secrets: { name: string; hosts: string[]; envVar: string }[];
}

/** The origin's key binding: Anthropic's host, or a loopback server; anything else needs a key set for it. */
export function isProviderOrigin(origin: string): boolean {
  return origin === ANTHROPIC_ORIGIN;
}

export function llmRequirement(manifest: Pick<ProjectManifest, 'llm'>): LlmRequirement | null {
  if (!manifest.llm) return null;
  const baseUrl = manifest.llm.baseUrl ?? ANTHROPIC_ORIGIN;
  const u = new URL(baseUrl);
  return { baseUrl, origin: u.origin, host: u.host, provider: isProviderOrigin(u.origin), loopback: isLoopbackUrl(baseUrl) };
}

export function trustRequirements(manifest: ProjectManifest): TrustRequirements {
  const llm = llmRequirement(manifest);
  const envVars: TrustRequirements['envVars'] = [];
  // An `apiKeyEnv` is a request to read that variable and send it to the model's host. Naming the default
  // variable for the provider (or a loopback server) asks for nothing more than the default does.
  const name = manifest.llm?.apiKeyEnv;
  if (llm && name && !(name === DEFAULT_API_KEY_ENV && (llm.provider || llm.loopback))) envVars.push({ name, origin: llm.origin });
  const apiHosts: TrustRequirements['apiHosts'] = [];
  for (const [environment, env] of Object.entries(manifest.environments ?? {})) {
    for (const host of env.hosts) apiHosts.push({ environment, host });
  }
  const secrets = Object.entries(manifest.secrets ?? {}).map(([name, s]) => ({ name, hosts: [...new Set(s.hosts)].sort(), envVar: secretEnvVar(name) }));
  return { llm, envVars, apiHosts, secrets };
}

/** `name@host`: a secret's approval is for one destination. */
export const secretGrantKeys = (s: { name: string; hosts: readonly string[] }): string[] => s.hosts.map((h) => `${s.name}@${h}`);

/** `NAME@origin`: a variable approval is for one destination. */
export const envVarGrantKey = (v: { name: string; origin: string }): string => `${v.name}@${v.origin}`;
