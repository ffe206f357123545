import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock whose time moves only when a test says so. `advance(ms)` runs every timer due within
 * `ms`, in order, letting promise continuations run between timers.
 */
export class FakeClock implements Clock {
  private time = 0;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(private readonly wallOrigin = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  wallNow(): number {
    return this.wallOrigin + this.time;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    await settle();
    for (;;) {
      const next = this.timers.reduce<PendingTimer | undefined>(
        (a, t) => (!a || t.at < a.at || (t.at === a.at && t.seq < a.seq) ? t : a),
        undefined,
      );
      if (!next || next.at > until) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.fn();
      await settle();
    }
    this.time = until;
    await settle();
  }
}

/** Lets queued promise continuations (and one macrotask turn) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
