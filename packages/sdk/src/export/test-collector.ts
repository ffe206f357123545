/**
 * A real HTTP collector on 127.0.0.1 for the exporter's fault tests, whose behaviour can be
 * swapped at any time (healthy, slow, 500, 429, silent, reset, 413, endless body). Test-only.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { IngestEvent } from '@wisp/protocol';

export type CollectorMode =
  | 'healthy'
  | 'slow'
  | 'error500'
  | 'retry429'
  | 'silent'
  | 'reset'
  | 'too_large'
  | 'huge_body';

export interface TestCollector {
  url: string;
  port: number;
  mode: CollectorMode;
  /** When false, a brotli body is answered 415 (as a backend without brotli would). @default true */
  acceptBrotli: boolean;
  /** Span ids of ended spans received (distinct), in a healthy answer or not. */
  readonly ended: Set<string>;
  /** Every request received, with the time it arrived (ms, monotonic). */
  readonly requests: Array<{ at: number; events: number; encoding: string | undefined }>;
  readonly reports: IngestEvent[];
  /** Resolves once `n` distinct ended spans have arrived. */
  waitForSpans(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `n` requests have arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SLOW_MS = 500;

/** A request body as sent, decompressed per its `content-encoding` (br, gzip or none). */
export function decodedBody(encoding: string | string[] | undefined, raw: Buffer): Buffer {
  return encoding === 'gzip' ? gunzipSync(raw) : encoding === 'br' ? brotliDecompressSync(raw) : raw;
}
const HUGE_BODY_BYTES = 1024 ** 3;

export async function startCollector(mode: CollectorMode = 'healthy', port = 0): Promise<TestCollector> {
  const ended = new Set<string>();
  const requests: TestCollector['requests'] = [];
  const reports: IngestEvent[] = [];
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  const silentSockets = new Set<http.ServerResponse>();

  const waitUntil = (ok: () => boolean, what: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      if (ok()) return resolve();
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`collector: timed out waiting for ${what} (spans ${ended.size}, requests ${requests.length})`));
      }, timeoutMs);
      const check = () => {
        if (!ok()) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const encoding = req.headers['content-encoding'];
      if (encoding === 'br' && !collector.acceptBrotli) {
        requests.push({ at: performance.now(), events: 0, encoding });
        res.writeHead(415, { 'content-type': 'application/json' }).end('{"error":{"code":"WISP_ERR_UNSUPPORTED_MEDIA_TYPE"}}');
        notify();
        return;
      }
      const body = JSON.parse(decodedBody(encoding, raw).toString('utf8')) as { events: IngestEvent[] };
      requests.push({ at: performance.now(), events: body.events.length, encoding });
      const accept = () => {
        for (const e of body.events) {
          if (e.type === 'sdk_report') reports.push(e);
          else if (e.phase === 'end' || e.phase === 'full') ended.add(e.spanId);
        }
      };
      switch (collector.mode) {
        case 'healthy':
          accept();
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ accepted: body.events.length, rejected: 0, errors: [] }));
          break;
        case 'slow':
          setTimeout(() => {
            accept();
            res.writeHead(200).end('{"accepted":0,"rejected":0,"errors":[]}');
            notify();
          }, SLOW_MS);
          break;
        case 'error500':
          res.writeHead(500).end('{"error":{"code":"WISP_ERR_INTERNAL","message":"boom"}}');
          break;
        case 'retry429':
          res.writeHead(429, { 'retry-after': '1' }).end('slow down');
          break;
        case 'silent':
          silentSockets.add(res);
          break;
        case 'reset':
          accept();
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"accepted":');
          setImmediate(() => req.socket.destroy());
          break;
        case 'too_large':
          if (body.events.length > 10) {
            res.writeHead(413).end('{"error":{"code":"WISP_ERR_BODY_TOO_LARGE","message":"too large"}}');
          } else {
            accept();
            res.writeHead(200).end('{"accepted":0,"rejected":0,"errors":[]}');
          }
          break;
        case 'huge_body': {
          accept();
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let left = HUGE_BODY_BYTES;
          const stream = new Readable({
            read() {
              if (left <= 0) return void this.push(null);
              left -= chunk.length;
              this.push(chunk);
            },
          });
          stream.on('error', () => {});
          res.on('close', () => stream.destroy());
          stream.pipe(res);
          break;
        }
      }
      notify();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;

  const collector: TestCollector = {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    mode,
    acceptBrotli: true,
    ended,
    requests,
    reports,
    waitForSpans: (n, t) => waitUntil(() => ended.size >= n, `${n} spans`, t),
    waitForRequests: (n, t) => waitUntil(() => requests.length >= n, `${n} requests`, t),
    async close() {
      for (const res of silentSockets) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return collector;
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
