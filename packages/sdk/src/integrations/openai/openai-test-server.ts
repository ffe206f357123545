/**
 * A local HTTP server that answers like the OpenAI API, for the wrapper's tests with the real
 * `openai` client: chat completions, responses and embeddings, as JSON or as SSE streams, and
 * OpenAI-shaped error answers. What it answers is chosen by the request's `model`:
 * `error-400` answers 400; `tools` answers with a tool call; `stream-error` streams one chunk,
 * then an error event. Everything else answers "Hello there".
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  body: Record<string, unknown>;
}

export interface OpenAITestServer {
  /** Base URL for the client's `baseURL`, ending in `/v1`. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export const CHAT_USAGE = {
  prompt_tokens: 12,
  completion_tokens: 3,
  total_tokens: 15,
  prompt_tokens_details: { cached_tokens: 4 },
  completion_tokens_details: { reasoning_tokens: 1 },
};
export const RESPONSE_USAGE = {
  input_tokens: 20,
  output_tokens: 5,
  total_tokens: 25,
  input_tokens_details: { cached_tokens: 8 },
  output_tokens_details: { reasoning_tokens: 2 },
};
export const TEXT_PIECES = ['Hel', 'lo', ' there'];
const CREATED = 1_767_225_600;

function resolvedModel(model: unknown): string {
  return `${String(model)}-2026-01-01`;
}

/** Structured-output requests get JSON content. */
function jsonAnswer(body: Record<string, unknown>): string | undefined {
  const format = body.response_format as { type?: string } | undefined;
  return format?.type === 'json_schema' ? JSON.stringify({ greeting: TEXT_PIECES.join('') }) : undefined;
}

function chatCompletion(body: Record<string, unknown>): unknown {
  const tools = body.model === 'tools';
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: CREATED,
    model: resolvedModel(body.model),
    system_fingerprint: 'fp_test',
    choices: [
      {
        index: 0,
        message: tools
          ? {
              role: 'assistant',
              content: null,
              refusal: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
            }
          : { role: 'assistant', content: jsonAnswer(body) ?? TEXT_PIECES.join(''), refusal: null },
        finish_reason: tools ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: CHAT_USAGE,
  };
}

function chatChunks(body: Record<string, unknown>): unknown[] {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: CREATED, model: resolvedModel(body.model), system_fingerprint: 'fp_test' };
  const chunk = (delta: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '' })];
  if (body.model === 'tools') {
    chunks.push(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }));
    chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
    chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }));
    chunks.push(chunk({}, 'tool_calls'));
  } else {
    for (const piece of TEXT_PIECES) chunks.push(chunk({ content: piece }));
    chunks.push(chunk({}, 'stop'));
  }
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage === true) chunks.push({ ...base, choices: [], usage: CHAT_USAGE });
  return chunks;
}

function responseObject(body: Record<string, unknown>, status = 'completed'): Record<string, unknown> {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: CREATED,
    status,
    model: resolvedModel(body.model),
    output: [
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: TEXT_PIECES.join(''), annotations: [] }],
      },
    ],
    usage: RESPONSE_USAGE,
    error: null,
    incomplete_details: null,
  };
}

function responseEvents(body: Record<string, unknown>): Array<{ event: string; data: unknown }> {
  const events: Array<{ event: string; data: unknown }> = [
    { event: 'response.created', data: { type: 'response.created', sequence_number: 0, response: { ...responseObject(body, 'in_progress'), output: [], usage: null } } },
  ];
  TEXT_PIECES.forEach((delta, i) =>
    events.push({ event: 'response.output_text.delta', data: { type: 'response.output_text.delta', sequence_number: i + 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta } }),
  );
  events.push({ event: 'response.completed', data: { type: 'response.completed', sequence_number: 9, response: responseObject(body) } });
  return events;
}

function embeddings(body: Record<string, unknown>): unknown {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.25, -0.5, 0.75, 1];
  const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
  return {
    object: 'list',
    model: resolvedModel(body.model),
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding })),
    usage: { prompt_tokens: 6, total_tokens: 6 },
  };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': 'req_test_1' });
  res.end(text);
}

function sendSse(res: ServerResponse, events: Array<{ event?: string; data: unknown }>, done: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_test_1' });
  for (const e of events) res.write(`${e.event === undefined ? '' : `event: ${e.event}\n`}data: ${JSON.stringify(e.data)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

function answer(path: string, body: Record<string, unknown>, res: ServerResponse): void {
  if (body.model === 'error-400') {
    sendJson(res, 400, { error: { message: 'The model `error-400` does not exist', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
    return;
  }
  const streamed = body.stream === true;
  if (path === '/v1/chat/completions') {
    if (!streamed) return sendJson(res, 200, chatCompletion(body));
    if (body.model === 'stream-error') {
      const [first] = chatChunks(body);
      return sendSse(res, [{ data: first }, { data: { error: { message: 'overloaded mid-stream', type: 'server_error', code: 'overloaded' } } }], false);
    }
    return sendSse(res, chatChunks(body).map((data) => ({ data })), true);
  }
  if (path === '/v1/responses') return streamed ? sendSse(res, responseEvents(body), false) : sendJson(res, 200, responseObject(body));
  if (path === '/v1/embeddings') return sendJson(res, 200, embeddings(body));
  sendJson(res, 404, { error: { message: `no route ${path}`, type: 'invalid_request_error' } });
}

export async function startOpenAITestServer(): Promise<OpenAITestServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        requests.push({ path, body });
        answer(path, body, res);
      },
      () => sendJson(res, 400, { error: { message: 'bad JSON', type: 'invalid_request_error' } }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
