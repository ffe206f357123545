/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The traces page against a real collector filled by the SDK: the table, filters in the URL that
 * survive a reload, sort, search, "load more", export links and live mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, TraceSummary } from '@wisp/protocol';
import type { TestServer } from '../../packages/server/src/testing/test-server.js';
import { launchChromium, openPage, sdkFor, seedAgentTraces, startUiServer, waitForTraces, type Browser } from './ui-support.js';

const TRACES = 60;

describe('traces page', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startUiServer();
    const wisp = sdkFor(server, 'support-bot');
    await seedAgentTraces(wisp, TRACES);
    await wisp.shutdown(5_000);
    await waitForTraces(server, TRACES);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  async function api(path: string): Promise<Page<TraceSummary>> {
    return (await (await fetch(`${server.url}/api/v1${path}`)).json()) as Page<TraceSummary>;
  }

  it('lists the newest traces first with their columns, and loads more by cursor', async () => {
    const { page, context, errors } = await openPage(browser);
    await page.goto(`${server.url}/traces`);
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    const expected = await api('/traces?limit=50');
    const ids = await page.$$eval('[data-testid=trace-table] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-trace-id')));
    expect(ids).toEqual(expected.items.map((t) => t.traceId));
    const first = page.locator('[data-testid=trace-table] tbody tr').first();
    const text = await first.innerText();
    expect(text).toContain(expected.items[0]!.name!);
    expect(text).toContain(expected.items[0]!.userId!);
    expect(text).toContain(expected.items[0]!.sessionId!);
    expect(text).toMatch(/UTC/);
    await page.click('[data-testid=load-more]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=trace-table] tbody tr').length === n, TRACES);
    expect(await page.locator('[data-testid=load-more]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('filters through facet pickers into the URL, and the filters survive a reload', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/traces`);
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    await page.waitForSelector('[data-testid=facet-status] option[value=error]', { state: 'attached' });
    await page.selectOption('[data-testid=facet-status]', 'error');
    await page.waitForURL(/status=error/);
    const errorTraces = await api('/traces?status=error&limit=200');
    expect(errorTraces.items.length).toBeGreaterThan(0);
    expect(errorTraces.items.length).toBeLessThan(TRACES);
    const rowsMatch = (n: number) =>
      page.waitForFunction(
        (n) => {
          const rows = [...document.querySelectorAll('[data-testid=trace-table] tbody tr')];
          return rows.length === n && rows.every((r) => r.textContent?.includes('error'));
        },
        n,
      );
    await rowsMatch(errorTraces.items.length);

    await page.waitForSelector('[data-testid=facet-name] option[value=refund-agent]', { state: 'attached' });
    await page.selectOption('[data-testid=facet-name]', 'refund-agent');
    await page.waitForURL(/name=refund-agent/);
    const both = await api('/traces?status=error&name=refund-agent&limit=200');
    await page.waitForFunction(
      (ids) => {
        const rows = [...document.querySelectorAll('[data-testid=trace-table] tbody tr')].map((r) => r.getAttribute('data-trace-id'));
        return JSON.stringify(rows) === JSON.stringify(ids);
      },
      both.items.map((t) => t.traceId),
    );
    if (both.items.length === 0) await page.waitForSelector('[data-testid=empty-state]');

    await page.reload();
    await page.waitForFunction(() => (document.querySelector('[data-testid=facet-status]') as HTMLSelectElement | null)?.value === 'error');
    expect(await page.$eval('[data-testid=facet-name]', (s) => (s as HTMLSelectElement).value)).toBe('refund-agent');
    const afterReload = await page.$$eval('[data-testid=trace-table] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-trace-id')));
    expect(afterReload).toEqual(both.items.map((t) => t.traceId));
    await context.close();
  });

  it('searches and sorts through the URL', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/traces`);
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    await page.fill('[data-testid=search]', 'double charge');
    await page.waitForURL(/search=double\+charge/);
    const found = await api('/traces?search=double%20charge&limit=200');
    expect(found.items.length).toBeGreaterThan(0);
    await page.waitForFunction(
      (n) => {
        const rows = [...document.querySelectorAll('[data-testid=trace-table] tbody tr')];
        return rows.length === n && rows.every((r) => r.textContent?.includes('double charge'));
      },
      found.items.length,
    );
    await page.click('[data-testid=sort-durationMs]');
    await page.waitForURL(/sort=durationMs/);
    const sorted = await api('/traces?search=double%20charge&sort=durationMs&order=desc&limit=200');
    await page.waitForFunction(
      (ids) => JSON.stringify([...document.querySelectorAll('[data-testid=trace-table] tbody tr')].map((r) => r.getAttribute('data-trace-id'))) === JSON.stringify(ids),
      sorted.items.map((t) => t.traceId),
    );
    await context.close();
  });

  it('offers NDJSON and CSV exports of the filtered traces', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/traces?status=error`);
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    const href = await page.getAttribute('[data-testid=export-ndjson]', 'href');
    expect(href).toBe('/api/v1/export/traces.ndjson?status=error');
    const download = page.waitForEvent('download');
    await page.click('[data-testid=export-csv]');
    const file = await download;
    expect(file.suggestedFilename()).toBe('traces.csv');
    const ndjson = await (await fetch(`${server.url}${href}`)).text();
    const errorCount = (await api('/traces?status=error&limit=200')).items.length;
    expect(ndjson.trim().split('\n')).toHaveLength(errorCount);
    await context.close();
  });

  it('live mode shows a new trace within 2 s of its arrival without moving what the user reads', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/traces`);
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    await page.check('[data-testid=live-toggle]');
    await page.waitForSelector('.live-dot.on');
    // Scroll down, and remember where a row the user is reading sits on screen.
    await page.$eval('[data-testid=trace-table-box]', (box) => (box.scrollTop = 400));
    const reading = await page.evaluate(() => {
      const box = document.querySelector('[data-testid=trace-table-box]')!;
      const top = box.getBoundingClientRect().top + 60;
      const row = [...box.querySelectorAll('tbody tr')].find((r) => r.getBoundingClientRect().top >= top)!;
      return { id: row.getAttribute('data-trace-id')!, y: row.getBoundingClientRect().top };
    });

    const wisp = sdkFor(server, 'live-test');
    const traceId = await wisp.trace(
      'live-arrival',
      (span) => {
        span.update({ input: 'hello live' });
        return span.traceId;
      },
      { userId: 'live-user' },
    );
    await wisp.flush(5_000);
    const arrived = Date.now();
    await page.waitForSelector(`tr[data-trace-id="${traceId}"]`, { state: 'attached', timeout: 2_000 });
    expect(Date.now() - arrived).toBeLessThan(2_000);
    const first = await page.$eval('[data-testid=trace-table] tbody tr', (r) => r.getAttribute('data-trace-id'));
    expect(first).toBe(traceId);
    const y = await page.$eval(`tr[data-trace-id="${reading.id}"]`, (r) => r.getBoundingClientRect().top);
    expect(Math.abs(y - reading.y)).toBeLessThanOrEqual(1);
    await wisp.shutdown(2_000);
    await context.close();
  });

  it('lists users with the counts of the API, each opening their traces', async () => {
    const { page, context } = await openPage(browser);
    const users = (await (await fetch(`${server.url}/api/v1/users?limit=50`)).json()) as Page<{ userId: string; traceCount: number }>;
    expect(users.items.length).toBeGreaterThanOrEqual(6);
    await page.goto(`${server.url}/users`);
    await page.waitForSelector('[data-testid=user-table] tbody tr');
    const shown = await page.$$eval('[data-testid=user-table] tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-user'), Number((tr.querySelector('[data-value]') as HTMLElement).dataset.value)]),
    );
    expect(shown).toEqual(users.items.map((u) => [u.userId, u.traceCount]));
    const user = users.items[0]!;
    await page.click(`[data-testid=user-table] tr[data-user="${user.userId}"] a`);
    await page.waitForURL(/\/traces\?userId=/);
    await page.waitForFunction(
      ({ n, id }) => {
        const rows = [...document.querySelectorAll('[data-testid=trace-table] tbody tr')];
        return rows.length === Math.min(n, 50) && rows.every((r) => r.textContent?.includes(id));
      },
      { n: user.traceCount, id: user.userId },
    );
    await context.close();
  });
});
