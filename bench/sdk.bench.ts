/**
 * SDK benchmark: Wisp (`@wisp/sdk`, the built package) side by side with the OpenTelemetry JS SDK
 * (BasicTracerProvider + BatchSpanProcessor + OTLP/HTTP protobuf), both sending to the same local
 * sink in a child process. Prints a table and writes bench/results/sdk.json.
 *
 *   node --import tsx --expose-gc bench/sdk.bench.ts      (after `npm run build`)
 *   npm run bench -- sdk                                  (builds first)
 *
 * Env (quick runs only; the default run does the brief's numbers):
 *   WISP_BENCH_DOWN_S      seconds of backend outage in the memory test (default 60)
 *   WISP_BENCH_QUEUE_MB    queue byte cap in the memory test (default: the SDK default, 64)
 *   WISP_BENCH_QUICK=1     fewer rounds and requests everywhere
 *   WISP_BENCH_ONLY=a,b    run only these scenarios (hotPath, burst, latency, throughput,
 *                          eventLoopDelay, memory, shutdownTimes)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Wisp, type WispOptions } from '@wisp/sdk';
import { cpuSince, gc, median, otelTracer, quantile, Sink, sleep, text, type SinkMode } from './sdk-harness.js';

const QUICK = process.env.WISP_BENCH_QUICK === '1';
const DOWN_S = Number(process.env.WISP_BENCH_DOWN_S ?? 60);
const QUEUE_MB = process.env.WISP_BENCH_QUEUE_MB ? Number(process.env.WISP_BENCH_QUEUE_MB) : undefined;

const HOT_ROUNDS = QUICK ? 8 : 25;
/** Rounds run first and not counted, so that both SDKs are measured with optimized code. */
const HOT_WARMUP_ROUNDS = QUICK ? 10 : 20;
const HOT_SPANS = 2_000;
const BURST = 100_000;
const REQUESTS = QUICK ? 300 : 2_000;
/** Spans offered at THROUGHPUT_RATE per second (3 s of the brief's 100,000 spans/s). */
const THROUGHPUT_SPANS = QUICK ? 50_000 : 300_000;
const THROUGHPUT_RATE = 100_000;
const THROUGHPUT_ROUNDS = QUICK ? 1 : 3;
const ELD_SECONDS = QUICK ? 2 : 5;
const ELD_ROUNDS = QUICK ? 1 : 3;
const MODES: SinkMode[] = ['healthy', 'slow', 'error500', 'retry429', 'refused', 'silent', 'reset'];

const SMALL_INPUT = { question: 'What is the capital of France?' };
const SMALL_OUTPUT = { answer: 'Paris' };
const BIG_INPUT = text(100 * 1024);
const PAYLOAD_1K = text(1024);

const results: Record<string, unknown> = {};
const rows: Array<[string, string, string, string]> = [];
const row = (metric: string, wisp: string, otel: string, target: string) => rows.push([metric, wisp, otel, target]);
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
const log = (msg: string) => console.error(`[sdk.bench] ${msg}`);

function wisp(sink: Sink, extra: WispOptions = {}): Wisp {
  return new Wisp({
    endpoint: sink.url,
    serviceName: 'bench',
    flushOnBeforeExit: false,
    onInternalError: () => {},
    ...extra,
  });
}

