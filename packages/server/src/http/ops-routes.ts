/** Health, readiness and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import type { CollectorMetrics } from '../ops/collector-metrics.js';
import type { Store } from '../store/store.js';
import type { WriteQueue } from '../ingest/write-queue.js';

export interface OpsDeps {
  store: Store;
  queue: WriteQueue;
  metrics: CollectorMetrics;
  /** False once shutdown began. */
  isOpen: () => boolean;
}

export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const reasons: string[] = [];
    if (!deps.isOpen()) reasons.push('shutting down');
    if (deps.queue.saturated) reasons.push('write queue saturated');
    if (deps.queue.failing) reasons.push('store failing to commit');
    if (reasons.length > 0) return reply.code(503).header('retry-after', '5').send({ status: 'not ready', reasons });
    return { status: 'ready' };
  });

  app.get('/metrics', async (request, reply) => {
    try {
      deps.metrics.setStoreSize(await deps.store.sizeBytes());
    } catch (err) {
      request.log.warn({ err }, 'store size unavailable');
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.metrics.registry.render());
  });
}
