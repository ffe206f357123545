/**
 * Hostile and broken bodies: the decoder either throws a WispError for the body as a whole or
 * rejects the bad spans one by one, bounded in time and memory; it never crashes otherwise.
 */
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { WispError } from '../errors.js';
import { decodeOtlpTraces, encodeOtlpResponse } from './index.js';
import type { OtlpDecodeResult } from './index.js';
import { ExportTraceServiceResponse } from './otlp-proto.js';
import { jsonBody, jsonRequest, keyValues, protobufBody, SPAN_ID, START_NANOS, TRACE_ID } from './otlp-test-bodies.js';
import type { TestSpan } from './otlp-test-bodies.js';
import { seededRandom } from '../seeded-random.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WispError);
    return (err as WispError).code;
  }
  return undefined;
}


describe('bodies that cannot be read', () => {
  it('garbage bytes → WISP_ERR_BAD_PROTOBUF', () => {
    expect(codeOf(() => decodeOtlpTraces(Buffer.alloc(64, 0xff), 'protobuf'))).toBe('WISP_ERR_BAD_PROTOBUF');
    expect(codeOf(() => decodeOtlpTraces(Buffer.from('{"resourceSpans":[]}'), 'protobuf'))).toBe('WISP_ERR_BAD_PROTOBUF');
  });

  it('a truncated message → WISP_ERR_BAD_PROTOBUF', () => {
    const body = protobufBody([{ attributes: { 'gen_ai.prompt': 'x'.repeat(500) } }]);
    for (const cut of [1, 10, body.length >> 1, body.length - 1]) {
      expect(codeOf(() => decodeOtlpTraces(body.subarray(0, cut), 'protobuf'))).toBe('WISP_ERR_BAD_PROTOBUF');
    }
  });

  it('random bytes never crash: a WispError or a result', () => {
    const rand = seededRandom(42);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.alloc(1 + Math.floor(rand() * 300));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
      try {
        const r = decodeOtlpTraces(bytes, 'protobuf');
        expect(r.spans.length).toBeGreaterThanOrEqual(0);
      } catch (err) {
        expect(err).toBeInstanceOf(WispError);
      }
    }
  });

  it('random mutations of a valid body never crash', () => {
    const rand = seededRandom(7);
    const valid = protobufBody([{ attributes: { 'gen_ai.system': 'openai', 'gen_ai.usage.input_tokens': 10, list: [1, 'a', { k: true }] } }]);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(valid);
      for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        decodeOtlpTraces(bytes, 'protobuf');
      } catch (err) {
        expect(err).toBeInstanceOf(WispError);
      }
    }
  });

  it('invalid JSON → WISP_ERR_BAD_JSON; JSON that is not a request → WISP_ERR_INVALID_BATCH', () => {
    expect(codeOf(() => decodeOtlpTraces(Buffer.from('{"resourceSpans": ['), 'json'))).toBe('WISP_ERR_BAD_JSON');
    expect(codeOf(() => decodeOtlpTraces(Buffer.from([0xff, 0xfe, 0x00]), 'json'))).toBe('WISP_ERR_BAD_JSON');
    expect(codeOf(() => decodeOtlpTraces(Buffer.from('[1,2]'), 'json'))).toBe('WISP_ERR_INVALID_BATCH');
    expect(codeOf(() => decodeOtlpTraces(Buffer.from('null'), 'json'))).toBe('WISP_ERR_INVALID_BATCH');
    expect(codeOf(() => decodeOtlpTraces(Buffer.from('{"resourceSpans": 5}'), 'json'))).toBe('WISP_ERR_INVALID_BATCH');
  });

  it('a UTF-8 byte-order mark before JSON is accepted', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), jsonBody([{}])]);
    expect(decodeOtlpTraces(body, 'json').spans).toHaveLength(1);
  });

  it('an empty request is valid and empty', () => {
    expect(decodeOtlpTraces(Buffer.alloc(0), 'protobuf')).toEqual({ spans: [], rejectedSpans: 0 });
    expect(decodeOtlpTraces(Buffer.from('{}'), 'json')).toEqual({ spans: [], rejectedSpans: 0 });
  });
});