// --- 1. hot path ------------------------------------------------------------------------------
async function hotPath(sink: Sink) {
  log('hot path');
  const client = wisp(sink);
  const { provider, tracer } = otelTracer(sink.url);
  const wispT = { wall: [] as number[], cpu: [] as number[] };
  const otelT = { wall: [] as number[], cpu: [] as number[] };
  // Wall time is what the app feels; CPU time is what survives a machine shared with other work.
  // No forced gc() around timed sections: measured on this machine, a forced full collection before
  // each round made the round after it 10-20× slower for both SDKs (optimized code thrown away).
  const timed = (into: { wall: number[]; cpu: number[] }, keep: boolean, body: () => void) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    body();
    const wall = ((performance.now() - t0) * 1e6) / HOT_SPANS;
    const cpu = (cpuSince(c0) * 1e3) / HOT_SPANS;
    if (keep) {
      into.wall.push(wall);
      into.cpu.push(cpu);
    }
  };
  for (let r = 0; r < HOT_ROUNDS + HOT_WARMUP_ROUNDS; r++) {
    timed(wispT, r >= HOT_WARMUP_ROUNDS, () => {
      for (let i = 0; i < HOT_SPANS; i++) {
        const span = client.startSpan('step', { input: SMALL_INPUT });
        span.end({ output: SMALL_OUTPUT });
      }
    });
    await client.flush(10_000);
    timed(otelT, r >= HOT_WARMUP_ROUNDS, () => {
      for (let i = 0; i < HOT_SPANS; i++) {
        // OpenTelemetry attributes must be primitives: an app has to stringify its input itself.
        const span = tracer.startSpan('step', { attributes: { input: JSON.stringify(SMALL_INPUT) } });
        span.setAttribute('output', JSON.stringify(SMALL_OUTPUT));
        span.end();
      }
    });
    await provider.forceFlush();
  }
  const s = client.stats();
  await client.shutdown(2_000);
  await provider.shutdown();
  const res = {
    wispMedianNs: median(wispT.wall),
    otelMedianNs: median(otelT.wall),
    wispMedianCpuNs: median(wispT.cpu),
    otelMedianCpuNs: median(otelT.cpu),
    rounds: HOT_ROUNDS,
    spansPerRound: HOT_SPANS,
    wispDropped: s.dropped,
  };
  results.hotPath = res;
  row('hot path, ns per span (start+end, small I/O), median wall', fmt(res.wispMedianNs, 0), fmt(res.otelMedianNs, 0), '≤ 1000, several × cheaper');
  row('  same, median CPU time', fmt(res.wispMedianCpuNs, 0), fmt(res.otelMedianCpuNs, 0), '');
}

// --- 2. burst ---------------------------------------------------------------------------------
async function burst(sink: Sink) {
  log('burst');
  await sink.reset();
  const client = wisp(sink);
  for (let i = 0; i < BURST; i++) {
    const span = client.startSpan('burst', { input: SMALL_INPUT });
    span.end({ output: SMALL_OUTPUT });
  }
  await client.flush(30_000);
  const w = await sink.waitFor((c) => c.wispSpans >= BURST);
  const ws = client.stats();
  await client.shutdown(2_000);

  await sink.reset();
  const { provider, tracer } = otelTracer(sink.url);
  for (let i = 0; i < BURST; i++) {
    const span = tracer.startSpan('burst', { attributes: { input: JSON.stringify(SMALL_INPUT) } });
    span.setAttribute('output', JSON.stringify(SMALL_OUTPUT));
    span.end();
  }
  await provider.forceFlush();
  const o = await sink.waitFor((c) => c.otelSpans >= BURST, 30_000);
  await provider.shutdown();
  const res = { expected: BURST, wispDelivered: w.wispSpans, otelDelivered: o.otelSpans, wispDropped: ws.dropped };
  results.burst = res;
  row('100,000-span burst, delivered/expected', `${fmt((100 * w.wispSpans) / BURST, 1)} %`, `${fmt((100 * o.otelSpans) / BURST, 1)} %`, '100 %');
}

// --- 3. added latency and CPU of a 5-step request, per backend behaviour -----------------------
const stepWork = (x: number) => JSON.parse(`{"v":${x},"s":"${'a'.repeat(64)}"}`) as { v: number };

async function untracedRequest(x: number): Promise<number> {
  let acc = x;
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    acc += stepWork(acc + i).v & 1;
  }
  return acc;
}

function tracedRequester(client: Wisp) {
  const step = client.observe(
    async (v: number) => {
      await Promise.resolve();
      return stepWork(v).v & 1;
    },
    { name: 'step', kind: 'tool' },
  );
  return (x: number) =>
    client.trace('request', async () => {
      let acc = x;
      for (let i = 0; i < 5; i++) acc += await step(acc + i);
      return acc;
    });
}

