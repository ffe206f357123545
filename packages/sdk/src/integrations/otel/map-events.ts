/**
 * What an OTel span's events say about the span (as the collector reads them,
 * packages/server/src/otlp/map-events.ts): `exception` events are its error, a first-token or
 * first-chunk event its time to first token, GenAI message and choice events its input and output.
 * The other events are returned to become child observations of kind `event`.
 */
import { AttributeSet } from './attribute-set.js';
import { parseJsonish } from '../json-value.js';
import type { Attributes, OtelSpanEvent } from './otel-shapes.js';
import { hrTimeToMs } from './hr-time.js';

export interface ExceptionInfo {
  type?: string;
  message?: string;
  stack?: string;
}

export interface EventFields {
  exceptions: ExceptionInfo[];
  /** Epoch ms of the earliest first-token event. */
  firstTokenMs: number | undefined;
  inputMessages: unknown[];
  outputMessages: unknown[];
  other: OtelSpanEvent[];
}

const MESSAGE_EVENTS: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
// "First Token Stream Event", "ai.stream.firstChunk", "gen_ai.content.first_chunk", "llm.first_token"...
const FIRST_TOKEN = /first[\s._-]?(token|chunk)|(^|[._\s])ttft($|[._\s])/i;
const MESSAGE_SKIP: ReadonlySet<string> = new Set(['gen_ai.system', 'gen_ai.provider.name', 'event.name']);

function attributesObject(attributes: Attributes | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined && !MESSAGE_SKIP.has(key) && key !== '__proto__') out[key] = parseJsonish(value);
  }
  return out;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export function mapEvents(events: readonly OtelSpanEvent[]): EventFields {
  const out: EventFields = { exceptions: [], firstTokenMs: undefined, inputMessages: [], outputMessages: [], other: [] };
  for (const event of events) {
    if (event === null || typeof event !== 'object' || typeof event.name !== 'string') continue;
    const name = event.name;
    if (name === 'exception') {
      const attrs = new AttributeSet(event.attributes ?? {});
      const info: ExceptionInfo = {};
      const type = attrs.takeString('exception.type');
      const message = attrs.takeString('exception.message');
      const stack = attrs.takeString('exception.stacktrace');
      if (type !== undefined) info.type = type;
      if (message !== undefined) info.message = message;
      if (stack !== undefined) info.stack = stack;
      out.exceptions.push(info);
      continue;
    }
    const at = hrTimeToMs(event.time);
    if (FIRST_TOKEN.test(name) && at !== undefined) {
      if (out.firstTokenMs === undefined || at < out.firstTokenMs) out.firstTokenMs = at;
      continue;
    }
    const role = MESSAGE_EVENTS[name];
    if (role !== undefined) {
      const message = attributesObject(event.attributes);
      out.inputMessages.push(Object.hasOwn(message, 'role') ? message : { role, ...message });
      continue;
    }
    if (name === 'gen_ai.choice') {
      out.outputMessages.push(attributesObject(event.attributes));
      continue;
    }
    if (name === 'gen_ai.content.prompt' || name === 'gen_ai.content.completion' || name === 'gen_ai.client.inference.operation.details') {
      const attrs = new AttributeSet(event.attributes ?? {});
      const input = attrs.take('gen_ai.input.messages', 'gen_ai.prompt');
      const output = attrs.take('gen_ai.output.messages', 'gen_ai.completion');
      if (input !== undefined) out.inputMessages.push(...asList(parseJsonish(input)));
      if (output !== undefined) out.outputMessages.push(...asList(parseJsonish(output)));
      if (input !== undefined || output !== undefined) continue;
    }
    out.other.push(event);
  }
  return out;
}