describe('invalid spans are rejected one by one', () => {
  const good: TestSpan = { spanId: '1111111111111111' };
  it.each<[string, TestSpan, RegExp]>([
    ['all-zero trace id', { traceId: '0'.repeat(32) }, /trace_id/],
    ['short trace id', { traceId: 'abcd' }, /trace_id/],
    ['non-hex trace id', { traceId: 'z'.repeat(32) }, /trace_id/],
    ['all-zero span id', { spanId: '0'.repeat(16) }, /span_id/],
    ['parent id of the wrong length', { parentSpanId: 'abcdef' }, /parent_span_id/],
    ['missing start', { startNanos: 0n }, /start_time/],
    ['end before start', { endNanos: START_NANOS - 1n }, /before/],
    ['start in year 2500', { startNanos: 16_725_225_600_000_000_000n, endNanos: 16_725_225_600_000_000_001n }, /outside/],
    ['start before 2000', { startNanos: 1_000_000_000n, endNanos: 2_000_000_000n }, /outside/],
  ])('%s', (_label, bad, reason) => {
    for (const format of ['json', 'protobuf'] as const) {
      const body = format === 'json' ? jsonBody([good, bad]) : protobufBody([good, bad]);
      const result = decodeOtlpTraces(body, format);
      expect(result.rejectedSpans).toBe(1);
      expect(result.spans.map((s) => s.spanId)).toEqual(['1111111111111111']);
      expect(result.errorMessage).toMatch(reason);
    }
  });

  it('times beyond 2^64, negative, NaN or not numbers are rejected (JSON)', () => {
    for (const start of ['18446744073709551616', '-5', 'NaN', 'soon', null, {}]) {
      const req = jsonRequest([{}]) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
      const span = req.resourceSpans[0]?.scopeSpans[0]?.spans[0] as Record<string, unknown>;
      span.startTimeUnixNano = start;
      const result = decodeOtlpTraces(Buffer.from(JSON.stringify(req)), 'json');
      expect(result.rejectedSpans).toBe(1);
    }
  });

  it('spans that are not objects are rejected, not fatal', () => {
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [1, 'x', null, []] }] }, 'junk', { scopeSpans: 'no' }] };
    const result = decodeOtlpTraces(Buffer.from(JSON.stringify(body)), 'json');
    expect(result.rejectedSpans).toBe(4);
    expect(result.spans).toEqual([]);
  });

  it('the error message is bounded and counts the rest', () => {
    const bad = Array.from({ length: 50 }, (): TestSpan => ({ traceId: '0'.repeat(32) }));
    const result = decodeOtlpTraces(jsonBody(bad), 'json');
    expect(result.rejectedSpans).toBe(50);
    expect(result.errorMessage).toMatch(/and 45 more/);
    expect((result.errorMessage ?? '').length).toBeLessThanOrEqual(1024);
  });
});