async function latency(sink: Sink) {
  const perMode: Record<string, unknown> = {};
  for (const mode of MODES) {
    log(`latency: ${mode}`);
    await sink.mode(mode);
    const client = wisp(sink);
    const traced = tracedRequester(client);
    for (let i = 0; i < 200; i++) {
      await untracedRequest(i);
      await traced(i);
    }
    const base: number[] = [];
    const withTrace: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      let t0 = performance.now();
      await untracedRequest(i);
      base.push(performance.now() - t0);
      t0 = performance.now();
      await traced(i);
      withTrace.push(performance.now() - t0);
    }
    // CPU per request, in separate runs so that each total is attributable.
    let c0 = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i++) await untracedRequest(i);
    const baseCpu = cpuSince(c0) / REQUESTS;
    c0 = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i++) await traced(i);
    await client.flush(mode === 'healthy' ? 10_000 : 500);
    const tracedCpu = cpuSince(c0) / REQUESTS;
    const s = client.stats();
    const t0 = performance.now();
    await client.shutdown(300);
    const shutdownMs = performance.now() - t0;
    const r = {
      p50AddedMs: quantile(withTrace, 0.5) - quantile(base, 0.5),
      p99AddedMs: quantile(withTrace, 0.99) - quantile(base, 0.99),
      untracedP50Ms: quantile(base, 0.5),
      untracedP99Ms: quantile(base, 0.99),
      addedCpuUsPerRequest: tracedCpu - baseCpu,
      requests: REQUESTS,
      shutdownMs,
      stats: { created: s.created, sent: s.sent, queued: s.queued, inFlight: s.inFlight, dropped: s.dropped, failedRequests: s.failedRequests, circuit: s.circuit },
    };
    perMode[mode] = r;
    row(
      `5-step request vs untraced, backend ${mode}: added p50 / p99 ms; CPU µs/req`,
      `${fmt(r.p50AddedMs, 3)} / ${fmt(r.p99AddedMs, 3)}; ${fmt(r.addedCpuUsPerRequest, 1)}`,
      '',
      'p50 < 0.05, p99 < 0.5',
    );
  }
  await sink.mode('healthy');
  results.latency = perMode;
}

