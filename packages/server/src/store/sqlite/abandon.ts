/**
 * Marks spans that started before a cutoff and are still running as `abandoned`, and updates the
 * status and counts of their traces. Runs in bounded transactions so ingest is never stalled long.
 */
import type { Database } from 'better-sqlite3';

/** Spans marked per transaction. */
const ABANDON_BATCH = 5_000;

interface RunningRow {
  id: number;
  trace_ref: number;
  span_id: string;
}

interface TraceStatusRow {
  root_span_id: string | null;
  root_status: string | null;
  status: string;
  error_count: number;
  running_count: number;
  abandoned_count: number;
}

export class Abandoner {
  private readonly selectRunning;
  private readonly markSpan;
  private readonly selectTrace;
  private readonly updateTrace;

  constructor(private readonly db: Database) {
    // Served by the partial index observations_running.
    this.selectRunning = db.prepare<[number, number], RunningRow>(
      `SELECT id, trace_ref, span_id FROM observations WHERE status = 'running' AND start_time < ? LIMIT ?`,
    );
    this.markSpan = db.prepare<[number]>(`UPDATE observations SET status = 'abandoned' WHERE id = ?`);
    this.selectTrace = db.prepare<[number], TraceStatusRow>(
      'SELECT root_span_id, root_status, status, error_count, running_count, abandoned_count FROM traces WHERE id = ?',
    );
    this.updateTrace = db.prepare<[string | null, string, number, number, number]>(
      'UPDATE traces SET root_status = ?, status = ?, running_count = ?, abandoned_count = ? WHERE id = ?',
    );
  }

  /** Returns how many spans were marked. */
  markAbandoned(olderThan: number): number {
    let total = 0;
    for (;;) {
      const marked = this.db.transaction(() => {
        const rows = this.selectRunning.all(olderThan, ABANDON_BATCH);
        const byTrace = new Map<number, string[]>();
        for (const r of rows) {
          this.markSpan.run(r.id);
          const list = byTrace.get(r.trace_ref);
          if (list) list.push(r.span_id);
          else byTrace.set(r.trace_ref, [r.span_id]);
        }
        for (const [ref, spanIds] of byTrace) {
          const t = this.selectTrace.get(ref);
          if (!t) continue;
          const running = Math.max(0, t.running_count - spanIds.length);
          const abandoned = t.abandoned_count + spanIds.length;
          const rootStatus = t.root_span_id !== null && spanIds.includes(t.root_span_id) ? 'abandoned' : t.root_status;
          let status: string;
          if (t.error_count > 0) status = 'error';
          else if (t.root_span_id !== null) status = rootStatus ?? 'running';
          else status = running > 0 ? 'running' : abandoned > 0 ? 'abandoned' : 'ok';
          this.updateTrace.run(rootStatus, status, running, abandoned, ref);
        }
        return rows.length;
      }).immediate();
      total += marked;
      if (marked < ABANDON_BATCH) return total;
    }
  }
}
