/**
 * Rollup deltas of one write, accumulated in memory and applied once per rollup row at commit.
 *
 * A span contributes when it has ended (ok or error), to the bucket of its start time. A write
 * subtracts the span's previous contribution (computed from the row as it was stored) and adds
 * the new one, so a re-delivered end adds nothing and a correction replaces its contribution.
 */
import {
  addValue,
  emptyHistogram,
  mergeInto,
  type Histogram,
} from '../../metrics/histogram.js';
import { ROLLUP_RESOLUTIONS } from './schema.js';
import { durationOf, ttftOf, usageOf, type SpanState } from './span-merge.js';

/** The dimensions and values one ended span adds to the rollups. */
export interface Contribution {
  kind: string;
  name: string;
  provider: string;
  model: string;
  environment: string;
  release: string;
  userId: string;
  time: number;
  error: boolean;
  latency: number | null;
  ttft: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  cost: number;
  errorType: string | null;
  errorMessage: string | null;
  endTime: number;
  traceId: string;
}

/** Trace dimensions stamped on a span when it is written. */
export interface SpanDims {
  userId: string | null;
  environment: string | null;
  release: string | null;
}

export function contributionOf(s: SpanState, dims: SpanDims, traceId: string): Contribution | null {
  if (s.status !== 'ok' && s.status !== 'error') return null;
  const time = s.startTime ?? s.endTime;
  if (time === null) return null;
  const u = usageOf(s);
  const input = u?.input ?? 0;
  const output = u?.output ?? 0;
  return {
    kind: s.kind,
    name: s.name ?? '',
    provider: s.provider ?? '',
    model: s.model ?? '',
    environment: dims.environment ?? '',
    release: dims.release ?? '',
    userId: dims.userId ?? '',
    time,
    error: s.status === 'error',
    latency: durationOf(s),
    ttft: ttftOf(s),
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: u?.cacheRead ?? 0,
    cacheWriteTokens: u?.cacheWrite ?? 0,
    reasoningTokens: u?.reasoning ?? 0,
    totalTokens: u ? (u.total ?? input + output) : 0,
    cost: s.cost ?? 0,
    errorType: s.status === 'error' ? (s.errorType ?? 'error') : null,
    errorMessage: s.errorMessage,
    endTime: s.endTime ?? time,
    traceId,
  };
}

/** Whether two contributions are identical (then nothing needs to change). */
export function sameContribution(a: Contribution | null, b: Contribution | null): boolean {
  if (a === null || b === null) return a === b;
  // Every field of Contribution, spelled out (a keyed loop is a megamorphic load per field).
  return a.kind === b.kind && a.name === b.name && a.provider === b.provider && a.model === b.model &&
    a.environment === b.environment && a.release === b.release && a.userId === b.userId && a.time === b.time &&
    a.error === b.error && a.latency === b.latency && a.ttft === b.ttft && a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens && a.cacheReadTokens === b.cacheReadTokens &&
    a.cacheWriteTokens === b.cacheWriteTokens && a.reasoningTokens === b.reasoningTokens &&
    a.totalTokens === b.totalTokens && a.cost === b.cost && a.errorType === b.errorType &&
    a.errorMessage === b.errorMessage && a.endTime === b.endTime && a.traceId === b.traceId;
}

/** Compile-time check that sameContribution compares every field: add a new one there too. */
type _AllCompared = Exclude<keyof Contribution, 'kind' | 'name' | 'provider' | 'model' | 'environment' | 'release' |
  'userId' | 'time' | 'error' | 'latency' | 'ttft' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' |
  'cacheWriteTokens' | 'reasoningTokens' | 'totalTokens' | 'cost' | 'errorType' | 'errorMessage' | 'endTime' |
  'traceId'> extends never ? true : never;
const _allCompared: _AllCompared = true;
void _allCompared;

