import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestBatch, SpanEvent } from '@wisp/protocol';
import { Wisp } from './client.js';
import { decodedBody } from './export/test-collector.js';

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return decodedBody(req.headers['content-encoding'], Buffer.concat(chunks));
}

describe('the default exporter', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('sends to the endpoint with the API key over the native wire, with the tuning knobs applied', async () => {
    const received: SpanEvent[] = [];
    const keys = new Set<string | undefined>();
    const encodings = new Set<string | undefined>();
    let requests = 0;
    server = createServer((req, res) => {
      void body(req).then((b) => {
        requests++;
        encodings.add(req.headers['content-encoding']);
        keys.add(req.headers['x-wisp-api-key'] as string | undefined);
        const batch = JSON.parse(b.toString()) as IngestBatch;
        for (const e of batch.events) if (e.type === 'span') received.push(e);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ accepted: batch.events.length, rejected: 0, errors: [] }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const wisp = new Wisp({ endpoint: `http://127.0.0.1:${port}`, apiKey: 'wisp_test_key', serviceName: 'svc', maxBatchEvents: 5, lingerMs: 5, compression: 'gzip', flushOnBeforeExit: false, exporterOptions: { reportIntervalMs: 0 } });
    for (let i = 0; i < 10; i++) await wisp.trace(`t${i}`, async () => wisp.startSpan('child').end());
    const result = await wisp.flush(5_000);
    expect(result).toMatchObject({ done: true, remaining: 0 });
    expect(keys).toEqual(new Set(['wisp_test_key']));
    const ended = received.filter((e) => e.phase === 'end' || e.phase === 'full');
    expect(ended).toHaveLength(20);
    expect(new Set(ended.map((e) => e.service))).toEqual(new Set(['svc']));
    // maxBatchEvents: 5 was passed through: 20+ events need at least 4 requests.
    expect(requests).toBeGreaterThanOrEqual(4);
    // compression: 'gzip' was passed through (the default is br); a body under 1 KiB goes uncompressed.
    expect(encodings.has('gzip')).toBe(true);
    expect(encodings.has('br')).toBe(false);
    const s = wisp.stats();
    expect(s).toMatchObject({ created: 20, sent: 20, queued: 0, inFlight: 0 });
    await wisp.shutdown(1_000);
  });
});
