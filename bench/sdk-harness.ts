/**
 * Pieces of the SDK benchmark: the sink child process, the OpenTelemetry reference setup, and
 * small statistics helpers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { BasicTracerProvider, BatchSpanProcessor, type BufferConfig } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SinkCounts, SinkMode, SinkRequest } from './sdk-sink.js';

export type { SinkMode };

export class Sink {
  private pending: Array<(counts: SinkCounts) => void> = [];
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (msg: { counts?: SinkCounts }) => {
      if (msg.counts) this.pending.shift()?.(msg.counts);
    });
  }

  static async start(): Promise<Sink> {
    const child = fork(new URL('./sdk-sink.ts', import.meta.url).pathname, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve) =>
      child.once('message', (msg: { port: number }) => resolve(msg.port)),
    );
    return new Sink(child, `http://127.0.0.1:${port}`);
  }

  private call(msg: SinkRequest): Promise<SinkCounts> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.send(msg);
    });
  }

  mode(mode: SinkMode): Promise<SinkCounts> {
    return this.call({ mode });
  }

  counts(): Promise<SinkCounts> {
    return this.call({ count: true });
  }

  reset(): Promise<SinkCounts> {
    return this.call({ reset: true });
  }

  /** Waits until `ok(counts)` holds, or until the count stops moving for `quietMs`, or `timeoutMs`. */
  async waitFor(ok: (c: SinkCounts) => boolean, timeoutMs = 30_000, quietMs = 2_000): Promise<SinkCounts> {
    const deadline = performance.now() + timeoutMs;
    let last = -1;
    let lastChange = performance.now();
    for (;;) {
      const c = await this.counts();
      if (ok(c) || performance.now() > deadline) return c;
      const total = c.wispSpans + c.otelSpans;
      if (total !== last) {
        last = total;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > quietMs) return c;
      await sleep(10);
    }
  }

  stop(): void {
    this.child.disconnect();
  }
}

/** The OpenTelemetry JS reference: BasicTracerProvider + BatchSpanProcessor + OTLP/HTTP protobuf. */
export function otelTracer(sinkUrl: string, bsp: BufferConfig = {}) {
  const exporter = new OTLPTraceExporter({ url: `${sinkUrl}/v1/traces` });
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, bsp)] });
  return { provider, tracer: provider.getTracer('bench') };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const tick = () => new Promise<void>((r) => setImmediate(r));

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export const median = (values: number[]) => quantile(values, 0.5);

/** CPU time (user + system) in microseconds since `start`. */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** A deterministic pseudo-random text of `bytes` characters (compresses like real prose, not like 'xxxx'). */
export function text(bytes: number): string {
  const words = ['agent', 'tool', 'call', 'retrieve', 'the', 'document', 'answer', 'model', 'token', 'context', 'of', 'user', 'plan', 'step'];
  let seed = 42;
  let out = '';
  while (out.length < bytes) {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    out += words[seed % words.length] + (seed % 7 === 0 ? '. ' : ' ');
  }
  return out.slice(0, bytes);
}
