/**
 * The bad-input table: each bad request gets its 4xx (never a 5xx) with a code from the registry and
 * a message saying what is wrong; the next good request is accepted; and in the end exactly the
 * good events are stored.
 */
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

/** Brotli at quality 1: a bomb of zeros is made in milliseconds instead of seconds. */
const brotliFast = (b: Buffer) => brotliCompressSync(b, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } });
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@wisp/protocol';
import { post, startTestServer, testSpan, type TestServer } from '../testing/test-server.js';
import { RecordingStore } from '../testing/recording-store.js';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';

// A real collector with the real SQLite store: "nothing stored corrupted" is checked on the file.
let server: TestServer;
const good: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

async function getJson(path: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status, path).toBe(200);
  return res.json();
}

const ingest = (body: unknown, opts?: Parameters<typeof post>[2]) => post(`${server.url}/v1/ingest`, body, opts);

async function sendGood(): Promise<void> {
  const span = testSpan();
  const res = await ingest({ events: [span] });
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ accepted: 1, rejected: 0, errors: [] });
  good.push(`${span.traceId}:${span.spanId}`);
}

interface WholeRequestCase {
  name: string;
  send: () => ReturnType<typeof post>;
  status: number;
  code: string;
  message: RegExp;
}

const deep = (n: number) => '{"events":[' + '['.repeat(n) + ']'.repeat(n) + ']}';

const wholeRequestCases: WholeRequestCase[] = [
  { name: 'malformed JSON', send: () => ingest('{"events": [ {"type": '), status: 400, code: 'WISP_ERR_BAD_JSON', message: /not valid JSON/ },
  { name: 'empty body', send: () => ingest(''), status: 400, code: 'WISP_ERR_BAD_JSON', message: /empty/ },
  { name: 'wrong content type', send: () => ingest('{"events":[]}', { contentType: 'text/plain' }), status: 415, code: 'WISP_ERR_UNSUPPORTED_MEDIA_TYPE', message: /text\/plain/ },
  {
    name: 'unknown content encoding',
    send: () => ingest('{"events":[]}', { headers: { 'content-encoding': 'zstd' } }),
    status: 415,
    code: 'WISP_ERR_UNSUPPORTED_MEDIA_TYPE',
    message: /zstd/,
  },
  {
    name: 'broken gzip',
    send: () => ingest(Buffer.from('definitely not gzip'), { headers: { 'content-encoding': 'gzip' } }),
    status: 400,
    code: 'WISP_ERR_BAD_GZIP',
    message: /gzip/,
  },
  {
    name: 'broken brotli',
    send: () => ingest(Buffer.from('definitely not brotli'), { headers: { 'content-encoding': 'br' } }),
    status: 400,
    code: 'WISP_ERR_BAD_BROTLI',
    message: /br/,
  },
  {
    name: 'truncated brotli',
    send: () => ingest(brotliCompressSync(Buffer.from('{"events":[]}'.repeat(100))).subarray(0, 6), { headers: { 'content-encoding': 'br' } }),
    status: 400,
    code: 'WISP_ERR_BAD_BROTLI',
    message: /br/,
  },
  {
    // 256 MiB of zeros is a few hundred bytes of brotli: stopped at the ratio cap, never inflated.
    name: 'brotli bomb',
    send: () => ingest(brotliFast(Buffer.alloc(256 * 1024 * 1024)), { headers: { 'content-encoding': 'br' } }),
    status: 413,
    code: 'WISP_ERR_BODY_TOO_LARGE',
    message: /compress/,
  },
  {
    // 1 GiB of zeros compresses to about 1 MiB: refused by ratio long before it is inflated.
    name: 'gzip bomb',
    send: () => ingest(gzipSync(Buffer.alloc(256 * 1024 * 1024)), { headers: { 'content-encoding': 'gzip' } }),
    status: 413,
    code: 'WISP_ERR_BODY_TOO_LARGE',
    message: /compress/,
  },
  {
    name: 'oversized body',
    send: () => ingest('{"events":[' + ' '.repeat(DEFAULT_LIMITS.maxRequestBytes) + ']}'),
    status: 413,
    code: 'WISP_ERR_BODY_TOO_LARGE',
    message: /larger than the limit/,
  },
  { name: 'nesting 10,000 deep', send: () => ingest(deep(10_000)), status: 400, code: 'WISP_ERR_BAD_JSON', message: /deeper than the limit of 64/ },
  { name: 'nesting 65 deep', send: () => ingest(deep(63)), status: 400, code: 'WISP_ERR_BAD_JSON', message: /deeper/ },
  { name: 'not a batch (array)', send: () => ingest([testSpan()]), status: 422, code: 'WISP_ERR_INVALID_BATCH', message: /"events"/ },
  { name: 'not a batch (events not an array)', send: () => ingest({ events: {} }), status: 422, code: 'WISP_ERR_INVALID_BATCH', message: /"events"/ },
  { name: 'JSON null', send: () => ingest('null'), status: 422, code: 'WISP_ERR_INVALID_BATCH', message: /"events"/ },
  {
    name: 'too many events',
    send: () => ingest({ events: Array.from({ length: DEFAULT_LIMITS.maxEventsPerRequest + 1 }, () => ({})) }),
    status: 413,
    code: 'WISP_ERR_BODY_TOO_LARGE',
    message: /Split it/,
  },
  {
    name: 'an API key in the query string',
    send: () => post(`${server.url}/v1/ingest?api_key=wisp_abc`, { events: [] }),
    status: 401,
    code: 'WISP_ERR_UNAUTHORIZED',
    message: /query string/,
  },
];

