// The conversation window around any LlmPort: before each call the history the engine sends is fitted into a
// token budget, older turns replaced by a summary (written by the model itself, or extractive when that
// fails; see shared/llm/context.ts). Summaries are reused across turns of a session, keyed by the turns they
// cover, so a rewound conversation never reuses a summary of turns it no longer has. The summary is data: it
// goes in the data block of the last user turn, beside the engine's, never in the system prompt.
import { buildContext, summaryRequest, type Turn } from '../../shared/llm/context';
import { splitDataBlock, withDataBlock, withDataRule } from '../../shared/llm/promptData';
import type { LlmPort, LlmRequest } from '../../shared/engine/ports';
import { LRUCache } from 'lru-cache';

export interface WindowOptions {
  /** Tokens for the history messages plus the summary (default 3000). */
  budget?: number;
}

const keyOf = (turns: readonly Turn[]) => turns.map((t) => `${t.role[0]}:${t.text}`).join('\u0001');

export function withContextWindow(llm: LlmPort, options: WindowOptions = {}): LlmPort {
  const budget = options.budget ?? 3000;
  const summaries = new LRUCache<string, { summary: string; turns: number }>({ max: 200 });
  return {
    async complete(request: LlmRequest, callOptions) {
      const history = request.messages.slice(0, -1);
      const final = request.messages[request.messages.length - 1];
      if (!final || history.length < 2) return llm.complete(request, callOptions);
      const transcript: Turn[] = history.map((m) => ({ role: m.role, text: m.content }));
      // the longest summarised prefix of this transcript seen before
      let previous: { summary: string; turns: number } | null = null;
      for (let n = transcript.length; n > 0 && !previous; n--) previous = summaries.get(keyOf(transcript.slice(0, n))) ?? null;
      const window = await buildContext({
        transcript,
        budget,
        previous,
        summarise: async (turns, prev) => {
          const req = summaryRequest(turns, prev);
          const r = await llm.complete(
            { flow: request.flow, node: request.node, ...req, ...(request.model ? { model: request.model } : {}), temperature: 0, maxTokens: 300 },
            callOptions?.signal ? { signal: callOptions.signal } : {},
          );
          return r.text;
        },
      });
      if (window.summary && window.summarisedTurns > 0) {
        summaries.set(keyOf(transcript.slice(0, window.summarisedTurns)), { summary: window.summary, turns: window.summarisedTurns });
      }
      // one data block at the top of the last user turn: the window's (summary first, it is the oldest) and the engine's
      const messages = [...window.messages];
      const { data, text } = splitDataBlock(final.content);
      const sections = [...window.data, data].filter(Boolean);
      const last = messages[messages.length - 1];
      const body = last?.role === 'user' ? `${(messages.pop() as typeof last).content}\n\n${text}` : text;
      messages.push({ role: 'user', content: withDataBlock(sections, body) });
      const system = sections.length ? withDataRule(request.system) : request.system;
      return llm.complete({ ...request, ...(system ? { system } : {}), messages }, callOptions);
    },
  };
}
