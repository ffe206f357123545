/** OTel `HrTime` (`[seconds, nanoseconds]`) to epoch ms with microsecond precision. */
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '@wisp/protocol';
import type { HrTime } from './otel-shapes.js';

/** Epoch ms, or `undefined` for a malformed time or one outside what the collector accepts. */
export function hrTimeToMs(t: HrTime | undefined): number | undefined {
  if (!Array.isArray(t) || typeof t[0] !== 'number' || typeof t[1] !== 'number') return undefined;
  const ms = Math.round(t[0] * 1e6 + t[1] / 1e3) / 1e3;
  return Number.isFinite(ms) && ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS ? ms : undefined;
}