describe('bad requests are refused as a whole with a clear 4xx', () => {
  for (const c of wholeRequestCases) {
    it(c.name, async () => {
      const res = await c.send();
      expect(res.status).toBe(c.status);
      expect(res.json?.error?.code).toBe(c.code);
      expect(res.json?.error?.message).toMatch(c.message);
      await sendGood();
    });
  }
});

const now = Date.now();
type EventCase = [name: string, event: unknown, message: RegExp];
const eventCases: EventCase[] = [
  ['not an object', 42, /must be an object/],
  ['unknown type', { ...testSpan(), type: 'log' }, /type: must be/],
  ['trace id too short', testSpan({ traceId: 'abc' }), /traceId: must be 32 lowercase hex/],
  ['trace id upper case', testSpan({ traceId: 'A'.repeat(32) }), /traceId: must be 32 lowercase hex/],
  ['trace id all zeros', testSpan({ traceId: '0'.repeat(32) }), /traceId: must not be all zeros/],
  ['span id all zeros', testSpan({ spanId: '0'.repeat(16) }), /spanId: must not be all zeros/],
  ['span id not hex', testSpan({ spanId: 'zzzzzzzzzzzzzzzz' }), /spanId: must be 16 lowercase hex/],
  ['parent id all zeros', testSpan({ parentId: '0'.repeat(16) }), /parentId: must not be all zeros/],
  ['negative timestamp', testSpan({ startTime: -1 }), /startTime: -1 is outside/],
  ['NaN as a string', { ...testSpan(), startTime: 'NaN' }, /startTime: must be a finite number/],
  ['null where a number is required', { ...testSpan(), time: null }, /time: must be a finite number/],
  ['year 9999', testSpan({ endTime: Date.UTC(9999, 0, 1) }), /endTime: .* is outside/],
  ['beyond 2^53', { ...testSpan(), time: 2 ** 53 + 2 }, /time: .* is outside/],
  ['time in nanoseconds', testSpan({ time: now * 1e6 }), /time: .* is outside/],
  ['end before start', testSpan({ startTime: now, endTime: now - 1000 }), /endTime: .* is before startTime/],
  ['unknown kind', { ...testSpan(), kind: 'banana' }, /kind: must be one of/],
  ['collector-only status', { ...testSpan(), status: 'abandoned' }, /status: must be one of running, ok, error/],
  ['10,000 attributes', testSpan({ metadata: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) }), /metadata: more than 1000 attributes/],
  ['name too long', testSpan({ name: 'x'.repeat(1001) }), /name: longer than 1000 characters/],
  ['too many tags', testSpan({ trace: { tags: Array.from({ length: 101 }, (_, i) => `t${i}`) } }), /trace.tags: more than 100 tags/],
  ['tag not a string', { ...testSpan(), trace: { tags: [1] } }, /trace.tags\[0\]: must be a string/],
  ['negative token count', testSpan({ usage: { input: -5 } }), /usage.input: must be a finite non-negative number/],
  ['cost as a string', { ...testSpan(), cost: '0.1' }, /cost: must be a finite non-negative number/],
];

describe('bad events are rejected one by one (207) and the good ones stored', () => {
  it.each(eventCases)('%s', async (_name, event, message) => {
    const ok = testSpan();
    const res = await ingest({ events: [ok, event] });
    expect(res.status).toBe(207);
    expect(res.json.accepted).toBe(1);
    expect(res.json.rejected).toBe(1);
    expect(res.json.errors).toHaveLength(1);
    expect(res.json.errors[0].index).toBe(1);
    expect(res.json.errors[0].code).toBe('WISP_ERR_INVALID_EVENT');
    expect(res.json.errors[0].message).toMatch(message);
    good.push(`${ok.traceId}:${ok.spanId}`);
    await sendGood();
  });

  it('an event over the per-event size limit is rejected alone', async () => {
    const small = await startTestServer({ limits: { maxEventBytes: 10_000 } }, { store: new RecordingStore() });
    try {
      const res = await post(`${small.url}/v1/ingest`, { events: [testSpan({ input: 'x'.repeat(20_000) }), testSpan()] });
      expect(res.status).toBe(207);
      expect(res.json.errors[0]).toMatchObject({ index: 0, code: 'WISP_ERR_EVENT_TOO_LARGE' });
      expect(res.json.accepted).toBe(1);
    } finally {
      await small.dispose();
    }
  });
});