describe('bounded decoding', () => {
  it('10,000 attributes: metadata capped, the drop counted', () => {
    const attributes: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) attributes[`attr.${i}`] = `value ${i}`;
    for (const format of ['json', 'protobuf'] as const) {
      const body = format === 'json' ? jsonBody([{ attributes }]) : protobufBody([{ attributes }]);
      const [span] = decodeOtlpTraces(body, format).spans;
      expect(Object.keys(span?.metadata ?? {}).length).toBeLessThanOrEqual(1_000);
      expect(span?.metadata?.['otel.dropped_attributes_count']).toBe(9_000);
    }
  });

  it('deep AnyValue nesting is cut at a fixed depth (JSON, 10,000 levels)', () => {
    const levels = 10_000;
    const value = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels) + '{"stringValue":"leaf"}' + '}]}}'.repeat(levels);
    const text = jsonBody([{ attributes: { deep: 'PLACEHOLDER' } }]).toString().replace('{"stringValue":"PLACEHOLDER"}', value);
    const [span] = decodeOtlpTraces(Buffer.from(text), 'json').spans;
    let node: unknown = span?.metadata?.deep;
    let depth = 0;
    while (typeof node === 'object' && node !== null) {
      node = (node as Record<string, unknown>).k;
      depth++;
    }
    expect(depth).toBeLessThanOrEqual(8);
    expect(node).toBe('[wisp: value nested too deep]');
  });

  it('deep AnyValue nesting in protobuf: cut at a fixed depth', () => {
    const body = protobufBodySpanWithRawAttribute(protobufBody([{}]), deepKeyValue(20));
    const result = decodeOtlpTraces(body, 'protobuf');
    expect(JSON.stringify(result.spans[0]?.metadata)).toContain('nested too deep');
  });

  it('deeper than protobufjs decodes (100 messages): refused as a body, never a crash', () => {
    for (const levels of [100, 10_000, 200_000]) {
      const body = protobufBodySpanWithRawAttribute(protobufBody([{}]), deepKeyValue(levels));
      try {
        const result = decodeOtlpTraces(body, 'protobuf');
        expect(result.spans.length).toBe(1);
        expect(JSON.stringify(result.spans[0]?.metadata)).toContain('nested too deep');
      } catch (err) {
        expect(err).toBeInstanceOf(WispError);
        expect((err as WispError).code).toBe('WISP_ERR_BAD_PROTOBUF');
      }
    }
  });

  it('huge strings are cut to a bounded size', () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const [span] = decodeOtlpTraces(jsonBody([{ attributes: { 'gen_ai.prompt': huge, 'app.blob': huge } }]), 'json').spans;
    expect(typeof span?.input).toBe('string');
    expect((span?.input as string).length).toBeLessThan(1_100_000);
    expect(JSON.stringify(span?.metadata).length).toBeLessThan(1_200_000);
  });

  it('`__proto__` and `constructor` keys are stored as data and pollute nothing', () => {
    const body = jsonBody([
      {
        attributes: {
          __proto__x: 1,
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.__proto__': 'polluted?',
          constructor: 'c',
          nested: { a: 1 },
        },
      },
    ]);
    const text = body.toString().replace('"__proto__x"', '"__proto__"').replace('"key":"a"', '"key":"__proto__"');
    const [span] = decodeOtlpTraces(Buffer.from(text), 'json').spans;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(span?.metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(span?.metadata ?? {}, '__proto__')).toBe(true);
    expect(span?.metadata?.constructor).toBe('c');
    expect(JSON.parse(JSON.stringify(span?.input))).toEqual([{ role: 'user', ['__proto__']: 'polluted?' }]);
  });

  it('unknown enum values and odd JSON forms are tolerated', () => {
    const req = {
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: Buffer.from(TRACE_ID, 'hex').toString('base64'),
                  span_id: Buffer.from(SPAN_ID, 'hex').toString('base64'),
                  name: 'snake',
                  kind: 99,
                  start_time_unix_nano: Number(START_NANOS / 1000n) * 1000,
                  end_time_unix_nano: String(START_NANOS + 1000n),
                  status: { code: 'ERROR', message: 'x' },
                  attributes: keyValues({ a: 1 }),
                },
              ],
            },
          ],
        },
      ],
    };
    const result = decodeOtlpTraces(Buffer.from(JSON.stringify(req)), 'json');
    expect(result.rejectedSpans).toBe(0);
    expect(result.spans[0]).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, name: 'snake', status: 'error', metadata: { a: 1, 'otel.span_kind': '99' } });
  });
});

