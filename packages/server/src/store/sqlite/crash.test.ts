import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wisp-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it has acked `minAcks` batches plus a random delay, then SIGKILLs it. */
function writeUntilKilled(path: string, run: number, minAcks: number): Promise<Array<{ traces: string[]; spans: number }>> {
  const fixture = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, String(run)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked: Array<{ traces: string[]; spans: number }> = [];
  let buffer = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer acked only ${acked.length} batches in time`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const [, , traces = '', spans = '0'] = line.split(' ');
        acked.push({ traces: traces.split(','), spans: Number(spans) });
        if (acked.length === minAcks) setTimeout(() => child.kill('SIGKILL'), Math.random() * 200);
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      // Lines the child wrote before dying may still be in the pipe: they were acked too.
      if (buffer.trim() !== '') {
        const [, , traces = '', spans = '0'] = buffer.trim().split(' ');
        acked.push({ traces: traces.split(','), spans: Number(spans) });
      }
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${signal ?? _code}`));
      else resolve(acked);
    });
  });
}

it('keeps every acknowledged write after kill -9, across several crashes, with an intact file', async () => {
  const path = join(dir, 'wisp.db');
  const allAcked: Array<{ traces: string[]; spans: number }> = [];
  for (let run = 0; run < 3; run++) {
    allAcked.push(...(await writeUntilKilled(path, run, 3 + run * 2)));
    const store = new SqliteStore({ path });
    await store.migrate();
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const count = store.db.prepare(
        `SELECT count(*) AS n FROM observations o JOIN traces t ON t.id = o.trace_ref WHERE t.project_id = 'crash' AND t.trace_id = ?`,
      );
      for (const batch of allAcked) {
        let spans = 0;
        for (const traceId of batch.traces) spans += (count.get(traceId) as { n: number }).n;
        expect(spans).toBe(batch.spans);
      }
    } finally {
      await store.close();
    }
  }
  expect(allAcked.length).toBeGreaterThanOrEqual(9);
}, 120_000);
