/**
 * `listTraces`: the traces table, filtered, sorted, keyset-paginated.
 *
 * A list walks one index in sort order (the *driver*: for the default start-time sort, the most
 * selective equality filter's index, e.g. traces_by_session or trace_tags; for other sorts, the
 * sort column's index) and checks the other filters per row. When filters are left to check, the
 * walk goes in windows of the driver index (an index-only scan finds where the window ends, then
 * only that range is checked), so every statement is bounded however rare the matches are. After
 * LIST_SCAN_BUDGET_MS a page is returned with what was found and a cursor to go on: a page may hold
 * fewer than `limit` items while `nextCursor` is not null.
 *
 * Cursor key: [segment, sort value, internal trace id]. The internal id breaks ties, and new traces
 * only ever land before or after the cursor, never shift it: pages are stable while data arrives.
 * Segments exist for the nullable duration: non-null values first (descending) or last (ascending).
 */
import type { Database } from 'better-sqlite3';
import type { Page, TraceListQuery, TraceSortField, TraceSummary } from '@wisp/protocol';
import { WispError } from '../../../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Deadline, type ReadOptions } from './deadline.js';
import { joinConditions, planSearch, traceConditions, type CoverableFilter, type SqlPart } from './trace-filters.js';
import { TRACE_SUMMARY_COLUMNS, toTraceSummary, type TraceRow } from './trace-row.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/** Time after which a list returns a partial page rather than keep scanning. */
export const LIST_SCAN_BUDGET_MS = 1_000;
const FIRST_WINDOW = 2_000;
const MAX_WINDOW = 64_000;

const SORT_COLUMNS: Record<TraceSortField, { column: string; index: string; nullable: boolean }> = {
  startTime: { column: 'start_time', index: 'traces_by_start', nullable: false },
  durationMs: { column: 'duration_ms', index: 'traces_by_duration', nullable: true },
  cost: { column: 'cost', index: 'traces_by_cost', nullable: false },
  totalTokens: { column: 'total_tokens', index: 'traces_by_tokens', nullable: false },
};

interface Driver {
  /** FROM clause of the walk; the driver's rows joined to `traces t`. */
  walkFrom: string;
  /** FROM clause of the index-only window scan. */
  keyFrom: string;
  /** Conditions the driver's index satisfies (valid in both FROM clauses). */
  keyWhere: SqlPart[];
  sortCol: string;
  idCol: string;
  covered: Set<CoverableFilter>;
  /** The candidate set is small (explicit ids, rare search hits): one statement, no windows. */
  bounded: boolean;
}

