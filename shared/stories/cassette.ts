// LLM cassettes: recorded model replies keyed by the normalised request, so a story that needs a model is
// recorded once against a live model (`parley test --record`) and replays offline forever. The key ignores
// what does not change the meaning of a request (whitespace, the node that asked), and keeps what does
// (model, system prompt, messages, temperature, max tokens).
import { LlmError, type LlmPort, type LlmRequest, type LlmResponse } from '../engine/ports';
import { hash64Hex } from '../util/hash';

export interface CassetteEntry {
  /** The normalised request, for a human reading the file. */
  request: { model: string; system: string; messages: { role: string; content: string }[]; temperature: number | null; maxTokens: number | null };
  response: { text: string; model: string; stopReason: string | null };
}

export type Cassette = Record<string, CassetteEntry>;

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

export function normaliseRequest(req: LlmRequest, defaultModel = ''): CassetteEntry['request'] {
  return {
    model: req.model ?? defaultModel,
    system: squash(req.system ?? ''),
    messages: req.messages.map((m) => ({ role: m.role, content: squash(m.content) })),
    temperature: req.temperature ?? null,
    maxTokens: req.maxTokens ?? null,
  };
}

/** A 64-bit fingerprint of the normalised request (shared/util/hash.ts): stable, dependency-free, good enough to key a cassette. */
export function cassetteKey(req: LlmRequest, defaultModel = ''): string {
  return hash64Hex(JSON.stringify(normaliseRequest(req, defaultModel)));
}

/**
 * A port that replays from `cassette`; with `record`, requests it has no entry for go to `live` and the replies
 * are added to the cassette (the caller saves it).
 */
export function cassettePort(o: { cassette: Cassette; file: string; live?: LlmPort; record?: boolean; defaultModel?: string }): LlmPort & { recorded: number } {
  const port = {
    recorded: 0,
    async complete(req: LlmRequest, opts?: Parameters<LlmPort['complete']>[1]): Promise<LlmResponse> {
      const key = cassetteKey(req, o.defaultModel);
      const hit = o.cassette[key];
      if (hit) {
        opts?.onToken?.(hit.response.text);
        return { ...hit.response, usage: { inputTokens: 0, outputTokens: 0 }, ttftMs: 0, totalMs: 0 };
      }
      if (!o.record || !o.live) {
        throw new LlmError(
          `no recording of this request to ${req.flow}/${req.node} in ${o.file}; run parley test --record against a live model`,
          'not_configured',
        );
      }
      const res = await o.live.complete(req, opts);
      if (!res.partial) {
        o.cassette[key] = { request: normaliseRequest(req, o.defaultModel), response: { text: res.text, model: res.model, stopReason: res.stopReason } };
        port.recorded++;
      }
      return res;
    },
  };
  return port;
}
