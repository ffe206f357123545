/**
 * Auth with keys required: the project always comes from the key; missing, wrong and revoked keys
 * get 401; a key never reaches another project; admin routes need the admin secret; keys never
 * appear in the logs.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestServer, testSpan, type TestServer } from '../testing/test-server.js';
import { RecordingStore } from '../testing/recording-store.js';

const ADMIN = 'admin-secret-0123456789abcdef';
let server: TestServer;
let store: RecordingStore;
let logs = '';
let keyA: { id: string; secret: string };
let keyB: { id: string; secret: string };

async function api(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}
const admin = { 'x-wisp-api-key': ADMIN };

beforeAll(async () => {
  store = new RecordingStore();
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs += String(chunk);
      cb();
    },
  });
  server = await startTestServer({ requireApiKeys: true, adminSecret: ADMIN, logLevel: 'info', keyCacheTtlMs: 300 }, { store, logStream });
  expect((await api('POST', '/api/v1/projects', admin, { id: 'alpha', name: 'Alpha' })).status).toBe(201);
  expect((await api('POST', '/api/v1/projects', admin, { id: 'beta', name: 'Beta', retentionDays: 7 })).status).toBe(201);
  keyA = (await api('POST', '/api/v1/projects/alpha/keys', admin, { name: 'ci' })).json;
  keyB = (await api('POST', '/api/v1/projects/beta/keys', admin, {})).json;
});
afterAll(() => server.dispose());

describe('keys', () => {
  it('are generated as wisp_ + base62, stored hashed, shown once', async () => {
    expect(keyA.secret).toMatch(/^wisp_[0-9A-Za-z]{40}$/);
    const stored = [...store.keys.values()].find((k) => k.id === keyA.id)!;
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(keyA.secret);
    const list = await api('GET', '/api/v1/projects/alpha/keys', admin);
    expect(list.json.items).toHaveLength(1);
    expect(list.json.items[0].secret).toBeUndefined();
    expect(list.json.items[0].prefix).toBe(keyA.secret.slice(0, 9));
  });

  it('missing, malformed and wrong keys get 401', async () => {
    const span = testSpan();
    const cases: Array<Record<string, string>> = [{}, { 'x-wisp-api-key': 'nope' }, { 'x-wisp-api-key': `wisp_${'A'.repeat(40)}` }, { authorization: 'Basic abc' }];
    for (const headers of cases) {
      const res = await post(`${server.url}/v1/ingest`, { events: [span] }, { headers });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('WISP_ERR_UNAUTHORIZED');
    }
    expect(store.spans.find((s) => s.spanId === span.spanId)).toBeUndefined();
  });

  it('the project comes from the key, never from the body', async () => {
    const span = testSpan();
    const res = await post(`${server.url}/v1/ingest`, { projectId: 'beta', events: [{ ...span, projectId: 'beta' }] }, { headers: { authorization: `Bearer ${keyA.secret}` } });
    expect(res.status).toBe(200);
    expect(store.spans.find((s) => s.spanId === span.spanId)?.projectId).toBe('alpha');
  });

  it('a key of one project cannot select another project', async () => {
    const res = await api('GET', '/api/v1/whoami', { 'x-wisp-api-key': keyA.secret, 'x-wisp-project': 'beta' });
    expect(res.status).toBe(403);
    const own = await api('GET', '/api/v1/whoami', { 'x-wisp-api-key': keyB.secret });
    expect(own.json).toEqual({ projectId: 'beta', admin: false, authRequired: true });
  });

  it('a project key may not manage projects or keys', async () => {
    expect((await api('GET', '/api/v1/projects', { 'x-wisp-api-key': keyA.secret })).status).toBe(403);
    expect((await api('POST', '/api/v1/projects/beta/keys', { 'x-wisp-api-key': keyA.secret }, {})).status).toBe(403);
    expect((await api('GET', '/api/v1/projects')).status).toBe(401);
  });

  it('the admin may select a project for reads, and unknown projects are 404', async () => {
    expect((await api('GET', '/api/v1/whoami', { ...admin, 'x-wisp-project': 'beta' })).json).toMatchObject({ projectId: 'beta', admin: true });
    expect((await api('GET', '/api/v1/whoami', { ...admin, 'x-wisp-project': 'nope' })).status).toBe(404);
  });

  it('a revoked key stops working at once in this process', async () => {
    const k = (await api('POST', '/api/v1/projects/alpha/keys', admin, { name: 'temp' })).json;
    const headers = { 'x-wisp-api-key': k.secret };
    expect((await post(`${server.url}/v1/ingest`, { events: [testSpan()] }, { headers })).status).toBe(200);
    expect((await api('DELETE', `/api/v1/projects/alpha/keys/${k.id}`, admin)).status).toBe(204);
    expect((await post(`${server.url}/v1/ingest`, { events: [testSpan()] }, { headers })).status).toBe(401);
    expect((await api('DELETE', `/api/v1/projects/alpha/keys/${k.id}`, admin)).status).toBe(404);
  });

  it('a key revoked by another process (directly in the store) stops working within the cache TTL', async () => {
    const k = (await api('POST', '/api/v1/projects/alpha/keys', admin, { name: 'other' })).json;
    const headers = { 'x-wisp-api-key': k.secret };
    expect((await api('GET', '/api/v1/whoami', headers)).status).toBe(200);
    await store.revokeKey('alpha', k.id, Date.now());
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3000) {
      status = (await api('GET', '/api/v1/whoami', headers)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1500);
  });

  it('projects: list, create (conflict), patch retention', async () => {
    const list = await api('GET', '/api/v1/projects', admin);
    expect(list.json.items.map((p: { id: string }) => p.id).sort()).toEqual(['alpha', 'beta', 'default']);
    expect((await api('POST', '/api/v1/projects', admin, { id: 'alpha', name: 'again' })).status).toBe(409);
    expect((await api('POST', '/api/v1/projects', admin, { id: 'Bad Id!', name: 'x' })).status).toBe(400);
    const patched = await api('PATCH', '/api/v1/projects/beta', admin, { retentionDays: 90 });
    expect(patched.json.retentionDays).toBe(90);
    expect((await api('PATCH', '/api/v1/projects/beta', admin, { retentionDays: -1 })).status).toBe(400);
    expect((await api('PATCH', '/api/v1/projects/zzz', admin, { retentionDays: 3 })).status).toBe(404);
  });

  it('health checks need no key; metrics do', async () => {
    expect((await api('GET', '/healthz')).status).toBe(200);
    expect((await api('GET', '/readyz')).status).toBe(200);
    expect((await api('GET', '/metrics')).status).toBe(401);
    expect((await api('GET', '/metrics', admin)).status).toBe(200);
  });

  it('keys and the admin secret never appear in the logs', async () => {
    await post(`${server.url}/v1/ingest?api_key=${keyB.secret}`, { events: [] });
    await post(`${server.url}/v1/ingest`, { events: [testSpan({ name: 'payload-marker-123' })] }, { headers: { 'x-wisp-api-key': keyB.secret } });
    await api('GET', '/api/v1/whoami', { authorization: `Bearer ${keyA.secret}` });
    expect(logs).toContain('request completed');
    for (const secret of [keyA.secret, keyB.secret, ADMIN, keyA.secret.slice(5), 'payload-marker-123']) expect(logs).not.toContain(secret);
  });
});

describe('loopback mode without keys', () => {
  it('keyless requests go to the default project as admin; a wrong key is still 401', async () => {
    const open = await startTestServer({}, { store: new RecordingStore() });
    try {
      const who = await fetch(`${open.url}/api/v1/whoami`).then((r) => r.json());
      expect(who).toEqual({ projectId: 'default', admin: true, authRequired: false });
      const res = await post(`${open.url}/v1/ingest`, { events: [testSpan()] }, { headers: { 'x-wisp-api-key': 'wisp_wrong' } });
      expect(res.status).toBe(401);
    } finally {
      await open.dispose();
    }
  });

  it('a non-loopback host refuses to start without an admin secret', async () => {
    await expect(startTestServer({ host: '0.0.0.0' }, { store: new RecordingStore() })).rejects.toThrow(/WISP_ADMIN_SECRET/);
  });
});