export interface SeriesDelta {
  projectId: string;
  resolution: number;
  bucket: number;
  seriesKey: string;
  dims: [string, string, string, string, string, string];
  count: number;
  errorCount: number;
  latencyCount: number;
  latencySum: number;
  latency: Histogram;
  ttftCount: number;
  ttftSum: number;
  ttft: Histogram;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  cost: number;
}

export interface UserDelta {
  projectId: string;
  resolution: number;
  bucket: number;
  userId: string;
  count: number;
  errorCount: number;
  latencySum: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
}

export interface ErrorDelta {
  projectId: string;
  resolution: number;
  bucket: number;
  seriesKey: string;
  dims: SeriesDelta['dims'];
  errorType: string;
  count: number;
  lastSeen: number;
  sampleMessage: string | null;
  sampleTraceId: string | null;
}

/** Deltas of one write, keyed by rollup row. Spans are added at the finest resolution only. */
export class RollupAccumulator {
  readonly series = new Map<string, SeriesDelta>();
  readonly users = new Map<string, UserDelta>();
  readonly errors = new Map<string, ErrorDelta>();

  /** Adds (sign 1) or removes (sign -1) one span's contribution. */
  add(projectId: string, c: Contribution, sign: 1 | -1): void {
    const resolution = FINEST;
    const bucket = Math.floor(c.time / resolution) * resolution;
    const seriesKey = `${c.kind}\u0000${c.name}\u0000${c.provider}\u0000${c.model}\u0000${c.environment}\u0000${c.release}`;
    const key = `${projectId}\u0001${bucket}\u0001${seriesKey}`;
    const d = this.series.get(key) ?? this.seriesDelta(key, projectId, resolution, bucket, seriesKey, [c.kind, c.name, c.provider, c.model, c.environment, c.release]);
    d.count += sign;
    if (c.error) d.errorCount += sign;
    if (c.latency !== null) {
      d.latencyCount += sign;
      d.latencySum += sign * c.latency;
      addValue(d.latency, c.latency, sign);
    }
    if (c.ttft !== null) {
      d.ttftCount += sign;
      d.ttftSum += sign * c.ttft;
      addValue(d.ttft, c.ttft, sign);
    }
    d.inputTokens += sign * c.inputTokens;
    d.outputTokens += sign * c.outputTokens;
    d.cacheReadTokens += sign * c.cacheReadTokens;
    d.cacheWriteTokens += sign * c.cacheWriteTokens;
    d.reasoningTokens += sign * c.reasoningTokens;
    d.totalTokens += sign * c.totalTokens;
    d.cost += sign * c.cost;

    const u = this.userDelta(`${projectId}\u0001${bucket}\u0001${c.userId}`, projectId, resolution, bucket, c.userId);
    u.count += sign;
    if (c.error) u.errorCount += sign;
    u.latencySum += sign * (c.latency ?? 0);
    u.inputTokens += sign * c.inputTokens;
    u.outputTokens += sign * c.outputTokens;
    u.totalTokens += sign * c.totalTokens;
    u.cost += sign * c.cost;

    if (c.errorType !== null) {
      const e = this.errorDelta(`${key}\u0001${c.errorType}`, projectId, resolution, bucket, seriesKey, d.dims, c.errorType);
      e.count += sign;
      if (sign > 0) noteError(e, c.endTime, c.errorMessage, c.traceId);
    }
  }

