/**
 * Hostile query strings: quotes, LIKE wildcards, SQL fragments, huge and invalid numbers, negative
 * limits, 10 KB strings, unknown parameters and garbage cursors. Each is answered correctly (the
 * value is matched literally) or with a 400 naming the parameter; never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { startQueryServer, type QueryServer } from './query-harness.js';

let server: QueryServer;
const T0 = Date.now() - 5 * 60_000;

const LITERALS = [
  "o'brien",
  'say "hi"',
  '100% sure',
  'snake_case_name',
  'back\\slash',
  "' OR 1=1 --",
  '"; DROP TABLE traces; --',
  'x) OR (1=1',
  '%',
  '_',
  '\\',
  'NEAR(a b)',
  'a* OR b',
  '日本語のテキスト',
];

function traceWithName(i: number, name: string): SpanEvent {
  return {
    type: 'span', phase: 'full', traceId: (i + 1).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), time: T0 + i,
    name, kind: 'agent', startTime: T0 + i, endTime: T0 + i + 10, status: 'ok', input: `input of ${name}`,
    trace: { userId: name, sessionId: name, tags: [name], release: name, environment: name },
  };
}

beforeAll(async () => {
  server = await startQueryServer();
  await server.ingest([...LITERALS.map((name, i) => traceWithName(i, name)), traceWithName(100, 'plain'), traceWithName(101, '1000 sure')]);
});

afterAll(async () => {
  await server?.close();
});

async function traceNames(query: string): Promise<string[]> {
  const res = await server.get(`/api/v1/traces?${query}`);
  expect(res.status, `${query}: ${res.text}`).toBe(200);
  return res.body.items.map((t: { name: string }) => t.name).sort();
}

describe('hostile filter values', () => {
  it('match literally in every equality filter', async () => {
    for (const value of LITERALS) {
      const v = encodeURIComponent(value);
      for (const param of ['name', 'spanName', 'userId', 'sessionId', 'tags', 'release', 'environment']) {
        expect(await traceNames(`${param}=${v}`), `${param}=${value}`).toEqual([value]);
      }
      const session = await server.get(`/api/v1/sessions/${v}`);
      expect(session.body.session?.sessionId, value).toBe(value);
      expect(session.status, value).toBe(200);
      expect(session.body.traces).toHaveLength(1);
      expect((await server.get(`/api/v1/users/${v}`)).body.userId).toBe(value);
    }
  });

  it('search treats %, _, \\ and quotes as text, also under 3 characters', async () => {
    for (const value of LITERALS) {
      const want = [...LITERALS, 'plain', '1000 sure'].filter((n) => `${n} input of ${n}`.toLowerCase().includes(value.toLowerCase())).sort();
      expect(await traceNames(`search=${encodeURIComponent(value)}`), value).toEqual(want);
    }
    expect(await traceNames('search=0%25')).toEqual(['100% sure']);
    expect(await traceNames('search=e_c')).toEqual(['snake_case_name']);
  });

  it('rejects bad numbers, sizes, enums, cursors and unknown parameters with 400', async () => {
    const big = 'x'.repeat(10_240);
    const cases = [
      '/api/v1/traces?limit=-1',
      '/api/v1/traces?limit=0',
      '/api/v1/traces?limit=201',
      '/api/v1/traces?limit=1e400',
      '/api/v1/traces?limit=NaN',
      '/api/v1/traces?limit=1.5',
      '/api/v1/traces?from=-5',
      '/api/v1/traces?from=99999999999999999999',
      '/api/v1/traces?from=Infinity',
      '/api/v1/traces?to=abc',
      '/api/v1/traces?minLatencyMs=-1',
      '/api/v1/traces?minCost=1e309',
      '/api/v1/traces?minLatencyMs=10&maxLatencyMs=5',
      '/api/v1/traces?from=1800000000000&to=1700000000000',
      '/api/v1/traces?status=broken',
      '/api/v1/traces?kind=%27%20OR%201%3D1',
      '/api/v1/traces?sort=name',
      '/api/v1/traces?order=sideways',
      `/api/v1/traces?name=${big}`,
      `/api/v1/traces?search=${big}`,
      `/api/v1/traces?${Array.from({ length: 21 }, (_, i) => `tags=t${i}`).join('&')}`,
      '/api/v1/traces?cursor=%27%20OR%201%3D1%20--',
      `/api/v1/traces?cursor=${Buffer.from('["startTime:desc",0,"x",1]').toString('base64url')}`,
      `/api/v1/traces?cursor=${Buffer.from('["cost:desc",0,1,1]').toString('base64url')}`,
      `/api/v1/traces?cursor=${'A'.repeat(600)}`,
      '/api/v1/traces?name=a&name=b',
      '/api/v1/traces?projectId=proj-b',
      '/api/v1/traces?unknown=1',
      '/api/v1/traces?traceIds=nothex',
      '/api/v1/traces/facets?field=%27',
      `/api/v1/traces/${'z'.repeat(32)}`,
      "/api/v1/traces/' OR 1=1 --",
      `/api/v1/sessions/${big}`,
      '/api/v1/sessions?limit=1000',
      '/api/v1/users?cursor=bad!cursor',
      '/api/v1/users?from=NaN',
      '/api/v1/metrics?bucketMs=-60000',
      '/api/v1/metrics?from=1&to=2',
      '/api/v1/sdk-health?bucketMs=1',
      '/api/v1/export/traces.csv?limit=100000',
      '/api/v1/export/traces.ndjson?status=nope',
      '/api/v1/live?x=1',
    ];
    for (const path of cases) {
      const res = await server.get(path);
      expect(res.status, `${path.slice(0, 120)}: ${res.text.slice(0, 200)}`).toBe(400);
      expect(res.body.error.code, path.slice(0, 120)).toBe('WISP_ERR_BAD_QUERY');
    }
  });

  it('answers huge but valid values without error', async () => {
    const cases: Array<[string, number, number | null]> = [
      ['/api/v1/traces?minLatencyMs=31622400000', 200, 0],
      ['/api/v1/traces?minCost=1000000000', 200, 0],
      [`/api/v1/traces?name=${'x'.repeat(1_000)}`, 200, 0],
      [`/api/v1/traces?search=${'%'.repeat(200)}`, 200, 0],
      ['/api/v1/traces?search=%22%22%22', 200, 0],
      ['/api/v1/traces?from=946684800000&to=4102444800000', 200, LITERALS.length + 2],
      ['/api/v1/traces?limit=', 200, LITERALS.length + 2],
      [`/api/v1/users/${encodeURIComponent("' OR 1=1 --")}x`, 404, null],
      [`/api/v1/users/${'u'.repeat(500)}`, 404, null],
      [`/api/v1/sessions/${encodeURIComponent('a/b')}`, 404, null],
    ];
    for (const [path, status, count] of cases) {
      const res = await server.get(path);
      expect(res.status, `${path.slice(0, 100)}: ${res.text.slice(0, 200)}`).toBe(status);
      if (count !== null) expect(res.body.items, path.slice(0, 100)).toHaveLength(count);
    }
  });
});
