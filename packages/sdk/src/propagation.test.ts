import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Wisp } from './client.js';
import { InMemoryExporter } from './in-memory-exporter.js';
import { extractContext, formatTraceparent, injectContext, parseTraceparent } from './propagation.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('parses valid headers and rejects malformed ones', () => {
    expect(parseTraceparent(TP)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true });
    expect(parseTraceparent(TP.replace(/-01$/, '-00'))?.sampled).toBe(false);
    for (const bad of [
      undefined, 42, '', 'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01',
      `${TP}-extra`,
    ]) expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    // A future version may append fields.
    expect(parseTraceparent(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future`)).toBeDefined();
  });

  it('round-trips through header objects and Headers, passing tracestate through', () => {
    const ctx = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true, traceState: 'vendor=abc' };
    const obj: Record<string, string> = {};
    injectContext(ctx, obj);
    expect(obj).toEqual({ traceparent: formatTraceparent(ctx), tracestate: 'vendor=abc' });
    expect(extractContext(obj)).toEqual(ctx);
    const headers = new Headers();
    injectContext(ctx, headers);
    expect(extractContext(headers)).toEqual(ctx);
    expect(extractContext({ TraceParent: TP })?.spanId).toBe('00f067aa0ba902b7');
    expect(extractContext(null)).toBeUndefined();
    expect(extractContext({})).toBeUndefined();
  });
});

describe('a trace crossing processes over HTTP', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('the server continues the caller trace; the remote sampling decision is honoured', async () => {
    const callerMemory = new InMemoryExporter();
    const serverMemory = new InMemoryExporter();
    const caller = new Wisp({ exporters: [callerMemory], serviceName: 'caller', flushOnBeforeExit: false });
    const service = new Wisp({ exporters: [serverMemory], serviceName: 'service', flushOnBeforeExit: false, sampleRate: 1 });
    const downstream: Array<Record<string, string>> = [];
    const server = createServer((req, res) => {
      // The response is sent after the root ended, so the caller sees complete spans.
      void service.trace('handle', async () => {
        service.startSpan('work').end();
        const out: Record<string, string> = {};
        service.inject(out);
        downstream.push(out);
      }, { parent: extractContext(req.headers) }).then(() => res.end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => server.close();
    const { port } = server.address() as AddressInfo;
    const get = (headers: Record<string, string>) => new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });

    await caller.trace('call', async () => {
      const headers: Record<string, string> = { tracestate: 'x=1' };
      caller.inject(headers);
      expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(await get({ ...headers, tracestate: 'vendor=1' })).toBe('ok');
    });
    const call = callerMemory.spans()[0]!;
    const handle = serverMemory.spans().find((s) => s.name === 'handle')!;
    const work = serverMemory.spans().find((s) => s.name === 'work')!;
    expect(handle.traceId).toBe(call.traceId);
    expect(handle.parentId).toBe(call.spanId);
    expect(handle.service).toBe('service');
    expect(handle.trace?.name).toBe('handle');
    expect(work.parentId).toBe(handle.spanId);
    // Calls made by the server carry its span and the caller's tracestate.
    expect(downstream[0]).toEqual({ traceparent: `00-${call.traceId}-${handle.spanId}-01`, tracestate: 'vendor=1' });

    // An upstream "not sampled" decision wins over the local sample rate.
    serverMemory.reset();
    await get({ traceparent: TP.replace(/-01$/, '-00') });
    expect(serverMemory.events).toHaveLength(0);
    expect(service.stats().sampledOut).toBe(2);
  });
});
