/**
 * The `wisp` command: `--help`, configuration errors, `wisp keys` on the data directory of a running
 * collector (a key created by the CLI works; one revoked by the CLI stops working within about a
 * second), and graceful shutdown on SIGTERM.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollectorProcess, REPO_ROOT } from './collector-process.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../packages/server/src/cli.ts', import.meta.url));
const ADMIN = 'cli-test-admin-secret-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'wisp-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function wisp(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const span = () => {
  const now = Date.now();
  const id = Math.floor(Math.random() * 1e15).toString(16).padStart(16, '1');
  return { type: 'span', phase: 'full', traceId: id + id, spanId: id, time: now, startTime: now, endTime: now, name: 'cli', status: 'ok' };
};

describe('wisp command', () => {
  it('--help lists the commands', async () => {
    const r = await wisp(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['wisp serve', 'wisp keys create', 'wisp keys revoke', 'wisp demo']) expect(r.stdout).toContain(c);
  });

  it('configuration errors exit 2 with a message naming the option', async () => {
    expect(await wisp(['serve', '--port', 'abc'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--port: must be a non-negative integer/) });
    expect(await wisp(['serve', '--host', '0.0.0.0', '--data-dir', dataDir])).toMatchObject({ code: 2, stderr: expect.stringMatching(/WISP_ADMIN_SECRET/) });
    expect(await wisp(['serve', '--bogus'])).toMatchObject({ code: 2 });
    expect(await wisp(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command/) });
  });

  it(
    'keys created and revoked by the CLI apply to a running collector; SIGTERM shuts down cleanly',
    async () => {
      const env = { WISP_REQUIRE_API_KEYS: 'true', WISP_ADMIN_SECRET: ADMIN };
      const collector = await startCollectorProcess(['--port', '0', '--data-dir', dataDir], env);
      try {
        const created = await wisp(['keys', 'create', '--project', 'cli-proj', '--name', 'ci', '--data-dir', dataDir, '--json']);
        expect(created.code).toBe(0);
        const key = JSON.parse(created.stdout) as { id: string; secret: string; projectId: string };
        expect(key.projectId).toBe('cli-proj');
        expect(key.secret).toMatch(/^wisp_/);

        const ingest = () =>
          fetch(`${collector.url}/v1/ingest`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-wisp-api-key': key.secret },
            body: JSON.stringify({ events: [span()] }),
          }).then((r) => r.status);
        expect(await ingest()).toBe(200);
        const who = await fetch(`${collector.url}/api/v1/whoami`, { headers: { 'x-wisp-api-key': key.secret } }).then((r) => r.json());
        expect(who).toEqual({ projectId: 'cli-proj', admin: false, authRequired: true });

        const listed = await wisp(['keys', 'list', '--project', 'cli-proj', '--data-dir', dataDir]);
        expect(listed.stdout).toContain(key.id);
        expect(listed.stdout).not.toContain(key.secret);

        const revoked = await wisp(['keys', 'revoke', key.id, '--project', 'cli-proj', '--data-dir', dataDir]);
        expect(revoked.code).toBe(0);
        const t0 = Date.now();
        let status = 200;
        while (status === 200 && Date.now() - t0 < 5000) {
          status = await ingest();
          if (status === 200) await new Promise((r) => setTimeout(r, 100));
        }
        expect(status).toBe(401);
        expect(Date.now() - t0).toBeLessThan(2500);
        expect(await wisp(['keys', 'revoke', key.id, '--project', 'cli-proj', '--data-dir', dataDir])).toMatchObject({ code: 2 });
      } finally {
        collector.child.kill('SIGTERM');
      }
      expect(await collector.exited).toBe(0);
    },
    60_000,
  );
});