// --- 4. throughput and CPU per span ------------------------------------------------------------
async function throughput(sink: Sink) {
  log('throughput');
  /** Offers THROUGHPUT_SPANS at THROUGHPUT_RATE: each turn of the event loop makes up for the time elapsed. */
  const drive = async (makeSpan: (() => void) | undefined) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let done = 0; done < THROUGHPUT_SPANS; ) {
      const due = Math.min(THROUGHPUT_SPANS, Math.ceil(((performance.now() - t0) / 1000) * THROUGHPUT_RATE));
      for (; done < due; done++) makeSpan?.();
      // Sleep, not setImmediate: a spinning driver would burn a core whatever the SDK costs and be
      // counted as the SDK's CPU. Each wake-up makes up for the time elapsed, so the rate holds.
      await sleep(1);
    }
    return { c0, t0, offeredPerSecond: THROUGHPUT_SPANS / ((performance.now() - t0) / 1000) };
  };
  /** CPU per span of the driver loop alone (its timers and arithmetic), subtracted from the runs of its round. */
  const measureDriver = async () => cpuSince((await drive(undefined)).c0) / THROUGHPUT_SPANS;
  const run = async (label: 'wisp' | 'wisp-gzip' | 'wisp-raw' | 'otel', driverUsPerSpan: number) => {
    await sink.reset();
    const client =
      label === 'wisp'
        ? wisp(sink)
        : label === 'wisp-gzip'
          ? wisp(sink, { compression: 'gzip' })
          : label === 'wisp-raw'
            ? wisp(sink, { compression: 'none' })
            : undefined;
    const otel = label === 'otel' ? otelTracer(sink.url) : undefined;
    const { c0, t0, offeredPerSecond } = await drive(() => {
      if (client) client.startSpan('t', { input: SMALL_INPUT }).end({ output: SMALL_OUTPUT });
      else {
        const span = otel!.tracer.startSpan('t', { attributes: { input: JSON.stringify(SMALL_INPUT) } });
        span.setAttribute('output', JSON.stringify(SMALL_OUTPUT));
        span.end();
      }
    });
    if (client) await client.flush(30_000);
    else await otel!.provider.forceFlush();
    const counts = await sink.waitFor((c) => (client ? c.wispSpans : c.otelSpans) >= THROUGHPUT_SPANS);
    const elapsedS = (performance.now() - t0) / 1000;
    const cpuUs = cpuSince(c0);
    const delivered = client ? counts.wispSpans : counts.otelSpans;
    const wispStats = client?.stats();
    if (client) await client.shutdown(2_000);
    else await otel!.provider.shutdown();
    return {
      offeredPerSecond,
      spansPerSecond: delivered / elapsedS,
      delivered,
      expected: THROUGHPUT_SPANS,
      cpuUsPerSpan: cpuUs / THROUGHPUT_SPANS - driverUsPerSpan,
      cpuUsPerSpanWithDriver: cpuUs / THROUGHPUT_SPANS,
      requests: counts.requests,
      wireBytes: counts.bytes,
      ...(wispStats ? { dropped: wispStats.dropped, failedRequests: wispStats.failedRequests } : {}),
    };
  };
  // A discarded first run: the export path's code gets compiled and the heap grows to its working
  // size here, not in the first measured run (which read 0.5-2.5 us/span higher than the same
  // configuration measured later in the same process).
  await run('wisp', 0);
  // The machine's speed drifts within minutes: the configurations run in alternation, THROUGHPUT_ROUNDS
  // times, each round with its own driver baseline, and the run with the median CPU is reported.
  type ThroughputRun = Awaited<ReturnType<typeof run>>;
  const rounds: Array<{ driverUsPerSpan: number; wisp: ThroughputRun; gzip: ThroughputRun; raw: ThroughputRun; otel: ThroughputRun }> = [];
  for (let r = 0; r < THROUGHPUT_ROUNDS; r++) {
    const driver = await measureDriver();
    rounds.push({
      driverUsPerSpan: driver,
      wisp: await run('wisp', driver),
      gzip: await run('wisp-gzip', driver),
      raw: await run('wisp-raw', driver),
      otel: await run('otel', driver),
    });
  }
  const medianRun = (pick: (x: (typeof rounds)[number]) => ThroughputRun): ThroughputRun => {
    const sorted = rounds.map(pick).sort((x, y) => x.cpuUsPerSpan - y.cpuUsPerSpan);
    // Delivery is judged on the worst round, not the median one.
    return { ...sorted[(sorted.length - 1) >> 1]!, delivered: Math.min(...sorted.map((x) => x.delivered)) };
  };
  const w = medianRun((x) => x.wisp);
  const gz = medianRun((x) => x.gzip);
  const raw = medianRun((x) => x.raw);
  const o = medianRun((x) => x.otel);
  const driverUsPerSpan = median(rounds.map((x) => x.driverUsPerSpan));
  results.throughput = {
    rounds: THROUGHPUT_ROUNDS,
    driverUsPerSpan,
    wisp: w,
    wispGzip: gz,
    wispUncompressed: raw,
    otel: o,
    cpuUsPerSpanByRound: rounds.map((x) => ({ driver: x.driverUsPerSpan, wisp: x.wisp.cpuUsPerSpan, gzip: x.gzip.cpuUsPerSpan, uncompressed: x.raw.cpuUsPerSpan, otel: x.otel.cpuUsPerSpan })),
  };
  row(
    'export throughput to a local sink, 100k spans/s offered: offered → delivered spans/s',
    `${fmt(w.offeredPerSecond, 0)} → ${fmt(w.spansPerSecond, 0)}`,
    `${fmt(o.offeredPerSecond, 0)} → ${fmt(o.spansPerSecond, 0)}`,
    '≥ 100,000',
  );
  row('  delivered/expected', `${fmt((100 * w.delivered) / w.expected, 1)} %`, `${fmt((100 * o.delivered) / o.expected, 1)} %`, '100 %');
  row(
    `total CPU per span incl. export (default: brotli), µs, median of ${THROUGHPUT_ROUNDS} rounds, net of the driver loop's own ${fmt(driverUsPerSpan, 2)}; wire bytes/span`,
    `${fmt(w.cpuUsPerSpan, 2)}; ${fmt(w.wireBytes / w.delivered, 0)}`,
    `${fmt(o.cpuUsPerSpan, 2)}; ${fmt(o.wireBytes / Math.max(1, o.delivered), 0)}`,
    '≤ 5',
  );
  for (const [label, r] of [['gzip', gz], ['uncompressed', raw]] as const) {
    row(
      `  same, ${label}: CPU µs/span; wire bytes/span; spans/s; delivered`,
      `${fmt(r.cpuUsPerSpan, 2)}; ${fmt(r.wireBytes / r.delivered, 0)}; ${fmt(r.spansPerSecond, 0)}; ${fmt((100 * r.delivered) / r.expected, 1)} %`,
      label === 'uncompressed' ? '(OTel: uncompressed)' : '',
      '',
    );
  }
}

