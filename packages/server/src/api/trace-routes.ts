/** `GET /api/v1/traces`, `/traces/facets`, `/traces/:traceId`, `/traces/:traceId/observations/:spanId`. */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX, type FacetField } from '@wisp/protocol';
import type { TraceReader } from '../store/store.js';
import { FACET_PARAMS, TRACE_FILTER_PARAMS, TRACE_LIST_PARAMS, parseTraceQuery } from './params.js';
import { notFound, spanIdParam, traceIdParam } from './path-params.js';
import { projectOf } from './project-of.js';
import { parseQuery } from './query-params.js';
import { WispError } from '../errors.js';

export function registerTraceRoutes(app: FastifyInstance, store: TraceReader): void {
  app.get(`${API_PREFIX}/traces`, async (request) => {
    const projectId = projectOf(request);
    return store.listTraces(projectId, parseTraceQuery(request.query, TRACE_LIST_PARAMS));
  });

  app.get(`${API_PREFIX}/traces/facets`, async (request) => {
    const projectId = projectOf(request);
    const { field, ...rest } = (request.query ?? {}) as Record<string, unknown>;
    const parsed = parseQuery({ field }, { field: FACET_PARAMS.field });
    if (parsed.field === undefined) throw new WispError('WISP_ERR_BAD_QUERY', 'Query parameter `field` is required.');
    return store.facets(projectId, parsed.field as FacetField, parseTraceQuery(rest, TRACE_FILTER_PARAMS));
  });

  app.get(`${API_PREFIX}/traces/:traceId`, async (request) => {
    const projectId = projectOf(request);
    const traceId = traceIdParam(request.params);
    parseQuery(request.query, {});
    const detail = await store.getTrace(projectId, traceId);
    if (detail === null) throw notFound('Trace');
    return detail;
  });

  app.get(`${API_PREFIX}/traces/:traceId/observations/:spanId`, async (request) => {
    const projectId = projectOf(request);
    const traceId = traceIdParam(request.params);
    const spanId = spanIdParam(request.params);
    parseQuery(request.query, {});
    const observation = await store.getObservation(projectId, traceId, spanId);
    if (observation === null) throw notFound('Observation');
    return observation;
  });
}
