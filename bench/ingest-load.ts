/**
 * The load process of the ingest bench (a separate process from the collector, so the collector's
 * numbers are its own): sends realistic batches over keep-alive connections with a fixed number of
 * requests in flight, for a warm-up and then a measured period, and prints one JSON line of results.
 *
 * Usage: node --import tsx bench/ingest-load.ts <url> <native|otlp> <concurrency> <warmupMs> <measureMs> <spansPerBatch> [none|br]
 * With `br`, each body is brotli-compressed (quality 1) after its ids are rewritten, as the SDK sends.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { ExportTraceServiceRequest } from '../packages/server/dist/otlp/otlp-proto.js';

const [url, protocol, concurrencyArg, warmupArg, measureArg, batchArg, compressArg] = process.argv.slice(2);
const brotli = compressArg === 'br';
const concurrency = Number(concurrencyArg ?? 8);
const warmupMs = Number(warmupArg ?? 2000);
const measureMs = Number(measureArg ?? 10_000);
const spansPerBatch = Number(batchArg ?? 500);

/** A batch template with every id at a known byte offset, so each request gets fresh ids cheaply. */
interface Template {
  body: Buffer;
  /** [offset, bytes, encoding] of each id to rewrite. */
  ids: Array<[number, number, 'hex' | 'raw']>;
  path: string;
  contentType: string;
}

const PROMPT = 'You are a helpful assistant. Answer the question using the retrieved documents. '.repeat(3);
const ANSWER = 'Based on the documents, the refund window is 30 days from delivery for unused items. '.repeat(2);

function nativeTemplate(): Template {
  const now = Date.now();
  const traceMark = (t: number) => `T${String(t).padStart(31, '0')}`.replace(/[^0-9a-f]/g, 'f');
  const events: unknown[] = [];
  const markers: string[] = [];
  for (let i = 0; i < spansPerBatch; i++) {
    const traceNo = Math.floor(i / 10);
    const traceId = traceMark(traceNo);
    const spanId = `e${String(i).padStart(15, '0')}`;
    markers.push(spanId);
    const generation = i % 5 === 1;
    events.push({
      type: 'span',
      phase: 'full',
      traceId,
      spanId,
      ...(i % 10 === 0 ? {} : { parentId: `e${String(traceNo * 10).padStart(15, '0')}` }),
      time: now,
      name: generation ? 'chat gpt-4o-mini' : i % 10 === 0 ? 'agent-run' : `tool-${i % 4}`,
      kind: generation ? 'generation' : i % 10 === 0 ? 'agent' : 'tool',
      startTime: now - 120 - i,
      endTime: now - i,
      status: i % 50 === 7 ? 'error' : 'ok',
      ...(i % 50 === 7 ? { error: { type: 'TimeoutError', message: 'upstream timed out after 30s' } } : {}),
      input: generation ? { messages: [{ role: 'system', content: PROMPT }, { role: 'user', content: `question ${i}` }] } : { query: `lookup ${i}` },
      output: generation ? { role: 'assistant', content: ANSWER } : { results: 3 },
      metadata: { region: 'eu-west-1', attempt: 1, feature: 'support-bot' },
      ...(generation ? { provider: 'openai', model: 'gpt-4o-mini', usage: { input: 420, output: 64 }, completionStartTime: now - 80 - i } : {}),
      ...(i % 10 === 0 ? { trace: { name: 'support-chat', userId: `user-${i % 97}`, sessionId: `s-${i % 31}`, tags: ['bench'], environment: 'prod' } } : {}),
      service: 'bench-agent',
    });
  }
  const body = Buffer.from(JSON.stringify({ events }));
  const ids: Template['ids'] = [];
  // Trace ids: 32 hex chars each, rewritten per 10-span group; span ids: the `e…` markers.
  const seen = new Set<number>();
  for (let traceNo = 0; traceNo * 10 < spansPerBatch; traceNo++) {
    const mark = traceMark(traceNo);
    let at = body.indexOf(`"${mark}"`);
    const groupOffsets: number[] = [];
    while (at !== -1) {
      groupOffsets.push(at + 1);
      at = body.indexOf(`"${mark}"`, at + 1);
    }
    for (const o of groupOffsets) seen.add(o);
    ids.push([groupOffsets[0]!, 16, 'hex'], ...groupOffsets.slice(1).map((o): [number, number, 'hex'] => [o, -1, 'hex']));
  }
  return { body, ids: ids.filter(([o]) => seen.has(o)), path: '/v1/ingest', contentType: 'application/json' };
}

