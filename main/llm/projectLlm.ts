// Wiring: the LLM port for a project's `llm` settings, with its keys resolved by the key store (keychain, then
// the environment variable the project names, then the user's credentials file).
import type { LlmSettings } from '../../shared/schema/project';
import { anthropicLlmOptions, createAnthropicLlm, type AnthropicLlm, type AnthropicLlmOptions } from './anthropicLlm';
import { createKeyStore, DEFAULT_API_KEY_ENV, defaultCredentialsFile, type KeyStore, type KeyStoreOptions } from './keys';

export interface ProjectLlmOptions extends Omit<KeyStoreOptions, 'apiKeyEnv'> {
  /** The project's `llm` settings (parley.yaml). */
  settings: LlmSettings;
  /** Anything else for the port: clock, maxRetries, logLevel. */
  port?: Partial<Omit<AnthropicLlmOptions, 'apiKey'>>;
}

export function createProjectLlm(options: ProjectLlmOptions): { llm: AnthropicLlm; keys: KeyStore } {
  const { settings, port, ...keyOptions } = options;
  const envVar = settings.apiKeyEnv ?? DEFAULT_API_KEY_ENV;
  const configFile = keyOptions.configFile ?? defaultCredentialsFile(keyOptions.env ?? process.env);
  const keys = createKeyStore({ ...keyOptions, configFile, apiKeyEnv: envVar });
  const llm = createAnthropicLlm(
    anthropicLlmOptions(settings, () => keys.resolveApiKey(), {
      missingKeyHint: `${keyOptions.safeStorage ? 'save a key in Settings, ' : ''}set the environment variable ${envVar}, or put it in ${configFile} (chmod 600)`,
      ...port,
    }),
  );
  return { llm, keys };
}