function chooseDriver(projectId: string, q: TraceListQuery, sort: TraceSortField, hits: boolean): Driver {
  const covered = new Set<CoverableFilter>();
  if (q.traceIds !== undefined || hits) {
    return { walkFrom: 'traces t', keyFrom: 'traces t', keyWhere: [], sortCol: `t.${SORT_COLUMNS[sort].column}`, idCol: 't.id', covered, bounded: true };
  }
  if (sort !== 'startTime') {
    const s = SORT_COLUMNS[sort];
    const from = `traces t INDEXED BY ${s.index}`;
    return { walkFrom: from, keyFrom: from, keyWhere: [{ sql: 't.project_id = ?', params: [projectId] }], sortCol: `t.${s.column}`, idCol: 't.id', covered, bounded: false };
  }
  if (q.from !== undefined || q.to !== undefined) covered.add('range');
  const range = (col: string): SqlPart[] => [
    ...(q.from !== undefined ? [{ sql: `${col} >= ?`, params: [q.from] }] : []),
    ...(q.to !== undefined ? [{ sql: `${col} <= ?`, params: [q.to] }] : []),
  ];
  // Most selective first (a guess that holds for agent data: sessions and users are narrow).
  const byColumn: Array<[CoverableFilter, string | undefined, string, string]> = [
    ['sessionId', q.sessionId, 'session_id', 'traces_by_session'],
    ['userId', q.userId, 'user_id', 'traces_by_user'],
  ];
  for (const [key, value, column, index] of byColumn) {
    if (value === undefined) continue;
    covered.add(key);
    const from = `traces t INDEXED BY ${index}`;
    const keyWhere = [{ sql: 't.project_id = ?', params: [projectId] }, { sql: `t.${column} = ?`, params: [value] }, ...range('t.start_time')];
    return { walkFrom: from, keyFrom: from, keyWhere, sortCol: 't.start_time', idCol: 't.id', covered, bounded: false };
  }
  const side: Array<[CoverableFilter, string | undefined, string, string]> = [
    ['tags0', q.tags?.[0], 'trace_tags', 'tag'],
    ['model', q.model, 'trace_models', 'model'],
  ];
  for (const [key, value, table, column] of side) {
    if (value === undefined) continue;
    covered.add(key);
    const keyWhere = [{ sql: 'd.project_id = ?', params: [projectId] }, { sql: `d.${column} = ?`, params: [value] }, ...range('d.start_time')];
    return { walkFrom: `${table} d CROSS JOIN traces t ON t.id = d.trace_ref`, keyFrom: `${table} d`, keyWhere, sortCol: 'd.start_time', idCol: 'd.trace_ref', covered, bounded: false };
  }
  const byColumn2: Array<[CoverableFilter, string | undefined, string, string]> = [
    ['name', q.name, 'name', 'traces_by_name'],
    ['status', q.status, 'status', 'traces_by_status'],
  ];
  for (const [key, value, column, index] of byColumn2) {
    if (value === undefined) continue;
    covered.add(key);
    const from = `traces t INDEXED BY ${index}`;
    const keyWhere = [{ sql: 't.project_id = ?', params: [projectId] }, { sql: `t.${column} = ?`, params: [value] }, ...range('t.start_time')];
    return { walkFrom: from, keyFrom: from, keyWhere, sortCol: 't.start_time', idCol: 't.id', covered, bounded: false };
  }
  const from = 'traces t INDEXED BY traces_by_start';
  return { walkFrom: from, keyFrom: from, keyWhere: [{ sql: 't.project_id = ?', params: [projectId] }, ...range('t.start_time')], sortCol: 't.start_time', idCol: 't.id', covered, bounded: false };
}

type Segment = 'value' | 'null';
type Position = { k: number | null; id: number } | null;

function positionCondition(d: Driver, segment: Segment, pos: Position, desc: boolean, inclusive: boolean): SqlPart[] {
  if (pos === null) return [];
  const lt = desc ? '<' : '>';
  const le = desc ? '<=' : '>=';
  const idOp = inclusive ? (desc ? '>=' : '<=') : lt;
  if (inclusive) {
    // The window's far end, included: the mirror image of the start condition.
    const ge = desc ? '>=' : '<=';
    const gt = desc ? '>' : '<';
    if (segment === 'null') return [{ sql: `${d.idCol} ${idOp} ?`, params: [pos.id] }];
    return [{ sql: `${d.sortCol} ${ge} ? AND (${d.sortCol} ${gt} ? OR ${d.idCol} ${idOp} ?)`, params: [pos.k, pos.k, pos.id] }];
  }
  if (segment === 'null') return [{ sql: `${d.idCol} ${lt} ?`, params: [pos.id] }];
  return [{ sql: `${d.sortCol} ${le} ? AND (${d.sortCol} ${lt} ? OR ${d.idCol} ${lt} ?)`, params: [pos.k, pos.k, pos.id] }];
}

