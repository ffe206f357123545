/**
 * The composition root: builds the whole collector from one validated config. The CLI and every
 * test create the collector through `createWispServer`; the store is chosen here, once.
 *
 * @example
 * const wisp = await createWispServer({ port: 0, dataDir: '/tmp/wisp' });
 * console.log(wisp.url); // http://127.0.0.1:41234
 * await wisp.close();
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { Authenticator } from './auth/authenticator.js';
import { ProjectService } from './auth/project-service.js';
import { resolveConfig, type WispConfig, type WispConfigInput } from './config/config.js';
import { registerAdminRoutes } from './http/admin-routes.js';
import { registerAuthHook } from './http/auth-hook.js';
import { defaultUiDir, registerDashboard, registerSecurityHeaders } from './http/dashboard.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerCompression } from './http/compression.js';
import { registerRawBodyParser } from './http/ingest-body.js';
import { registerIngestRoute } from './http/ingest-route.js';
import { registerIngestAdmission } from './http/ingest-admission.js';
import { registerOpsRoutes } from './http/ops-routes.js';
import { CommitFeedHub } from './ingest/commit-feed-hub.js';
import { IngestService } from './ingest/ingest-service.js';
import { WriteQueue } from './ingest/write-queue.js';
import { BackgroundJobs } from './jobs/background-jobs.js';
import { CollectorMetrics } from './ops/collector-metrics.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { registerQueryApi } from './api/index.js';
import { registerOtlpRoute } from './http/otlp-route.js';
import { decodeOtlpTraces, encodeOtlpResponse } from './otlp/index.js';

export interface WispServer {
  app: FastifyInstance;
  store: Store;
  /** Base URL the collector listens on, e.g. `http://127.0.0.1:4318`. */
  url: string;
  config: WispConfig;
  metrics: CollectorMetrics;
  /** Stops accepting requests, drains the write queue, stops background jobs, closes the store. */
  close(): Promise<void>;
}

export interface WispServerDeps {
  /** Use this store instead of opening the configured one (tests wrap the real store). Closed on close(). */
  store?: Store;
  /** Where JSON logs go (default stdout). */
  logStream?: DestinationStream;
  now?: () => number;
}

/** Headers that carry secrets; pino replaces them if a header object is ever logged. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-wisp-api-key"]', 'req.headers.cookie', 'headers.authorization', 'headers["x-wisp-api-key"]'];

function requestSummary(req: { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }) {
  // Only the path: a query string could carry a key someone pasted there.
  return { method: req.method, url: req.url?.split('?', 1)[0], remoteAddress: req.ip ?? req.socket?.remoteAddress };
}

function urlOf(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

export async function createWispServer(input: WispConfigInput = {}, deps: WispServerDeps = {}): Promise<WispServer> {
  const config = resolveConfig(input);
  const now = deps.now ?? Date.now;
  const store = deps.store ?? (await openStore(config.dataDir, { writeWorker: config.storeWriteWorker }));

  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: requestSummary },
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    bodyLimit: 1024 * 1024,
    // Slow clients may not hold connections forever (slowloris).
    connectionTimeout: 0,
    requestTimeout: 120_000,
    keepAliveTimeout: 65_000,
    http: { headersTimeout: 10_000 },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  try {
    const metrics = new CollectorMetrics();
    const commits = new CommitFeedHub((err) => app.log.error({ err }, 'commit listener failed'));
    const queue = new WriteQueue({
      store,
      options: config.writeQueue,
      metrics,
      onCommit: (writes) => commits.publish(writes),
      onError: (err) => app.log.error({ err }, 'store commit failed'),
    });
    const ingest = new IngestService({ queue, limits: config.limits, metrics });
    const projects = new ProjectService({ store, defaultRetentionDays: config.retentionDays, now });
    await projects.ensureDefaultProject();
    const auth = new Authenticator({
      store,
      projects,
      adminSecret: config.adminSecret,
      requireApiKeys: config.requireApiKeys,
      keyCacheTtlMs: config.keyCacheTtlMs,
      now,
    });
    const jobs = new BackgroundJobs({
      store,
      abandonAfterMs: config.abandonAfterMs,
      abandonSweepIntervalMs: config.abandonSweepIntervalMs,
      retentionIntervalMs: config.retentionIntervalMs,
      flushKeyUsage: () => auth.flushUsage(),
      onError: (job, err) => app.log.error({ err, job }, 'background job failed'),
      now,
    });
    let open = true;

    registerSecurityHeaders(app);
    await registerCompression(app);
    registerErrorHandler(app);
    registerAuthHook(app, auth);
    registerOpsRoutes(app, { store, queue, metrics, isOpen: () => open });
    registerAdminRoutes(app, { projects, auth });
    await app.register(async (scope) => {
      registerRawBodyParser(scope, config.limits);
      registerIngestAdmission(scope, queue);
      registerIngestRoute(scope, { ingest, limits: config.limits });
      registerOtlpRoute(scope, { ingest, limits: config.limits, decode: decodeOtlpTraces, encode: encodeOtlpResponse });
    });
    registerQueryApi(app, { store, commits });
    await registerDashboard(app, config.uiDir ?? defaultUiDir());

    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    jobs.start();

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        open = false;
        // Stop accepting first; requests in flight still complete because the queue keeps committing.
        // Keep-alive connections that turn idle after the close began would otherwise hold it open
        // until their keep-alive timeout, so they are closed as they go idle.
        const reaper = setInterval(() => app.server.closeIdleConnections(), 25);
        try {
          await app.close();
        } finally {
          clearInterval(reaper);
        }
        await queue.close();
        await jobs.stop();
        await store.close();
      })());

    return { app, store, url: urlOf(config.host, port), config, metrics, close };
  } catch (err) {
    await app.close().catch(() => {});
    await store.close().catch(() => {});
    throw err;
  }
}
