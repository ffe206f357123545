/**
 * The query API under /api/v1: thin routes that parse and validate the query string strictly,
 * call the store scoped to the authenticated project, and answer. Errors are WispErrors, mapped to
 * HTTP by the collector's error handler. Documented in docs/api.md.
 */
import type { FastifyInstance } from 'fastify';
import type { CommitFeed } from '../http/commit-feed.js';
import type { Store } from '../store/store.js';
import { registerExportRoutes } from './export-routes.js';
import { registerLiveRoute, type LiveOptions } from './live-route.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import { registerPricingRoute } from './pricing-route.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerTraceRoutes } from './trace-routes.js';

export interface QueryApiDeps {
  store: Store;
  commits: CommitFeed;
  /** Tuning of the live view (tests shorten the intervals). */
  live?: LiveOptions;
}

export function registerQueryApi(app: FastifyInstance, deps: QueryApiDeps): void {
  registerTraceRoutes(app, deps.store);
  registerSessionRoutes(app, deps.store);
  registerMetricsRoutes(app, deps.store);
  registerExportRoutes(app, deps.store);
  registerPricingRoute(app);
  registerLiveRoute(app, deps.store, deps.commits, deps.live);
}

export type { LiveOptions } from './live-route.js';
