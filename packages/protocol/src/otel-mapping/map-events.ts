import type { AttributeEntries } from './attribute-bag.js';
import { AttributeBag } from './attribute-bag.js';
import type { JsonBounds } from './parse-jsonish.js';
import { parseJsonish } from './parse-jsonish.js';
import { setOwn } from './set-own.js';

/** One span event as the mapping reads it; `time` is in the caller's unit (ns, ms). */
export interface SpanEventView<T extends number | bigint> {
  name: string;
  time: T | undefined;
  attributes: AttributeEntries;
}

export interface ExceptionInfo {
  type?: string;
  message?: string;
  stack?: string;
}

/** What a span's events contribute to the span itself; the rest become `event` children. */
export interface EventFields<E, T extends number | bigint> {
  exceptions: ExceptionInfo[];
  /** Time of the earliest first-token/first-chunk event. */
  firstTokenTime: T | undefined;
  inputMessages: unknown[];
  outputMessages: unknown[];
  /** Events no rule consumed, with their index in the span. */
  other: Array<{ index: number; event: E }>;
}

const MESSAGE_EVENTS: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

// OpenInference, OpenLLMetry and hand-written instrumentations name this event in many ways:
// "First Token Stream Event", "first_token", "gen_ai.content.first_chunk", "ai.stream.firstChunk"...
const FIRST_TOKEN = /first[\s._-]?(token|chunk)|(^|[._\s])ttft($|[._\s])/i;

const CONTENT_EVENTS: ReadonlySet<string> = new Set(['gen_ai.content.prompt', 'gen_ai.content.completion', 'gen_ai.client.inference.operation.details']);

const MESSAGE_SKIP: ReadonlySet<string> = new Set(['gen_ai.system', 'gen_ai.provider.name', 'event.name']);

function messageObject(attributes: AttributeEntries, bounds: JsonBounds): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of attributes) if (!MESSAGE_SKIP.has(key)) setOwn(out, key, parseJsonish(value, bounds));
  return out;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Sorts a span's events: exceptions become the span's error, first-token events its completion
 * start, GenAI message and choice events (the event-based convention of GenAI semconv ≤1.36, and
 * the operation-details event) its input and output. Everything else is returned for the caller to
 * turn into child observations of kind `event`. `view` reads one event of the caller's shape, or
 * returns `undefined` for one to skip altogether.
 *
 * @example
 * mapEvents(span.events, (e) => ({ name: e.name, time: e.timeNanos ?? undefined, attributes: entries(e) }), bounds);
 */
export function mapEvents<E, T extends number | bigint>(
  events: readonly E[],
  view: (event: E) => SpanEventView<T> | undefined,
  bounds: JsonBounds,
): EventFields<E, T> {
  const out: EventFields<E, T> = { exceptions: [], firstTokenTime: undefined, inputMessages: [], outputMessages: [], other: [] };
  events.forEach((event, index) => {
    const read = view(event);
    if (read === undefined) return;
    const { name, time } = read;
    if (name === 'exception') {
      const bag = new AttributeBag(read.attributes);
      const info: ExceptionInfo = {};
      const type = bag.takeString('exception.type');
      const message = bag.takeString('exception.message');
      const stack = bag.takeString('exception.stacktrace');
      if (type !== undefined) info.type = type;
      if (message !== undefined) info.message = message;
      if (stack !== undefined) info.stack = stack;
      out.exceptions.push(info);
      return;
    }
    if (FIRST_TOKEN.test(name) && time !== undefined) {
      if (out.firstTokenTime === undefined || time < out.firstTokenTime) out.firstTokenTime = time;
      return;
    }
    const role = MESSAGE_EVENTS[name];
    if (role !== undefined) {
      const message = messageObject(read.attributes, bounds);
      out.inputMessages.push(Object.hasOwn(message, 'role') ? message : { role, ...message });
      return;
    }
    if (name === 'gen_ai.choice') {
      out.outputMessages.push(messageObject(read.attributes, bounds));
      return;
    }
    if (CONTENT_EVENTS.has(name)) {
      const bag = new AttributeBag(read.attributes);
      const input = bag.take('gen_ai.input.messages', 'gen_ai.prompt');
      const output = bag.take('gen_ai.output.messages', 'gen_ai.completion');
      if (input !== undefined) out.inputMessages.push(...asList(parseJsonish(input, bounds)));
      if (output !== undefined) out.outputMessages.push(...asList(parseJsonish(output, bounds)));
      if (input !== undefined || output !== undefined) return;
    }
    out.other.push({ index, event });
  });
  return out;
}
