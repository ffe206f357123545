import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@wisp/protocol';
import { ConfigError, isLoopbackHost, resolveConfig } from './config.js';
import { loadConfig } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'wisp-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(content: unknown): string {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('configuration', () => {
  it('defaults match the brief', () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({ port: 4318, host: '127.0.0.1', dataDir: './.wisp-data', adminSecret: null, requireApiKeys: false, abandonAfterMs: 3_600_000, retentionDays: 30 });
    expect(c.limits).toEqual(DEFAULT_LIMITS);
  });

  it('precedence: defaults < config file < environment < flags', () => {
    const path = file({ port: 1000, dataDir: '/from-file', retentionDays: 7, limits: { maxJsonDepth: 32 } });
    const c = loadConfig({ env: { WISP_CONFIG: path, WISP_PORT: '2000', WISP_MAX_JSON_DEPTH: '16' }, flags: { port: 3000 } });
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('/from-file');
    expect(c.retentionDays).toBe(7);
    expect(c.limits.maxJsonDepth).toBe(16);
    expect(c.limits.maxRequestBytes).toBe(DEFAULT_LIMITS.maxRequestBytes);
    expect(loadConfig({ configFile: path, env: { WISP_PORT: '2000' } }).port).toBe(2000);
  });

  it('rejects unknown keys and bad values with a message naming the option', () => {
    expect(() => loadConfig({ configFile: file({ prot: 1 }), env: {} })).toThrow(/unknown option "prot"/);
    expect(() => loadConfig({ configFile: file({ limits: { maxDepth: 3 } }), env: {} })).toThrow(/limits.maxDepth: unknown option/);
    expect(() => loadConfig({ configFile: file({ port: 'x' }), env: {} })).toThrow(/port: must be an integer/);
    expect(() => loadConfig({ configFile: file('{not json'), env: {} })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ configFile: join(dir, 'missing.json'), env: {} })).toThrow(/cannot be read/);
    expect(() => loadConfig({ env: { WISP_PORT: '99999' } })).toThrow(/port: must be at most 65535/);
    expect(() => loadConfig({ env: { WISP_RETENTION_DAYS: 'ten' } })).toThrow(/WISP_RETENTION_DAYS: must be an integer/);
    expect(() => resolveConfig({ logLevel: 'loud' })).toThrow(ConfigError);
  });

  it('a non-loopback host requires an admin secret and turns API keys on', () => {
    expect(() => loadConfig({ env: { WISP_HOST: '0.0.0.0' } })).toThrow(/WISP_ADMIN_SECRET/);
    const c = loadConfig({ env: { WISP_HOST: '0.0.0.0', WISP_ADMIN_SECRET: 'a-long-enough-admin-secret' } });
    expect(c.requireApiKeys).toBe(true);
    expect(() => loadConfig({ env: { WISP_ADMIN_SECRET: 'short' } })).toThrow(/at least 16/);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com']) expect(isLoopbackHost(h)).toBe(false);
  });
});
