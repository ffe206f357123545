/**
 * `chat.completions.create`: the request's messages are the input, the assistant message (or one
 * per choice when `n > 1`) the output, with tool calls. A stream's deltas are reassembled into the
 * same message shape, boundedly.
 */
import type { SpanAttributes, SpanEndOptions } from '../../span-types.js';
import type { ChatCompletion, ChatCompletionChunk, ChatMessage, ToolCall } from './openai-shapes.js';
import type { Operation, RequestParams, StreamAccumulator } from './operation.js';
import { isRecord, mergeMetadata, pick } from './operation.js';
import { toUsage } from './usage-mapping.js';

/** Characters kept per streamed text field (content, refusal, tool arguments). */
export const MAX_STREAM_TEXT = 256 * 1024;
/** Choices and tool calls per choice reassembled from a stream; more are counted only. */
const MAX_STREAM_CHOICES = 64;
const MAX_STREAM_TOOL_CALLS = 128;

const MODEL_PARAMETERS = [
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'response_format',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
  'verbosity',
  'modalities',
  'service_tier',
  'store',
  'stream',
] as const;
const REQUEST_METADATA = ['tools', 'functions', 'stream_options', 'user', 'metadata', 'prompt_cache_key', 'safety_identifier'] as const;

function request(params: RequestParams, captureInput: boolean): SpanAttributes {
  const attrs: SpanAttributes = {};
  if (typeof params.model === 'string') attrs.model = params.model;
  const modelParameters = pick(params, MODEL_PARAMETERS);
  if (modelParameters !== undefined) attrs.modelParameters = modelParameters;
  if (captureInput && params.messages !== undefined) attrs.input = params.messages;
  const metadata = pick(params, REQUEST_METADATA);
  if (metadata !== undefined) attrs.metadata = metadata;
  return attrs;
}

function responseMetadata(r: ChatCompletion | ChatCompletionChunk, finishReasons: unknown[]): Record<string, unknown> | undefined {
  const requestId = (r as { _request_id?: unknown })._request_id;
  return mergeMetadata({
    responseId: r.id,
    systemFingerprint: r.system_fingerprint,
    serviceTier: r.service_tier,
    requestId,
    finishReason: finishReasons.length === 1 ? finishReasons[0] : finishReasons.length > 1 ? finishReasons : undefined,
  });
}

function response(result: unknown, captureOutput: boolean): SpanEndOptions {
  if (!isRecord(result)) return captureOutput && result !== undefined ? { output: result } : {};
  const r = result as ChatCompletion;
  const choices = Array.isArray(r.choices) ? r.choices : [];
  const end: SpanEndOptions = {};
  if (typeof r.model === 'string' && r.model !== '') end.model = r.model;
  const usage = toUsage(r.usage);
  if (usage !== undefined) end.usage = usage;
  if (captureOutput) {
    const messages = choices.map((c) => c?.message);
    end.output = messages.length === 1 ? messages[0] : messages;
  }
  const metadata = responseMetadata(r, choices.map((c) => c?.finish_reason).filter((f) => f !== undefined && f !== null));
  if (metadata !== undefined) end.metadata = metadata;
  return end;
}

interface ChoiceState {
  role: string;
  content: string;
  refusal: string;
  toolCalls: Map<number, { id?: string; type?: string; name: string; arguments: string }>;
  finishReason: string | undefined;
}

function append(text: string, piece: unknown): string {
  return typeof piece === 'string' && text.length < MAX_STREAM_TEXT ? text + piece : text;
}

/** Reassembles streamed chunks into the messages a non-streamed call would have returned. */
class ChatStream implements StreamAccumulator {
  private readonly choices = new Map<number, ChoiceState>();
  private last: ChatCompletionChunk | undefined;
  private usage: unknown;
  private droppedChoices = 0;

  constructor(private readonly captureOutput: boolean) {}

  add(item: unknown): boolean {
    if (!isRecord(item)) return false;
    const chunk = item as ChatCompletionChunk;
    this.last = chunk;
    if (chunk.usage !== undefined && chunk.usage !== null) this.usage = chunk.usage;
    let content = false;
    if (!Array.isArray(chunk.choices)) return false;
    for (const choice of chunk.choices) {
      const delta = choice?.delta;
      const state = this.choice(typeof choice?.index === 'number' ? choice.index : 0);
      if (typeof choice?.finish_reason === 'string' && state !== undefined) state.finishReason = choice.finish_reason;
      if (!isRecord(delta)) continue;
      if ((typeof delta.content === 'string' && delta.content !== '') || (typeof delta.refusal === 'string' && delta.refusal !== '')) content = true;
      if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) content = true;
      if (state === undefined || !this.captureOutput) continue;
      if (typeof delta.role === 'string') state.role = delta.role;
      state.content = append(state.content, delta.content);
      state.refusal = append(state.refusal, delta.refusal);
      if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) this.addToolCall(state, call);
    }
    return content;
  }

  result(): SpanEndOptions {
    const end: SpanEndOptions = {};
    const last = this.last;
    if (typeof last?.model === 'string' && last.model !== '') end.model = last.model;
    const usage = toUsage(this.usage);
    if (usage !== undefined) end.usage = usage;
    const states = [...this.choices.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
    if (this.captureOutput && states.length > 0) {
      const messages = states.map(toMessage);
      end.output = messages.length === 1 ? messages[0] : messages;
    }
    const finishReasons = states.map((s) => s.finishReason).filter((f) => f !== undefined);
    const metadata = mergeMetadata(
      last === undefined ? undefined : responseMetadata(last, finishReasons),
      this.droppedChoices > 0 ? { streamChoicesNotKept: this.droppedChoices } : undefined,
    );
    if (metadata !== undefined) end.metadata = metadata;
    return end;
  }

  private choice(index: number): ChoiceState | undefined {
    let state = this.choices.get(index);
    if (state === undefined) {
      if (this.choices.size >= MAX_STREAM_CHOICES) {
        this.droppedChoices++;
        return undefined;
      }
      state = { role: 'assistant', content: '', refusal: '', toolCalls: new Map(), finishReason: undefined };
      this.choices.set(index, state);
    }
    return state;
  }

  private addToolCall(state: ChoiceState, call: ToolCall): void {
    if (!isRecord(call)) return;
    const index = typeof call.index === 'number' ? call.index : state.toolCalls.size;
    let acc = state.toolCalls.get(index);
    if (acc === undefined) {
      if (state.toolCalls.size >= MAX_STREAM_TOOL_CALLS) return;
      acc = { name: '', arguments: '' };
      state.toolCalls.set(index, acc);
    }
    if (typeof call.id === 'string') acc.id = call.id;
    if (typeof call.type === 'string') acc.type = call.type;
    const fn = (call as ToolCall).function;
    acc.name = append(acc.name, fn?.name);
    acc.arguments = append(acc.arguments, fn?.arguments);
  }
}

function toMessage(s: ChoiceState): ChatMessage {
  const message: ChatMessage = { role: s.role, content: s.content === '' && s.toolCalls.size > 0 ? null : s.content };
  if (s.refusal !== '') message.refusal = s.refusal;
  if (s.toolCalls.size > 0) {
    message.tool_calls = [...s.toolCalls.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, c]) => ({ id: c.id, type: c.type ?? 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  return message;
}

export const CHAT_COMPLETIONS: Operation = {
  spanName: 'openai.chat',
  kind: 'generation',
  request,
  response,
  stream: (captureOutput) => new ChatStream(captureOutput),
};
