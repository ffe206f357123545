/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Takes the README's screenshots of every page with realistic data sent by the SDK, and checks each
 * page rendered its main content first (a screenshot of a spinner would pass silently otherwise).
 * Written to test-results/screenshots; `WISP_UPDATE_SCREENSHOTS=1` writes docs/screenshots instead.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservationSummary, Page as ApiPage, TraceDetail, TraceSummary } from '@wisp/protocol';
import type { Page as PwPage } from 'playwright-core';
import { runDemo } from '../../packages/server/src/demo/index.js';
import { launchChromium, openPage, startUiServer, waitForTraces, type Browser } from './ui-support.js';
import type { TestServer } from '../../packages/server/src/testing/test-server.js';

const OUT = process.env.WISP_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-results/screenshots';

describe('dashboard screenshots', () => {
  let server: TestServer;
  let browser: Browser;
  let traceIds: string[];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    server = await startUiServer();
    // `wisp demo`: two agents, sessions, tool failures, a slow release, streamed generations.
    const demo = await runDemo({ url: server.url, traces: 120 });
    await waitForTraces(server, Math.min(120, demo.traces - demo.running));
    const list = (await (await fetch(`${server.url}/api/v1/traces?limit=200`)).json()) as ApiPage<TraceSummary>;
    traceIds = list.items.map((t) => t.traceId);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  async function shoot(path: string, ready: string, file: string, colorScheme: 'light' | 'dark' = 'light', before?: (page: PwPage) => Promise<void>) {
    const { page, context, errors } = await openPage(browser, { colorScheme });
    await page.goto(`${server.url}${path}`);
    await page.waitForSelector(ready, { timeout: 10_000 });
    await before?.(page);
    await page.screenshot({ path: `${OUT}/${file}` });
    expect(errors).toEqual([]);
    await context.close();
  }

  it('traces', async () => {
    await shoot('/traces', '[data-testid=trace-table] tbody tr', 'traces.png');
  });

  const detailOf = async (traceId: string) => (await (await fetch(`${server.url}/api/v1/traces/${traceId}`)).json()) as TraceDetail;
  /** The first trace with a span matching `pick`, and that span. */
  async function find(pick: (o: ObservationSummary, d: TraceDetail) => boolean): Promise<[string, string]> {
    for (const id of traceIds) {
      const d = await detailOf(id);
      const span = d.observations.find((o) => pick(o, d));
      if (span) return [id, span.spanId];
    }
    throw new Error('no trace in the demo data has such a span');
  }

  it('trace detail', async () => {
    const [id, spanId] = await find((o, d) => o.kind === 'generation' && o.ttftMs !== null && d.observations.length >= 8 && d.trace.status === 'ok');
    await shoot(`/traces/${id}?span=${spanId}`, '[data-testid=payload-input] .chat-message, [data-testid=payload-input] .json-tree', 'trace-detail.png');
  });

  it('trace detail with an error, dark theme', async () => {
    const [id, spanId] = await find((o, d) => o.status === 'error' && o.kind === 'tool' && d.observations.length >= 8);
    await shoot(`/traces/${id}?span=${spanId}`, '[data-testid=span-error]', 'trace-detail-dark.png', 'dark', async (page) => {
      await page.check('[data-testid=critical-toggle]');
    });
  });

  it('monitor', async () => {
    await shoot('/monitor?range=6h', '[data-testid=metrics-table] tbody tr', 'monitor.png');
  });

  it('sessions', async () => {
    await shoot('/sessions', '[data-testid=session-table] tbody tr', 'sessions.png');
  });

  it('a session', async () => {
    const sessions = (await (await fetch(`${server.url}/api/v1/sessions?limit=50`)).json()) as ApiPage<{ sessionId: string; traceCount: number }>;
    const session = sessions.items.find((s) => s.traceCount >= 3) ?? sessions.items[0]!;
    await shoot(`/sessions/${encodeURIComponent(session.sessionId)}`, '[data-testid=conversation] li', 'session.png');
  });

  it('settings, with a key just created', async () => {
    await shoot('/settings', '[data-testid=api-keys]', 'settings.png', 'light', async (page) => {
      await page.fill('[data-testid=new-key-name]', 'checkout-service');
      await page.click('[data-testid=create-key]');
      await page.waitForSelector('[data-testid=new-key-secret] code');
    });
  });
});
