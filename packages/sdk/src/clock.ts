/**
 * Span timestamps: the wall clock is read at span start and the end is start plus a duration on
 * the monotonic clock. `performance.now()` alone drifts from the wall clock (it stops during
 * system sleep on some platforms; OpenTelemetry JS issue #3355), so a trace's start re-checks the
 * anchor against `Date.now()` (at most every 50 ms) and re-anchors when they disagree by more than
 * a millisecond.
 */
import { performance } from 'node:perf_hooks';

/** Re-anchor when the monotonic estimate and the wall clock differ by more than this (ms). */
const MAX_SKEW_MS = 1;

/** Check the anchor against the wall clock at most this often (monotonic ms). */
const CHECK_EVERY_MS = 50;

let anchor = Date.now() - performance.now();
let checkedAt = -Infinity;

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
  let t = anchor + mono;
  // Reading the wall clock for every trace costs more than the rest of the check: once per 50 ms
  // of monotonic time is enough to catch a jump (sleep, NTP step) long before it matters.
  if (mono - checkedAt < CHECK_EVERY_MS && mono >= checkedAt) return t;
  checkedAt = mono;
  const wall = Date.now();
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