/** Lists traces. Throws WISP_ERR_BAD_QUERY for a bad cursor, WISP_ERR_QUERY_TIMEOUT past the deadline. */
export function listTraces(db: Database, projectId: string, q: TraceListQuery, options: ReadOptions = {}): Page<TraceSummary> {
  const deadline = new Deadline(options);
  const now = options.now ?? (() => performance.now());
  const started = now();
  const sort = q.sort ?? 'startTime';
  const desc = (q.order ?? 'desc') === 'desc';
  const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
  const sortTag = `${sort}:${desc ? 'desc' : 'asc'}`;
  const segments: Segment[] = SORT_COLUMNS[sort].nullable ? (desc ? ['value', 'null'] : ['null', 'value']) : ['value'];

  let seg = 0;
  let pos: Position = null;
  if (q.cursor !== undefined) {
    const [s, k, id] = decodeCursor(q.cursor, sortTag, ['number', 'number?', 'number?']) as [number, number | null, number | null];
    if (!Number.isInteger(s) || s < 0 || s >= segments.length || (id !== null && segments[s] === 'value' && k === null)) {
      throw new WispError('WISP_ERR_BAD_QUERY', 'Query parameter `cursor` is invalid.');
    }
    seg = s;
    pos = id === null ? null : { k, id };
  }

  const search = q.search !== undefined ? planSearch(db, q.search, options.searchHitsCap) : null;
  const d = chooseDriver(projectId, q, sort, search?.mode === 'hits');
  // A common needle (too many hits to list) is checked a window at a time: one trigram-index query
  // over the window's id range instead of an index probe per trace.
  const fts = search?.mode === 'fts' ? search.match : null;
  if (fts !== null) d.covered.add('search');
  const residual = traceConditions(projectId, q, search, d.covered);
  const dir = desc ? 'DESC' : 'ASC';
  const items: TraceSummary[] = [];
  let lastKey: { seg: number; k: number | null; id: number } | null = null;
  let window = FIRST_WINDOW;

  for (;;) {
    const segment = segments[seg]!;
    const segCond: SqlPart[] = SORT_COLUMNS[sort].nullable ? [{ sql: `${d.sortCol} IS ${segment === 'null' ? '' : 'NOT '}NULL`, params: [] }] : [];
    const order = segment === 'null' ? `${d.idCol} ${dir}` : `${d.sortCol} ${dir}, ${d.idCol} ${dir}`;
    const start = positionCondition(d, segment, pos, desc, false);
    // Only the project condition left to check: the driver's order is the answer, no windows needed.
    const windowed = !d.bounded && (residual.length > 1 || fts !== null);
    let boundary: Position = null;
    const matches: SqlPart[] = [];
    if (windowed) {
      const w = joinConditions([...d.keyWhere, ...segCond, ...start]);
      const row = db
        .prepare(`SELECT ${d.sortCol} AS k, ${d.idCol} AS id FROM ${d.keyFrom} WHERE ${w.sql} ORDER BY ${order} LIMIT 1 OFFSET ?`)
        .get(...w.params, window - 1) as { k: number | null; id: number } | undefined;
      boundary = row ?? null;
      if (fts !== null) {
        const ids = db
          .prepare(`SELECT min(id) AS lo, max(id) AS hi FROM (SELECT ${d.idCol} AS id FROM ${d.keyFrom} WHERE ${w.sql} ORDER BY ${order} LIMIT ?)`)
          .get(...w.params, window) as { lo: number | null; hi: number | null };
        const hits =
          ids.lo === null
            ? []
            : (db.prepare('SELECT rowid FROM trace_search WHERE trace_search MATCH ? AND rowid >= ? AND rowid <= ?').pluck().all(fts, ids.lo, ids.hi) as number[]);
        matches.push({ sql: 't.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(hits)] });
      }
    }
    const need = limit - items.length;
    const where = joinConditions([...d.keyWhere, ...residual, ...matches, ...segCond, ...start, ...positionCondition(d, segment, boundary, desc, true)]);
    const rows = db
      .prepare(`SELECT ${TRACE_SUMMARY_COLUMNS}, ${d.sortCol} AS sort_key FROM ${d.walkFrom} WHERE ${where.sql} ORDER BY ${order} LIMIT ?`)
      .all(...where.params, need + 1) as Array<TraceRow & { sort_key: number | null }>;
    for (const r of rows.slice(0, need)) {
      items.push(toTraceSummary(r));
      lastKey = { seg, k: r.sort_key, id: r.id };
    }
    if (rows.length > need) return { items, nextCursor: encodeCursor(sortTag, [lastKey!.seg, lastKey!.k, lastKey!.id]) };
    if (items.length === limit && boundary === null && seg === segments.length - 1) return { items, nextCursor: null };
    if (boundary !== null) {
      pos = boundary;
    } else if (seg + 1 < segments.length) {
      seg += 1;
      pos = null;
    } else {
      return { items, nextCursor: null };
    }
    if (items.length === limit) {
      return { items, nextCursor: encodeCursor(sortTag, [lastKey!.seg, lastKey!.k, lastKey!.id]) };
    }
    deadline.check();
    if (now() - started > LIST_SCAN_BUDGET_MS) {
      return { items, nextCursor: encodeCursor(sortTag, [seg, pos?.k ?? null, pos?.id ?? null]) };
    }
    window = Math.min(window * 4, MAX_WINDOW);
  }
}
