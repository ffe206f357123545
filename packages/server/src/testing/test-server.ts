/**
 * Starts a real collector on 127.0.0.1 port 0 for tests, with its data in a fresh temp directory,
 * and small helpers to call it. Used by the collector's tests and the end-to-end tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanEvent } from '@wisp/protocol';
import type { WispConfigInput } from '../config/config.js';
import { createWispServer, type WispServer, type WispServerDeps } from '../server.js';

export interface TestServer extends WispServer {
  dataDir: string;
  /** Closes the server and deletes its data directory. */
  dispose(): Promise<void>;
}

export async function startTestServer(config: WispConfigInput = {}, deps: WispServerDeps = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-test-'));
  // Writes stay on the main thread unless a test asks for the worker (it loads built dependencies).
  const server = await createWispServer({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir, storeWriteWorker: false, ...config }, deps);
  return {
    ...server,
    dataDir,
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A unique valid id of `bytes` bytes as lowercase hex (never all zeros). */
export function testId(bytes: 8 | 16): string {
  counter++;
  const rand = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  return (rand + counter.toString(16).padStart(8, '0') + 'a'.repeat(32)).slice(0, bytes * 2);
}

/** A complete, valid span event (phase `full`) ending now. */
export function testSpan(overrides: Partial<SpanEvent> = {}): SpanEvent {
  const now = Date.now();
  return {
    type: 'span',
    phase: 'full',
    traceId: testId(16),
    spanId: testId(8),
    time: now,
    name: 'test-span',
    kind: 'span',
    startTime: now - 5,
    endTime: now,
    status: 'ok',
    ...overrides,
  };
}

export interface PostOptions {
  headers?: Record<string, string>;
  contentType?: string;
}

/** POSTs a body (object → JSON) and returns status, headers and parsed JSON body (or text). */
export async function post(url: string, body: unknown, options: PostOptions = {}) {
  const payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json', ...options.headers },
    body: payload,
  });
  const text = await res.text();
  let json: any = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}