function otlpTemplate(): Template {
  const now = BigInt(Date.now()) * 1_000_000n;
  const traceMarker = (n: number) => Buffer.from(`TRACE-${String(n).padStart(10, '0')}`); // 16 bytes
  const spans: unknown[] = [];
  for (let i = 0; i < spansPerBatch; i++) {
    const traceNo = Math.floor(i / 10);
    const generation = i % 5 === 1;
    const attrs: Array<{ key: string; value: Record<string, unknown> }> = [{ key: 'app.region', value: { stringValue: 'eu-west-1' } }];
    if (generation) {
      attrs.push(
        { key: 'gen_ai.system', value: { stringValue: 'openai' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: 420 } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: 64 } },
        { key: 'gen_ai.prompt', value: { stringValue: PROMPT } },
        { key: 'gen_ai.completion', value: { stringValue: ANSWER } },
      );
    } else {
      attrs.push({ key: 'input.value', value: { stringValue: `lookup ${i}` } });
    }
    spans.push({
      traceId: traceMarker(traceNo),
      spanId: Buffer.from(`S${String(i).padStart(7, '0')}`), // 8 bytes
      ...(i % 10 === 0 ? {} : { parentSpanId: Buffer.from(`S${String(traceNo * 10).padStart(7, '0')}`) }),
      name: generation ? 'chat gpt-4o-mini' : i % 10 === 0 ? 'agent-run' : `tool-${i % 4}`,
      kind: generation ? 3 : 1,
      startTimeUnixNano: (now - BigInt(120 + i) * 1_000_000n).toString(),
      endTimeUnixNano: (now - BigInt(i) * 1_000_000n).toString(),
      attributes: attrs,
      status: { code: i % 50 === 7 ? 2 : 1 },
    });
  }
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench-agent' } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans }],
      },
    ],
  });
  const body = Buffer.from(ExportTraceServiceRequest.encode(message).finish());
  const ids: Template['ids'] = [];
  for (let traceNo = 0; traceNo * 10 < spansPerBatch; traceNo++) {
    const mark = traceMarker(traceNo);
    let at = body.indexOf(mark);
    let first = true;
    while (at !== -1) {
      ids.push([at, first ? 16 : -1, 'raw']);
      first = false;
      at = body.indexOf(mark, at + 1);
    }
  }
  return { body, ids, path: '/v1/traces', contentType: 'application/x-protobuf' };
}

/** A copy of the template with fresh random trace ids (span ids are unique within a trace). */
function freshBody(t: Template): Buffer {
  const body = Buffer.from(t.body);
  let current: Buffer | null = null;
  for (const [offset, n, enc] of t.ids) {
    if (n > 0) current = randomBytes(n);
    if (enc === 'hex') body.write(current!.toString('hex'), offset, 'latin1');
    else current!.copy(body, offset);
  }
  return body;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const template = protocol === 'otlp' ? otlpTemplate() : nativeTemplate();
  const target = new URL(template.path, url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const start = performance.now();
  let cpuAtMeasure: NodeJS.CpuUsage | null = null;
  setTimeout(() => (cpuAtMeasure = process.cpuUsage()), warmupMs).unref();
  const measureFrom = start + warmupMs;
  const end = measureFrom + measureMs;
  let spans = 0;
  let requests = 0;
  let failures = 0;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];

  const send = (body: Buffer) =>
    new Promise<number>((resolve) => {
      const req = http.request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': template.contentType, 'content-length': body.length, ...(brotli ? { 'content-encoding': 'br' } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });

  async function worker(): Promise<void> {
    while (performance.now() < end) {
      const fresh = freshBody(template);
      const body = brotli ? brotliCompressSync(fresh, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } }) : fresh;
      const t0 = performance.now();
      const status = await send(body);
      const t1 = performance.now();
      if (t0 >= measureFrom && t1 <= end) {
        statuses[status] = (statuses[status] ?? 0) + 1;
        requests++;
        if (status === 200) {
          spans += spansPerBatch;
          latencies.push(t1 - t0);
        } else failures++;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const cpu = process.cpuUsage(cpuAtMeasure ?? undefined);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const seconds = measureMs / 1000;
  process.stdout.write(
    JSON.stringify({
      protocol,
      compression: brotli ? 'br' : 'none',
      concurrency,
      spansPerBatch,
      requestBytes: template.body.length,
      seconds,
      requests,
      failures,
      statuses,
      spansPerSecond: Math.round(spans / seconds),
      ackP50Ms: Number(percentile(latencies, 50).toFixed(1)),
      ackP99Ms: Number(percentile(latencies, 99).toFixed(1)),
      /** CPU of this load process over the measured period (plus the last requests' tail), in µs per span acknowledged. */
      loadCpuUsPerSpan: spans > 0 ? Number(((cpu.user + cpu.system) / spans).toFixed(2)) : null,
    }) + '\n',
  );
}

void main();