// --- 5. event-loop delay at 2,000 spans/s with 100 KB inputs -----------------------------------
async function eventLoopDelay(sink: Sink) {
  log('event-loop delay');
  const measure = async (client: Wisp | undefined) => {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const end = performance.now() + ELD_SECONDS * 1000;
    let spans = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 20; i++) {
        if (client) client.startSpan('llm', { kind: 'generation', input: BIG_INPUT }).end({ output: SMALL_OUTPUT });
        else void BIG_INPUT.length;
        spans++;
      }
      await sleep(10);
    }
    if (client) await client.flush(10_000);
    h.disable();
    return { p99Ms: h.percentile(99) / 1e6, p50Ms: h.percentile(50) / 1e6, maxMs: h.max / 1e6, spansPerSecond: spans / ELD_SECONDS };
  };
  // Untraced and traced alternate ELD_ROUNDS times (the machine's speed drifts); medians are reported.
  const rounds: Array<{ untraced: Awaited<ReturnType<typeof measure>>; traced: Awaited<ReturnType<typeof measure>>; delivered: number; created: number; dropped: unknown; payloadsShed: number }> = [];
  for (let r = 0; r < ELD_ROUNDS; r++) {
    const untraced = await measure(undefined);
    await sink.reset();
    const client = wisp(sink);
    const traced = await measure(client);
    const counts = await sink.waitFor((c) => c.wispSpans >= client.stats().created, 10_000);
    const st = client.stats();
    await client.shutdown(2_000);
    rounds.push({ untraced, traced, delivered: counts.wispSpans, created: st.created, dropped: st.dropped, payloadsShed: st.events.payloadsShed });
  }
  const base = { p99Ms: median(rounds.map((x) => x.untraced.p99Ms)) };
  const traced = { p99Ms: median(rounds.map((x) => x.traced.p99Ms)) };
  results.eventLoopDelay = { rounds, medianUntracedP99Ms: base.p99Ms, medianTracedP99Ms: traced.p99Ms };
  row(
    `event-loop delay p99 ms, 2,000 spans/s × 100 KB input (untraced → traced), median of ${ELD_ROUNDS} alternating rounds`,
    `${fmt(base.p99Ms)} → ${fmt(traced.p99Ms)}`,
    '',
    '+ ≤ 2 ms',
  );
}

