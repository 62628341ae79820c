// The runtime API's OpenAPI 3.1 document, served at /openapi.json. Written by hand from the routes in
// server.ts (a test checks that every route is documented and every documented path is served).

const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', ...json(error) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'malformed JSON or a field that does not validate (the message names it)',
  401: 'missing or wrong bearer token',
  404: 'no such conversation',
  409: 'another turn of this conversation is running (retry)',
  413: 'body too large',
  429: 'rate limited',
  503: 'the session store is unavailable (retry later)',
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const testViewParam = {
  name: 'Parley-Test-View',
  in: 'header',
  required: false,
  description: 'Fixtures mode only: `1` asks for the test view (`test`) on a reply to a conversation started with fixtures',
  schema: { type: 'string', enum: ['1'] },
};

export function openApiDocument(bundle: { name: string; version: string }) {
  return {
    openapi: '3.1.0',
    info: { title: `${bundle.name} (Parley runtime)`, version: bundle.version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
        QuickReply: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' }, payload: { type: 'string' } } },
        Reply: {
          type: 'object',
          required: ['conversationId', 'turn', 'messages', 'quickReplies'],
          properties: {
            conversationId: { type: 'string' },
            turn: { type: 'integer' },
            messages: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, copyId: { type: 'string' } } } },
            quickReplies: { type: 'array', items: { $ref: '#/components/schemas/QuickReply' } },
            handoff: { type: 'object', properties: { queue: { type: 'string' }, reason: { type: 'string' }, summary: { type: 'string' } } },
            ended: { type: 'object', properties: { outcome: { type: 'string' } } },
            test: { $ref: '#/components/schemas/TestTurn' },
          },
        },
        TestTurn: {
          type: 'object',
          description:
            'Fixtures mode only (a runtime started with --fixtures, on loopback): what `parley test --target` checks of the turn, on replies to a conversation started with `fixtures`, when the request asks for it with the header `Parley-Test-View: 1`. Never present on other conversations.',
          required: ['path', 'outputs', 'trace', 'state'],
          properties: {
            path: {
              type: 'array',
              description: 'every node entered this turn, in order',
              items: { type: 'object', properties: { flow: { type: 'string' }, node: { type: 'string' } } },
            },
            outputs: { type: 'array', description: "the turn's outputs (texts with copy ids and buttons, handoffs, errors)", items: { type: 'object' } },
            trace: {
              type: 'array',
              description: "the turn's trace as stored (redacted): NLU decisions, nodes and exits, guardrails, retrievals",
              items: { type: 'object' },
            },
            state: {
              type: 'object',
              description: 'the conversation after the turn, as stored (redacted transcript and last input)',
              properties: {
                locale: { type: 'string' },
                turn: { type: 'integer' },
                vars: { type: 'object' },
                wait: { type: ['object', 'null'] },
                ended: { type: 'object' },
                transcript: { type: 'array', items: { type: 'object' } },
                last: { type: 'object' },
              },
            },
            unanswered: { type: 'string', description: 'the first model request of the turn that no fixture answered' },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/conversations': {
        post: {
          summary: 'Start a conversation: the bot speaks first',
          parameters: [testViewParam],
          requestBody: json({
            type: 'object',
            properties: {
              locale: { type: 'string' },
              vars: { type: 'object' },
              fixtures: {
                type: 'object',
                description:
                  "Fixtures mode only (--fixtures, loopback): a story's fixtures (api, llm, agents; docs/FORMAT.md). The conversation's ports answer from them, and its replies carry `test` when asked (`Parley-Test-View: 1`)",
              },
              now: { type: 'string', format: 'date-time', description: "Fixtures mode only: the conversation's fixed clock (a story's setup.now)" },
              variants: {
                type: 'object',
                additionalProperties: { type: 'string' },
                description: 'Fixtures mode only: A/B variants forced for the conversation (`flow/node` of a node with variants → one of its variant ids)',
              },
            },
          }),
          responses: { '201': { description: 'the opening messages', ...json({ $ref: '#/components/schemas/Reply' }) }, ...errors(400, 401, 413, 429, 503) },
        },
      },
      '/v1/conversations/{id}/messages': {
        post: {
          summary: 'Send a message, a button payload or an event; with Accept: text/event-stream, `token` events stream model text and a `reply` event ends',
          parameters: [idParam, testViewParam],
          requestBody: json({
            oneOf: [
              { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
              { type: 'object', required: ['payload'], properties: { payload: { type: 'string' }, label: { type: 'string' } } },
              { type: 'object', required: ['event'], properties: { event: { type: 'string' } } },
            ],
          }),
          responses: {
            '200': { description: "the bot's reply", ...json({ $ref: '#/components/schemas/Reply' }) },
            ...errors(400, 401, 404, 409, 413, 429, 503),
          },
        },
      },
      '/v1/conversations/{id}': {
        get: { summary: 'The transcript (redacted)', parameters: [idParam], responses: { '200': { description: 'the transcript' }, ...errors(401, 404, 503) } },
      },
      '/v1/conversations/{id}/feedback': {
        post: {
          summary: 'CSAT feedback: a score from 1 to 5 and an optional comment',
          parameters: [idParam],
          requestBody: json({
            type: 'object',
            required: ['score'],
            properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string' } },
          }),
          responses: { '204': { description: 'recorded' }, ...errors(400, 401, 404, 503) },
        },
      },
      '/v1/chat/completions': {
        post: {
          summary:
            'OpenAI-compatible chat completions. The conversation: the X-Conversation-Id header, else metadata.conversation_id, else user; without one the user messages are replayed into a fresh conversation',
          parameters: [{ name: 'X-Conversation-Id', in: 'header', required: false, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'a chat.completion, or chat.completion.chunk events when stream is true' },
            ...errors(400, 401, 404, 409, 413, 429, 503),
          },
        },
      },
      '/health': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'the process serves requests' } } } },
      '/ready': {
        get: {
          summary: 'Readiness: the session store answers',
          security: [],
          responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text exposition format' }, ...errors(401) } } },
      '/openapi.json': { get: { summary: 'This API as an OpenAPI 3.1 document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/': { get: { summary: 'A web chat to try the bot', security: [], responses: { '200': { description: 'HTML' } } } },
    },
  };
}
