/**
 * A real collector for the query tests: createWispServer on 127.0.0.1 port 0 with SQLite in a temp
 * dir, API keys required, two projects (A and B) with a key each, and helpers to ingest and query.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestEvent } from '@wisp/protocol';
import { createWispServer, type WispServer } from '../../packages/server/src/server.js';

export const ADMIN_SECRET = 'query-test-admin-secret-0123456789';

export interface QueryServer {
  wisp: WispServer;
  url: string;
  keyA: string;
  keyB: string;
  /** GET a path with a key; returns status, parsed JSON (or text) and headers. */
  get(path: string, key?: string): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  ingest(events: IngestEvent[], key?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startQueryServer(): Promise<QueryServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-query-'));
  const wisp = await createWispServer({ port: 0, host: '127.0.0.1', dataDir, adminSecret: ADMIN_SECRET, requireApiKeys: true, logLevel: 'warn' });
  const url = wisp.url;
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'x-wisp-api-key': ADMIN_SECRET, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { secret: string };
  };
  await admin('/api/v1/projects', { id: 'proj-a', name: 'A' });
  await admin('/api/v1/projects', { id: 'proj-b', name: 'B' });
  const keyA = (await admin('/api/v1/projects/proj-a/keys', { name: 'a' })).secret;
  const keyB = (await admin('/api/v1/projects/proj-b/keys', { name: 'b' })).secret;
  const server: QueryServer = {
    wisp,
    url,
    keyA,
    keyB,
    async get(path, key = keyA) {
      const res = await fetch(url + path, { headers: { authorization: `Bearer ${key}` } });
      const text = await res.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body, text, headers: res.headers };
    },
    async ingest(events, key = keyA) {
      for (let i = 0; i < events.length; i += 5_000) {
        const res = await fetch(`${url}/v1/ingest`, {
          method: 'POST',
          headers: { 'x-wisp-api-key': key, 'content-type': 'application/json' },
          body: JSON.stringify({ events: events.slice(i, i + 5_000) }),
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`ingest: ${res.status} ${text}`);
      }
    },
    async close() {
      await wisp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
