/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Takes the README's screenshots of every page with realistic data sent by the SDK, and checks each
 * page rendered its main content first (a screenshot of a spinner would pass silently otherwise).
 * Written to test-results/screenshots; `WISP_UPDATE_SCREENSHOTS=1` writes docs/screenshots instead.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceDetail } from '@wisp/protocol';
import type { Page as PwPage } from 'playwright-core';
import { launchChromium, openPage, sdkFor, seedAgentTraces, startUiServer, waitForTraces, type Browser } from './ui-support.js';
import type { TestServer } from '../../packages/server/src/testing/test-server.js';

const OUT = process.env.WISP_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-results/screenshots';

describe('dashboard screenshots', () => {
  let server: TestServer;
  let browser: Browser;
  let traceIds: string[];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    server = await startUiServer();
    const wisp = sdkFor(server, 'support-bot');
    traceIds = await seedAgentTraces(wisp, 60);
    await wisp.shutdown(5_000);
    await waitForTraces(server, 60);
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

  const spanNamed = async (traceId: string, name: string) => {
    const detail = (await (await fetch(`${server.url}/api/v1/traces/${traceId}`)).json()) as TraceDetail;
    return detail.observations.find((o) => o.name === name)!.spanId;
  };

  it('trace detail', async () => {
    const id = traceIds[9]!;
    await shoot(`/traces/${id}?span=${await spanNamed(id, 'answer')}`, '[data-testid=payload-input] >> text=Answer using the documents', 'trace-detail.png');
  });

  it('trace detail with an error, dark theme', async () => {
    const failing = traceIds[3]!;
    await shoot(`/traces/${failing}?span=${await spanNamed(failing, 'search_docs')}`, '[data-testid=span-error]', 'trace-detail-dark.png', 'dark', async (page) => {
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
    await shoot('/sessions/conv-2', '[data-testid=conversation] li', 'session.png');
  });

  it('settings, with a key just created', async () => {
    await shoot('/settings', '[data-testid=api-keys]', 'settings.png', 'light', async (page) => {
      await page.fill('[data-testid=new-key-name]', 'checkout-service');
      await page.click('[data-testid=create-key]');
      await page.waitForSelector('[data-testid=new-key-secret] code');
    });
  });
});
