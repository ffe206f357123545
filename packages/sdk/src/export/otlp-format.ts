import { OTLP_TRACES_PATH, type SpanEvent } from '@wisp/protocol';
import type { Rejections, WireFormat } from './wire-format.js';

/** OTLP span kinds. */
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_CLIENT = 3;
/** OTLP status codes. */
const STATUS_OK = 1;
const STATUS_ERROR = 2;

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } };
interface KeyValue {
  key: string;
  value: AnyValue;
}

/**
 * OTLP/HTTP JSON (`POST /v1/traces`): Wisp spans as OpenTelemetry spans, with GenAI semantic
 * convention attributes where one exists and `wisp.*` attributes for the rest. OTLP has no
 * start events, so only ended spans are encoded; everything else is left out.
 */
export function otlpFormat(scopeVersion: string): WireFormat {
  return {
    path: OTLP_TRACES_PATH,
    contentType: 'application/json',
    // OTLP/HTTP backends must accept gzip; brotli is not in the specification.
    defaultCompression: 'gzip',
    overheadBytes: 512,
    encodeEvent: (event) => {
      if (event.type !== 'span' || (event.phase !== 'end' && event.phase !== 'full')) return undefined;
      return JSON.stringify(toOtlpSpan(event));
    },
    wrap(pieces, events) {
      const byService = new Map<string, string[]>();
      pieces.forEach((piece, i) => {
        const service = (events[i] as SpanEvent).service ?? 'unknown_service:node';
        let list = byService.get(service);
        if (!list) byService.set(service, (list = []));
        list.push(piece);
      });
      const scope = JSON.stringify({ name: '@wisp/sdk', version: scopeVersion });
      const resources = [...byService].map(
        ([service, spans]) =>
          `{"resource":{"attributes":[${JSON.stringify(kv('service.name', service))}]},` +
          `"scopeSpans":[{"scope":${scope},"spans":[${spans.join(',')}]}]}`,
      );
      return `{"resourceSpans":[${resources.join(',')}]}`;
    },
    rejections(body): Rejections {
      const match = /"rejectedSpans"\s*:\s*"?(\d+)/.exec(body);
      return { count: match ? Number(match[1]) : 0 };
    },
  };
}

/** One ended span in OTLP JSON form. Exported for tests. */
export function toOtlpSpan(e: SpanEvent): Record<string, unknown> {
  const attributes: KeyValue[] = [];
  const add = (key: string, value: unknown) => {
    const v = anyValue(value);
    if (v) attributes.push({ key, value: v });
  };
  add('wisp.kind', e.kind);
  if (e.provider !== undefined) add('gen_ai.provider.name', e.provider);
  if (e.model !== undefined) add('gen_ai.request.model', e.model);
  if (e.kind === 'generation') add('gen_ai.operation.name', 'chat');
  else if (e.kind === 'embedding') add('gen_ai.operation.name', 'embeddings');
  if (e.usage) {
    add('gen_ai.usage.input_tokens', e.usage.input);
    add('gen_ai.usage.output_tokens', e.usage.output);
    add('wisp.usage.cache_read', e.usage.cacheRead);
    add('wisp.usage.cache_write', e.usage.cacheWrite);
    add('wisp.usage.reasoning', e.usage.reasoning);
    add('wisp.usage.total', e.usage.total);
  }
  add('wisp.cost', e.cost);
  add('wisp.completion_start_time', e.completionStartTime);
  add('wisp.level', e.level);
  add('wisp.status_message', e.statusMessage);
  add('wisp.input', json(e.input));
  add('wisp.output', json(e.output));
  add('wisp.model_parameters', json(e.modelParameters));
  if (e.stream) for (const [k, v] of Object.entries(e.stream)) add(`wisp.stream.${k}`, v);
  if (e.metadata) for (const [k, v] of Object.entries(e.metadata)) add(`wisp.metadata.${k}`, primitiveOrJson(v));
  if (e.trace) {
    const t = e.trace;
    add('wisp.trace.name', t.name);
    add('wisp.trace.user_id', t.userId);
    add('wisp.trace.session_id', t.sessionId);
    add('wisp.trace.tags', t.tags);
    add('wisp.trace.release', t.release);
    add('wisp.trace.environment', t.environment);
    add('wisp.trace.input', json(t.input));
    add('wisp.trace.output', json(t.output));
    add('wisp.trace.metadata', json(t.metadata));
  }
  const span: Record<string, unknown> = {
    traceId: e.traceId,
    spanId: e.spanId,
    name: e.name ?? '',
    kind: e.kind === 'generation' || e.kind === 'embedding' ? SPAN_KIND_CLIENT : SPAN_KIND_INTERNAL,
    startTimeUnixNano: nanos(e.startTime ?? e.time),
    endTimeUnixNano: nanos(e.endTime ?? e.time),
    attributes,
  };
  if (e.parentId) span.parentSpanId = e.parentId;
  if (e.status === 'error' || e.error) {
    span.status = { code: STATUS_ERROR, message: e.error?.message ?? e.statusMessage ?? '' };
  } else if (e.status === 'ok') span.status = { code: STATUS_OK };
  if (e.error) {
    const errAttrs: KeyValue[] = [];
    errAttrs.push(kv('exception.type', e.error.type), kv('exception.message', e.error.message));
    if (e.error.stack) errAttrs.push(kv('exception.stacktrace', e.error.stack));
    span.events = [{ name: 'exception', timeUnixNano: nanos(e.endTime ?? e.time), attributes: errAttrs }];
  }
  return span;
}

/**
 * Epoch milliseconds as a decimal string of nanoseconds, built from digits so that no float goes
 * past 2^53. A double near 1.7e12 ms holds microseconds, so that is the precision kept.
 */
export function nanos(ms: number): string {
  let whole = Math.floor(ms);
  let micros = Math.round((ms - whole) * 1e3);
  if (micros >= 1e3) {
    whole += 1;
    micros -= 1e3;
  }
  return `${whole}${String(micros).padStart(3, '0')}000`;
}

function kv(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

function anyValue(value: unknown): AnyValue | undefined {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
    case 'object':
      if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => anyValue(v) ?? { stringValue: String(v) }) } };
      return undefined;
    default:
      return undefined;
  }
}

function primitiveOrJson(value: unknown): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? json(value) : value;
}

function json(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