describe('encodeOtlpResponse', () => {
  it('full success: an empty response', () => {
    expect(encodeOtlpResponse({ rejectedSpans: 0 }, 'json').toString()).toBe('{}');
    expect(encodeOtlpResponse({ rejectedSpans: 0 }, 'protobuf').length).toBe(0);
  });

  it('partial success in JSON and protobuf', () => {
    const result: OtlpDecodeResult = decodeOtlpTraces(jsonBody([{}, { traceId: '0'.repeat(32) }]), 'json');
    const json = JSON.parse(encodeOtlpResponse(result, 'json').toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(json.partialSuccess.rejectedSpans).toBe('1');
    expect(json.partialSuccess.errorMessage).toMatch(/trace_id/);
    const decoded = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(encodeOtlpResponse(result, 'protobuf')), { longs: String });
    expect(decoded).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: json.partialSuccess.errorMessage } });
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/**
 * KeyValue{key: "deep", value: AnyValue{kvlist_value: {values: [{key: "k", value: AnyValue{...}}]}}}
 * nested `levels` deep, encoded in one pass (each level is a pure prefix: nothing follows the nested
 * value, so lengths are computed from the inside out).
 */
function deepKeyValue(levels: number): Uint8Array {
  const leaf = [0x0a, 4, ...Buffer.from('leaf')]; // AnyValue{string_value: "leaf"}
  const prefixes: number[][] = [];
  let innerAnyLength = leaf.length;
  for (let i = 0; i < levels; i++) {
    const kvTail = [0x0a, 1, 0x6b, 0x12, ...varint(innerAnyLength)]; // KeyValue{key "k", value: <inner>}
    const kvLength = kvTail.length + innerAnyLength;
    const listHead = [0x0a, ...varint(kvLength)]; // KeyValueList{values: [kv]}
    const listLength = listHead.length + kvLength;
    const anyHead = [0x32, ...varint(listLength)]; // AnyValue{kvlist_value: list}
    prefixes.push([...anyHead, ...listHead, ...kvTail]);
    innerAnyLength = anyHead.length + listLength;
  }
  const parts: number[][] = [[0x0a, 4, ...Buffer.from('deep'), 0x12, ...varint(innerAnyLength)]];
  for (let i = prefixes.length - 1; i >= 0; i--) parts.push(prefixes[i] as number[]);
  parts.push(leaf);
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

/** Appends a raw KeyValue (span field 9) to the first span of a protobuf body built by protobufBody. */
function protobufBodySpanWithRawAttribute(body: Buffer, keyValue: Uint8Array): Buffer {
  // Body: ExportTraceServiceRequest{1: ResourceSpans{1: Resource, 2: ScopeSpans{1: scope, 2: Span}}}.
  const reader = protobuf.Reader.create(body);
  reader.uint32(); // tag of resource_spans
  const rs = reader.bytes();
  const rsReader = protobuf.Reader.create(rs);
  const rsParts: Array<[number, Uint8Array]> = [];
  while (rsReader.pos < rsReader.len) {
    const tag = rsReader.uint32();
    rsParts.push([tag, rsReader.bytes()]);
  }
  const rebuilt = protobuf.Writer.create();
  for (const [tag, bytes] of rsParts) {
    if (tag >>> 3 !== 2) {
      rebuilt.uint32(tag).bytes(bytes);
      continue;
    }
    const ssReader = protobuf.Reader.create(bytes);
    const ss = protobuf.Writer.create();
    while (ssReader.pos < ssReader.len) {
      const t = ssReader.uint32();
      const b = ssReader.bytes();
      if (t >>> 3 === 2) {
        const span = Buffer.concat([b, Buffer.from(protobuf.Writer.create().uint32(74).bytes(keyValue).finish())]);
        ss.uint32(t).bytes(span);
      } else ss.uint32(t).bytes(b);
    }
    rebuilt.uint32(tag).bytes(ss.finish());
  }
  return Buffer.from(protobuf.Writer.create().uint32(10).bytes(rebuilt.finish()).finish());
}
