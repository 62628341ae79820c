// The OpenAI-compatible endpoint, `POST /v1/chat/completions`: existing chat clients and UIs talk to the bot
// unchanged. The bot is a conversation, not a stateless model, so a request maps onto one:
//   - with a conversation id (the `X-Conversation-Id` header, else `metadata.conversation_id`, else `user`),
//     the last user message is the next turn of that conversation (started when the id is new);
//   - without one, the request's user messages are replayed into a fresh conversation, in order, and the reply
//     is the bot's answer to the last of them: a request is never matched to another customer's conversation.
// The reply is the bot's messages of the turn joined by blank lines; buttons follow as a list. Ids a client
// chooses live apart from the native API's (prefix `oai:`), so one cannot name the other's conversations.
import { z } from 'zod';
import type { ReplyView } from './backend';

const Content = z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough())]);

export const ChatRequest = z
  .object({
    model: z.string().max(200).optional(),
    messages: z
      .array(z.object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']), content: Content.nullable().optional() }).passthrough())
      .min(1)
      .max(200),
    stream: z.boolean().optional(),
    user: z.string().max(200).optional(),
    metadata: z.record(z.string(), z.string().max(512)).optional(),
  })
  .passthrough();
export type ChatRequest = z.infer<typeof ChatRequest>;

const ID = /^[\w.:@-]{1,128}$/;

const textOf = (content: z.infer<typeof Content> | null | undefined): string =>
  typeof content === 'string' ? content : (content ?? []).map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');

/** The user messages of the request, in order. */
export const userTexts = (req: ChatRequest): string[] => req.messages.filter((m) => m.role === 'user').map((m) => textOf(m.content).trim());

/** The conversation the request names, or undefined (replay into a fresh one). Throws on an id that is not an id. */
export function conversationIdOf(req: ChatRequest, header: string | undefined): string | undefined {
  const named = header ?? req.metadata?.conversation_id ?? req.user;
  if (named === undefined || named === '') return undefined;
  if (!ID.test(named)) throw new Error('a conversation id is 1 to 128 letters, digits and . : @ _ -');
  return `oai:${named}`;
}

/** The text a chat client shows for the bot's replies (several turns when the conversation just started). */
export function replyText(replies: ReplyView[]): string {
  const parts: string[] = [];
  for (const r of replies) {
    for (const m of r.messages) parts.push(m.text);
    if (r.quickReplies.length) parts.push(r.quickReplies.map((q) => `- ${q.label}`).join('\n'));
  }
  return parts.join('\n\n');
}

/** Parley's own fields, beside OpenAI's: where the conversation stands. */
export function parleyFields(last: ReplyView) {
  return {
    conversation_id: last.conversationId.replace(/^oai:/, ''),
    quick_replies: last.quickReplies,
    ...(last.handoff ? { handoff: last.handoff } : {}),
    ...(last.ended ? { ended: last.ended } : {}),
  };
}

export function completion(id: string, model: string, created: number, text: string, last: ReplyView) {
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    parley: parleyFields(last),
  };
}

/** One server-sent event of a streamed completion. */
export function chunk(id: string, model: string, created: number, delta: { role?: 'assistant'; content?: string }, finish: 'stop' | null, extra?: object) {
  return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
}
