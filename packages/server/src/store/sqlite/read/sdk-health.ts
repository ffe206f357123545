/**
 * `sdkHealth`: what SDKs reported about themselves, per service. Reports are cumulative counters per
 * SDK instance; a report's contribution is its difference from the instance's previous report
 * (the last one before the range counts as the baseline; an instance's first report ever counts
 * whole; a counter that went down means the instance restarted, and counts whole).
 */
import type { Database } from 'better-sqlite3';
import type { SdkHealthRow } from '@wisp/protocol';
import { Deadline, rowsWithin, type ReadOptions } from './deadline.js';
import { resolveBucket } from './rollup-range.js';

/** Reports read per query (an SDK reports every few seconds to minutes). */
export const MAX_SDK_REPORTS = 200_000;

interface ReportRow {
  instance_id: string;
  time: number;
  service: string;
  created: number;
  sent: number;
  dropped: string;
  failed_requests: string;
}

function counts(json: string): Record<string, number> {
  try {
    const v = JSON.parse(json) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: Record<string, number> = {};
    for (const [k, n] of Object.entries(v)) if (typeof n === 'number' && Number.isFinite(n)) out[k] = n;
    return out;
  } catch {
    return {};
  }
}

const delta = (cur: number, prev: number | undefined) => (prev === undefined || cur < prev ? cur : cur - prev);


export function sdkHealth(db: Database, projectId: string, q: { from: number; to: number; bucketMs?: number }, options: ReadOptions = {}): SdkHealthRow[] {
  const deadline = new Deadline(options);
  const bucketMs = resolveBucket(q.from, q.to, q.bucketMs);
  const rows = [
    ...rowsWithin<ReportRow>(
      db
        .prepare(
          `SELECT instance_id, time, service, created, sent, dropped, failed_requests FROM sdk_reports INDEXED BY sdk_reports_by_time
           WHERE project_id = ? AND time >= ? AND time < ? ORDER BY time LIMIT ${MAX_SDK_REPORTS}`,
        )
        .iterate(projectId, q.from, q.to),
      deadline,
    ),
  ];
  const baseline = db.prepare(
    'SELECT instance_id, time, service, created, sent, dropped, failed_requests FROM sdk_reports WHERE project_id = ? AND instance_id = ? AND time < ? ORDER BY time DESC LIMIT 1',
  );
  const previous = new Map<string, { created: number; sent: number; dropped: Record<string, number>; failed: Record<string, number> } | undefined>();
  const services = new Map<string, SdkHealthRow & { instanceIds: Set<string>; buckets: Map<number, { created: number; sent: number; dropped: number; failed: number }> }>();
  for (const r of rows) {
    if (!previous.has(r.instance_id)) {
      const b = baseline.get(projectId, r.instance_id, q.from) as ReportRow | undefined;
      previous.set(r.instance_id, b ? { created: b.created, sent: b.sent, dropped: counts(b.dropped), failed: counts(b.failed_requests) } : undefined);
    }
    const prev = previous.get(r.instance_id);
    const dropped = counts(r.dropped);
    const failed = counts(r.failed_requests);
    const restarted = prev !== undefined && (r.created < prev.created || r.sent < prev.sent);
    const base = restarted ? undefined : prev;
    let s = services.get(r.service);
    if (!s) {
      s = { service: r.service, instances: 0, lastSeen: r.time, created: 0, sent: 0, dropped: {}, failedRequests: {}, series: [], instanceIds: new Set(), buckets: new Map() };
      services.set(r.service, s);
    }
    s.instanceIds.add(r.instance_id);
    s.lastSeen = Math.max(s.lastSeen, r.time);
    const dCreated = delta(r.created, base?.created);
    const dSent = delta(r.sent, base?.sent);
    let dDropped = 0;
    for (const [reason, n] of Object.entries(dropped)) {
      const d = delta(n, base?.dropped[reason]);
      s.dropped[reason] = (s.dropped[reason] ?? 0) + d;
      dDropped += d;
    }
    let dFailed = 0;
    for (const [cause, n] of Object.entries(failed)) {
      const d = delta(n, base?.failed[cause]);
      s.failedRequests[cause] = (s.failedRequests[cause] ?? 0) + d;
      dFailed += d;
    }
    s.created += dCreated;
    s.sent += dSent;
    const t = Math.floor(r.time / bucketMs) * bucketMs;
    const bucket = s.buckets.get(t) ?? { created: 0, sent: 0, dropped: 0, failed: 0 };
    bucket.created += dCreated;
    bucket.sent += dSent;
    bucket.dropped += dDropped;
    bucket.failed += dFailed;
    s.buckets.set(t, bucket);
    previous.set(r.instance_id, { created: r.created, sent: r.sent, dropped, failed });
  }
  return [...services.values()]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map(({ instanceIds, buckets, ...s }) => ({
      ...s,
      instances: instanceIds.size,
      series: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, ...v })),
    }));
}