  /** Adds the coarser resolutions, each the sum of the finest buckets it covers. */
  withCoarserResolutions(): void {
    for (const resolution of ROLLUP_RESOLUTIONS) {
      if (resolution === FINEST) continue;
      for (const d of [...this.series.values()]) {
        if (d.resolution !== FINEST) continue;
        const bucket = Math.floor(d.bucket / resolution) * resolution;
        const into = this.seriesDelta(`${d.projectId}\u0001${resolution}\u0001${bucket}\u0001${d.seriesKey}`, d.projectId, resolution, bucket, d.seriesKey, d.dims);
        addSeriesSums(into, d);
        mergeInto(into.latency, d.latency);
        mergeInto(into.ttft, d.ttft);
      }
      for (const d of [...this.users.values()]) {
        if (d.resolution !== FINEST) continue;
        const bucket = Math.floor(d.bucket / resolution) * resolution;
        const into = this.userDelta(`${d.projectId}\u0001${resolution}\u0001${bucket}\u0001${d.userId}`, d.projectId, resolution, bucket, d.userId);
        into.count += d.count;
        into.errorCount += d.errorCount;
        into.latencySum += d.latencySum;
        into.inputTokens += d.inputTokens;
        into.outputTokens += d.outputTokens;
        into.totalTokens += d.totalTokens;
        into.cost += d.cost;
      }
      for (const d of [...this.errors.values()]) {
        if (d.resolution !== FINEST) continue;
        const bucket = Math.floor(d.bucket / resolution) * resolution;
        const into = this.errorDelta(`${d.projectId}\u0001${resolution}\u0001${bucket}\u0001${d.seriesKey}\u0001${d.errorType}`, d.projectId, resolution, bucket, d.seriesKey, d.dims, d.errorType);
        into.count += d.count;
        if (d.sampleTraceId !== null) noteError(into, d.lastSeen, d.sampleMessage, d.sampleTraceId);
      }
    }
  }

  private seriesDelta(key: string, projectId: string, resolution: number, bucket: number, seriesKey: string, dims: SeriesDelta['dims']): SeriesDelta {
    let d = this.series.get(key);
    if (!d) {
      d = {
        projectId, resolution, bucket, seriesKey, dims,
        count: 0, errorCount: 0, latencyCount: 0, latencySum: 0,
        latency: emptyHistogram(), ttftCount: 0, ttftSum: 0, ttft: emptyHistogram(),
        inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 0, cost: 0,
      };
      this.series.set(key, d);
    }
    return d;
  }

  private userDelta(key: string, projectId: string, resolution: number, bucket: number, userId: string): UserDelta {
    let u = this.users.get(key);
    if (!u) {
      u = { projectId, resolution, bucket, userId, count: 0, errorCount: 0, latencySum: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0 };
      this.users.set(key, u);
    }
    return u;
  }

  private errorDelta(key: string, projectId: string, resolution: number, bucket: number, seriesKey: string, dims: SeriesDelta['dims'], errorType: string): ErrorDelta {
    let e = this.errors.get(key);
    if (!e) {
      e = { projectId, resolution, bucket, seriesKey, dims, errorType, count: 0, lastSeen: 0, sampleMessage: null, sampleTraceId: null };
      this.errors.set(key, e);
    }
    return e;
  }
}

/** Keeps the latest error (ties: the greater trace id, so the sample does not depend on order). */
function noteError(e: ErrorDelta, at: number, message: string | null, traceId: string): void {
  if (at > e.lastSeen || (at === e.lastSeen && (e.sampleTraceId === null || traceId > e.sampleTraceId))) {
    e.lastSeen = at;
    e.sampleMessage = message;
    e.sampleTraceId = traceId;
  }
}

const FINEST = ROLLUP_RESOLUTIONS[0];

function addSeriesSums(into: SeriesDelta, d: SeriesDelta): void {
  into.count += d.count;
  into.errorCount += d.errorCount;
  into.latencyCount += d.latencyCount;
  into.latencySum += d.latencySum;
  into.ttftCount += d.ttftCount;
  into.ttftSum += d.ttftSum;
  into.inputTokens += d.inputTokens;
  into.outputTokens += d.outputTokens;
  into.cacheReadTokens += d.cacheReadTokens;
  into.cacheWriteTokens += d.cacheWriteTokens;
  into.reasoningTokens += d.reasoningTokens;
  into.totalTokens += d.totalTokens;
  into.cost += d.cost;
}
