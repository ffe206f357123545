/**
 * Runs the real `wisp serve` as a child process (from the TypeScript sources via tsx) and tells when
 * it listens, by reading its JSON log line "Wisp listening on <url>".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../packages/server/src/cli.ts', import.meta.url));

export interface CollectorProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<number | string | null>;
}

export function startCollectorProcess(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<CollectorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, WISP_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()).slice(-4000));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /Wisp listening on (http:\/\/[^"\s]+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited (${code}) before listening: ${stderr}`));
    });
  });
}