// --- 6. memory with the backend down, and shutdown time against silent and dead backends -------
async function memory(sink: Sink) {
  log(`memory: backend down for ${DOWN_S} s at 10,000 spans/s`);
  await sink.mode('refused');
  const capBytes = QUEUE_MB !== undefined ? QUEUE_MB * 1024 * 1024 : 64 * 1024 * 1024;
  const client = wisp(sink, QUEUE_MB !== undefined ? { maxQueueBytes: capBytes } : {});
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const end = performance.now() + DOWN_S * 1000;
  let nextSample = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      client.startSpan('down', { input: PAYLOAD_1K }).end({ output: PAYLOAD_1K });
    }
    if (performance.now() > nextSample) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      nextSample = performance.now() + 250;
    }
    await sleep(10);
  }
  const s = client.stats();
  // Live memory at the end of the outage (what the queue really holds, garbage collected).
  gc();
  const live = process.memoryUsage();
  // Recovery: the backend comes back and everything still queued should arrive.
  await sink.reset();
  await sink.mode('healthy');
  const queuedAtRecovery = s.queued + s.inFlight;
  const t0 = performance.now();
  await client.flush(60_000);
  const recovered = await sink.waitFor((c) => c.wispSpans >= queuedAtRecovery, 30_000);
  const recoveryS = (performance.now() - t0) / 1000;
  const after = client.stats();
  await client.shutdown(2_000);
  const MiB = 1024 * 1024;
  const res = {
    downSeconds: DOWN_S,
    spansPerSecondOffered: 10_000,
    queueCapMiB: capBytes / MiB,
    rssGrowthMiB: (peakRss - before.rss) / MiB,
    heapGrowthMiB: (peakHeap - before.heapUsed) / MiB,
    liveHeapGrowthMiB: (live.heapUsed - before.heapUsed) / MiB,
    liveRssGrowthMiB: (live.rss - before.rss) / MiB,
    queuedBytesMiB: s.queuedBytes / MiB,
    created: s.created,
    queuedAtRecovery,
    droppedWhileDown: s.dropped,
    payloadsShed: s.events.payloadsShed,
    circuit: s.circuit,
    deliveredAfterRecovery: recovered.wispSpans,
    recoverySeconds: recoveryS,
    afterRecovery: { sent: after.sent, queued: after.queued, inFlight: after.inFlight, dropped: after.dropped },
  };
  results.memory = res;
  row(
    `backend down ${DOWN_S} s at 10k spans/s: live heap growth, peak heap / RSS growth MiB (cap ${res.queueCapMiB} MiB)`,
    `${fmt(res.liveHeapGrowthMiB, 1)}; ${fmt(res.heapGrowthMiB, 1)} / ${fmt(res.rssGrowthMiB, 1)}`,
    '',
    '≤ cap',
  );
  row('  queued at recovery → delivered after recovery', `${queuedAtRecovery} → ${recovered.wispSpans}`, '', 'all');
}

async function shutdownTimes(sink: Sink) {
  const out: Record<string, unknown> = {};
  for (const mode of ['silent', 'refused'] as const) {
    log(`shutdown: ${mode}`);
    // The memory scenario before this one leaves tens of MiB of garbage: collected here, so that its
    // full collection does not land on this measurement (one run read 5,014 ms, its timers ~35 ms late).
    gc();
    await sink.mode(mode);
    const client = wisp(sink);
    for (let i = 0; i < 10_000; i++) client.startSpan('s', { input: SMALL_INPUT }).end({ output: SMALL_OUTPUT });
    await sleep(300);
    let t0 = performance.now();
    const result = await client.shutdown();
    const wispMs = performance.now() - t0;
    const { provider, tracer } = otelTracer(sink.url);
    for (let i = 0; i < 2_000; i++) tracer.startSpan('s').end();
    await sleep(300);
    t0 = performance.now();
    await Promise.race([provider.shutdown().catch(() => {}), sleep(60_000)]);
    const otelMs = performance.now() - t0;
    out[mode] = { wispMs, wispDeadlineMs: 5_000, wispResult: result, wispDropped: client.stats().dropped, otelMs };
    row(`shutdown against a ${mode === 'refused' ? 'dead (refused)' : 'silent'} backend, ms`, fmt(wispMs, 0), fmt(otelMs, 0), '≤ 5000 (deadline)');
  }
  await sink.mode('healthy');
  results.shutdown = out;
}

// --- main --------------------------------------------------------------------------------------
const machine = {
  cpuModel: os.cpus()[0]?.model,
  cores: os.cpus().length,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  date: new Date().toISOString(),
};
const sink = await Sink.start();
const scenarios = { hotPath, burst, latency, throughput, eventLoopDelay, memory, shutdownTimes };
const only = process.env.WISP_BENCH_ONLY?.split(',');
try {
  for (const [name, run] of Object.entries(scenarios)) if (!only || only.includes(name)) await run(sink);
} finally {
  sink.stop();
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['metric', 'Wisp', 'OpenTelemetry JS', 'target'][i]!.length));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);
console.log(line(['metric', 'Wisp', 'OpenTelemetry JS', 'target']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/sdk.json', JSON.stringify({ machine, quick: QUICK, results, table: rows }, null, 2));
console.log('wrote bench/results/sdk.json');
process.exit(0);
