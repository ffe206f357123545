/** Validation of ids in request paths. */
import { SPAN_ID_RE, TRACE_ID_RE } from '@wisp/protocol';
import { WispError } from '../errors.js';
import { MAX_PARAM_LENGTH } from './query-params.js';

function param(params: unknown, name: string): string {
  const v = (params as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

/** A trace id from the path, lowercased (ids are stored lowercase). */
export function traceIdParam(params: unknown): string {
  const id = param(params, 'traceId').toLowerCase();
  if (!TRACE_ID_RE.test(id)) throw new WispError('WISP_ERR_BAD_QUERY', 'The trace id must be 32 hex characters.');
  return id;
}

export function spanIdParam(params: unknown): string {
  const id = param(params, 'spanId').toLowerCase();
  if (!SPAN_ID_RE.test(id)) throw new WispError('WISP_ERR_BAD_QUERY', 'The span id must be 16 hex characters.');
  return id;
}

/** A free-form id (session, user) from the path. */
export function nameParam(params: unknown, name: string, label = name): string {
  const v = param(params, name);
  if (v === '' || v.length > MAX_PARAM_LENGTH) {
    throw new WispError('WISP_ERR_BAD_QUERY', `The ${label} must be 1 to ${MAX_PARAM_LENGTH} characters.`);
  }
  return v;
}

export function notFound(what: string): WispError {
  return new WispError('WISP_ERR_NOT_FOUND', `${what} not found in this project.`);
}
