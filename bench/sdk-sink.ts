/**
 * The local sink of the SDK benchmark, run as a child process (so its CPU is not the traced
 * app's): an HTTP server on 127.0.0.1 that counts the spans it receives (Wisp native JSON and
 * OTLP protobuf) and behaves as the parent asks over IPC: healthy, slow (500 ms), 500, 429 with
 * Retry-After, refused (not listening), silent (accepts, never answers), reset (mid-response).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

export type SinkMode = 'healthy' | 'slow' | 'error500' | 'retry429' | 'refused' | 'silent' | 'reset';
export type SinkRequest = { mode: SinkMode } | { count: true } | { reset: true };
export interface SinkCounts {
  wispSpans: number;
  otelSpans: number;
  requests: number;
  bytes: number;
}

let mode: SinkMode = 'healthy';
let port = 0;
const counts: SinkCounts = { wispSpans: 0, otelSpans: 0, requests: 0, bytes: 0 };
const held = new Set<http.ServerResponse>();
const sockets = new Set<Socket>();

/** Counts ended spans in a native batch without parsing it (the sink must stay cheap). */
function countNative(body: string): number {
  let n = 0;
  for (const needle of ['"phase":"full"', '"phase":"end"']) {
    for (let i = body.indexOf(needle); i !== -1; i = body.indexOf(needle, i + needle.length)) n++;
  }
  return n;
}

/** Reads a protobuf varint at `pos`; returns [value, next position]. */
function varint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Calls `fn` for every length-delimited field `field` of the message in buf[start, end). */
function eachField(buf: Buffer, start: number, end: number, field: number, fn: (s: number, e: number) => void): void {
  let pos = start;
  while (pos < end) {
    const [key, p1] = varint(buf, pos);
    const wire = key & 7;
    const num = Math.floor(key / 8);
    pos = p1;
    if (wire === 0) pos = varint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, p2] = varint(buf, pos);
      if (num === field) fn(p2, p2 + len);
      pos = p2 + len;
    } else return;
  }
}

/** ExportTraceServiceRequest.resource_spans(1).scope_spans(2).spans(2). */
function countOtlpProto(buf: Buffer): number {
  let n = 0;
  eachField(buf, 0, buf.length, 1, (rs, re) =>
    eachField(buf, rs, re, 2, (ss, se) => eachField(buf, ss, se, 2, () => n++)),
  );
  return n;
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let raw = Buffer.concat(chunks);
    counts.requests++;
    counts.bytes += raw.length;
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    else if (req.headers['content-encoding'] === 'br') raw = brotliDecompressSync(raw);
    const otlp = req.url === '/v1/traces';
    const accept = () => {
      if (otlp) counts.otelSpans += countOtlpProto(raw);
      else counts.wispSpans += countNative(raw.toString('utf8'));
    };
    const ok = () => {
      if (otlp) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":0,"rejected":0,"errors":[]}');
    };
    switch (mode) {
      case 'healthy':
        accept();
        ok();
        break;
      case 'slow':
        setTimeout(() => {
          accept();
          ok();
        }, 500);
        break;
      case 'error500':
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"X","message":"boom"}}');
        break;
      case 'retry429':
        res.writeHead(429, { 'retry-after': '1' }).end();
        break;
      case 'silent':
        held.add(res);
        break;
      case 'reset':
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"acc');
        setImmediate(() => req.socket.destroy());
        break;
      case 'refused':
        req.socket.destroy();
        break;
    }
  });
});
server.keepAliveTimeout = 30_000;
server.on('connection', (s: Socket) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});

function listen(): Promise<void> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
}

async function setMode(next: SinkMode): Promise<void> {
  for (const res of held) res.destroy();
  held.clear();
  if (mode === 'refused' && next !== 'refused') await listen();
  if (next === 'refused' && mode !== 'refused') {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  }
  mode = next;
}

process.on('message', (msg: SinkRequest) => {
  void (async () => {
    if ('mode' in msg) await setMode(msg.mode);
    if ('reset' in msg) Object.assign(counts, { wispSpans: 0, otelSpans: 0, requests: 0, bytes: 0 });
    process.send!({ counts });
  })();
});
process.on('disconnect', () => process.exit(0));

await listen();
port = (server.address() as AddressInfo).port;
process.send!({ port });