describe('OTLP /v1/traces', () => {
  const otlp = (body: string | Uint8Array, contentType: string, headers: Record<string, string> = {}) =>
    post(`${server.url}/v1/traces`, body, { contentType, headers });

  it('malformed protobuf: 400 with a google.rpc.Status in protobuf naming the code', async () => {
    const res = await otlp(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]), 'application/x-protobuf');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/x-protobuf/);
    expect(res.text).toContain('WISP_ERR_BAD_PROTOBUF');
    await sendGood();
  });

  it('malformed OTLP JSON: 400 in JSON', async () => {
    const res = await otlp('{"resourceSpans": [', 'application/json');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('WISP_ERR_BAD_JSON');
    await sendGood();
  });

  it('OTLP JSON nested 10,000 deep: 400 without recursion', async () => {
    const res = await otlp('{"resourceSpans":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}', 'application/json');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/deeper than the limit/);
  });

  it('wrong content type: 415', async () => {
    const res = await otlp('x', 'text/plain');
    expect(res.status).toBe(415);
  });

  it('a gzip bomb: 413', async () => {
    const res = await otlp(gzipSync(Buffer.alloc(64 * 1024 * 1024)), 'application/x-protobuf', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(res.text).toContain('WISP_ERR_BODY_TOO_LARGE');
  });

  it('a brotli bomb: 413', async () => {
    const res = await otlp(brotliFast(Buffer.alloc(64 * 1024 * 1024)), 'application/x-protobuf', { 'content-encoding': 'br' });
    expect(res.status).toBe(413);
    expect(res.text).toContain('WISP_ERR_BODY_TOO_LARGE');
  });

  it('an empty export request is accepted', async () => {
    const res = await otlp('{}', 'application/json');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});
  });
});

describe('prototype keys', () => {
  it('__proto__, constructor and prototype keys are dropped and never pollute prototypes', async () => {
    const span = testSpan();
    const raw = JSON.stringify({ events: [{ ...span, metadata: { ok: 1, PLACEHOLDER: 1 }, input: { nested: { PLACEHOLDER2: 1 } } }] })
      .replace('"PLACEHOLDER"', '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted2":"yes"}},"x"')
      .replace('"PLACEHOLDER2"', '"__pro\\u0074o__":{"polluted3":"yes"},"y"');
    const res = await ingest(raw);
    expect(res.status).toBe(200);
    good.push(`${span.traceId}:${span.spanId}`);
    const stored = await getJson(`/api/v1/traces/${span.traceId}/observations/${span.spanId}`);
    expect(Object.keys(stored.metadata)).toEqual(['ok', 'x']);
    expect(Object.keys(stored.input.nested)).toEqual(['y']);
    const probe = {} as Record<string, unknown>;
    expect(probe.polluted).toBeUndefined();
    expect(probe.polluted2).toBeUndefined();
    expect(probe.polluted3).toBeUndefined();
  });
});

describe('random bytes never get a 5xx', () => {
  it('200 random bodies with random content types and encodings: all 4xx, none stored', async () => {
    const types = ['application/json', 'application/x-protobuf', 'application/protobuf', 'text/plain', '', 'application/json; charset=utf-8'];
    const encodings = [undefined, 'gzip', 'deflate', 'br', 'identity'];
    const before = good.length;
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.alloc(Math.floor(rand() * 2000));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
      // Mix in JSON-looking prefixes so the parsers get past the first byte.
      if (i % 3 === 0) bytes.write('{"events":[{"type":"span",', 0);
      if (i % 3 === 1) bytes.write('{"resourceSpans":[{', 0);
      const path = i % 2 === 0 ? '/v1/ingest' : '/v1/traces';
      const encoding = encodings[i % encodings.length];
      const res = await post(`${server.url}${path}`, bytes, {
        contentType: types[i % types.length]!,
        headers: encoding ? { 'content-encoding': encoding } : {},
      });
      expect(res.status, `case ${i}: ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `case ${i}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
    }
    await sendGood();
    expect(good.length).toBe(before + 1);
  });
});

describe('after all of the above', () => {
  it('exactly the good events were stored, each once, and the database is intact', async () => {
    const stored: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ traceId: string }>; nextCursor: string | null } = await getJson(
        `/api/v1/traces?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      for (const t of page.items) {
        const detail = await getJson(`/api/v1/traces/${t.traceId}`);
        for (const o of detail.observations) stored.push(`${t.traceId}:${o.spanId}`);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.sort()).toEqual([...good].sort());
    const db = (server.store as SqliteStore).db;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
