/**
 * Crash safety: clients stream batches with retries while the collector is killed with SIGKILL and
 * restarted several times. Afterwards every acknowledged span is stored exactly once and SQLite's
 * integrity check passes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { startCollectorProcess, type CollectorProcess } from './collector-process.js';

const KILLS = 5;
const SENDERS = 4;
const SPANS_PER_BATCH = 50;
/** Acknowledged batches between kills (the kill then lands at a random moment shortly after). */
const ACKS_BETWEEN_KILLS = 12;

const dataDir = mkdtempSync(join(tmpdir(), 'wisp-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

let seq = 0;
function batch(): { traceId: string; spans: SpanEvent[] } {
  seq++;
  const traceId = (Date.now().toString(16) + seq.toString(16).padStart(8, '0')).padEnd(32, 'c').slice(0, 32);
  const now = Date.now();
  const spans = Array.from({ length: SPANS_PER_BATCH }, (_, i): SpanEvent => ({
    type: 'span',
    phase: 'full',
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    parentId: i === 0 ? undefined : '0000000000000001',
    time: now,
    name: `step-${i}`,
    kind: i === 0 ? 'agent' : 'tool',
    startTime: now - 10,
    endTime: now,
    status: 'ok',
    input: { i, text: 'x'.repeat(200) },
  }));
  return { traceId, spans };
}

describe('collector crash safety', () => {
  it(
    'every acknowledged span survives repeated kill -9 exactly once, and the database stays intact',
    async () => {
      let current: CollectorProcess = await startCollectorProcess(['--port', '0', '--data-dir', dataDir]);
      let restarting: Promise<void> | null = null;
      const acked = new Map<string, number>();
      let acksSinceStart = 0;
      let kills = 0;
      let failedAttempts = 0;
      let done = false;

      async function send(b: { traceId: string; spans: SpanEvent[] }): Promise<void> {
        for (;;) {
          if (restarting) await restarting;
          try {
            const res = await fetch(`${current.url}/v1/ingest`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ events: b.spans }),
            });
            await res.arrayBuffer();
            if (res.status === 200) {
              acked.set(b.traceId, b.spans.length);
              acksSinceStart++;
              return;
            }
            failedAttempts++;
          } catch {
            failedAttempts++;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }

      async function sender(): Promise<void> {
        while (!done) await send(batch());
      }

      async function killer(): Promise<void> {
        while (kills < KILLS) {
          while (acksSinceStart < ACKS_BETWEEN_KILLS) await new Promise((r) => setTimeout(r, 5));
          await new Promise((r) => setTimeout(r, Math.random() * 40));
          let finishRestart!: () => void;
          restarting = new Promise((r) => (finishRestart = r));
          current.child.kill('SIGKILL');
          await current.exited;
          kills++;
          acksSinceStart = 0;
          current = await startCollectorProcess(['--port', '0', '--data-dir', dataDir]);
          restarting = null;
          finishRestart();
        }
        done = true;
      }

      await Promise.all([killer(), ...Array.from({ length: SENDERS }, () => sender())]);

      expect(kills).toBe(KILLS);
      expect(acked.size).toBeGreaterThanOrEqual(KILLS * ACKS_BETWEEN_KILLS);

      // Read every acknowledged trace back through the query API of the last collector.
      for (const [traceId, count] of acked) {
        const res = await fetch(`${current.url}/api/v1/traces/${traceId}`);
        expect(res.status, `trace ${traceId}`).toBe(200);
        const detail = (await res.json()) as { observations: Array<{ spanId: string }> };
        const ids = detail.observations.map((o) => o.spanId);
        expect(ids.length, `spans of ${traceId}`).toBe(count);
        expect(new Set(ids).size).toBe(count);
      }

      current.child.kill('SIGTERM');
      expect(await current.exited).toBe(0);

      const db = new Database(join(dataDir, 'wisp.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const dup = db.prepare('SELECT count(*) AS n FROM (SELECT trace_ref, span_id FROM observations GROUP BY 1, 2 HAVING count(*) > 1)').get() as { n: number };
        expect(dup.n).toBe(0);
      } finally {
        db.close();
      }
      console.log(`crash test: ${kills} kills, ${acked.size} batches (${acked.size * SPANS_PER_BATCH} spans) acknowledged, ${failedAttempts} failed attempts retried`);
    },
    120_000,
  );
});
