import { z } from 'zod';
import { Id, Locale, LocalizedText, Position } from './common';
import { ApiMocks, FlowNode } from './nodes';
import { KnowledgeSettings } from '../knowledge/settings';
import { BusinessHours } from './businessHours';
import { ProjectBuiltinCopy } from './builtinCopy';
import { CopyLintSettings } from './copyLint';

/** LLM settings kept in the project. Secrets never live here: keys come from the OS keychain or the environment. */
export const LlmSettings = z
  .looseObject({
    provider: z.enum(['anthropic']).optional() /* default anthropic */,
    /** Messages-API-compatible endpoint: Anthropic, or a local Ollama / llama.cpp / LiteLLM server. */
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    model: z.string().min(1).max(200),
    maxTokens: z.number().int().min(1).max(200000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    timeoutMs: z.number().int().min(100).max(600000).optional(),
    /** Name of the environment variable holding the key in web mode (default ANTHROPIC_API_KEY). */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
  })
  .superRefine((v, ctx) => {
    for (const key of Object.keys(v)) {
      if (/^(api_?key|key|secret|token|password)$/i.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'secrets do not belong in project files; set the key in Settings (keychain) or the environment',
        });
      }
    }
  });
export type LlmSettings = z.infer<typeof LlmSettings>;

/** A project-wide handler that interrupts any flow when its intent is recognised. */
export const GlobalHandler = z.looseObject({
  id: Id,
  intent: Id,
  /**
   * digress: run `flow`, then return to where the user was.
   * goto: continue in `flow` without returning.
   * restart: clear the conversation and go to the project's start flow.
   * cancel: abandon the current task (clear its slots) and go back to the start flow.
   */
  action: z.enum(['digress', 'goto', 'restart', 'cancel']),
  flow: Id.optional(),
  say: LocalizedText.optional(),
});
export type GlobalHandler = z.infer<typeof GlobalHandler>;

export const NluSettings = z.looseObject({
  /** Above this confidence the top intent routes. */
  accept: z.number().min(0).max(1).optional() /* default 0.7 */,
  /** Between clarify and accept the bot asks which of the top two was meant; below it, no match. */
  clarify: z.number().min(0).max(1).optional() /* default 0.4 */,
  /** The Nth consecutive fallback escalates to a human. */
  fallbackLimit: z.number().int().min(1).max(20).optional() /* default 3 */,
});

/**
 * A host an `api` node may call: a DNS name (`api.acme-bank.example`), `*.` and a name for its subdomains, or
 * an IP literal (`10.0.0.5`, `[::1]`), each with an optional port. Lower case; no scheme, path or user info.
 */
export const HostPattern = z
  .string()
  .max(260)
  .regex(
    /^(?:(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/,
    'must be a host name or IP address with an optional port, in lower case (api.example.com, *.example.com, 10.0.0.5:8080, [::1]:4010), without a scheme or path',
  );

/** Where `api` nodes may send requests when the simulator or a bundle runs in this environment. */
export const Environment = z.looseObject({
  description: z.string().max(1000).optional(),
  /** The only hosts `api` nodes may call (shown in the trust dialog). Redirects are checked against it too. */
  hosts: z.array(HostPattern).max(200),
  /** Responses larger than this are cut and the call fails (default 1 MB). */
  maxResponseBytes: z.number().int().min(1).max(100_000_000).optional(),
});
export type Environment = z.infer<typeof Environment>;

/**
 * A secret an `api` node may send in a header value (`Authorization: "Bearer {{ secrets.bank_token }}"`),
 * declared by name with the only hosts it may be sent to. Its value never lives in the project: the studio keeps
 * it in main (`parley secrets set`, or PARLEY_SECRET_<NAME>), a bundle's runtime reads PARLEY_SECRET_<NAME>.
 */
export const SecretDeclaration = z
  .looseObject({
    /** The only hosts the value may be sent to (and only when the outbound policy allows the host too). */
    hosts: z.array(HostPattern).min(1, 'needs at least one host the secret may be sent to').max(50),
    description: z.string().max(1000).optional(),
  })
  .superRefine((v, ctx) => {
    for (const key of Object.keys(v)) {
      if (key === 'hosts' || key === 'description') continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: /^(value|secret|token|key|password)$/i.test(key)
          ? "a secret's value does not belong in project files; set it with `parley secrets set` or the PARLEY_SECRET_<NAME> environment variable"
          : `unknown field "${key}": a secret has hosts and a description`,
      });
    }
  });
