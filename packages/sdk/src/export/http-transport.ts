import http from 'node:http';
import https from 'node:https';
import { outcomeFromResponse } from './response-outcome.js';
import type { SendOutcome, Transport } from './transport.js';

export interface HttpTransportOptions {
  /** Full URL of the endpoint, e.g. `http://127.0.0.1:4318/v1/ingest`. */
  url: string;
  /** Sent with every request (API key, user headers). */
  headers: Record<string, string>;
  /** Per-attempt deadline; the request is destroyed when it passes. */
  timeoutMs: number;
  /** Response bodies are read up to this many bytes; the rest is never buffered. */
  maxResponseBytes: number;
  /** Sockets kept open (keep-alive); one per request in flight. */
  maxSockets: number;
  /** Wall clock for HTTP-date `Retry-After`. */
  wallNow?: () => number;
}

export interface HttpTransport {
  send: Transport;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

/**
 * The Node transport: one POST per call over a private keep-alive agent (the app's global agent
 * and its settings are untouched). Never throws: every error becomes an outcome.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const url = new URL(options.url);
  const secure = url.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const request = secure ? https.request : http.request;
  const wallNow = options.wallNow ?? Date.now;

  const send: Transport = ({ body, headers, signal }) =>
    new Promise<SendOutcome>((resolve) => {
      let finished = false;
      const finish = (outcome: SendOutcome) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const req = request(url, {
        method: 'POST',
        agent,
        headers: { ...options.headers, ...headers, 'content-length': String(body.byteLength) },
      });
      const timer = setTimeout(() => {
        finish({ kind: 'retryable', cause: 'timeout' });
        req.destroy();
      }, options.timeoutMs);
      timer.unref();
      const onAbort = () => {
        finish({ kind: 'retryable', cause: 'aborted' });
        req.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', () => finish({ kind: 'retryable', cause: 'network' }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const complete = () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const retryAfter = res.headers['retry-after'];
          finish(outcomeFromResponse(res.statusCode ?? 0, retryAfter, text, wallNow()));
        };
        res.on('data', (chunk: Buffer) => {
          if (finished) return;
          const room = options.maxResponseBytes - size;
          if (chunk.length >= room) {
            chunks.push(chunk.subarray(0, room));
            size += room;
            // The answer we need is in the head; do not read (or keep the socket for) the rest.
            complete();
            res.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', complete);
        res.on('aborted', () => finish({ kind: 'retryable', cause: 'network' }));
        res.on('error', () => finish({ kind: 'retryable', cause: 'network' }));
      });
      if (signal.aborted) onAbort();
      else req.end(body);
    });

  return { send, close: () => agent.destroy() };
}
