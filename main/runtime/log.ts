// The runtime's structured logs: pino, JSON lines. A log line names a conversation, a flow, an outcome, a time,
// never what a customer or the bot said; even so every string that reaches a line goes through `redact` (the
// secrets the process holds: the runtime token, the model key, the secrets of `api` nodes; and PII), and
// request headers that carry credentials are removed by path.
import pino, { type DestinationStream, type Logger } from 'pino';

export interface LogOptions {
  level?: string;
  /** Applied to every string value of every line (message, fields, error messages and stacks). */
  redact: (text: string) => string;
  /** Default: stdout. */
  destination?: DestinationStream;
}

/** Paths removed outright, whatever they hold. */
const CENSORED = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'headers.authorization', 'authorization', 'token', 'apiKey'];

function deepRedact(value: unknown, redact: (s: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redact(value.message), ...(value.stack ? { stack: redact(value.stack) } : {}) };
  if (Array.isArray(value)) return value.map((v) => deepRedact(v, redact, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepRedact(v, redact, depth + 1)]));
}

export function createRuntimeLogger(o: LogOptions): Logger {
  return pino(
    {
      level: o.level ?? 'info',
      base: { service: 'parley-runtime' },
      redact: { paths: CENSORED, censor: '[redacted]' },
      formatters: { log: (object) => deepRedact(object, o.redact) as Record<string, unknown> },
      // once per line: the message strings here, the merged fields in formatters.log
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? o.redact(a) : a)) as Parameters<typeof method>);
        },
      },
      serializers: { err: (e: unknown) => deepRedact(e, o.redact) },
    },
    o.destination,
  );
}
