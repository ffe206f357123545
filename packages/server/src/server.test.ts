import { randomBytes } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './http/dashboard.js';
import { RecordingStore } from './testing/recording-store.js';
import { post, startTestServer, testSpan, type TestServer } from './testing/test-server.js';

const servers: TestServer[] = [];
async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
async function start(...args: Parameters<typeof startTestServer>) {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});

describe('operations', () => {
  it('healthz, readyz and Prometheus metrics', async () => {
    const s = await start({}, { store: new RecordingStore() });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${s.url}/readyz`)).json()).toEqual({ status: 'ready' });
    await post(`${s.url}/v1/ingest`, { events: [testSpan(), testSpan(), { type: 'span' }] });
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toContain('wisp_ingest_spans_accepted_total{protocol="native"} 2');
    expect(text).toContain('wisp_ingest_events_rejected_total{code="WISP_ERR_INVALID_EVENT"} 1');
    expect(text).toMatch(/wisp_store_commit_seconds_count 1/);
    expect(text).toContain('wisp_write_queue_events 0');
    expect(text).toContain('wisp_store_size_bytes 4096');
  });

  it('many concurrent requests are committed in fewer transactions, each answered after its commit', async () => {
    const store = new RecordingStore();
    const s = await start({}, { store });
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    let answered = 0;
    const requests = Array.from({ length: 40 }, () =>
      post(`${s.url}/v1/ingest`, { events: [testSpan(), testSpan()] }).then((r) => {
        answered++;
        return r;
      }),
    );
    // Wait until all 80 events are queued behind the held commit; none may be answered before it.
    await waitFor(async () => (await fetch(`${s.url}/metrics`).then((r) => r.text())).includes('wisp_write_queue_events 80'));
    expect(answered).toBe(0);
    release();
    store.gate = null;
    const answers = await Promise.all(requests);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(store.spans).toHaveLength(80);
    expect(store.writes.length).toBeLessThan(40);
    expect(store.writes.length).toBeGreaterThanOrEqual(1);
  });

  it('overload answers 429 with Retry-After and readyz reports it; the queue recovers', async () => {
    const store = new RecordingStore();
    const s = await start({ writeQueue: { maxQueuedEvents: 100, maxCommitEvents: 100 } }, { store });
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    const batch = () => ({ events: Array.from({ length: 95 }, () => testSpan()) });
    const first = post(`${s.url}/v1/ingest`, batch());
    await waitFor(async () => (await fetch(`${s.url}/metrics`).then((r) => r.text())).includes('wisp_write_queue_events 95'));
    const refused = await post(`${s.url}/v1/ingest`, batch());
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.json.error.code).toBe('WISP_ERR_OVERLOADED');
    expect((await fetch(`${s.url}/readyz`)).status).toBe(503);
    release();
    store.gate = null;
    expect((await first).status).toBe(200);
    expect((await post(`${s.url}/v1/ingest`, batch())).status).toBe(200);
  });

  it('while the queue is saturated, a request is refused before its body is read', async () => {
    const store = new RecordingStore();
    const s = await start({ writeQueue: { maxQueuedEvents: 100, maxCommitEvents: 100 } }, { store });
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    const first = post(`${s.url}/v1/ingest`, { events: Array.from({ length: 95 }, () => testSpan()) });
    await waitFor(async () => (await fetch(`${s.url}/metrics`).then((r) => r.text())).includes('wisp_write_queue_events 95'));
    // Declare a 1 MB body and send only 10 bytes of it: the answer must not wait for the rest.
    const { request } = await import('node:http');
    const status = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
      const req = request(`${s.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 1_000_000 } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined });
        req.destroy();
      });
      req.on('error', reject);
      req.write('{"events":');
    });
    expect(status).toEqual({ status: 429, retryAfter: '1' });
    release();
    store.gate = null;
    expect((await first).status).toBe(200);
  });

  it('a failing store answers 503 with Retry-After, never losing the acknowledgement semantics', async () => {
    const store = new RecordingStore();
    const s = await start({}, { store });
    store.failWrites = new Error('SQLITE_FULL: database or disk is full');
    const res = await post(`${s.url}/v1/ingest`, { events: [testSpan()] });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.json.error.code).toBe('WISP_ERR_UNAVAILABLE');
    expect(res.text).not.toContain('SQLITE_FULL');
    store.failWrites = null;
    expect((await post(`${s.url}/v1/ingest`, { events: [testSpan()] })).status).toBe(200);
  });

  it('background jobs run on their timers and stop on close', async () => {
    const store = new RecordingStore();
    const s = await start({ abandonSweepIntervalMs: 20, retentionIntervalMs: 20, abandonAfterMs: 5000 }, { store });
    const t0 = Date.now();
    while ((store.markAbandonedCalls.length === 0 || store.deleteExpiredCalls === 0) && Date.now() - t0 < 2000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(store.markAbandonedCalls[0]).toBeLessThanOrEqual(Date.now() - 5000);
    expect(store.deleteExpiredCalls).toBeGreaterThan(0);
    await s.close();
    expect(store.closed).toBe(true);
    const calls = store.markAbandonedCalls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(store.markAbandonedCalls.length).toBe(calls);
  });

  it('close waits for requests in flight to be committed', async () => {
    const store = new RecordingStore();
    const s = await start({}, { store });
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    const inflight = post(`${s.url}/v1/ingest`, { events: [testSpan()] });
    await waitFor(async () => (await fetch(`${s.url}/metrics`).then((r) => r.text())).includes('wisp_write_queue_events 1'));
    const closed = s.close();
    setTimeout(() => release(), 50);
    expect((await inflight).status).toBe(200);
    await closed;
    expect(store.spans).toHaveLength(1);
  });
});

