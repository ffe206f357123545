/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Access and settings against a collector that requires keys: the key prompt, an admin creating a
 * key (its secret shown once), retention, revoking, signing in with the new key, and the time-zone
 * picker (every timestamp names its zone; the choice survives a reload).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyInfo, ProjectInfo } from '@wisp/protocol';
import type { TestServer } from '../../packages/server/src/testing/test-server.js';
import { launchChromium, openPage, startUiServer, type Browser } from './ui-support.js';
import { Wisp } from '@wisp/sdk';

const ADMIN = 'admin-secret-for-ui-tests';

describe('settings and access', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startUiServer({ requireApiKeys: true, adminSecret: ADMIN });
    const wisp = new Wisp({ endpoint: server.url, apiKey: ADMIN, serviceName: 'seed', lingerMs: 5 });
    wisp.trace('seeded', () => undefined);
    await wisp.shutdown(5_000);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const admin = async <T>(path: string) =>
    (await (await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as T;

  it('asks for a key, lets the admin create one (shown once), change retention and revoke', async () => {
    const { page, context, errors } = await openPage(browser);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${server.url}/settings`);
    await page.waitForSelector('[data-testid=key-prompt]');
    await page.fill('[data-testid=key-prompt] input', 'not-a-key');
    await page.click('[data-testid=key-prompt] button');
    await page.waitForSelector('[data-testid=key-prompt] >> text=not accepted');
    await page.fill('[data-testid=key-prompt] input', ADMIN);
    await page.click('[data-testid=key-prompt] button');
    await page.waitForSelector('[data-testid=api-keys]');

    await page.fill('[data-testid=new-key-name]', 'checkout-service');
    await page.click('[data-testid=create-key]');
    await page.waitForSelector('[data-testid=new-key-secret] code');
    const secret = await page.innerText('[data-testid=new-key-secret] code');
    expect(secret.length).toBeGreaterThan(16);
    await page.waitForSelector('[data-testid=api-keys] td >> text=checkout-service');
    const keys = await admin<{ items: ApiKeyInfo[] }>('/projects/default/keys');
    const created = keys.items.find((k) => k.name === 'checkout-service')!;
    expect(secret.startsWith(created.prefix)).toBe(true);
    await page.click('[data-testid=new-key-secret] button:has-text("Done")');
    expect(await page.locator('[data-testid=new-key-secret]').count()).toBe(0);
    expect(await page.innerText('body')).not.toContain(secret);

    // The key works: the SDK sends with it, and the dashboard opens with it.
    const wisp = new Wisp({ endpoint: server.url, apiKey: secret, serviceName: 'checkout', lingerMs: 5 });
    wisp.trace('checkout', () => undefined);
    await wisp.shutdown(5_000);

    await page.fill('[data-testid=retention-days]', '14');
    await page.click('[data-testid=projects] button:has-text("Save")');
    await expect.poll(async () => (await admin<{ items: ProjectInfo[] }>('/projects')).items.find((p) => p.id === 'default')?.retentionDays).toBe(14);

    await page.click('button:has-text("Sign out")');
    await page.fill('[data-testid=key-prompt] input', secret);
    await page.click('[data-testid=key-prompt] button');
    await page.goto(`${server.url}/traces`);
    await page.waitForSelector('[data-testid=trace-table] tbody tr >> text=checkout');
    await page.goto(`${server.url}/settings`);
    await page.waitForSelector('text=Managing projects, keys and retention needs the admin secret');

    // Back as admin: revoke the key; the dashboard can no longer use it.
    await page.click('button:has-text("Sign out")');
    await page.fill('[data-testid=key-prompt] input', ADMIN);
    await page.click('[data-testid=key-prompt] button');
    await page.waitForSelector('[data-testid=api-keys] td >> text=checkout-service');
    await page.click('[data-testid=api-keys] button:has-text("Revoke")');
    await page.waitForSelector('[data-testid=api-keys] >> text=revoked');
    const after = await admin<{ items: ApiKeyInfo[] }>('/projects/default/keys');
    expect(after.items.find((k) => k.id === created.id)?.revokedAt).not.toBeNull();
    const refused = await fetch(`${server.url}/api/v1/traces`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows every timestamp with its zone, in the zone the user picks, remembered across reloads', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/traces`);
    await page.fill('[data-testid=key-prompt] input', ADMIN);
    await page.click('[data-testid=key-prompt] button');
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    const utc = await page.innerText('[data-testid=trace-table] tbody tr td:first-child');
    expect(utc).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC/);
    await page.selectOption('[data-testid=time-zone]', 'Asia/Tokyo');
    await page.waitForFunction(() => document.querySelector('[data-testid=trace-table] tbody tr td')?.textContent?.includes('GMT+9'));
    const tokyo = await page.innerText('[data-testid=trace-table] tbody tr td:first-child');
    const [, hh, mm] = /(\d\d):(\d\d):/.exec(utc)!;
    const [, kh, km] = /(\d\d):(\d\d):/.exec(tokyo)!;
    expect(((Number(kh) * 60 + Number(km) - (Number(hh) * 60 + Number(mm)) + 1440) % 1440)).toBe(540);
    await page.reload();
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    expect(await page.innerText('[data-testid=trace-table] tbody tr td:first-child')).toContain('GMT+9');
    await context.close();
  });

  it('follows prefers-color-scheme, and the toggle overrides it across reloads', async () => {
    const { page, context } = await openPage(browser, { colorScheme: 'dark' });
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.goto(`${server.url}/settings`);
    await page.fill('[data-testid=key-prompt] input', ADMIN);
    await page.click('[data-testid=key-prompt] button');
    await page.waitForSelector('[data-testid=api-keys]');
    expect(await background()).toBe('rgb(15, 18, 22)'); // dark, from the system preference
    await page.selectOption('[data-testid=theme]', 'light');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    expect(await background()).toBe('rgb(246, 247, 249)');
    await page.reload();
    await page.waitForSelector('[data-testid=api-keys]');
    expect(await background()).toBe('rgb(246, 247, 249)');
    await context.close();
  });

  it('exports with the key sent as a header when the collector requires one', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/traces`);
    await page.fill('[data-testid=key-prompt] input', ADMIN);
    await page.click('[data-testid=key-prompt] button');
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    const download = page.waitForEvent('download');
    await page.click('[data-testid=export-ndjson]');
    const file = await download;
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(await file.path(), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    const names = lines.map((l) => (JSON.parse(l) as { trace?: { name?: string } }).trace?.name);
    expect(names).toContain('seeded');
    await context.close();
  });
});
