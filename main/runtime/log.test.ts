import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../shared/util/redact';
import { createRuntimeLogger } from './log';

const SECRET = 'sk-ant-api03-very-secret-key-0123456789';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) };
  return { lines, destination };
}

describe('runtime logs', () => {
  it('never hold a secret the process knows, in messages, fields or errors', () => {
    const { lines, destination } = capture();
    const log = createRuntimeLogger({ redact: createRedactor([SECRET]), destination });
    log.info({ conversation: 'c-1', detail: { upstream: `401 for key ${SECRET.slice(5, 30)}` } }, `model said no to ${SECRET}`);
    log.error({ err: new Error(`bad key ${SECRET}`) }, 'turn failed');
    const text = JSON.stringify(lines);
    expect(text).not.toContain(SECRET.slice(5, 30));
    expect(text).not.toContain('very-secret');
    expect(lines[0]!.conversation).toBe('c-1');
    expect(lines[0]!.msg).toBe('model said no to [redacted]');
    expect((lines[1]!.err as { message: string }).message).toBe('bad key [redacted]');
  });

  it('drop credential headers whatever they hold', () => {
    const { lines, destination } = capture();
    const log = createRuntimeLogger({ redact: (s) => s, destination });
    log.info({ req: { method: 'POST', url: '/v1/conversations', headers: { authorization: 'Bearer abc', 'content-type': 'application/json' } } }, 'request');
    const req = lines[0]!.req as { headers: Record<string, string> };
    expect(req.headers.authorization).toBe('[redacted]');
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('redact PII with the redactor it is given', () => {
    const { lines, destination } = capture();
    const log = createRuntimeLogger({ redact: (s) => s.replace(/[\w.]+@[\w.]+/g, '[email]'), destination });
    log.warn({ note: 'customer ann@example.com wrote in' }, 'odd input from ann@example.com');
    expect(JSON.stringify(lines)).not.toContain('ann@example.com');
  });
});
