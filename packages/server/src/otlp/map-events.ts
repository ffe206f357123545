import { setOwn } from './any-value.js';
import { AttributeBag } from './attribute-bag.js';
import type { OtlpEvent } from './otlp-span.js';
import { parseJsonish } from './structured-value.js';

export interface ExceptionInfo {
  type?: string;
  message?: string;
  stack?: string;
  timeNanos: bigint | null;
}

/** What a span's events contribute to the span itself; the rest become `event` children. */
export interface EventFields {
  exceptions: ExceptionInfo[];
  /** Nanoseconds of the earliest first-token/first-chunk event. */
  firstTokenNanos: bigint | null;
  inputMessages: unknown[];
  outputMessages: unknown[];
  /** Events no rule consumed, with their index in the span. */
  other: Array<{ index: number; event: OtlpEvent }>;
}

const MESSAGE_EVENTS: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

// OpenInference, OpenLLMetry and hand-written instrumentations name this event in many ways:
// "First Token Stream Event", "first_token", "gen_ai.content.first_chunk", "llm.first_token"...
const FIRST_TOKEN = /first[\s._-]?(token|chunk)|(^|[._\s])ttft($|[._\s])/i;

function attributesObject(event: OtlpEvent, skip?: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of event.attributes) if (!skip?.has(key)) setOwn(out, key, parseJsonish(value));
  return out;
}

const MESSAGE_SKIP: ReadonlySet<string> = new Set(['gen_ai.system', 'gen_ai.provider.name', 'event.name']);

/**
 * Sorts a span's events: exceptions become the span's error, first-token events its completion
 * start, GenAI message and choice events (the event-based convention of GenAI semconv ≤1.36, and
 * the operation-details event) its input and output. Everything else is returned for the caller to
 * turn into child observations of kind `event`.
 */
export function mapEvents(events: readonly OtlpEvent[]): EventFields {
  const out: EventFields = { exceptions: [], firstTokenNanos: null, inputMessages: [], outputMessages: [], other: [] };
  events.forEach((event, index) => {
    const name = event.name;
    if (name === 'exception') {
      const bag = new AttributeBag(event.attributes);
      const info: ExceptionInfo = { timeNanos: event.timeNanos };
      const type = bag.takeString('exception.type');
      const message = bag.takeString('exception.message');
      const stack = bag.takeString('exception.stacktrace');
      if (type !== undefined) info.type = type;
      if (message !== undefined) info.message = message;
      if (stack !== undefined) info.stack = stack;
      out.exceptions.push(info);
      return;
    }
    if (FIRST_TOKEN.test(name) && event.timeNanos !== null) {
      if (out.firstTokenNanos === null || event.timeNanos < out.firstTokenNanos) out.firstTokenNanos = event.timeNanos;
      return;
    }
    const role = MESSAGE_EVENTS[name];
    if (role !== undefined) {
      const message = attributesObject(event, MESSAGE_SKIP);
      out.inputMessages.push(Object.hasOwn(message, 'role') ? message : { role, ...message });
      return;
    }
    if (name === 'gen_ai.choice') {
      out.outputMessages.push(attributesObject(event, MESSAGE_SKIP));
      return;
    }
    if (name === 'gen_ai.content.prompt' || name === 'gen_ai.content.completion' || name === 'gen_ai.client.inference.operation.details') {
      const bag = new AttributeBag(event.attributes);
      const input = bag.take('gen_ai.input.messages', 'gen_ai.prompt');
      const output = bag.take('gen_ai.output.messages', 'gen_ai.completion');
      if (input !== undefined) out.inputMessages.push(...asList(parseJsonish(input)));
      if (output !== undefined) out.outputMessages.push(...asList(parseJsonish(output)));
      if (input !== undefined || output !== undefined) return;
    }
    out.other.push({ index, event });
  });
  return out;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
