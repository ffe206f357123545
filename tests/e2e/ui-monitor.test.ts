/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The monitor against a real collector filled by the SDK: every number on the page is the number
 * the query API gives for the same window, rows come in the API's (impact) order, and each row
 * opens the traces behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorTypeRow, MetricsResponse, SdkHealthRow } from '@wisp/protocol';
import type { TestServer } from '../../packages/server/src/testing/test-server.js';
import { formatCount, formatPercent } from '../../packages/ui/src/format/numbers.js';
import { launchChromium, openPage, sdkFor, seedAgentTraces, startUiServer, waitForTraces, type Browser } from './ui-support.js';

describe('monitor page', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startUiServer();
    const wisp = sdkFor(server, 'support-bot');
    await seedAgentTraces(wisp, 40, { spreadMs: 3_600_000 });
    await wisp.shutdown(5_000);
    await waitForTraces(server, 40);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const get = async <T>(pathAndQuery: string) => (await (await fetch(`${server.url}${pathAndQuery}`)).json()) as T;

  it('shows the API numbers per node, in impact order, with totals, errors by type and SDK health', async () => {
    const { page, context, errors } = await openPage(browser);
    const metricsCall = page.waitForResponse((r) => r.url().includes('/api/v1/metrics?') && r.url().includes('groupBy=name'));
    await page.goto(`${server.url}/monitor?range=6h`);
    const call = new URL((await metricsCall).url());
    await page.waitForSelector('[data-testid=metrics-table] tbody tr');
    await page.waitForSelector('[data-testid=chart-requests-value]');
    // The same question asked directly of the API.
    const api = await get<MetricsResponse>(`${call.pathname}${call.search}`);
    expect(api.groups.length).toBeGreaterThanOrEqual(6); // support-agent, refund-agent, plan, search_docs, rerank, pii-guard, answer
    const rows = await page.$$eval('[data-testid=metrics-table] tbody tr[data-group]', (trs) =>
      trs.map((tr) => {
        const cell = (m: string) => tr.querySelector(`[data-metric=${m}]`) as HTMLElement;
        return {
          key: tr.getAttribute('data-group'),
          count: Number(cell('count').dataset.value),
          countText: cell('count').textContent,
          errorRate: Number(cell('errorRate').dataset.value),
          errorText: cell('errorRate').textContent,
          p50: cell('p50').dataset.value,
          p95: cell('p95').dataset.value,
          p99: cell('p99').dataset.value,
          ttft: cell('ttft').dataset.value,
          tokens: Number(cell('tokens').dataset.value),
          cost: Number(cell('cost').dataset.value),
        };
      }),
    );
    expect(rows.map((r) => r.key)).toEqual(api.groups.map((g) => g.key ?? ''));
    for (const [i, g] of api.groups.entries()) {
      const row = rows[i]!;
      expect(row.count).toBe(g.count);
      expect(row.countText).toContain(formatCount(g.count));
      expect(row.errorRate).toBe(g.errorRate);
      expect(row.errorText).toBe(formatPercent(g.errorRate));
      expect(row.p50).toBe(String(g.latency.p50 ?? ''));
      expect(row.p95).toBe(String(g.latency.p95 ?? ''));
      expect(row.p99).toBe(String(g.latency.p99 ?? ''));
      expect(row.ttft).toBe(String(g.ttft.p95 ?? ''));
      expect(row.tokens).toBe(g.tokens.total);
      expect(row.cost).toBeCloseTo(g.cost, 12);
    }
    // Seeded facts the numbers must reflect: 40 runs, each with one search_docs call; every 7th fails.
    const search = api.groups.find((g) => g.key === 'search_docs')!;
    expect(search.count).toBe(40);
    expect(search.errorCount).toBe(6);
    const planRow = api.groups.find((g) => g.key === 'plan')!;
    expect(planRow.ttft.p95).not.toBeNull();
    // A row opens its own charts over time.
    await page.click('[data-testid=metrics-table] tr[data-group=search_docs] button[aria-label="Show charts"]');
    await page.waitForSelector('[data-testid=group-charts]');
    expect(await page.innerText('[data-testid=group-charts]')).toMatch(/Requests\s*40/);
    expect(await page.locator('[data-testid=group-charts] svg rect').count()).toBeGreaterThan(0);

    const totals = await get<MetricsResponse>(`/api/v1/metrics?from=${call.searchParams.get('from')}&to=${call.searchParams.get('to')}`);
    expect(await page.innerText('[data-testid=chart-requests-value]')).toContain(formatCount(totals.total.count));
    expect(await page.innerText('[data-testid=chart-errors-value]')).toBe(formatPercent(totals.total.errorRate));

    const errorTypes = await get<{ items: ErrorTypeRow[] }>(`/api/v1/metrics/errors?from=${call.searchParams.get('from')}&to=${call.searchParams.get('to')}`);
    await page.waitForSelector('[data-testid=error-types] tbody tr');
    const shown = await page.$$eval('[data-testid=error-types] tbody tr', (trs) =>
      trs.map((tr) => [tr.querySelector('code')?.textContent, Number((tr.querySelector('[data-value]') as HTMLElement).dataset.value)]),
    );
    expect(shown).toEqual(errorTypes.items.map((e) => [e.errorType, e.count]));
    expect(shown.find(([type]) => type === 'RateLimitError')?.[1]).toBe(6);

    const health = await get<{ items: SdkHealthRow[] }>(`/api/v1/sdk-health?from=${call.searchParams.get('from')}&to=${call.searchParams.get('to')}`);
    if (health.items.length) {
      await page.waitForSelector('[data-testid=sdk-health] tbody tr');
      expect(await page.locator('[data-testid=sdk-health] tbody tr').count()).toBe(health.items.length);
      expect(await page.innerText('[data-testid=sdk-health]')).toContain(health.items[0]!.service);
    } else {
      await page.waitForSelector('text=No SDK reports in this range.');
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens the traces behind a row, pre-filtered', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/monitor?range=6h&view=agents`);
    await page.waitForSelector('[data-testid=metrics-table] tbody tr[data-group=refund-agent]');
    await page.click('[data-testid=metrics-table] tbody tr[data-group=refund-agent] a');
    await page.waitForURL(/\/traces\?.*name=refund-agent/);
    expect(page.url()).toMatch(/kind=agent/);
    await page.waitForSelector('[data-testid=trace-table] tbody tr');
    const names = await page.$$eval('[data-testid=trace-table] tbody tr .trace-link', (as) => as.map((a) => a.textContent));
    expect(names.length).toBe(8);
    expect(new Set(names)).toEqual(new Set(['refund-agent']));

    // A tool is no trace name: the row opens the traces containing a span of that name and kind.
    await page.goto(`${server.url}/monitor?range=6h&view=tools`);
    await page.waitForSelector('[data-testid=metrics-table] tbody tr[data-group=search_docs]');
    await page.click('[data-testid=metrics-table] tbody tr[data-group=search_docs] a');
    await page.waitForURL(/\/traces\?.*spanName=search_docs/);
    const url = new URL(page.url());
    expect(url.searchParams.get('kind')).toBe('tool');
    expect(url.searchParams.get('name')).toBeNull();
    await page.waitForSelector('[data-testid=span-name-filter]');
    const api = new URLSearchParams({ spanName: 'search_docs', kind: 'tool', limit: '200' });
    for (const k of ['from', 'to']) if (url.searchParams.get(k)) api.set(k, url.searchParams.get(k)!);
    const expected = (await (await fetch(`${server.url}/api/v1/traces?${api}`)).json()) as { items: unknown[] };
    expect(expected.items.length).toBeGreaterThan(0);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=trace-table] tbody tr').length === n, expected.items.length);
    await context.close();
  });
});
