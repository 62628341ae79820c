// What the model reads of the conversation, redacted: every message of a request (the turns and the data block)
// has the redact rules' spans replaced by markers, except the passages retrieved from the project's own
// documents (a data-block section labelled `Source [n] (…)` or `Retrieved passage (…)`: a branch's phone number
// in the knowledge base is the bank's, not the customer's). The system prompt holds only the designer's
// instructions (the data/instruction rule, shared/llm/promptData.ts) and is sent as it is.
import type { LlmRequest } from '../engine/ports';

// a data-block section starts after a blank line with its label alone on a line ("Conversation:")
const SECTION = /\n\n(?=[A-Z][^\n]{0,120}:\n)/g;
const PROJECT_TEXT = /^(?:Source \[\d+\]|Retrieved passage)\b/;

/** One message's content with everything but the retrieved passages passed through `redact`. */
export function redactContent(content: string, redact: (text: string) => string): string {
  if (!content.includes('Source [') && !content.includes('Retrieved passage')) return redact(content);
  const parts: string[] = [];
  let at = 0;
  for (const m of content.matchAll(SECTION)) {
    parts.push(content.slice(at, m.index));
    at = m.index;
  }
  parts.push(content.slice(at));
  return parts.map((p) => (PROJECT_TEXT.test(p.replace(/^\n+/, '')) ? keepPassage(p, redact) : redact(p))).join('');
}

/** A passage section: its text is the project's, but the data block closes and the customer's words follow it. */
function keepPassage(part: string, redact: (text: string) => string): string {
  const close = part.indexOf('</conversation_data>');
  return close < 0 ? part : part.slice(0, close) + redact(part.slice(close));
}

/** The request with its messages redacted (the system prompt as it is). */
export function redactLlmRequest(req: LlmRequest, redact: (text: string) => string): LlmRequest {
  return { ...req, messages: req.messages.map((m) => ({ ...m, content: redactContent(m.content, redact) })) };
}