describe('key usage', () => {
  it('lastUsedAt is written lazily (not per request) and flushed on close', async () => {
    const admin = 'usage-admin-secret-0123456789';
    const s = await startTestServer({ requireApiKeys: true, adminSecret: admin });
    try {
      const created = await post(`${s.url}/api/v1/projects/default/keys`, { name: 'k' }, { headers: { 'x-wisp-api-key': admin } });
      const key = created.json as { id: string; secret: string };
      const before = Date.now();
      for (let i = 0; i < 5; i++) expect((await post(`${s.url}/v1/ingest`, { events: [testSpan()] }, { headers: { 'x-wisp-api-key': key.secret } })).status).toBe(200);
      expect((await s.store.listKeys('default')).find((k) => k.id === key.id)?.lastUsedAt).toBeNull();
      await s.close();
      const { SqliteStore } = await import('./store/sqlite/sqlite-store.js');
      const reopened = new SqliteStore({ path: join(s.dataDir, 'wisp.db') });
      await reopened.migrate();
      const used = (await reopened.listKeys('default')).find((k) => k.id === key.id)?.lastUsedAt;
      await reopened.close();
      expect(used).toBeGreaterThanOrEqual(before);
    } finally {
      rmSync(s.dataDir, { recursive: true, force: true });
    }
  });
});

describe('store writes in a worker thread', () => {
  it('commits, reads back, sweeps, applies retention and closes', async () => {
    const s = await start({ storeWriteWorker: true, abandonSweepIntervalMs: 20 });
    const spans = Array.from({ length: 20 }, () => testSpan());
    const res = await post(`${s.url}/v1/ingest`, { events: spans });
    expect(res.status).toBe(200);
    // Acknowledged means committed: the main thread's connection sees it at once.
    const detail = await fetch(`${s.url}/api/v1/traces/${spans[7]!.traceId}`);
    expect(detail.status).toBe(200);
    expect(await s.store.markAbandoned(Date.now() - 3_600_000)).toBeGreaterThanOrEqual(0);
    expect(await s.store.deleteExpired(Date.now(), 1000)).toBe(0);
    const bad = await post(`${s.url}/v1/ingest`, { events: [testSpan({ traceId: '0'.repeat(32) })] });
    expect(bad.status).toBe(207);
  });
});

