import type { FacetField, MetricsQuery, TraceListQuery } from '@wisp/protocol';
import { client, type TraceFilters } from '../api/client.js';
import { useAsync } from './use-async.js';
import { usePagedList } from './use-paged-list.js';

const PAGE = 50;

/* One-liners over the client: each reloads when its arguments change (compared as JSON). */

export const useWhoAmI = () => useAsync((s) => client.whoami(s), []);
export const useTraces = (q: TraceListQuery) => useAsync((s) => client.listTraces(q, s), [JSON.stringify(q)]);
export const useFacet = (field: FacetField, f: TraceFilters) =>
  useAsync((s) => client.traceFacets(field, f, s), [field, JSON.stringify(f)]);
export const useTrace = (traceId: string) => useAsync((s) => client.getTrace(traceId, s), [traceId]);
export const useObservation = (traceId: string, spanId: string) =>
  useAsync((s) => client.getObservation(traceId, spanId, s), [traceId, spanId]);
export const useSessionList = () => usePagedList((cursor, s) => client.listSessions({ limit: PAGE, cursor }, s), []);
export const useSession = (sessionId: string) => useAsync((s) => client.getSession(sessionId, s), [sessionId]);
export const useUserList = () => usePagedList((cursor, s) => client.listUsers({ limit: PAGE, cursor }, s), []);
export const useMetrics = (q: MetricsQuery) => useAsync((s) => client.metrics(q, s), [JSON.stringify(q)]);
export const useErrorTypes = (q: MetricsQuery) => useAsync((s) => client.errorTypes(q, s), [JSON.stringify(q)]);
export const useSdkHealth = (q: { from: number; to: number }) =>
  useAsync((s) => client.sdkHealth(q, s), [JSON.stringify(q)]);
export const useProjects = () => useAsync((s) => client.listProjects(s), []);
export const useKeys = (projectId: string) => useAsync((s) => client.listKeys(projectId, s), [projectId]);
