// The runtime's configuration: command-line flags and environment variables, checked before anything starts.
// The operator decides everything here; the bundle (signed by the team that exported it) decides only what its
// manifest declares: the model host and the hosts `api` nodes may call. Values of secrets are never logged:
// `describeConfig` names the variables and hosts the process will use.
import { Command, InvalidArgumentError } from 'commander';
import { isLoopbackUrl } from '../llm/keys';
import type { BundlePortsDescription } from './bundlePorts';

/** A listening address on this machine only. */
const isLoopbackHost = (host: string) => isLoopbackUrl(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/`);

export interface RuntimeConfig {
  bundleDir: string;
  port: number;
  host: string;
  /** The bearer token; undefined only with `insecureNoToken` on a loopback host. */
  token: string | undefined;
  insecureNoToken: boolean;
  /** Stories' fixtures accepted per conversation (loopback only). */
  fixtures: boolean;
  /** The public key (PEM file) the bundle's signature is checked with; undefined: hashes only, with a warning. */
  publicKeyFile: string | undefined;
  /** The backend environment of parley.yaml (`environments`): default the manifest's `environment`, else its first. */
  environment: string | undefined;
  redisUrl: string | undefined;
  sessionTtlMs: number;
  leaseMs: number;
  /** Transcripts: a folder (one file per day) or stdout ('-'); undefined: none. */
  transcripts: string | undefined;
  corsOrigins: string[];
  rateLimits: { perClient: number; perConversation: number };
  logLevel: string;
  /** The model's base URL, when the operator moves it (the bundle's llm settings otherwise). */
  llmBaseUrl: string | undefined;
  shutdownMs: number;
}

export class ConfigError extends Error {}

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

/** Reads the flags (argv without `node script`) and the environment. Throws ConfigError with what to fix. */
export function readRuntimeConfig(argv: string[], env: Record<string, string | undefined>, defaults: { bundleDir: string }): RuntimeConfig {
  const cmd = new Command('server.mjs')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .option('--port <n>', 'port to listen on', int('--port', 0, 65535), Number(env.PORT ?? 8787))
    .option('--host <host>', 'address to listen on (0.0.0.0 in a container)', env.HOST ?? '127.0.0.1')
    .option('--bundle <dir>', "the bundle's folder", defaults.bundleDir)
    .option('--public-key <file>', "the team's public key (PEM) to check the bundle's signature", env.PARLEY_PUBLIC_KEY_FILE)
    .option('--environment <id>', 'the backend environment of parley.yaml whose hosts `api` nodes may call', env.PARLEY_ENVIRONMENT)
    .option('--fixtures', "accept stories' fixtures per conversation (loopback only; for `parley test --target`)", false)
    .option('--insecure-no-token', 'serve without a bearer token (loopback only)', false)
    .option('--transcripts <dir>', "write transcripts to this folder, or '-' for stdout", env.PARLEY_TRANSCRIPTS)
    .option('--session-ttl <seconds>', 'idle time after which a conversation expires', int('--session-ttl', 10, 30 * 86400), 1800)
    .option('--cors <origins>', 'comma-separated origins allowed to call the API from a browser', env.PARLEY_CORS_ORIGINS ?? '')
    .option('--rate-limit <perMinute>', 'requests a minute per client address', int('--rate-limit', 1, 1_000_000), 600)
    .option('--turn-rate-limit <perMinute>', 'turns a minute per conversation', int('--turn-rate-limit', 1, 100_000), 60)
    .option('--log-level <level>', 'fatal, error, warn, info, debug', env.LOG_LEVEL ?? 'info');
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    throw new ConfigError((e as Error).message.replace(/^error: /, ''));
  }
  const o = cmd.opts<{
    port: number;
    host: string;
    bundle: string;
    publicKey?: string;
    environment?: string;
    fixtures: boolean;
    insecureNoToken: boolean;
    transcripts?: string;
    sessionTtl: number;
    cors: string;
    rateLimit: number;
    turnRateLimit: number;
    logLevel: string;
  }>();
  const loopback = isLoopbackHost(o.host);
  const token = env.PARLEY_RUNTIME_TOKEN || undefined;
  if (o.insecureNoToken && !loopback) throw new ConfigError(`--insecure-no-token is refused on ${o.host}: only on a loopback address (127.0.0.1, ::1)`);
  if (!token && !o.insecureNoToken)
    throw new ConfigError('set PARLEY_RUNTIME_TOKEN (clients send it as a bearer token), or pass --insecure-no-token on a loopback address');
  if (token && token.length < 8 && !loopback)
    throw new ConfigError('PARLEY_RUNTIME_TOKEN is too short: use at least 8 characters (32 random ones in production)');
  if (o.fixtures && !loopback)
    throw new ConfigError(`--fixtures is refused on ${o.host}: it lets clients decide what backends answer; only on a loopback address`);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(o.logLevel)) throw new ConfigError(`--log-level ${o.logLevel}: not a level`);
  return {
    bundleDir: o.bundle,
    port: o.port,
    host: o.host,
    token,
    insecureNoToken: o.insecureNoToken,
    fixtures: o.fixtures,
    publicKeyFile: o.publicKey || undefined,
    environment: o.environment || undefined,
    redisUrl: env.REDIS_URL || undefined,
    sessionTtlMs: o.sessionTtl * 1000,
    leaseMs: 30_000,
    transcripts: o.transcripts || undefined,
    corsOrigins: o.cors
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    rateLimits: { perClient: o.rateLimit, perConversation: o.turnRateLimit },
    logLevel: o.logLevel,
    llmBaseUrl: env.PARLEY_LLM_BASE_URL || undefined,
    shutdownMs: 10_000,
  };
}

/** What the process will use, by name: for the start-up log line (never a value of a secret). */
export function describeConfig(c: RuntimeConfig, bundle: BundlePortsDescription) {
  return {
    listen: `${c.host}:${c.port}`,
    auth: c.token ? 'bearer token from PARLEY_RUNTIME_TOKEN' : 'none (--insecure-no-token, loopback)',
    sessions: c.redisUrl ? `Redis (REDIS_URL, host ${safeHost(c.redisUrl)})` : 'in memory (this process only)',
    signature: c.publicKeyFile ? `checked with ${c.publicKeyFile}` : 'NOT checked (no public key given; file hashes are)',
    model: bundle.llmOrigin
      ? `${c.llmBaseUrl ? 'PARLEY_LLM_BASE_URL' : 'the bundle'}: ${bundle.llmOrigin}, key from ${bundle.llmKeyVar ?? 'no variable'}`
      : 'none',
    environment: bundle.environment ?? 'none',
    apiHosts: bundle.apiHosts,
    // names, variables and hosts: the values stay in the environment
    secrets: bundle.secrets.map((s) => `${s.name} from ${s.envVar} (${s.set ? 'set' : 'NOT SET: its api calls fail'}), sent only to ${s.hosts.join(', ')}`),
    fixtures: c.fixtures,
    transcripts: c.transcripts === '-' ? 'stdout' : (c.transcripts ?? 'off'),
    cors: c.corsOrigins.length ? c.corsOrigins : 'off',
  };
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(not a URL)';
  }
}