describe('dashboard', () => {
  it('serves the built UI with an SPA fallback and strict security headers on every response', async () => {
    const uiDir = mkdtempSync(join(tmpdir(), 'wisp-ui-'));
    mkdirSync(join(uiDir, 'assets'));
    writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>wisp ui</title>');
    writeFileSync(join(uiDir, 'assets', 'app.js'), 'console.log(1)');
    try {
      const s = await start({ uiDir }, { store: new RecordingStore() });
      for (const path of ['/', '/traces/abc', '/assets/app.js', '/api/v1/whoami', '/v1/nothing']) {
        const res = await fetch(`${s.url}${path}`);
        expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      }
      expect(await (await fetch(`${s.url}/traces/abc`)).text()).toContain('wisp ui');
      // An app path whose id holds a dot is still the app, not a missing file.
      expect(await (await fetch(`${s.url}/sessions/conv.42`)).text()).toContain('wisp ui');
      expect(await (await fetch(`${s.url}/assets/app.js`)).text()).toBe('console.log(1)');
      expect((await fetch(`${s.url}/assets/missing.js`)).status).toBe(404);
      const api404 = await fetch(`${s.url}/api/v1/nothing`);
      expect(api404.status).toBe(404);
      expect(((await api404.json()) as { error: { code: string } }).error.code).toBe('WISP_ERR_NOT_FOUND');
    } finally {
      rmSync(uiDir, { recursive: true, force: true });
    }
  });

  it('says how to build the UI when it is missing', async () => {
    const s = await start({ uiDir: join(tmpdir(), 'wisp-no-ui-here') }, { store: new RecordingStore() });
    const res = await fetch(`${s.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/npm run build/);
  });
});

describe('compression', () => {
  it('gzips large API answers for clients that accept it, and leaves small ones and gzip ingest alone', async () => {
    const s = await start();
    const traceId = 'ab'.repeat(16);
    const spans = Array.from({ length: 300 }, (_, i) => testSpan({ traceId, spanId: (i + 1).toString(16).padStart(16, '0'), name: `step-${i}` }));
    expect((await post(`${s.url}/v1/ingest`, { events: spans })).status).toBe(200);
    const gz = gzipSync(JSON.stringify({ events: [testSpan({ traceId })] }));
    const ingest = await post(`${s.url}/v1/ingest`, gz, { headers: { 'content-encoding': 'gzip' } });
    expect(ingest.status).toBe(200);
    expect(ingest.headers.get('content-encoding')).toBeNull();

    const detail = await fetch(`${s.url}/api/v1/traces/${traceId}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(detail.status).toBe(200);
    expect(detail.headers.get('content-encoding')).toBe('gzip');
    const body = (await detail.json()) as { observations: unknown[] };
    expect(body.observations).toHaveLength(301);

    const plain = await fetch(`${s.url}/api/v1/traces/${traceId}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(((await plain.json()) as { observations: unknown[] }).observations).toHaveLength(301);
  });

  it('accepts brotli bodies on both ingest endpoints (the SDK sends br by default)', async () => {
    const s = await start();
    const traceId = 'cd'.repeat(16);
    const native = brotliCompressSync(JSON.stringify({ events: [testSpan({ traceId, spanId: '00000000000000a1', name: 'native-br' })] }));
    const a = await post(`${s.url}/v1/ingest`, native, { headers: { 'content-encoding': 'br' } });
    expect(a.status, a.text).toBe(200);
    const otlp = brotliCompressSync(
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId,
                    spanId: '00000000000000b2',
                    name: 'otlp-br',
                    startTimeUnixNano: String(Date.now() * 1e6),
                    endTimeUnixNano: String(Date.now() * 1e6 + 1e6),
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const b = await post(`${s.url}/v1/traces`, otlp, { contentType: 'application/json', headers: { 'content-encoding': 'br' } });
    expect(b.status, b.text).toBe(200);
    const detail = (await (await fetch(`${s.url}/api/v1/traces/${traceId}`)).json()) as { observations: Array<{ name: string }> };
    expect(detail.observations.map((o) => o.name).sort()).toEqual(['native-br', 'otlp-br']);

    // Over 64 KiB compressed, bodies are decompressed on the thread pool instead of inline.
    const bigTrace = 'ef'.repeat(16);
    const spans = Array.from({ length: 400 }, (_, i) =>
      testSpan({ traceId: bigTrace, spanId: (i + 1).toString(16).padStart(16, '0'), name: `big-${i}`, input: randomBytes(256).toString('hex') }),
    );
    const big = brotliCompressSync(JSON.stringify({ events: spans }));
    expect(big.length).toBeGreaterThan(64 * 1024);
    const c = await post(`${s.url}/v1/ingest`, big, { headers: { 'content-encoding': 'br' } });
    expect(c.status, c.text).toBe(200);
    const bigDetail = (await (await fetch(`${s.url}/api/v1/traces/${bigTrace}`)).json()) as { observations: unknown[] };
    expect(bigDetail.observations).toHaveLength(400);
  });
});
