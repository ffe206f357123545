/**
 * Span timestamps: the wall clock is read at span start and the end is start plus a duration on
 * the monotonic clock. `performance.now()` alone drifts from the wall clock (it stops during
 * system sleep on some platforms; OpenTelemetry JS issue #3355), so each start re-checks the
 * anchor against `Date.now()` and re-anchors when they disagree by more than a millisecond.
 */
import { performance } from 'node:perf_hooks';

/** Re-anchor when the monotonic estimate and the wall clock differ by more than this (ms). */
const MAX_SKEW_MS = 1;

let anchor = Date.now() - performance.now();

/** Monotonic milliseconds (fractional), for durations. */
export function monotonicNow(): number {
  return performance.now();
}

/**
 * The offset that turns a monotonic reading into wall-clock epoch ms, checked against the wall
 * clock now. A trace keeps the anchor of its local root, so the times of its spans are exactly
 * as nested as their monotonic readings: a child never starts before or ends after its parent.
 */
export function wallAnchor(mono: number): number {
  return wallTimeAt(mono) - mono;
}

/** Wall-clock epoch milliseconds (fractional) for the monotonic reading `mono`. */
export function wallTimeAt(mono: number): number {
  const wall = Date.now();
  let t = anchor + mono;
  if (t - wall > MAX_SKEW_MS || wall - t > MAX_SKEW_MS) {
    anchor = wall - mono;
    t = wall;
  }
  return t;
}

/** Rounds epoch milliseconds to whole microseconds so JSON stays short and exact enough. */
export function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
