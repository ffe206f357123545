/**
 * Which rollup rows cover a time range. Rollups exist at two resolutions (minute and hour, by span
 * start). A range is read as hour rows for its whole hours and minute rows for the ragged edges,
 * when the requested buckets are whole hours; otherwise as minute rows. So a 24-hour query reads
 * ~24 rows per series rather than ~1,440, and cost does not depend on how many spans are stored.
 *
 * Ranges are aligned to whole minutes: `from` rounded down, `to` rounded up (the rollups cannot
 * tell where in its minute a span started).
 */
import { WispError } from '../../../errors.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** Bucket sizes chosen by default: the smallest giving at most TARGET_BUCKETS buckets. */
export const NICE_BUCKETS = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 7 * 24 * HOUR];
export const TARGET_BUCKETS = 60;

export interface RollupSlice {
  resolution: number;
  from: number;
  to: number;
}

export function alignRange(from: number, to: number): { from: number; to: number } {
  const f = Math.floor(from / MINUTE) * MINUTE;
  const t = Math.max(f + MINUTE, Math.ceil(to / MINUTE) * MINUTE);
  return { from: f, to: t };
}

/** The bucket size to use: the requested one (a whole number of minutes), else a nice default. */
export function resolveBucket(from: number, to: number, bucketMs: number | undefined): number {
  if (bucketMs !== undefined) {
    if (bucketMs < MINUTE || bucketMs % MINUTE !== 0) {
      throw new WispError('WISP_ERR_BAD_QUERY', 'Query parameter `bucketMs` must be a whole number of minutes (a multiple of 60000).');
    }
    return bucketMs;
  }
  // Ranges of a day or more get whole-hour buckets, which read the hourly rollups.
  const nice = NICE_BUCKETS.filter((b) => to - from < 24 * HOUR || b % HOUR === 0);
  return nice.find((b) => (to - from) / b <= TARGET_BUCKETS) ?? nice[nice.length - 1]!;
}

/** The rollup slices covering [from, to) for buckets of `bucketMs`. */
export function rollupSlices(from: number, to: number, bucketMs: number): RollupSlice[] {
  if (bucketMs % HOUR !== 0) return [{ resolution: MINUTE, from, to }];
  const hFrom = Math.ceil(from / HOUR) * HOUR;
  const hTo = Math.floor(to / HOUR) * HOUR;
  if (hFrom >= hTo) return [{ resolution: MINUTE, from, to }];
  const slices: RollupSlice[] = [];
  if (from < hFrom) slices.push({ resolution: MINUTE, from, to: hFrom });
  slices.push({ resolution: HOUR, from: hFrom, to: hTo });
  if (hTo < to) slices.push({ resolution: MINUTE, from: hTo, to });
  return slices;
}