export type SecretDeclaration = z.infer<typeof SecretDeclaration>;

/** How a missing translation is reported: not, as a warning, or as an error. */
const TranslationSeverity = z.enum(['off', 'warning', 'error']);

/** `parley.yaml`: the project manifest. */
export const ProjectManifest = z.looseObject({
  schema: z.number().int().min(1),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  defaultLocale: Locale,
  locales: z.array(Locale).min(1),
  /** The flow a conversation starts in. */
  startFlow: Id,
  llm: LlmSettings.optional(),
  nlu: NluSettings.optional(),
  globals: z.array(GlobalHandler).optional(),
  /** The engine's own lines, as this project words them (shared/schema/builtinCopy.ts). */
  builtinCopy: ProjectBuiltinCopy.optional(),
  /**
   * How a line with no text in one of the locales is reported: `missing` for every locale (default `warning`),
   * `locales` per locale (shared/project/validateTranslations.ts).
   */
  translations: z
    .strictObject({
      missing: TranslationSeverity.optional(),
      locales: z.record(Locale, TranslationSeverity).optional(),
    })
    .optional(),
  /** The copy lint's rules and limits (shared/schema/copyLint.ts, docs/FORMAT.md "Copy lint"). */
  copyLint: CopyLintSettings.optional(),
  /** Variables every conversation starts with (a customer profile, say), with their default values. */
  variables: z.record(z.string(), z.unknown()).optional(),
  /** Backend environments by id (sandbox, staging, ...) with the hosts `api` nodes may call in each. */
  environments: z.record(Id, Environment).optional(),
  /** The environment the simulator uses; default the first one listed. */
  environment: Id.optional(),
  /** Secrets `api` nodes may send in header values, by name (lower_snake_case), with the hosts each may go to. */
  secrets: z
    .record(Id, SecretDeclaration, {
      error: (iss) => (iss.code === 'invalid_key' ? 'a secret name must be lower_snake_case: a letter, then letters, digits or _ (at most 64)' : undefined),
    })
    .optional(),
  /** Design-time answers of API operations, by operation and name (docs/FORMAT.md, "Mocks"). */
  mocks: ApiMocks.optional(),
  /** The knowledge index: synonym groups, and the grounding threshold the retrieval evaluation uses. */
  knowledge: KnowledgeSettings.optional(),
  /** When people are there to take a handoff (docs/FORMAT.md, "Business hours"). */
  businessHours: BusinessHours.optional(),
});
export type ProjectManifest = z.infer<typeof ProjectManifest>;

export const Group = z.looseObject({
  id: Id,
  label: z.string().max(200),
  nodes: z.array(Id),
  color: z.string().max(40).optional(),
});

/** `flows/<flowId>.yaml`: one dialogue flow. Its id is the file name. */
export const Flow = z.looseObject({
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  nodes: z.array(FlowNode),
  groups: z.array(Group).optional(),
  viewport: z.object({ x: z.number().finite(), y: z.number().finite(), zoom: z.number().finite().positive() }).optional(),
});
export type Flow = z.infer<typeof Flow>;

export const EntityValue = z.looseObject({
  value: z.string().min(1).max(200),
  synonyms: z.array(z.string().min(1).max(200)).optional(),
});

export const Entity = z.discriminatedUnion('kind', [
  z.looseObject({ id: Id, kind: z.literal('list'), values: z.array(EntityValue).min(1) }),
  z.looseObject({ id: Id, kind: z.literal('regex'), pattern: z.string().min(1).max(1000) }),
]);
export type Entity = z.infer<typeof Entity>;

export const Intent = z.looseObject({
  id: Id,
  description: z.string().max(1000).optional(),
  /** Example utterances per locale. */
  examples: z.record(Locale, z.array(z.string().min(1).max(1000))),
});
export type Intent = z.infer<typeof Intent>;

/** `nlu.yaml`: intents with example utterances, and entities. */
export const NluFile = z.looseObject({
  intents: z.array(Intent),
  entities: z.array(Entity).optional(),
});
export type NluFile = z.infer<typeof NluFile>;

export { Position };
