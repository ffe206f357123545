/**
 * Query time limits. better-sqlite3 runs statements synchronously and cannot be interrupted from
 * the same thread, so reads stay bounded two ways: statements are shaped to use indexes and
 * LIMITs (bounded scans), and row loops check a deadline every few hundred rows and give up with
 * 503 WISP_ERR_QUERY_TIMEOUT rather than hold the event loop.
 */
import { WispError } from '../../../errors.js';

/** Default time limit of one API query. */
export const QUERY_TIMEOUT_MS = 5_000;

/** Options every read function accepts. */
export interface ReadOptions {
  /** Time limit in ms. @default QUERY_TIMEOUT_MS */
  timeoutMs?: number;
  /** Clock, injectable for tests. @default performance.now */
  now?: () => number;
  /** Trigram hits above which a search checks windows instead of listing hits (tests lower it). @default SEARCH_HITS_CAP */
  searchHitsCap?: number;
}

export class Deadline {
  private readonly at: number;
  private readonly now: () => number;
  private rows = 0;

  constructor(options: ReadOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.at = this.now() + (options.timeoutMs ?? QUERY_TIMEOUT_MS);
  }

  /** Throws WISP_ERR_QUERY_TIMEOUT once the limit has passed. */
  check(): void {
    if (this.now() > this.at) {
      throw new WispError('WISP_ERR_QUERY_TIMEOUT', 'The query took longer than its time limit; narrow the filters or the time range.', {
        retryAfterSeconds: 1,
      });
    }
  }

  /** Cheap per-row check: consults the clock every 256 rows. */
  tick(): void {
    if ((++this.rows & 255) === 0) this.check();
  }
}

/** Iterates a statement's rows, checking the deadline as it goes. */
export function* rowsWithin<T>(rows: Iterable<unknown>, deadline: Deadline): Generator<T> {
  for (const row of rows) {
    deadline.tick();
    yield row as T;
  }
}
